package atrium.identity.db;

import atrium.identity.AuditEntry;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** The append-only audit log. */
public final class AuditStore {
    public record Filter(Optional<String> actor, Optional<String> action, Optional<String> text,
                         Optional<Long> from, Optional<Long> to, Optional<Long> before, int limit) {
    }

    private final Jdbi jdbi;

    public AuditStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public void append(AuditEntry e) {
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO identity_audit (id, at, actor, action, target, address, detail)
                        VALUES (:id, :at, :actor, :action, :target, :address, :detail)""")
                .bind("id", e.id()).bind("at", e.at()).bind("actor", e.actor().orElse(null)).bind("action", e.action())
                .bind("target", e.target().orElse(null)).bind("address", e.address().orElse(null))
                .bind("detail", e.detail().orElse(null)).execute());
    }

    /** Newest first; page with {@code before} = the last id seen. */
    public List<AuditEntry> search(Filter f) {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        f.actor().ifPresent(v -> where.append(" AND actor = :actor"));
        f.action().ifPresent(v -> where.append(" AND action = :action"));
        // LOWER on both sides: SQLite's folds ASCII only, so a Java-lowered "équipe" missed "Équipe".
        f.text().ifPresent(v -> where.append(" AND (LOWER(target) LIKE LOWER(:text) OR LOWER(detail) LIKE LOWER(:text)"
                + " OR LOWER(actor) LIKE LOWER(:text) OR LOWER(address) LIKE LOWER(:text))"));
        f.from().ifPresent(v -> where.append(" AND at >= :from"));
        f.to().ifPresent(v -> where.append(" AND at < :to"));
        f.before().ifPresent(v -> where.append(" AND id < :before"));
        return jdbi.withHandle(h -> {
            var q = h.createQuery("SELECT * FROM identity_audit" + where + " ORDER BY id DESC LIMIT :limit");
            f.actor().ifPresent(v -> q.bind("actor", v));
            f.action().ifPresent(v -> q.bind("action", v));
            f.text().ifPresent(v -> q.bind("text", "%" + v.replace("%", "") + "%"));
            f.from().ifPresent(v -> q.bind("from", v));
            f.to().ifPresent(v -> q.bind("to", v));
            f.before().ifPresent(v -> q.bind("before", v));
            return q.bind("limit", f.limit()).map((rs, ctx) -> new AuditEntry(rs.getLong("id"), rs.getLong("at"),
                    Rows.string(rs, "actor"), rs.getString("action"), Rows.string(rs, "target"),
                    Rows.string(rs, "address"), Rows.string(rs, "detail"))).list();
        });
    }
}
