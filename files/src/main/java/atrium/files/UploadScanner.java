package atrium.files;

import atrium.core.blob.Blob;
import atrium.core.blob.BlobWriter;
import atrium.identity.AccountId;
import atrium.identity.Caller;
import java.util.List;

/**
 * What {@link FileService#write} asks of a virus scanner, the one door every upload goes
 * through (PUT, chunked-upload assembly, bulk upload, and later file drops and chat
 * attachments). The body is fed to the scan while it is written to its temporary blob,
 * and the scan decides whether that blob may become a file: no second read of the data,
 * and constant memory whatever its size.
 */
public interface UploadScanner {
    /** No scanner configured: every upload is let through. */
    UploadScanner NONE = new UploadScanner() {
        @Override
        public Scan start(AccountId owner, List<String> path, Sender sender, long declaredLength) {
            return Scan.NONE;
        }

        @Override
        public Health health() {
            return Health.OFF;
        }
    };

    /**
     * Starts the scan of one upload.
     *
     * @param declaredLength the body's length when known, else -1 (an empty body needs no scan)
     * @throws atrium.core.AtriumException.Unavailable when the scanner is down and uploads
     *                                                 of this sender are blocked meanwhile
     */
    Scan start(AccountId owner, List<String> path, Sender sender, long declaredLength);

    /** For /health. */
    Health health();

    enum Health { OFF, UP, DOWN }

    /**
     * Who sends an upload: the account's own client, or an outside person through a public
     * link (the scanner may treat those more strictly when it is down).
     *
     * @param who     the login, or how the link is named for the audit log
     * @param address the sender's network address, for the audit log ("" when unknown)
     */
    record Sender(String who, String address, boolean publicLink) {
        /** A write from within the server (no request behind it). */
        public static final Sender SERVER = new Sender("", "", false);

        public static Sender of(Caller caller) {
            return new Sender(caller.login(), caller.address(), false);
        }
    }

    /** The scan of one body, fed in order from one thread at a time. */
    interface Scan extends AutoCloseable {
        Scan NONE = new Scan() {
            @Override
            public void update(byte[] b, int off, int len) {
            }

            @Override
            public Blob settle(BlobWriter writer) {
                return writer.commit();
            }

            @Override
            public void close() {
            }
        };

        /** The next piece of the body; never throws (a failure is reported by {@link #settle}). */
        void update(byte[] b, int off, int len);

        /**
         * After the whole body was written: waits for the verdict and commits the blob when
         * the file may be stored.
         *
         * @throws atrium.core.AtriumException.Rejected    infected (or too large to check, when
         *                                                 such files are refused); the blob is
         *                                                 left uncommitted or kept in quarantine
         * @throws atrium.core.AtriumException.Unavailable the scanner failed and uploads are blocked meanwhile
         */
        Blob settle(BlobWriter writer);

        /** Releases the scanner's connection; the scan is abandoned if it was not settled. */
        @Override
        void close();
    }
}
