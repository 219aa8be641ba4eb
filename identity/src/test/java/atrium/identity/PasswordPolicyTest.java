package atrium.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import atrium.core.AtriumException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class PasswordPolicyTest {
    private final PasswordPolicy policy = new PasswordPolicy(10);

    @Test
    void a_long_unusual_password_is_accepted() {
        for (String ok : List.of("correct horse battery staple", "Tr0ub4dor&3-le-chat-qui-dort", "vélo rouge sous la pluie",
                "kj8#Lm2!qPz", "🐱🐶🐭🐹🐰🦊🐻🐼🐨🐯", "mon chien s'appelle Rex")) {
            assertThatCode(() -> policy.check(ok, "jdupont", "Jean Dupont")).as(ok).doesNotThrowAnyException();
        }
    }

    @Test
    void a_password_shorter_than_the_minimum_is_refused_saying_the_minimum() {
        refused("short", "jdupont", "Jean Dupont").hasMessageContaining("at least 10 characters");
        refused("9chars-ok", "jdupont", "Jean Dupont").hasMessageContaining("at least 10 characters")
                .hasMessageContaining("has 9");
    }

    @Test
    void the_length_is_counted_in_code_points_not_utf16_units() {
        // Five emoji are ten UTF-16 chars but five characters for a person.
        refused("🐱🐶🐭🐹🐰", "jdupont", "Jean Dupont").hasMessageContaining("at least 10");
        assertThatCode(() -> new PasswordPolicy(5).check("🐱🐶🐭🐹🐰", "jdupont", "Jean Dupont"))
                .doesNotThrowAnyException();
    }

    @Test
    void a_password_longer_than_256_characters_is_refused() {
        String ok = "a-b".repeat(85) + "xyz";
        assertThat(ok.length()).isEqualTo(258);
        refused(ok, "jdupont", "Jean Dupont").hasMessageContaining("at most 256");
        assertThatCode(() -> policy.check(ok.substring(0, 256), "jdupont", "Jean Dupont")).doesNotThrowAnyException();
    }

    @Test
    void the_most_common_passwords_are_refused_in_any_case() {
        PasswordPolicy lenient = new PasswordPolicy(6);
        for (String common : List.of("123456", "password", "qwerty123", "AZERTY", "soleil", "motdepasse", "doudou",
                "loulou", "marseille", "Chouchou", "iloveyou", "admin123", "welcome", "football", "monkey", "dragon",
                "jetaime", "bonjour", "nounours", "chocolat")) {
            assertThatThrownBy(() -> lenient.check(common, "jdupont", "Jean Dupont")).as(common)
                    .isInstanceOf(AtriumException.Invalid.class)
                    .hasMessageMatching(".*(most common passwords|repeated character or a simple sequence).*");
        }
    }

    @Test
    void a_common_password_with_digits_or_symbols_added_at_the_ends_is_still_refused() {
        for (String common : List.of("Password123!", "Motdepasse2024", "2024soleil!!", "!!marseille13", "Chocolat1234",
                "Bonjour2025!", "iloveyou!!!!", "Football#1987", "Princesse_07!")) {
            refused(common, "jdupont", "Jean Dupont").as(common).hasMessageContaining("is one of the most common passwords");
        }
    }

    @Test
    void a_common_password_spelled_with_digits_for_letters_is_refused() {
        for (String leet : List.of("P@ssw0rd2024", "M0tdep@sse!", "Ch0c0l@t123", "f00tb@ll123")) {
            refused(leet, "jdupont", "Jean Dupont").as(leet).hasMessageContaining("most common");
        }
    }

    @Test
    void a_common_password_with_accents_is_refused_like_without() {
        refused("Motdepassé2024", "jdupont", "Jean Dupont").hasMessageContaining("most common");
    }

    @Test
    void a_password_containing_the_login_is_refused() {
        refused("jdupont-2024-maison", "jdupont", "Jean Dupont").hasMessageContaining("contains your login");
        refused("MaisonJDUPONT!", "JDupont", "Jean Dupont").hasMessageContaining("contains your login");
    }

    @Test
    void a_login_of_fewer_than_three_characters_is_not_looked_for() {
        assertThatCode(() -> policy.check("jo-le-taxi-rouge", "jo", "Jo")).doesNotThrowAnyException();
    }

    @Test
    void a_password_that_is_the_persons_name_is_refused() {
        refused("Jean.Dupont", "jd", "Jean Dupont").hasMessageContaining("is your name");
        refused("dupontjean2024", "jd", "Jean Dupont").hasMessageContaining("is your name");
        refused("Dupont1234567", "jd", "Jean Dupont").hasMessageContaining("is your name");
        refused("zoelevequeorsted", "zl", "Zoé Lévêque-Orsted").hasMessageContaining("is your name");
        assertThatCode(() -> policy.check("dupont-maison-verte", "jd", "Jean Dupont")).doesNotThrowAnyException();
    }

    @Test
    void repeated_characters_and_simple_sequences_are_refused() {
        for (String trivial : List.of("aaaaaaaaaa", "1111111111", "abababababab", "123123123123", "abcdefghijkl",
                "zyxwvutsrqpo", "1234567890", "0987654321", "7890123456", "qwertyuiop", "azertyuiop", "poiuytreza",
                "QSDFGHJKLM", "1qaz2wsx3edc", "aaaaaaaaaa1", "qwertyuiop!", "!!1234567890!!", "éééééééééé")) {
            refused(trivial, "jdupont", "Jean Dupont").as(trivial)
                    .hasMessageContaining("is a single repeated character or a simple sequence");
        }
    }

    @Test
    void a_short_sequence_inside_an_otherwise_random_password_is_fine() {
        assertThatCode(() -> policy.check("xyz90817263", "jdupont", "Jean Dupont")).doesNotThrowAnyException();
        assertThatCode(() -> policy.check("abc-Kp7mZ-rT4xa", "jdupont", "Jean Dupont")).doesNotThrowAnyException();
    }

    @Test
    void the_error_has_the_weak_password_code_and_the_password_field() {
        assertThatThrownBy(() -> policy.check("azerty", "jdupont", "Jean Dupont"))
                .isInstanceOfSatisfying(AtriumException.Invalid.class, e -> {
                    assertThat(e.code()).isEqualTo("weak-password");
                    assertThat(e.field()).hasValue("password");
                    assertThat(e.status()).isEqualTo(400);
                });
    }

    @Test
    void the_list_ships_well_over_a_thousand_lower_case_passwords_in_english_and_french() throws IOException {
        assertThat(PasswordPolicy.commonCount()).isGreaterThanOrEqualTo(1000);
        for (String word : List.of("123456", "password", "qwerty", "azerty", "soleil", "motdepasse", "doudou", "loulou",
                "marseille", "chouchou", "iloveyou", "admin", "welcome", "football", "monkey", "dragon")) {
            assertThat(PasswordPolicy.isListed(word)).as(word).isTrue();
        }
        try (InputStream in = PasswordPolicy.class.getResourceAsStream("/atrium/identity/common-passwords.txt")) {
            assertThat(in).isNotNull();
            List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            assertThat(lines).allSatisfy(line -> assertThat(line).isEqualTo(line.strip().toLowerCase(Locale.ROOT)).isNotEmpty());
            assertThat(lines).doesNotHaveDuplicates();
        }
    }

    @Test
    void a_minimum_length_outside_one_to_256_is_a_programming_error() {
        assertThatThrownBy(() -> new PasswordPolicy(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PasswordPolicy(257)).isInstanceOf(IllegalArgumentException.class);
    }

    private org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> refused(String password, String login,
                                                                                         String name) {
        return assertThatThrownBy(() -> policy.check(password, login, name)).isInstanceOf(AtriumException.Invalid.class);
    }
}
