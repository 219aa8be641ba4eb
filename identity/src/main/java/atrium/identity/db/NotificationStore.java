package atrium.identity.db;

import atrium.core.http.Json;
import atrium.identity.AccountId;
import atrium.identity.Notification;
import atrium.identity.NotificationKind;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** Notification rows. Every query names the account, so one person never reaches another's. */
public final class NotificationStore {
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    private final Jdbi jdbi;

    public NotificationStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    private static Notification map(ResultSet rs) throws SQLException {
        try {
            return new Notification(rs.getLong("id"), new AccountId(rs.getLong("account_id")),
                    NotificationKind.fromTag(rs.getString("kind")), Json.MAPPER.readValue(rs.getString("params"), STRINGS),
                    rs.getString("link"), rs.getLong("created_at"), Rows.longValue(rs, "read_at"));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void insert(Notification n) {
        String params;
        try {
            params = Json.MAPPER.writeValueAsString(n.params());
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO identity_notifications (id, account_id, kind, params, link, created_at)
                        VALUES (:id, :account, :kind, :params, :link, :created)""")
                .bind("id", n.id()).bind("account", n.account().value()).bind("kind", n.kind().tag())
                .bind("params", params).bind("link", n.link()).bind("created", n.createdAt()).execute());
    }

    /** Newest first; ids grow with time, so the id orders them. */
    public List<Notification> page(AccountId account, int limit, int offset) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM identity_notifications WHERE account_id = :account
                        ORDER BY id DESC LIMIT :limit OFFSET :offset""")
                .bind("account", account.value()).bind("limit", limit).bind("offset", offset)
                .map((rs, ctx) -> map(rs)).list());
    }

    public long count(AccountId account) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM identity_notifications WHERE account_id = :a")
                .bind("a", account.value()).mapTo(Long.class).one());
    }

    public long unread(AccountId account) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT COUNT(*) FROM identity_notifications WHERE account_id = :a AND read_at IS NULL")
                .bind("a", account.value()).mapTo(Long.class).one());
    }

    /** False when the account has no such notification. */
    public boolean markRead(AccountId account, long id, long now) {
        int found = jdbi.withHandle(h -> h.createUpdate("""
                        UPDATE identity_notifications SET read_at = COALESCE(read_at, :now)
                        WHERE id = :id AND account_id = :account""")
                .bind("now", now).bind("id", id).bind("account", account.value()).execute());
        return found > 0;
    }

    public void markAllRead(AccountId account, long now) {
        jdbi.useHandle(h -> h.createUpdate("""
                        UPDATE identity_notifications SET read_at = :now WHERE account_id = :account AND read_at IS NULL""")
                .bind("now", now).bind("account", account.value()).execute());
    }

    /** False when the account has no such notification. */
    public boolean delete(AccountId account, long id) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM identity_notifications WHERE id = :id AND account_id = :a")
                .bind("id", id).bind("a", account.value()).execute()) > 0;
    }

    /** Forgets notifications made before {@code cutoff}, read or not. */
    public int purgeBefore(long cutoff) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM identity_notifications WHERE created_at < :c")
                .bind("c", cutoff).execute());
    }
}
