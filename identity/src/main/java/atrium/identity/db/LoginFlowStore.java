package atrium.identity.db;

import atrium.identity.AccountId;
import atrium.identity.LoginFlow;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Nextcloud Login Flow v2 rows, found by the SHA-256 of the poll token (the client) or of
 * the login token (the browser). Every change of state is a conditional UPDATE whose row
 * count says whether this caller won, so two nodes never grant or deliver the same flow twice.
 */
public final class LoginFlowStore {
    /** Flows of one address still open: how many, and when the first of them expires. */
    public record Open(int count, long firstExpiry) {
    }

    private final Jdbi jdbi;

    public LoginFlowStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    private static LoginFlow map(ResultSet rs) throws SQLException {
        return new LoginFlow(rs.getLong("id"), rs.getString("client_name"), rs.getString("address"),
                LoginFlow.State.valueOf(rs.getString("state")), rs.getLong("created_at"), rs.getLong("expires_at"),
                Rows.longValue(rs, "account_id").map(AccountId::new), Rows.string(rs, "login_name"),
                Rows.string(rs, "app_password"), Rows.longValue(rs, "app_password_id"));
    }

    public void insert(long id, String pollTokenHash, String loginTokenHash, String clientName, String address,
                       long createdAt, long expiresAt) {
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO identity_login_flows
                            (id, poll_token_hash, login_token_hash, client_name, address, state, created_at, expires_at)
                        VALUES (:id, :poll, :login, :name, :addr, 'PENDING', :created, :expires)""")
                .bind("id", id).bind("poll", pollTokenHash).bind("login", loginTokenHash).bind("name", clientName)
                .bind("addr", address).bind("created", createdAt).bind("expires", expiresAt).execute());
    }

    public Optional<LoginFlow> byPollTokenHash(String hash) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM identity_login_flows WHERE poll_token_hash = :h")
                .bind("h", hash).map((rs, ctx) -> map(rs)).findOne());
    }

    public Optional<LoginFlow> byLoginTokenHash(String hash) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM identity_login_flows WHERE login_token_hash = :h")
                .bind("h", hash).map((rs, ctx) -> map(rs)).findOne());
    }

    public Optional<LoginFlow> byId(long id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM identity_login_flows WHERE id = :id")
                .bind("id", id).map((rs, ctx) -> map(rs)).findOne());
    }

    /** Pending flows started from an address that have not expired at {@code now}. */
    public Open openFrom(String address, long now) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT COUNT(*), MIN(expires_at) FROM identity_login_flows
                        WHERE address = :a AND expires_at > :now AND state = 'PENDING'""")
                .bind("a", address).bind("now", now)
                .map((rs, ctx) -> new Open(rs.getInt(1), rs.getLong(2))).one());
    }

    /** PENDING → GRANTING if the flow has not expired; false when another request got there first. */
    public boolean claim(long id, long now) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        UPDATE identity_login_flows SET state = 'GRANTING'
                        WHERE id = :id AND state = 'PENDING' AND expires_at > :now""")
                .bind("id", id).bind("now", now).execute()) == 1;
    }

    /** GRANTING → PENDING, when creating the app password failed. */
    public void release(long id) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE identity_login_flows SET state = 'PENDING' WHERE id = :id AND state = 'GRANTING'")
                .bind("id", id).execute());
    }

    /** GRANTING → GRANTED with the credentials the client will collect. */
    public boolean granted(long id, AccountId account, String loginName, String appPassword, long appPasswordId) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        UPDATE identity_login_flows
                        SET state = 'GRANTED', account_id = :a, login_name = :login, app_password = :pw, app_password_id = :pwid
                        WHERE id = :id AND state = 'GRANTING'""")
                .bind("id", id).bind("a", account.value()).bind("login", loginName).bind("pw", appPassword)
                .bind("pwid", appPasswordId).execute()) == 1;
    }

    /** PENDING → CANCELLED. */
    public boolean cancel(long id) {
        return jdbi.withHandle(h -> h.createUpdate(
                        "UPDATE identity_login_flows SET state = 'CANCELLED' WHERE id = :id AND state = 'PENDING'")
                .bind("id", id).execute()) == 1;
    }

    /**
     * GRANTED → DELIVERED before expiry, forgetting the app password. True for exactly one
     * caller: the one that may hand the password (read just before) to the client.
     */
    public boolean delivered(long id, long now) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        UPDATE identity_login_flows SET state = 'DELIVERED', app_password = NULL
                        WHERE id = :id AND state = 'GRANTED' AND expires_at > :now""")
                .bind("id", id).bind("now", now).execute()) == 1;
    }

    /** Granted (or being granted) flows that expired before their app password was collected. */
    public List<LoginFlow> expiredGrants(long now) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM identity_login_flows
                        WHERE expires_at <= :now AND state IN ('GRANTING', 'GRANTED') ORDER BY id""")
                .bind("now", now).map((rs, ctx) -> map(rs)).list());
    }

    /** Deletes a flow that is granted or being granted; true for the one caller that deleted it. */
    public boolean discardGrant(long id) {
        return jdbi.withHandle(h -> h.createUpdate(
                        "DELETE FROM identity_login_flows WHERE id = :id AND state IN ('GRANTING', 'GRANTED')")
                .bind("id", id).execute()) == 1;
    }

    /** Deletes the flows that expired before {@code before}, whatever their state. */
    public int deleteExpiredBefore(long before) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM identity_login_flows WHERE expires_at < :b")
                .bind("b", before).execute());
    }
}
