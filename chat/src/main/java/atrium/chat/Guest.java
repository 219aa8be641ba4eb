package atrium.chat;

/**
 * Someone without an account who joined a public conversation through its link, for that one
 * conversation only, until {@code expiresAt} or until the link is revoked.
 */
public record Guest(long id, ConversationId conversation, String name, long expiresAt) {
}
