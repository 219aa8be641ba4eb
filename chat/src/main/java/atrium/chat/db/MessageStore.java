package atrium.chat.db;

import atrium.chat.Attachment;
import atrium.chat.ConversationId;
import atrium.chat.Message;
import atrium.chat.MessageId;
import atrium.core.Fold;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/** Messages with their mentions and reactions. */
public final class MessageStore {
    private final Jdbi jdbi;

    public MessageStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    private static Message message(ResultSet rs, StatementContext ctx) throws SQLException {
        long reply = rs.getLong("reply_to");
        Optional<MessageId> replyTo = rs.wasNull() ? Optional.empty() : Optional.of(new MessageId(reply));
        long edited = rs.getLong("edited_at");
        Optional<Long> editedAt = rs.wasNull() ? Optional.empty() : Optional.of(edited);
        long deleted = rs.getLong("deleted_at");
        Optional<Long> deletedAt = rs.wasNull() ? Optional.empty() : Optional.of(deleted);
        return new Message(new MessageId(rs.getLong("id")), new ConversationId(rs.getLong("conversation_id")),
                rs.getLong("author_id"), rs.getString("body"), replyTo, rs.getLong("created_at"), editedAt, deletedAt,
                rs.getLong("changed_at"), List.of(), Optional.empty());
    }

    /** The message, who it mentions, and the conversation's newest message, in one transaction. */
    public void insert(Message m, Set<Long> mentioned) {
        jdbi.useTransaction(h -> {
            h.createUpdate("""
                            INSERT INTO chat_messages (id, conversation_id, author_id, body, search_text, reply_to, created_at,
                                changed_at)
                            VALUES (:id, :c, :author, :body, :search, :reply, :at, :at)""")
                    .bind("id", m.id().value()).bind("c", m.conversation().value()).bind("author", m.author())
                    .bind("body", m.body()).bind("search", Fold.fold(m.body()))
                    .bind("reply", m.replyTo().map(MessageId::value).orElse(null))
                    .bind("at", m.createdAt()).execute();
            for (long account : mentioned) {
                h.createUpdate("INSERT INTO chat_mentions (message_id, account_id, conversation_id) VALUES (:m, :a, :c)")
                        .bind("m", m.id().value()).bind("a", account).bind("c", m.conversation().value()).execute();
            }
            if (m.attachment().isPresent()) {
                Attachment a = m.attachment().get();
                h.createUpdate("""
                                INSERT INTO chat_attachments (message_id, conversation_id, file_id, owner_id, name, size,
                                    content_type, preview) VALUES (:m, :c, :file, :owner, :name, :size, :type, :preview)""")
                        .bind("m", m.id().value()).bind("c", m.conversation().value()).bind("file", a.fileId())
                        .bind("owner", a.owner()).bind("name", a.name()).bind("size", a.size())
                        .bind("type", a.contentType()).bind("preview", a.preview()).execute();
            }
            h.createUpdate("UPDATE chat_conversations SET last_message_id = :m WHERE id = :c AND last_message_id < :m")
                    .bind("m", m.id().value()).bind("c", m.conversation().value()).execute();
            // An archived conversation comes back into its members' lists with the next message.
            h.createUpdate("UPDATE chat_members SET archived = FALSE WHERE conversation_id = :c AND archived = TRUE")
                    .bind("c", m.conversation().value()).execute();
        });
    }

