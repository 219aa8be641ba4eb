package atrium.identity;

public record AccountId(long value) {
    @Override
    public String toString() {
        return Long.toString(value);
    }
}
