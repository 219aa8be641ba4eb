package atrium.core.blob;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The name of a blob: opaque, lower-case {@code [a-z0-9]{16,64}}. The restricted alphabet
 * makes an id safe as a file name and as an object key, and lets stores fan out by its
 * first characters.
 */
public record BlobId(String value) {
    private static final Pattern VALID = Pattern.compile("[a-z0-9]{16,64}");

    public BlobId {
        if (value == null || !VALID.matcher(value).matches()) {
            throw new IllegalArgumentException("not a blob id: '" + value + "' (expected 16 to 64 of a-z, 0-9)");
        }
    }

    /** A new id of 128 random bits in hexadecimal: unguessable and, in practice, unique. */
    public static BlobId random(SecureRandom random) {
        byte[] bits = new byte[16];
        random.nextBytes(bits);
        return new BlobId(HexFormat.of().formatHex(bits));
    }

    static boolean isValid(String value) {
        return VALID.matcher(value).matches();
    }

    @Override
    public String toString() {
        return value;
    }
}
