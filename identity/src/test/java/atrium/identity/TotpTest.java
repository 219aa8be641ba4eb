package atrium.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TotpTest {
    private static final byte[] RFC_SECRET = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

    @Test
    void the_codes_are_those_of_rfc_6238_appendix_b_for_sha1_truncated_to_six_digits() {
        // The RFC lists 8-digit codes; 6-digit ones are their last six digits.
        assertThat(Totp.code(RFC_SECRET, Totp.step(Instant.ofEpochSecond(59L)))).isEqualTo("287082");
        assertThat(Totp.code(RFC_SECRET, Totp.step(Instant.ofEpochSecond(1111111109L)))).isEqualTo("081804");
        assertThat(Totp.code(RFC_SECRET, Totp.step(Instant.ofEpochSecond(1111111111L)))).isEqualTo("050471");
        assertThat(Totp.code(RFC_SECRET, Totp.step(Instant.ofEpochSecond(1234567890L)))).isEqualTo("005924");
        assertThat(Totp.code(RFC_SECRET, Totp.step(Instant.ofEpochSecond(2000000000L)))).isEqualTo("279037");
        assertThat(Totp.code(RFC_SECRET, Totp.step(Instant.ofEpochSecond(20000000000L)))).isEqualTo("353130");
    }

    @Test
    void the_step_counts_whole_thirty_second_periods_since_the_epoch() {
        assertThat(Totp.step(Instant.ofEpochSecond(0))).isZero();
        assertThat(Totp.step(Instant.ofEpochSecond(29))).isZero();
        assertThat(Totp.step(Instant.ofEpochSecond(30))).isEqualTo(1);
        assertThat(Totp.step(Instant.ofEpochSecond(59L))).isEqualTo(1);
        assertThat(Totp.step(Instant.ofEpochSecond(1111111109L))).isEqualTo(0x23523EC);
    }

    @Test
    void base32_encodes_as_rfc_4648_without_padding() {
        // RFC 4648 section 10 test vectors, padding removed.
        assertThat(Totp.base32(bytes(""))).isEmpty();
        assertThat(Totp.base32(bytes("f"))).isEqualTo("MY");
        assertThat(Totp.base32(bytes("fo"))).isEqualTo("MZXQ");
        assertThat(Totp.base32(bytes("foo"))).isEqualTo("MZXW6");
        assertThat(Totp.base32(bytes("foob"))).isEqualTo("MZXW6YQ");
        assertThat(Totp.base32(bytes("fooba"))).isEqualTo("MZXW6YTB");
        assertThat(Totp.base32(bytes("foobar"))).isEqualTo("MZXW6YTBOI");
        assertThat(Totp.base32(RFC_SECRET)).isEqualTo("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    }

    @Test
    void base32_decodes_in_any_case_with_spaces_and_padding_ignored() {
        assertThat(Totp.fromBase32("MZXW6YTBOI")).isEqualTo(bytes("foobar"));
        assertThat(Totp.fromBase32("mzxw 6ytb oi")).isEqualTo(bytes("foobar"));
        assertThat(Totp.fromBase32("MZXW6YQ=")).isEqualTo(bytes("foob"));
        assertThat(Totp.fromBase32(" gezd gnbv gy3t qojq gezd gnbv gy3t qojq ")).isEqualTo(RFC_SECRET);
        assertThat(Totp.fromBase32("")).isEmpty();
    }

    @Test
    void base32_round_trips_every_length_and_byte_value() {
        for (int length = 0; length < 41; length++) {
            byte[] data = new byte[length];
            for (int i = 0; i < length; i++) {
                data[i] = (byte) (i * 37 + length * 11);
            }
            assertThat(Totp.fromBase32(Totp.base32(data))).as("length %d", length).isEqualTo(data);
        }
    }

    @Test
    void base32_refuses_characters_outside_its_alphabet() {
        assertThatThrownBy(() -> Totp.fromBase32("MZXW1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'1'");
        assertThatThrownBy(() -> Totp.fromBase32("MZ-XW")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a_new_secret_has_twenty_random_bytes() {
        byte[] a = Totp.newSecret();
        byte[] b = Totp.newSecret();

        assertThat(a).hasSize(20);
        assertThat(a).isNotEqualTo(b);
        assertThat(Totp.base32(a)).hasSize(32);
    }

    @Test
    void the_matching_step_is_the_current_one_for_a_current_code() {
        Instant now = Instant.ofEpochSecond(1234567890L);

        assertThat(Totp.matchingStep(RFC_SECRET, "005924", now, 1)).hasValue(Totp.step(now));
    }

    @Test
    void a_code_from_a_neighbouring_step_matches_within_the_window_and_says_which_step() {
        Instant now = Instant.ofEpochSecond(1234567890L);
        long step = Totp.step(now);
        String previous = Totp.code(RFC_SECRET, step - 1);
        String next = Totp.code(RFC_SECRET, step + 1);
        String twoAgo = Totp.code(RFC_SECRET, step - 2);

        assertThat(Totp.matchingStep(RFC_SECRET, previous, now, 1)).hasValue(step - 1);
        assertThat(Totp.matchingStep(RFC_SECRET, next, now, 1)).hasValue(step + 1);
        assertThat(Totp.matchingStep(RFC_SECRET, twoAgo, now, 1)).isEmpty();
        assertThat(Totp.matchingStep(RFC_SECRET, twoAgo, now, 2)).hasValue(step - 2);
        assertThat(Totp.matchingStep(RFC_SECRET, previous, now, 0)).isEmpty();
    }

    @Test
    void anything_but_six_ascii_digits_matches_nothing() {
        Instant now = Instant.ofEpochSecond(1234567890L);
        for (String input : List.of("", "05924", "0059240", "005 924", " 005924", "00592a", "٠٠٥٩٢٤", "-05924",
                "+05924")) {
            assertThat(Totp.matchingStep(RFC_SECRET, input, now, 1)).as("'%s'", input).isEmpty();
        }
    }

    @Test
    void a_wrong_code_matches_nothing() {
        Instant now = Instant.ofEpochSecond(1234567890L);

        assertThat(Totp.matchingStep(RFC_SECRET, "005925", now, 1)).isEmpty();
        assertThat(Totp.matchingStep(Totp.newSecret(), "005924", now, 0)).satisfiesAnyOf(
                found -> assertThat(found).isEmpty(),
                found -> assertThat(found).isEqualTo(OptionalLong.of(Totp.step(now)))); // one chance in a million
    }

    @Test
    void an_absurd_window_is_a_programming_error() {
        assertThatThrownBy(() -> Totp.matchingStep(RFC_SECRET, "005924", Instant.now(), -1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Totp.matchingStep(RFC_SECRET, "005924", Instant.now(), 1000))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void the_otpauth_uri_follows_the_key_uri_format_and_is_url_encoded() {
        String uri = Totp.otpauthUri("Atrium", "jean.dupont@example.fr", RFC_SECRET);

        assertThat(uri).isEqualTo("otpauth://totp/Atrium:jean.dupont%40example.fr"
                + "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Atrium&algorithm=SHA1&digits=6&period=30");
    }

    @Test
    void spaces_accents_colons_and_ampersands_in_the_uri_are_escaped() {
        String uri = Totp.otpauthUri("Cabinet Lévêque & Fils", "zoé:1", RFC_SECRET);

        assertThat(uri).startsWith("otpauth://totp/Cabinet%20L%C3%A9v%C3%AAque%20%26%20Fils:zo%C3%A9%3A1?")
                .contains("&issuer=Cabinet%20L%C3%A9v%C3%AAque%20%26%20Fils&")
                .doesNotContain("+");
        URI parsed = URI.create(uri);
        assertThat(parsed.getScheme()).isEqualTo("otpauth");
        assertThat(parsed.getPath()).isEqualTo("/Cabinet Lévêque & Fils:zoé:1");
    }

    @Test
    void our_code_is_the_one_the_oathtool_authenticator_shows_now() throws Exception {
        byte[] secret = Totp.newSecret();
        String base32 = Totp.base32(secret);

        Instant before = Instant.now();
        String theirs = oathtool("--totp", "-b", base32);
        Instant after = Instant.now();

        // oathtool read the clock somewhere between before and after, which may straddle
        // a step boundary: accept the code of any step in that span.
        assertThat(theirs).matches("\\d{6}");
        List<String> ours = java.util.stream.LongStream.rangeClosed(Totp.step(before), Totp.step(after))
                .mapToObj(step -> Totp.code(secret, step)).toList();
        assertThat(ours).contains(theirs);
        assertThat(Totp.matchingStep(secret, theirs, after, 1)).isPresent();
    }

    @Test
    void our_codes_are_those_of_oathtool_at_fixed_times_with_a_lowercase_spaced_secret() throws Exception {
        byte[] secret = Totp.newSecret();
        String spaced = Totp.base32(secret).toLowerCase().replaceAll("(.{4})", "$1 ").trim();
        byte[] reread = Totp.fromBase32(spaced);

        for (long epoch : new long[] {59L, 1111111109L, 1700000000L, 2000000000L}) {
            String theirs = oathtool("--totp", "-b", "--now", "@" + epoch, Totp.base32(secret));
            assertThat(Totp.code(reread, Totp.step(Instant.ofEpochSecond(epoch)))).as("at %d", epoch)
                    .isEqualTo(theirs);
        }
    }

    private static String oathtool(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>();
        command.add("oathtool");
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            fail("This test needs the oathtool command (Debian package oathtool): apt-get install -y oathtool. " + e);
            throw e;
        }
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("oathtool did not answer within 20 s");
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(process.exitValue()).as("oathtool output: %s", output).isZero();
        return output;
    }

    private static byte[] bytes(String ascii) {
        return ascii.getBytes(StandardCharsets.US_ASCII);
    }
}
