package atrium.identity;

public record GroupId(long value) {
}
