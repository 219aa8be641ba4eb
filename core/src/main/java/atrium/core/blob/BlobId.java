package atrium.core.blob;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The name of a blob: opaque, lower-case {@code [a-z0-9]{16,64}}. The restricted alphabet
 * makes an id safe as a file name and as an object key, and lets stores fan out by its
 * first characters.
 */
public record BlobId(String value) {
    public BlobId {
        if (value == null || !isValid(value)) {
            throw new IllegalArgumentException("not a blob id: '" + value + "' (expected 16 to 64 of a-z, 0-9)");
        }
    }

    /** A new id of 128 random bits in hexadecimal: unguessable and, in practice, unique. */
    public static BlobId random(SecureRandom random) {
        byte[] bits = new byte[16];
        random.nextBytes(bits);
        return new BlobId(HexFormat.of().formatHex(bits));
    }

    /** {@code [a-z0-9]{16,64}}, by hand: every node of a listing carries one, and a regex there showed in profiles. */
    static boolean isValid(String value) {
        int n = value.length();
        if (n < 16 || n > 64) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9')) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return value;
    }
}
