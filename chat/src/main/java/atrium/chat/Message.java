package atrium.chat;

import java.util.List;
import java.util.Optional;

/**
 * A message as stored. A deleted one keeps its place (its id, author and time) with an empty
 * body and no attachment, so history has no holes and replies still point somewhere.
 */
public record Message(MessageId id, ConversationId conversation, long author, String body, Optional<MessageId> replyTo,
                      long createdAt, Optional<Long> editedAt, Optional<Long> deletedAt, long changedAt,
                      List<Reaction> reactions, Optional<Attachment> attachment) {
    public Message {
        reactions = List.copyOf(reactions);
    }

    public boolean deleted() {
        return deletedAt.isPresent();
    }

    public Message withReactions(List<Reaction> r) {
        return new Message(id, conversation, author, body, replyTo, createdAt, editedAt, deletedAt, changedAt, r, attachment);
    }

    public Message withAttachment(Optional<Attachment> a) {
        return new Message(id, conversation, author, body, replyTo, createdAt, editedAt, deletedAt, changedAt, reactions, a);
    }

    public record Reaction(long account, String emoji) {
    }
}
