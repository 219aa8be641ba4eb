package atrium.chat.db;

import atrium.chat.Conversation;
import atrium.chat.ConversationId;
import atrium.chat.Member;
import atrium.chat.Role;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/** Conversations and their members. */
public final class ConversationStore {
    /**
     * A conversation as one member sees it in their list: with their role, unread and mention
     * counts, the number of members and their accounts (so a list can be filtered by who is in
     * it), and for a one-to-one the other person's account.
     */
    public record Summary(Conversation conversation, Role role, long lastReadId, long unread, long mentions,
                          long memberCount, long other, Personal personal, List<Long> members) {
        public Summary {
            members = List.copyOf(members);
        }
    }

    /** One member's own settings for a conversation. */
    public record Personal(boolean muted, boolean favourite, boolean archived) {
    }

    private final Jdbi jdbi;

    public ConversationStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    static Conversation conversation(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Conversation(new ConversationId(rs.getLong("id")), "direct".equals(rs.getString("kind")),
                rs.getString("name"), rs.getBoolean("read_only"), rs.getLong("created_by"), rs.getLong("created_at"),
                rs.getLong("last_message_id"));
    }

    private static Member memberRow(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Member(new ConversationId(rs.getLong("conversation_id")), rs.getLong("account_id"),
                Role.valueOf(rs.getString("role").toUpperCase(Locale.ROOT)), rs.getLong("joined_at"),
                rs.getLong("last_read_id"));
    }

    /** Inserts the conversation and its first members in one transaction. */
    public void create(Conversation c, Optional<String> directKey, List<Member> members) {
        jdbi.useTransaction(h -> {
            h.createUpdate("""
                            INSERT INTO chat_conversations (id, kind, name, direct_key, read_only, created_by, created_at,
                                last_message_id)
                            VALUES (:id, :kind, :name, :key, :ro, :by, :at, 0)""")
                    .bind("id", c.id().value()).bind("kind", c.direct() ? "direct" : "group").bind("name", c.name())
                    .bind("key", directKey.orElse(null)).bind("ro", c.readOnly()).bind("by", c.createdBy())
                    .bind("at", c.createdAt()).execute();
            for (Member m : members) {
                insertMember(h, m);
            }
        });
    }

    private static void insertMember(Handle h, Member m) {
        h.createUpdate("""
                        INSERT INTO chat_members (conversation_id, account_id, role, joined_at, last_read_id)
                        VALUES (:c, :a, :role, :at, :read)""")
                .bind("c", m.conversation().value()).bind("a", m.account()).bind("role", m.role().tag())
                .bind("at", m.joinedAt()).bind("read", m.lastReadId()).execute();
    }

