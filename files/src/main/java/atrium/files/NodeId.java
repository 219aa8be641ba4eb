package atrium.files;

public record NodeId(long value) {
}
