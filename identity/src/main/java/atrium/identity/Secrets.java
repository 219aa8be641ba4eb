package atrium.identity;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Random secrets the server hands out. The ones a person reads or types use an alphabet
 * without the look-alikes 0/O, 1/l/I, so that a password read aloud over the phone or
 * copied from paper survives.
 */
public final class Secrets {
    /** 8 digits, 24 upper-case and 25 lower-case letters: log2(57) ≈ 5.83 bits a character. */
    static final String ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    /** The lower-case part, for codes typed on a phone: log2(33) ≈ 5.04 bits a character. */
    static final String LOWER_ALPHABET = "23456789abcdefghijkmnopqrstuvwxyz";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private Secrets() {
    }

    /** {@code bytes} random bytes, base64url without padding (for session tokens, ids in links). */
    public static String token(int bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("bytes must be positive");
        }
        byte[] data = new byte[bytes];
        RANDOM.nextBytes(data);
        return B64URL.encodeToString(data);
    }

    /** A password the server chose for a person: 4 groups of 5, about 117 bits, e.g. {@code Kp7mZ-rT4xa-…}. */
    public static String generatedPassword() {
        return groups(ALPHABET, 4, 5);
    }

    /**
     * An app password for sync clients, in the shape of Nextcloud's
     * ({@code xxxxx-xxxxx-xxxxx-xxxxx-xxxxx}): 5 groups of 5, about 146 bits.
     */
    public static String appPassword() {
        return groups(ALPHABET, 5, 5);
    }

    /**
     * A single-use backup code, {@code xxxxx-xxxxx} in lower case: about 50 bits, ample
     * for a code that only works after the password and under the sign-in throttle.
     */
    public static String backupCode() {
        return groups(LOWER_ALPHABET, 2, 5);
    }

    private static String groups(String alphabet, int count, int size) {
        StringBuilder out = new StringBuilder(count * (size + 1));
        for (int g = 0; g < count; g++) {
            if (g > 0) {
                out.append('-');
            }
            for (int i = 0; i < size; i++) {
                out.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
            }
        }
        return out.toString();
    }
}
