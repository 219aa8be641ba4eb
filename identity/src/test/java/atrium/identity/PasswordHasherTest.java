package atrium.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {
    // Cheap parameters so the suite stays fast; the OWASP ones are exercised once below.
    private final PasswordHasher cheap = new PasswordHasher(64, 1, 1);

    @Test
    void a_hash_is_a_phc_string_with_the_owasp_parameters_by_default() {
        String encoded = new PasswordHasher().hash("correct horse battery staple");

        assertThat(encoded).matches("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
    }

    @Test
    void the_right_password_verifies_and_a_wrong_one_does_not() {
        String encoded = cheap.hash("Tr0ub4dor&3 été");

        assertThat(cheap.verify("Tr0ub4dor&3 été", encoded)).isTrue();
        assertThat(cheap.verify("Tr0ub4dor&3 ete", encoded)).isFalse();
        assertThat(cheap.verify("", encoded)).isFalse();
    }

    @Test
    void the_same_password_hashes_differently_each_time_because_of_the_salt() {
        assertThat(cheap.hash("same")).isNotEqualTo(cheap.hash("same"));
        assertThat(cheap.hashRandomSecret("same")).isNotEqualTo(cheap.hashRandomSecret("same"));
    }

    @Test
    void hashes_made_by_the_reference_argon2_implementation_verify() {
        // Made with the reference C implementation (Debian package argon2):
        // echo -n "correct horse battery staple" | argon2 saltsaltsaltsalt -id -t 2 -k 19456 -p 1 -l 32 -e
        String owasp = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$QKHrg5tayLGcN+Y0HVPNaBqykOVLUxlMkZycXE1uWRM";
        // echo -n "Mot de passe été ☀" | argon2 0123456789abcdef -id -t 1 -k 64 -p 1 -l 32 -e
        String small = "$argon2id$v=19$m=64,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg$RHtBMEGSljwBIUKLnvCbvZ9F0BaYTKG2J1VKugAxaKA";

        assertThat(cheap.verify("correct horse battery staple", owasp)).isTrue();
        assertThat(cheap.verify("correct horse battery stapl", owasp)).isFalse();
        assertThat(cheap.verify("Mot de passe été ☀", small)).isTrue();
    }

    @Test
    void a_hash_from_argon2_cffi_with_other_parameters_verifies() {
        // The example from the argon2-cffi documentation (m=65536, t=3, p=4).
        String encoded = "$argon2id$v=19$m=65536,t=3,p=4$MIIRqgvgQbgj220jfp0MPA$YfwJSVjtjSU0zzV/P3S9nnQ/USre2wvJMjfCIjrTQbg";

        assertThat(cheap.verify("correct horse battery staple", encoded)).isTrue();
    }

    @Test
    void a_random_secret_hash_is_a_salted_sha256_that_verifies() {
        String encoded = cheap.hashRandomSecret("Abcde-Fghij-Kmnop-Qrstu");

        assertThat(encoded).matches("\\$sha256\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
        assertThat(cheap.verify("Abcde-Fghij-Kmnop-Qrstu", encoded)).isTrue();
        assertThat(cheap.verify("Abcde-Fghij-Kmnop-Qrstv", encoded)).isFalse();
    }

    @Test
    void malformed_encodings_never_verify_and_never_throw() {
        String good = cheap.hash("pw");
        List<String> bad = new ArrayList<>(List.of(
                "", "pw", "$", "$$$$$", "$argon2id$", "$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
                "$argon2id$v=16$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
                "$argon2id$v=19$m=64,t=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
                "$argon2id$v=19$m=64,t=1,p=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
                "$argon2id$v=19$m=x,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
                "$argon2id$v=19$m=-64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
                "$argon2id$v=19$m=99999999999,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
                "$argon2id$v=19$m=4194304,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
                "$argon2id$v=19$m=64,t=1000,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
                "$argon2id$v=19$m=64,t=0,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
                "$argon2id$v=19$m=64,t=1,p=1$!!!$aGFzaGhhc2hoYXNoaGFzaA",
                "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$",
                "$argon2id$v=19$m=64,t=1,p=1$$aGFzaGhhc2hoYXNoaGFzaA",
                "$sha256$", "$sha256$$", "$sha256$c2FsdA$short", "$sha256$c2FsdA$%%%", "$sha256$a$b$c",
                "$bcrypt$whatever",
                good + "$extra",
                good.substring(0, good.length() - 5)));

        for (String encoded : bad) {
            assertThat(cheap.verify("pw", encoded)).as(encoded).isFalse();
        }
    }

    @Test
    void a_hash_with_other_parameters_needs_rehashing_and_a_current_one_does_not() {
        PasswordHasher owasp = new PasswordHasher();
        String old = cheap.hash("pw");

        assertThat(owasp.needsRehash(old)).isTrue();
        assertThat(cheap.needsRehash(old)).isFalse();
        assertThat(new PasswordHasher(64, 2, 1).needsRehash(old)).isTrue();
        assertThat(new PasswordHasher(64, 1, 2).needsRehash(old)).isTrue();
        assertThat(owasp.needsRehash(
                "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$QKHrg5tayLGcN+Y0HVPNaBqykOVLUxlMkZycXE1uWRM"))
                .isFalse();
    }

    @Test
    void unreadable_hashes_need_rehashing_but_random_secret_hashes_never_do() {
        assertThat(cheap.needsRehash("garbage")).isTrue();
        assertThat(cheap.needsRehash("$argon2id$v=19$m=64")).isTrue();
        assertThat(cheap.needsRehash(cheap.hashRandomSecret("x"))).isFalse();
    }

    @Test
    void absurd_parameters_are_refused_at_construction() {
        assertThatThrownBy(() -> new PasswordHasher(4, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PasswordHasher(64, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PasswordHasher(64, 1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void one_owasp_hash_takes_a_measurable_time_which_is_printed_not_asserted() {
        PasswordHasher owasp = new PasswordHasher();
        owasp.hash("warm-up the JIT first");
        int rounds = 5;
        long start = System.nanoTime();
        String last = "";
        for (int i = 0; i < rounds; i++) {
            last = owasp.hash("correct horse battery staple " + i);
        }
        double perHashMs = (System.nanoTime() - start) / 1e6 / rounds;
        long startVerify = System.nanoTime();
        owasp.verify("correct horse battery staple " + (rounds - 1), last);
        double verifyMs = (System.nanoTime() - startVerify) / 1e6;
        long startSha = System.nanoTime();
        for (int i = 0; i < 1000; i++) {
            owasp.hashRandomSecret("Abcde-Fghij-Kmnop-Qrstu");
        }
        double shaPerThousandMs = (System.nanoTime() - startSha) / 1e6;

        System.out.printf("Argon2id m=19456 t=2 p=1: %.1f ms per hash, %.1f ms per verify;"
                + " 1000 salted SHA-256: %.1f ms in all%n", perHashMs, verifyMs, shaPerThousandMs);
        assertThat(perHashMs).isPositive();
    }
}
