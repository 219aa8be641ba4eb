package atrium.chat;

public record ConversationId(long value) {
    @Override
    public String toString() {
        return Long.toString(value);
    }
}
