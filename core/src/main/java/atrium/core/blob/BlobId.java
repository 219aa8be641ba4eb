package atrium.core.blob;

public record BlobId(String value) {
}
