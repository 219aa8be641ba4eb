package atrium.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class SecretsTest {
    @Test
    void a_token_is_base64url_without_padding_of_the_requested_length() {
        String token = Secrets.token(32);

        assertThat(token).hasSize(43).matches("[A-Za-z0-9_-]+");
        assertThat(Base64.getUrlDecoder().decode(token)).hasSize(32);
        assertThat(Secrets.token(1)).hasSize(2);
        assertThat(Secrets.token(32)).isNotEqualTo(token);
    }

    @Test
    void a_token_of_no_bytes_is_a_programming_error() {
        assertThatThrownBy(() -> Secrets.token(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void the_alphabet_has_no_look_alikes_and_no_duplicates() {
        assertThat(Secrets.ALPHABET).doesNotContain("0", "O", "1", "l", "I");
        assertThat(Secrets.ALPHABET.chars().distinct().count()).isEqualTo(Secrets.ALPHABET.length()).isEqualTo(57);
        assertThat(Secrets.LOWER_ALPHABET.chars().distinct().count()).isEqualTo(33);
        assertThat(Secrets.ALPHABET).contains(Secrets.LOWER_ALPHABET.substring(8));
    }

    @Test
    void a_generated_password_is_four_groups_of_five_with_at_least_a_hundred_bits() {
        String password = Secrets.generatedPassword();

        assertThat(password).matches("[2-9A-HJ-NP-Za-km-z]{5}(-[2-9A-HJ-NP-Za-km-z]{5}){3}");
        assertThat(20 * log2(Secrets.ALPHABET.length())).isGreaterThanOrEqualTo(100);
    }

    @Test
    void an_app_password_is_five_groups_of_five_with_more_than_seventy_two_bits() {
        String password = Secrets.appPassword();

        assertThat(password).matches("[2-9A-HJ-NP-Za-km-z]{5}(-[2-9A-HJ-NP-Za-km-z]{5}){4}");
        assertThat(25 * log2(Secrets.ALPHABET.length())).isGreaterThan(96);
    }

    @Test
    void a_backup_code_is_ten_lower_case_characters_in_two_groups() {
        assertThat(Secrets.backupCode()).matches("[2-9a-km-z]{5}-[2-9a-km-z]{5}");
    }

    @Test
    void generated_passwords_pass_the_password_policy() {
        PasswordPolicy policy = new PasswordPolicy(10);
        for (int i = 0; i < 200; i++) {
            policy.check(Secrets.generatedPassword(), "jdupont", "Jean Dupont");
        }
    }

    @Test
    void every_character_of_the_alphabet_turns_up_and_none_dominates() {
        assertUniform(Secrets::generatedPassword, Secrets.ALPHABET);
        assertUniform(Secrets::backupCode, Secrets.LOWER_ALPHABET);
    }

    @Test
    void secrets_do_not_repeat() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            assertThat(seen.add(Secrets.backupCode())).isTrue();
        }
    }

    private static void assertUniform(Supplier<String> source, String alphabet) {
        Map<Character, Integer> counts = new HashMap<>();
        int total = 0;
        for (int i = 0; i < 5000; i++) {
            for (char c : source.get().replace("-", "").toCharArray()) {
                counts.merge(c, 1, Integer::sum);
                total++;
            }
        }
        double expected = (double) total / alphabet.length();
        assertThat(counts.keySet()).hasSize(alphabet.length());
        // Generous bounds: this only catches a broken generator (modulo bias, a stuck index).
        assertThat(counts.values()).allSatisfy(n -> assertThat(n).isBetween((int) (expected * 0.8), (int) (expected * 1.2)));
    }

    private static double log2(int n) {
        return Math.log(n) / Math.log(2);
    }
}