    public Optional<Conversation> byId(ConversationId id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM chat_conversations WHERE id = :id")
                .bind("id", id.value()).map(ConversationStore::conversation).findOne());
    }

    public Optional<Conversation> byDirectKey(String key) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM chat_conversations WHERE direct_key = :k")
                .bind("k", key).map(ConversationStore::conversation).findOne());
    }

    public void rename(ConversationId id, String name) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE chat_conversations SET name = :n WHERE id = :id")
                .bind("n", name).bind("id", id.value()).execute());
    }

    public void setReadOnly(ConversationId id, boolean readOnly) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE chat_conversations SET read_only = :r WHERE id = :id")
                .bind("r", readOnly).bind("id", id.value()).execute());
    }

    /** Members, messages, mentions and reactions go with it (ON DELETE CASCADE). */
    public void delete(ConversationId id) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM chat_conversations WHERE id = :id").bind("id", id.value()).execute());
    }

    /** False when the account is a member already. */
    public boolean addMember(Member m) {
        return jdbi.inTransaction(h -> {
            boolean present = h.createQuery("SELECT COUNT(*) FROM chat_members WHERE conversation_id = :c AND account_id = :a")
                    .bind("c", m.conversation().value()).bind("a", m.account()).mapTo(Long.class).one() > 0;
            if (!present) {
                insertMember(h, m);
            }
            return !present;
        });
    }

    public boolean removeMember(ConversationId c, long account) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM chat_members WHERE conversation_id = :c AND account_id = :a")
                .bind("c", c.value()).bind("a", account).execute()) > 0;
    }

    public void setRole(ConversationId c, long account, Role role) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE chat_members SET role = :r WHERE conversation_id = :c AND account_id = :a")
                .bind("r", role.tag()).bind("c", c.value()).bind("a", account).execute());
    }

    public Optional<Member> member(ConversationId c, long account) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM chat_members WHERE conversation_id = :c AND account_id = :a")
                .bind("c", c.value()).bind("a", account).map(ConversationStore::memberRow).findOne());
    }

    /** In the order they joined. */
    public List<Member> members(ConversationId c) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT * FROM chat_members WHERE conversation_id = :c ORDER BY joined_at, account_id")
                .bind("c", c.value()).map(ConversationStore::memberRow).list());
    }

    private static Personal personalRow(ResultSet rs) throws SQLException {
        return new Personal(rs.getBoolean("muted"), rs.getBoolean("favourite"), rs.getBoolean("archived"));
    }

    public Optional<Personal> personal(ConversationId c, long account) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT muted, favourite, archived FROM chat_members WHERE conversation_id = :c AND account_id = :a")
                .bind("c", c.value()).bind("a", account).map((rs, ctx) -> personalRow(rs)).findOne());
    }

    /** The members who muted the conversation: no notification reaches them from it. */
    public java.util.Set<Long> muted(ConversationId c) {
        return jdbi.withHandle(h -> h.createQuery("SELECT account_id FROM chat_members WHERE conversation_id = :c AND muted = TRUE")
                .bind("c", c.value()).mapTo(Long.class).set());
    }

    public void setPersonal(ConversationId c, long account, Personal p) {
        jdbi.useHandle(h -> h.createUpdate("""
                        UPDATE chat_members SET muted = :mu, favourite = :f, archived = :ar
                        WHERE conversation_id = :c AND account_id = :a""")
                .bind("mu", p.muted()).bind("f", p.favourite()).bind("ar", p.archived())
                .bind("c", c.value()).bind("a", account).execute());
    }

    /** Links the conversation to an identity group; false when it was linked already. */
    public boolean linkGroup(ConversationId c, long group) {
        return jdbi.inTransaction(h -> {
            boolean present = h.createQuery("SELECT COUNT(*) FROM chat_group_links WHERE conversation_id = :c AND group_id = :g")
                    .bind("c", c.value()).bind("g", group).mapTo(Long.class).one() > 0;
            if (!present) {
                h.createUpdate("INSERT INTO chat_group_links (conversation_id, group_id) VALUES (:c, :g)")
                        .bind("c", c.value()).bind("g", group).execute();
            }
            return !present;
        });
    }

    public boolean unlinkGroup(ConversationId c, long group) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM chat_group_links WHERE conversation_id = :c AND group_id = :g")
                .bind("c", c.value()).bind("g", group).execute()) > 0;
    }

    /** The identity groups the conversation follows. */
    public List<Long> linkedGroups(ConversationId c) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT group_id FROM chat_group_links WHERE conversation_id = :c ORDER BY group_id")
                .bind("c", c.value()).mapTo(Long.class).list());
    }

    /** The conversations that follow an identity group. */
    public List<ConversationId> linkedTo(long group) {
        return jdbi.withHandle(h -> h.createQuery("SELECT conversation_id FROM chat_group_links WHERE group_id = :g")
                .bind("g", group).map((rs, ctx) -> new ConversationId(rs.getLong(1))).list());
    }

    /** Moves the read marker forward only: an old tab cannot mark read messages unread again. */
    public void markRead(ConversationId c, long account, long messageId) {
        jdbi.useHandle(h -> h.createUpdate("""
                        UPDATE chat_members SET last_read_id = :m
                        WHERE conversation_id = :c AND account_id = :a AND last_read_id < :m""")
                .bind("m", messageId).bind("c", c.value()).bind("a", account).execute());
    }

    /**
     * The account's conversations, favourites first, then most recent activity first, each with the messages after its
     * read marker written by others (not deleted) and those of them that mention it, and its members. Two queries.
     */
    public List<Summary> summaries(long account) {
        return jdbi.withHandle(h -> {
            Map<Long, List<Long>> members = new HashMap<>();
            h.createQuery("""
                            SELECT o.conversation_id, o.account_id FROM chat_members o
                            JOIN chat_members m ON m.conversation_id = o.conversation_id
                            WHERE m.account_id = :a ORDER BY o.conversation_id, o.account_id""")
                    .bind("a", account)
                    .map((rs, ctx) -> new long[] {rs.getLong(1), rs.getLong(2)})
                    .forEach(r -> members.computeIfAbsent(r[0], k -> new ArrayList<>()).add(r[1]));
            return h.createQuery("""
                        SELECT c.*, m.role, m.last_read_id, m.muted, m.favourite, m.archived,
                            (SELECT COUNT(*) FROM chat_messages x WHERE x.conversation_id = c.id
                                AND x.id > m.last_read_id AND x.author_id <> :a AND x.deleted_at IS NULL) AS unread,
                            CASE WHEN m.muted THEN 0 ELSE
                            (SELECT COUNT(*) FROM chat_mentions n JOIN chat_messages x ON x.id = n.message_id
                                WHERE n.account_id = :a AND n.conversation_id = c.id AND n.message_id > m.last_read_id
                                AND x.deleted_at IS NULL) END AS mentions,
                            (SELECT COUNT(*) FROM chat_members o WHERE o.conversation_id = c.id) AS member_count,
                            (SELECT MIN(o.account_id) FROM chat_members o WHERE o.conversation_id = c.id
                                AND o.account_id <> :a) AS other
                        FROM chat_members m JOIN chat_conversations c ON c.id = m.conversation_id
                        WHERE m.account_id = :a
                        ORDER BY CASE WHEN m.favourite THEN 0 ELSE 1 END,
                            CASE WHEN c.last_message_id > c.id THEN c.last_message_id ELSE c.id END DESC""")
                    .bind("a", account)
                    .map((rs, ctx) -> new Summary(conversation(rs, ctx), Role.valueOf(rs.getString("role").toUpperCase(Locale.ROOT)),
                            rs.getLong("last_read_id"), rs.getLong("unread"), rs.getLong("mentions"),
                            rs.getLong("member_count"), rs.getLong("other"), personalRow(rs),
                            members.getOrDefault(rs.getLong("id"), List.of())))
                    .list();
        });
    }
}
