package atrium.core.blob;

import java.io.IOException;

/**
 * A blob file does not hold what was committed (damaged, truncated, tampered with, moved
 * to another id) or cannot be proven to (another master key, no key at all). Never a
 * user's fault, so not an {@code AtriumException}: it surfaces as a server error and in
 * consistency checks. An {@code IOException} so that stream reads can throw it as is.
 */
public final class BlobIntegrityException extends IOException {
    public BlobIntegrityException(String message) {
        super(message);
    }

    public BlobIntegrityException(String message, Throwable cause) {
        super(message, cause);
    }
}
