package atrium.core.blob;

/** A committed blob and its size in plaintext bytes (what the writer wrote, not what is on disk). */
public record Blob(BlobId id, long size) {
    public Blob {
        if (id == null || size < 0) {
            throw new IllegalArgumentException("a blob needs an id and a size of 0 or more");
        }
    }
}
