package atrium.core.blob;

import java.io.InputStream;
import java.time.Duration;
import java.util.stream.Stream;

/**
 * Where file contents live, by opaque id. Blobs are immutable: written once through a
 * {@link BlobWriter}, visible only once committed, then read (whole or by range) and
 * finally deleted. Implementations are safe for many concurrent writers and readers.
 *
 * <p>Methods throw {@link java.io.UncheckedIOException} when the storage fails, with a
 * {@link BlobIntegrityException} as cause when a blob's bytes are not what was committed.
 */
public interface BlobStore {
    /** Starts a new blob under a fresh id; nothing is visible until {@link BlobWriter#commit()}. */
    BlobWriter create();

    /**
     * The plaintext bytes {@code [offset, offset + length)} of a blob; {@code length} -1 reads
     * to the end. The caller closes the stream. A range past the end is rejected rather than
     * shortened, because a caller asking for bytes the blob lacks has the wrong size somewhere.
     *
     * @throws atrium.core.AtriumException.NotFound if there is no such blob
     * @throws IllegalArgumentException if the range does not lie within the blob
     */
    InputStream open(BlobId id, long offset, long length);

    /** Plaintext size, read in constant time. @throws atrium.core.AtriumException.NotFound if absent */
    long size(BlobId id);

    boolean exists(BlobId id);

    /** Removes a blob; deleting one that is already gone is not an error. */
    void delete(BlobId id);

    /** Every committed blob, in no particular order, for consistency checks. The caller closes the stream. */
    Stream<BlobId> list();

    /**
     * Removes temporary files that no live writer of this store owns and that were last
     * written before {@code olderThan} ago: what a crash or a kill leaves behind.
     *
     * @return how many were removed
     */
    int sweepTemporary(Duration olderThan);
}
