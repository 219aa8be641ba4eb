package atrium.chat.db;

import atrium.chat.ConversationId;
import atrium.chat.Guest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/** Public links of conversations and the guests who joined through them. */
public final class GuestStore {
    /** A conversation's link: its token and, when it has one, the hash of its password. */
    public record Link(ConversationId conversation, String token, Optional<String> passwordHash) {
    }

    private final Jdbi jdbi;

    public GuestStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    private static Guest guest(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Guest(rs.getLong("id"), new ConversationId(rs.getLong("conversation_id")), rs.getString("name"),
                rs.getLong("expires_at"));
    }

    /** A new token replaces the old one; the guests of the old one are removed with it. */
    public void setLink(ConversationId c, String token, Optional<String> passwordHash) {
        jdbi.useTransaction(h -> {
            h.createUpdate("DELETE FROM chat_guests WHERE conversation_id = :c").bind("c", c.value()).execute();
            h.createUpdate("UPDATE chat_conversations SET link_token = :t, link_password = :p WHERE id = :c")
                    .bind("t", token).bind("p", passwordHash.orElse(null)).bind("c", c.value()).execute();
        });
    }

    /** False when the conversation had no link. Its guests go with it. */
    public boolean clearLink(ConversationId c) {
        return jdbi.inTransaction(h -> {
            h.createUpdate("DELETE FROM chat_guests WHERE conversation_id = :c").bind("c", c.value()).execute();
            return h.createUpdate("""
                            UPDATE chat_conversations SET link_token = NULL, link_password = NULL
                            WHERE id = :c AND link_token IS NOT NULL""")
                    .bind("c", c.value()).execute() > 0;
        });
    }

    public Optional<Link> linkOf(ConversationId c) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT id, link_token, link_password FROM chat_conversations WHERE id = :c AND link_token IS NOT NULL")
                .bind("c", c.value()).map(GuestStore::link).findOne());
    }

    public Optional<Link> byToken(String token) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT id, link_token, link_password FROM chat_conversations WHERE link_token = :t")
                .bind("t", token).map(GuestStore::link).findOne());
    }

    private static Link link(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Link(new ConversationId(rs.getLong("id")), rs.getString("link_token"),
                Optional.ofNullable(rs.getString("link_password")));
    }

    public void insert(Guest g, String sessionHash, long now) {
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO chat_guests (id, conversation_id, name, session_hash, created_at, expires_at)
                        VALUES (:id, :c, :n, :s, :now, :exp)""")
                .bind("id", g.id()).bind("c", g.conversation().value()).bind("n", g.name()).bind("s", sessionHash)
                .bind("now", now).bind("exp", g.expiresAt()).execute());
    }

    /** The guest of a session that has not expired. */
    public Optional<Guest> bySession(String sessionHash, long now) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM chat_guests WHERE session_hash = :s AND expires_at > :now")
                .bind("s", sessionHash).bind("now", now).map(GuestStore::guest).findOne());
    }

    public Optional<Guest> byId(long id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM chat_guests WHERE id = :id")
                .bind("id", id).map(GuestStore::guest).findOne());
    }

    /** The conversation's guests whose session has not expired, in the order they joined. */
    public List<Guest> of(ConversationId c, long now) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT * FROM chat_guests WHERE conversation_id = :c AND expires_at > :now ORDER BY id")
                .bind("c", c.value()).bind("now", now).map(GuestStore::guest).list());
    }

    public boolean delete(ConversationId c, long id) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM chat_guests WHERE id = :id AND conversation_id = :c")
                .bind("id", id).bind("c", c.value()).execute()) > 0;
    }
}
