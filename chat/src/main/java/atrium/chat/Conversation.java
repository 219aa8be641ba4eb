package atrium.chat;

/** A conversation: one-to-one ({@code direct}, no name) or a named group. */
public record Conversation(ConversationId id, boolean direct, String name, boolean readOnly, long createdBy,
                           long createdAt, long lastMessageId) {
}
