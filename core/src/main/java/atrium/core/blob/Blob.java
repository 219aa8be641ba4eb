package atrium.core.blob;

public record Blob(BlobId id, long size) {
}
