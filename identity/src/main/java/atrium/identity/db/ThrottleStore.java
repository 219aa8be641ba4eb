package atrium.identity.db;

import org.jdbi.v3.core.Jdbi;

/**
 * Recent sign-in failures per subject ("account:alice", "address:192.0.2.7"), kept in
 * the database so every node and a restart see the same counts.
 */
public final class ThrottleStore {
    public record Failures(int count, long latest) {
    }

    private final Jdbi jdbi;

    public ThrottleStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public void record(String subject, long at) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO identity_login_failures (subject, at) VALUES (:s, :at)")
                .bind("s", subject).bind("at", at).execute());
    }

    public Failures since(String subject, long since) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT COUNT(*), MAX(at) FROM identity_login_failures WHERE subject = :s AND at >= :since")
                .bind("s", subject).bind("since", since)
                .map((rs, ctx) -> new Failures(rs.getInt(1), rs.getLong(2))).one());
    }

    public void clear(String subject) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM identity_login_failures WHERE subject = :s")
                .bind("s", subject).execute());
    }

    public int purge(long before) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM identity_login_failures WHERE at < :b")
                .bind("b", before).execute());
    }
}
