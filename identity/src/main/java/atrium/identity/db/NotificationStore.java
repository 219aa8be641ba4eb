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
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Notification rows, and each person's e-mail choices. Every query names the account, so one person never reaches another's. */
public final class NotificationStore {
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };
    private static final TypeReference<List<List<String>>> DETAILS = new TypeReference<>() {
    };

    /** Where a burst stands: its key, until when it takes more events, and when its e-mail is due. */
    public record Burst(String key, long until, Optional<Long> mailAt) {
    }

    private final Jdbi jdbi;

    public NotificationStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    private static Notification map(ResultSet rs) throws SQLException {
        return new Notification(rs.getLong("id"), rs.getLong("ocs_id"), new AccountId(rs.getLong("account_id")),
                NotificationKind.fromTag(rs.getString("kind")), read(rs.getString("params"), STRINGS),
                rs.getInt("item_count"), read(rs.getString("details"), DETAILS), rs.getString("link"),
                rs.getLong("created_at"), Rows.longValue(rs, "read_at"));
    }

    private static <T> T read(String json, TypeReference<T> type) {
        try {
            return Json.MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String write(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The account's next id in Nextcloud's API: one past the last it was ever given (ADR 0018). */
    private static long nextOcsId(Handle h, AccountId account) {
        h.createUpdate("INSERT INTO identity_notification_ocs_ids (account_id, last_ocs_id) VALUES (:a, 0) "
                + "ON CONFLICT (account_id) DO NOTHING").bind("a", account.value()).execute();
        h.createUpdate("UPDATE identity_notification_ocs_ids SET last_ocs_id = last_ocs_id + 1 WHERE account_id = :a")
                .bind("a", account.value()).execute();
        return h.createQuery("SELECT last_ocs_id FROM identity_notification_ocs_ids WHERE account_id = :a")
                .bind("a", account.value()).mapTo(Long.class).one();
    }

    /** Stores a notification that stands alone; its {@code ocsId} is given here. */
    public Notification insert(Notification n) {
        return jdbi.inTransaction(h -> insert(h, n, Optional.empty()));
    }

    private static Notification insert(Handle h, Notification n, Optional<Burst> burst) {
        long ocsId = nextOcsId(h, n.account());
        h.createUpdate("""
                        INSERT INTO identity_notifications (id, ocs_id, account_id, kind, params, item_count, details, link,
                            created_at, burst_key, burst_until, mail_at)
                        VALUES (:id, :ocs, :account, :kind, :params, :count, :details, :link, :created, :key, :until, :mail)""")
                .bind("id", n.id()).bind("ocs", ocsId).bind("account", n.account().value()).bind("kind", n.kind().tag())
                .bind("params", write(n.params())).bind("count", n.count()).bind("details", write(n.details()))
                .bind("link", n.link()).bind("created", n.createdAt())
                .bind("key", burst.map(Burst::key).orElse(""))
                .bind("until", burst.map(Burst::until).orElse(null))
                .bind("mail", burst.flatMap(Burst::mailAt).orElse(null)).execute();
        return new Notification(n.id(), ocsId, n.account(), n.kind(), n.params(), n.count(), n.details(), n.link(),
                n.createdAt(), n.readAt());
    }

    /**
     * Adds one event to the account's open burst of that key, or starts one with {@code first}.
     * The burst comes back as new: unread, on top, with a new {@code ocsId} so that Nextcloud's
     * clients show it again; its quiet period and e-mail start over.
     *
     * @param maxDetails past this many events, only the count grows
     */
    public Notification addToBurst(Notification first, Burst burst, int maxDetails) {
        return add(first, burst, maxDetails, false);
    }

    /**
     * Adds one event to the account's notification of that key that is still to be seen, or
     * starts one with {@code first}. It comes back unread, on top, with a new {@code ocsId}; its
     * e-mail stays due when the first event made it due ({@code mailAt} only starts it).
     * It stays open (a burst without end) until {@link #dismiss}ed or mailed.
     */
    public Notification addUntilSeen(Notification first, String key, Optional<Long> mailAt, int maxDetails) {
        return add(first, new Burst(key, Long.MAX_VALUE, mailAt), maxDetails, true);
    }

    /** @param keepMailTime whether an e-mail already due keeps its time, rather than starting over */
    private Notification add(Notification first, Burst burst, int maxDetails, boolean keepMailTime) {
        return jdbi.inTransaction(h -> {
            Optional<Notification> open = h.createQuery("""
                            SELECT * FROM identity_notifications
                            WHERE account_id = :a AND burst_key = :key AND burst_until > :now""")
                    .bind("a", first.account().value()).bind("key", burst.key()).bind("now", first.createdAt())
                    .map((rs, ctx) -> map(rs)).findFirst();
            if (open.isPresent()) {
                Notification o = open.get();
                List<List<String>> details = new ArrayList<>(o.details());
                if (details.size() < maxDetails) {
                    details.addAll(first.details());
                }
                long ocsId = nextOcsId(h, o.account());
                // The guard on burst_until: a burst whose e-mail went out (or, until seen, that was
                // dismissed) meanwhile is closed, start another.
                int updated = h.createUpdate("""
                                UPDATE identity_notifications SET ocs_id = :ocs, params = :params, item_count = item_count + 1,
                                    details = :details, created_at = :now, read_at = NULL, burst_until = :until, mail_at = %s
                                WHERE id = :id AND burst_until > :now""".formatted(keepMailTime ? "COALESCE(mail_at, :mail)" : ":mail"))
                        .bind("ocs", ocsId).bind("params", write(first.params())).bind("details", write(details))
                        .bind("now", first.createdAt()).bind("until", burst.until())
                        .bind("mail", burst.mailAt().orElse(null)).bind("id", o.id()).execute();
                if (updated == 1) {
                    return new Notification(o.id(), ocsId, o.account(), o.kind(), first.params(), o.count() + 1, details,
                            o.link(), first.createdAt(), Optional.empty());
                }
            }
            return insert(h, first, Optional.of(burst));
        });
    }

    /** The account's notifications of that key are read, closed, and their e-mail no longer goes. */
    public void dismiss(AccountId account, String key, long now) {
        jdbi.useHandle(h -> h.createUpdate("""
                        UPDATE identity_notifications SET read_at = COALESCE(read_at, :now), mail_at = NULL, burst_until = NULL
                        WHERE account_id = :a AND burst_key = :key AND (read_at IS NULL OR burst_until IS NOT NULL)""")
                .bind("now", now).bind("a", account.value()).bind("key", key).execute());
    }

    /** Bursts whose quiet period is over and whose e-mail is due, oldest first. */
    public List<Long> mailsDue(long now, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT id FROM identity_notifications WHERE mail_at <= :now ORDER BY mail_at LIMIT :limit""")
                .bind("now", now).bind("limit", limit).mapTo(Long.class).list());
    }

    /**
     * Takes the burst's e-mail to send it and closes the burst (the next event starts another).
     * Empty when another node took it first, or the burst grew meanwhile (its e-mail is due later).
     */
    public Optional<Notification> claimMail(long id, long now) {
        return jdbi.inTransaction(h -> {
            int claimed = h.createUpdate("""
                            UPDATE identity_notifications SET mail_at = NULL, burst_until = NULL
                            WHERE id = :id AND mail_at <= :now""")
                    .bind("id", id).bind("now", now).execute();
            return claimed == 0 ? Optional.<Notification>empty()
                    : h.createQuery("SELECT * FROM identity_notifications WHERE id = :id").bind("id", id)
                    .map((rs, ctx) -> map(rs)).findOne();
        });
    }

    /** Newest (or latest grown) first. */
    public List<Notification> page(AccountId account, int limit, int offset) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM identity_notifications WHERE account_id = :account
                        ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset""")
                .bind("account", account.value()).bind("limit", limit).bind("offset", offset)
                .map((rs, ctx) -> map(rs)).list());
    }

    public Optional<Notification> byOcsId(AccountId account, long ocsId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM identity_notifications WHERE account_id = :a AND ocs_id = :o")
                .bind("a", account.value()).bind("o", ocsId).map((rs, ctx) -> map(rs)).findOne());
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

    public void deleteAll(AccountId account) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM identity_notifications WHERE account_id = :a")
                .bind("a", account.value()).execute());
    }

    /** Forgets notifications made before {@code cutoff}, read or not, unless their e-mail is still to go. */
    public int purgeBefore(long cutoff) {
        return jdbi.withHandle(h -> h.createUpdate(
                        "DELETE FROM identity_notifications WHERE created_at < :c AND mail_at IS NULL")
                .bind("c", cutoff).execute());
    }

    /** The kinds for which the account chose e-mail on or off; the others follow the server's default. */
    public Map<NotificationKind, Boolean> mailChoices(AccountId account) {
        Map<NotificationKind, Boolean> out = new EnumMap<>(NotificationKind.class);
        jdbi.useHandle(h -> h.createQuery("SELECT kind, mail FROM identity_notification_mail WHERE account_id = :a")
                .bind("a", account.value())
                .map((rs, ctx) -> Map.entry(NotificationKind.fromTag(rs.getString("kind")), rs.getBoolean("mail")))
                .forEach(e -> out.put(e.getKey(), e.getValue())));
        return out;
    }

    public void chooseMail(AccountId account, Map<NotificationKind, Boolean> choices) {
        jdbi.useTransaction(h -> choices.forEach((kind, mail) -> {
            int n = h.createUpdate("UPDATE identity_notification_mail SET mail = :m WHERE account_id = :a AND kind = :k")
                    .bind("m", mail).bind("a", account.value()).bind("k", kind.tag()).execute();
            if (n == 0) {
                h.createUpdate("INSERT INTO identity_notification_mail (account_id, kind, mail) VALUES (:a, :k, :m)")
                        .bind("m", mail).bind("a", account.value()).bind("k", kind.tag()).execute();
            }
        }));
    }
}
