package atrium.chat;

/** An account in a conversation, with its role and the newest message it has read. */
public record Member(ConversationId conversation, long account, Role role, long joinedAt, long lastReadId) {
}
