package atrium.files.share;

public record ShareId(long value) {
}
