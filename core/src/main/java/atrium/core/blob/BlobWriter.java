package atrium.core.blob;

import java.io.OutputStream;

/**
 * One blob being written. Not for use by several threads at once (like any stream); many
 * writers may run side by side. The usual shape:
 *
 * <pre>{@code
 * try (BlobWriter w = store.create()) {
 *     body.transferTo(w.stream());
 *     if (checksumMatches) {
 *         blob = w.commit();
 *     }
 * } // not committed: close() aborts and nothing was ever visible
 * }</pre>
 */
public interface BlobWriter extends AutoCloseable {
    /** Where to write the plaintext; every call returns the same stream. Closing it neither commits nor aborts. */
    OutputStream stream();

    /** Plaintext bytes accepted so far. */
    long written();

    /**
     * Makes the blob durable and then visible, in one atomic step. After this the writer is done.
     * If it fails, the blob is discarded and the exception says why.
     *
     * @throws IllegalStateException if already committed or aborted, or if a write failed
     */
    Blob commit();

    /** Discards what was written. Harmless after commit or a previous abort. */
    void abort();

    /** Aborts unless committed. */
    @Override
    void close();
}
