package atrium.identity.db;

import atrium.identity.AccountId;
import atrium.identity.AppPassword;
import atrium.identity.Session;
import atrium.identity.SessionState;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** Browser sessions and app passwords, found by the SHA-256 of their secret. */
public final class CredentialStore {
    private final Jdbi jdbi;

    public CredentialStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    private static Session mapSession(ResultSet rs) throws SQLException {
        return new Session(rs.getLong("id"), new AccountId(rs.getLong("account_id")),
                SessionState.valueOf(rs.getString("state")), Rows.string(rs, "user_agent"), Rows.string(rs, "address"),
                rs.getLong("created_at"), rs.getLong("last_seen_at"));
    }

    public void insertSession(Session s, String tokenHash) {
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO identity_sessions (id, token_hash, account_id, state, user_agent, address, created_at, last_seen_at)
                        VALUES (:id, :hash, :account, :state, :ua, :addr, :created, :seen)""")
                .bind("id", s.id()).bind("hash", tokenHash).bind("account", s.accountId().value())
                .bind("state", s.state().name()).bind("ua", s.userAgent().orElse(null))
                .bind("addr", s.address().orElse(null)).bind("created", s.createdAt()).bind("seen", s.lastSeenAt())
                .execute());
    }

    public Optional<Session> sessionByTokenHash(String tokenHash) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM identity_sessions WHERE token_hash = :hash")
                .bind("hash", tokenHash).map((rs, ctx) -> mapSession(rs)).findOne());
    }

    public List<Session> sessionsOf(AccountId account) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT * FROM identity_sessions WHERE account_id = :a ORDER BY last_seen_at DESC")
                .bind("a", account.value()).map((rs, ctx) -> mapSession(rs)).list());
    }

    public void setSessionState(long id, SessionState state) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE identity_sessions SET state = :state WHERE id = :id")
                .bind("id", id).bind("state", state.name()).execute());
    }

    public void touchSession(long id, long at) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE identity_sessions SET last_seen_at = :at WHERE id = :id")
                .bind("id", id).bind("at", at).execute());
    }

    public boolean deleteSession(AccountId account, long id) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM identity_sessions WHERE id = :id AND account_id = :a")
                .bind("id", id).bind("a", account.value()).execute()) == 1;
    }

    /** Signs the account out everywhere except, optionally, one session. */
    public void deleteSessionsOf(AccountId account, Optional<Long> except) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM identity_sessions WHERE account_id = :a AND id <> :except")
                .bind("a", account.value()).bind("except", except.orElse(-1L)).execute());
    }

    public int deleteExpiredSessions(long idleBefore, long createdBefore) {
        return jdbi.withHandle(h -> h.createUpdate(
                        "DELETE FROM identity_sessions WHERE last_seen_at < :idle OR created_at < :created")
                .bind("idle", idleBefore).bind("created", createdBefore).execute());
    }

    private static AppPassword mapApp(ResultSet rs) throws SQLException {
        return new AppPassword(rs.getLong("id"), new AccountId(rs.getLong("account_id")), rs.getString("name"),
                rs.getLong("created_at"), Rows.longValue(rs, "last_used_at"));
    }

    public void insertAppPassword(AppPassword p, String tokenHash) {
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO identity_app_passwords (id, token_hash, account_id, name, created_at)
                        VALUES (:id, :hash, :a, :name, :at)""")
                .bind("id", p.id()).bind("hash", tokenHash).bind("a", p.accountId().value()).bind("name", p.name())
                .bind("at", p.createdAt()).execute());
    }

    public Optional<AppPassword> appPasswordByTokenHash(String tokenHash) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM identity_app_passwords WHERE token_hash = :hash")
                .bind("hash", tokenHash).map((rs, ctx) -> mapApp(rs)).findOne());
    }

    public List<AppPassword> appPasswordsOf(AccountId account) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT * FROM identity_app_passwords WHERE account_id = :a ORDER BY created_at DESC")
                .bind("a", account.value()).map((rs, ctx) -> mapApp(rs)).list());
    }

    public boolean deleteAppPassword(AccountId account, long id) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM identity_app_passwords WHERE id = :id AND account_id = :a")
                .bind("id", id).bind("a", account.value()).execute()) == 1;
    }

    public void touchAppPassword(long id, long at) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE identity_app_passwords SET last_used_at = :at WHERE id = :id")
                .bind("id", id).bind("at", at).execute());
    }
}