    /** With its reactions. */
    public Optional<Message> byId(ConversationId c, MessageId id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM chat_messages WHERE id = :id AND conversation_id = :c")
                .bind("id", id.value()).bind("c", c.value()).map(MessageStore::message).findOne()
                .map(m -> complete(h, List.of(m)).getFirst()));
    }

    /** New text; mentions are counted again from it. */
    public void edit(MessageId id, String body, Set<Long> mentioned, ConversationId c, long now) {
        jdbi.useTransaction(h -> {
            h.createUpdate("""
                            UPDATE chat_messages SET body = :b, search_text = :search, edited_at = :now, changed_at = :now
                            WHERE id = :id""")
                    .bind("b", body).bind("search", Fold.fold(body)).bind("now", now).bind("id", id.value()).execute();
            h.createUpdate("DELETE FROM chat_mentions WHERE message_id = :id").bind("id", id.value()).execute();
            for (long account : mentioned) {
                h.createUpdate("INSERT INTO chat_mentions (message_id, account_id, conversation_id) VALUES (:m, :a, :c)")
                        .bind("m", id.value()).bind("a", account).bind("c", c.value()).execute();
            }
        });
    }

    /**
     * Empties the body and forgets mentions, reactions and the attachment (the file stays in its
     * owner's Files); the message keeps its place.
     */
    public void delete(MessageId id, long now) {
        jdbi.useTransaction(h -> {
            h.createUpdate("UPDATE chat_messages SET body = '', search_text = '', deleted_at = :now, changed_at = :now WHERE id = :id")
                    .bind("now", now).bind("id", id.value()).execute();
            h.createUpdate("DELETE FROM chat_attachments WHERE message_id = :id").bind("id", id.value()).execute();
            h.createUpdate("DELETE FROM chat_mentions WHERE message_id = :id").bind("id", id.value()).execute();
            h.createUpdate("DELETE FROM chat_reactions WHERE message_id = :id").bind("id", id.value()).execute();
        });
    }

    /** False when the account had reacted so already. */
    public boolean addReaction(MessageId id, long account, String emoji, long now) {
        return jdbi.inTransaction(h -> {
            boolean present = h.createQuery("""
                            SELECT COUNT(*) FROM chat_reactions WHERE message_id = :m AND account_id = :a AND emoji = :e""")
                    .bind("m", id.value()).bind("a", account).bind("e", emoji).mapTo(Long.class).one() > 0;
            if (!present) {
                h.createUpdate("""
                                INSERT INTO chat_reactions (message_id, account_id, emoji, created_at) VALUES (:m, :a, :e, :now)""")
                        .bind("m", id.value()).bind("a", account).bind("e", emoji).bind("now", now).execute();
                touch(h, id, now);
            }
            return !present;
        });
    }

    public boolean removeReaction(MessageId id, long account, String emoji, long now) {
        return jdbi.inTransaction(h -> {
            boolean removed = h.createUpdate("DELETE FROM chat_reactions WHERE message_id = :m AND account_id = :a AND emoji = :e")
                    .bind("m", id.value()).bind("a", account).bind("e", emoji).execute() > 0;
            if (removed) {
                touch(h, id, now);
            }
            return removed;
        });
    }

    private static void touch(Handle h, MessageId id, long now) {
        h.createUpdate("UPDATE chat_messages SET changed_at = :now WHERE id = :id").bind("now", now).bind("id", id.value())
                .execute();
    }

    /**
     * A page of history, oldest first: the {@code limit} messages just before {@code before}
     * (exclusive; {@code Long.MAX_VALUE} for the newest). Keyset paging: no gaps, no repeats.
     */
    public List<Message> page(ConversationId c, long before, int limit) {
        return jdbi.withHandle(h -> {
            List<Message> newestFirst = h.createQuery("""
                            SELECT * FROM chat_messages WHERE conversation_id = :c AND id < :before
                            ORDER BY id DESC LIMIT :limit""")
                    .bind("c", c.value()).bind("before", before).bind("limit", limit).map(MessageStore::message).list();
            List<Message> page = new ArrayList<>(newestFirst.reversed());
            return complete(h, page);
        });
    }

    /**
     * A page of history after {@code after} (exclusive), oldest first: paging forward from a
     * message opened in the middle of a conversation (a search hit).
     */
    public List<Message> after(ConversationId c, long after, int limit) {
        return jdbi.withHandle(h -> complete(h, h.createQuery("""
                        SELECT * FROM chat_messages WHERE conversation_id = :c AND id > :after
                        ORDER BY id LIMIT :limit""")
                .bind("c", c.value()).bind("after", after).bind("limit", limit).map(MessageStore::message).list()));
    }

    /**
     * The account's messages, in the conversations it is a member of, whose text holds every
     * one of {@code words} (already folded), newest first, older than {@code before}. Deleted
     * messages have an empty search text, so they are never found.
     */
    public List<Message> search(long account, List<String> words, long before, int limit) {
        if (words.isEmpty()) {
            return List.of();
        }
        StringBuilder where = new StringBuilder();
        for (int i = 0; i < words.size(); i++) {
            where.append(" AND x.search_text LIKE :w").append(i).append(" ESCAPE '!'");
        }
        return jdbi.withHandle(h -> {
            var q = h.createQuery("""
                            SELECT x.* FROM chat_messages x JOIN chat_members m ON m.conversation_id = x.conversation_id
                            WHERE m.account_id = :a AND x.id < :before AND x.deleted_at IS NULL""" + where + """

                            ORDER BY x.id DESC LIMIT :limit""")
                    .bind("a", account).bind("before", before).bind("limit", limit);
            for (int i = 0; i < words.size(); i++) {
                q.bind("w" + i, "%" + Fold.likeEscape(words.get(i)) + "%");
            }
            return complete(h, q.map(MessageStore::message).list());
        });
    }

    /** Folds the text of messages written before search existed, a batch at a time; how many it did. */
    public int backfillSearch(int batch) {
        return jdbi.inTransaction(h -> {
            List<Map.Entry<Long, String>> rows = h.createQuery(
                            "SELECT id, body FROM chat_messages WHERE search_text IS NULL LIMIT :n")
                    .bind("n", batch).map((rs, ctx) -> Map.entry(rs.getLong("id"), rs.getString("body"))).list();
            for (var r : rows) {
                h.createUpdate("UPDATE chat_messages SET search_text = :s WHERE id = :id")
                        .bind("s", Fold.fold(r.getValue())).bind("id", r.getKey()).execute();
            }
            return rows.size();
        });
    }

    /**
     * What the account missed in its conversations, by id order: messages written after
     * {@code afterId}, and older ones edited, deleted or reacted to since {@code changedSince}.
     * At most {@code limit}.
     */
    public List<Message> since(long account, long afterId, long changedSince, int limit) {
        return jdbi.withHandle(h -> complete(h, h.createQuery("""
                        SELECT x.* FROM chat_messages x JOIN chat_members m ON m.conversation_id = x.conversation_id
                        WHERE m.account_id = :a AND (x.id > :after OR x.changed_at > :since)
                        ORDER BY x.id LIMIT :limit""")
                .bind("a", account).bind("after", afterId).bind("since", changedSince).bind("limit", limit)
                .map(MessageStore::message).list()));
    }

    /** The reactions and attachments of a whole page: one query each. */
    private static List<Message> complete(Handle h, List<Message> messages) {
        if (messages.isEmpty()) {
            return messages;
        }
        Collection<Long> ids = messages.stream().map(m -> m.id().value()).toList();
        Map<Long, Attachment> attachments = new HashMap<>();
        h.createQuery("""
                        SELECT message_id, file_id, owner_id, name, size, content_type, preview FROM chat_attachments
                        WHERE message_id IN (<ids>)""")
                .bindList("ids", ids)
                .map((rs, ctx) -> Map.entry(rs.getLong("message_id"), new Attachment(rs.getLong("file_id"),
                        rs.getLong("owner_id"), rs.getString("name"), rs.getLong("size"), rs.getString("content_type"),
                        rs.getBoolean("preview"))))
                .forEach(e -> attachments.put(e.getKey(), e.getValue()));
        Map<Long, List<Message.Reaction>> byMessage = new HashMap<>();
        h.createQuery("""
                        SELECT message_id, account_id, emoji FROM chat_reactions WHERE message_id IN (<ids>)
                        ORDER BY created_at, account_id""")
                .bindList("ids", ids)
                .map((rs, ctx) -> Map.entry(rs.getLong("message_id"), new Message.Reaction(rs.getLong("account_id"),
                        rs.getString("emoji"))))
                .forEach(e -> byMessage.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
        return messages.stream().map(m -> m.withReactions(byMessage.getOrDefault(m.id().value(), List.of()))
                .withAttachment(Optional.ofNullable(attachments.get(m.id().value())))).toList();
    }
}
