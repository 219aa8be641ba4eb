package atrium.voip.db;

import atrium.identity.AccountId;
import atrium.voip.CallLog;
import atrium.voip.CallRecord;
import atrium.voip.CallRecordId;
import atrium.voip.DeviceId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/** The call log's tables: {@code voip_calls}, their transfers, and when each person last looked at their calls. */
public final class CallStore {
    /** Which side of a call a person or number filter matches. */
    public enum Side { EITHER, CALLER, CALLEE }

    /**
     * A search: a person (account) and/or a number on the chosen side, an outcome, a start time range
     * [{@code from}, {@code to}), and {@code before} a call id for the next page. Newest first.
     */
    public record Filter(Optional<AccountId> person, Optional<String> number, Side side,
                         Optional<CallLog.Outcome> outcome, Optional<Long> from, Optional<Long> to,
                         Optional<CallRecordId> before, int limit) {
        public Filter withBefore(CallRecordId id) {
            return new Filter(person, number, side, outcome, from, to, Optional.of(id), limit);
        }

        public Filter withLimit(int n) {
            return new Filter(person, number, side, outcome, from, to, before, n);
        }
    }

    /** Whether a search keeps the calls still in progress (administrators) or only those that ended (a history). */
    private enum Open { KEPT, LEFT_OUT }

    private final Jdbi jdbi;

    public CallStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public void insert(CallRecord c, int node) {
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO voip_calls (id, node, sip_call_id, from_account, from_device, from_number, from_name,
                            to_number, to_account, to_name, started_at)
                        VALUES (:id, :node, :sip, :fa, :fd, :fn, :fname, :tn, :ta, :tname, :at)""")
                .bind("id", c.id().value()).bind("node", node).bind("sip", c.sipCallId())
                .bind("fa", c.from().account().map(AccountId::value).orElse(null))
                .bind("fd", c.from().device().map(DeviceId::value).orElse(null))
                .bind("fn", c.from().number()).bind("fname", c.from().name()).bind("tn", c.to())
                .bind("ta", c.callee().map(AccountId::value).orElse(null)).bind("tname", c.calleeName())
                .bind("at", c.startedAt()).execute());
    }

    /** Sets when the call first rang; false when it had already rung or ended (or is unknown). */
    public boolean ringing(CallRecordId id, long at) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        UPDATE voip_calls SET ringing_at = :at
                        WHERE id = :id AND ringing_at IS NULL AND ended_at IS NULL""")
                .bind("at", at).bind("id", id.value()).execute() > 0);
    }

    /** Sets when and on which device the call was answered; false when it already was, or had ended. */
    public boolean answered(CallRecordId id, long at, DeviceId device) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        UPDATE voip_calls SET answered_at = :at, answered_device = :d
                        WHERE id = :id AND answered_at IS NULL AND ended_at IS NULL""")
                .bind("at", at).bind("d", device.value()).bind("id", id.value()).execute() > 0);
    }

    /** Closes the call; false when it had already ended (the first end wins). */
    public boolean ended(CallRecordId id, long at, CallLog.Outcome outcome, OptionalInt sipCode) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        UPDATE voip_calls SET ended_at = :at, outcome = :o, sip_code = :code
                        WHERE id = :id AND ended_at IS NULL""")
                .bind("at", at).bind("o", outcome.token())
                .bind("code", sipCode.isPresent() ? sipCode.getAsInt() : null).bind("id", id.value())
                .execute() > 0);
    }

    /**
     * Closes as failed, without a SIP code, every call of {@code node} still open: the node stopped (or crashed)
     * while they went on. Returns their ids.
     */
    public List<CallRecordId> closeOpen(int node, long at) {
        return jdbi.inTransaction(h -> {
            List<CallRecordId> open = h.createQuery("SELECT id FROM voip_calls WHERE node = :n AND ended_at IS NULL")
                    .bind("n", node).map((rs, ctx) -> new CallRecordId(rs.getLong(1))).list();
            h.createUpdate("UPDATE voip_calls SET ended_at = :at, outcome = :o WHERE node = :n AND ended_at IS NULL")
                    .bind("at", at).bind("o", CallLog.Outcome.FAILED.token()).bind("n", node).execute();
            return open;
        });
    }

    public void transferred(CallRecordId id, long transferId, long at, String target, CallLog.TransferKind kind) {
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO voip_call_transfers (id, call_id, at, target, kind) VALUES (:id, :c, :at, :t, :k)""")
                .bind("id", transferId).bind("c", id.value()).bind("at", at).bind("t", target)
                .bind("k", kind.token()).execute());
    }

    public Optional<CallRecord> byId(CallRecordId id) {
        return jdbi.withHandle(h -> withTransfers(h, h.createQuery("SELECT * FROM voip_calls WHERE id = :id")
                .bind("id", id.value()).map((rs, ctx) -> call(rs)).list())).stream().findFirst();
    }

    /** A person's calls that ended, made or received, newest first: a call shows in a history once it is over. */
    public List<CallRecord> of(AccountId account, Optional<CallRecordId> before, int limit) {
        return search(new Filter(Optional.of(account), Optional.empty(), Side.EITHER, Optional.empty(),
                Optional.empty(), Optional.empty(), before, limit), Open.LEFT_OUT);
    }

    public List<CallRecord> search(Filter f) {
        return search(f, Open.KEPT);
    }

    private List<CallRecord> search(Filter f, Open open) {
        StringBuilder where = new StringBuilder(open == Open.KEPT ? " WHERE 1 = 1" : " WHERE ended_at IS NOT NULL");
        f.person().ifPresent(p -> where.append(side(f.side(), "from_account = :person", "to_account = :person")));
        f.number().ifPresent(n -> where.append(side(f.side(), "from_number = :number", "to_number = :number")));
        f.outcome().ifPresent(o -> where.append(" AND outcome = :outcome"));
        f.from().ifPresent(v -> where.append(" AND started_at >= :from"));
        f.to().ifPresent(v -> where.append(" AND started_at < :to"));
        f.before().ifPresent(v -> where.append(" AND id < :before"));
        return jdbi.withHandle(h -> {
            Query q = h.createQuery("SELECT * FROM voip_calls" + where + " ORDER BY id DESC LIMIT :limit");
            f.person().ifPresent(p -> q.bind("person", p.value()));
            f.number().ifPresent(n -> q.bind("number", n));
            f.outcome().ifPresent(o -> q.bind("outcome", o.token()));
            f.from().ifPresent(v -> q.bind("from", v));
            f.to().ifPresent(v -> q.bind("to", v));
            f.before().ifPresent(v -> q.bind("before", v.value()));
            return withTransfers(h, q.bind("limit", f.limit()).map((rs, ctx) -> call(rs)).list());
        });
    }

    private static String side(Side side, String caller, String callee) {
        return switch (side) {
            case EITHER -> " AND (" + caller + " OR " + callee + ")";
            case CALLER -> " AND " + caller;
            case CALLEE -> " AND " + callee;
        };
    }

    /** Calls not ended yet, oldest first. */
    public List<CallRecord> open() {
        return jdbi.withHandle(h -> withTransfers(h, h.createQuery(
                "SELECT * FROM voip_calls WHERE ended_at IS NULL ORDER BY id").map((rs, ctx) -> call(rs)).list()));
    }

    /**
     * Calls to {@code account} it missed ({@link CallLog.Outcome#MISSED}; not from itself) that ended after it last
     * looked at its calls ({@link #setSeenAt}): the badge.
     */
    public int missed(AccountId account) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT COUNT(*) FROM voip_calls
                        WHERE to_account = :a AND outcome IN (<missed>)
                          AND (from_account IS NULL OR from_account <> :a)
                          AND ended_at > COALESCE((SELECT seen_at FROM voip_calls_seen WHERE account_id = :a), 0)""")
                .bind("a", account.value())
                .bindList("missed", CallLog.Outcome.MISSED.stream().map(CallLog.Outcome::token).toList())
                .mapTo(Integer.class).one());
    }

    public void setSeenAt(AccountId account, long at) {
        jdbi.useTransaction(h -> {
            int changed = h.createUpdate("UPDATE voip_calls_seen SET seen_at = :at WHERE account_id = :a")
                    .bind("at", at).bind("a", account.value()).execute();
            if (changed == 0) {
                h.createUpdate("INSERT INTO voip_calls_seen (account_id, seen_at) VALUES (:a, :at)")
                        .bind("a", account.value()).bind("at", at).execute();
            }
        });
    }

    /** Deletes calls started before {@code before} (and their transfers); returns how many. */
    public int purgeBefore(long before) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM voip_calls WHERE started_at < :b AND ended_at IS NOT NULL")
                .bind("b", before).execute());
    }

    /** Completes rows read from {@code voip_calls} with their transfers, in one more query for the whole page. */
    private static List<CallRecord> withTransfers(Handle h, List<CallRecord> calls) {
        if (calls.isEmpty()) {
            return calls;
        }
        Map<Long, List<CallLog.Transfer>> byCall = new HashMap<>();
        h.createQuery("SELECT * FROM voip_call_transfers WHERE call_id IN (<ids>) ORDER BY id")
                .bindList("ids", calls.stream().map(c -> c.id().value()).toList())
                .map((rs, ctx) -> Map.entry(rs.getLong("call_id"), new CallLog.Transfer(rs.getLong("at"),
                        rs.getString("target"), CallLog.TransferKind.parse(rs.getString("kind")))))
                .forEach(e -> byCall.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
        if (byCall.isEmpty()) {
            return calls;
        }
        return calls.stream().map(c -> new CallRecord(c.id(), c.sipCallId(), c.from(), c.to(), c.callee(),
                c.calleeName(), c.startedAt(), c.ringingAt(), c.answeredAt(), c.answeredBy(), c.endedAt(), c.outcome(), c.sipCode(),
                byCall.getOrDefault(c.id().value(), List.of()))).toList();
    }

    private static CallRecord call(ResultSet rs) throws SQLException {
        CallLog.Party from = new CallLog.Party(longValue(rs, "from_account").map(AccountId::new),
                longValue(rs, "from_device").map(DeviceId::new), rs.getString("from_number"), rs.getString("from_name"));
        int code = rs.getInt("sip_code");
        OptionalInt sipCode = rs.wasNull() ? OptionalInt.empty() : OptionalInt.of(code);
        return new CallRecord(new CallRecordId(rs.getLong("id")), rs.getString("sip_call_id"), from,
                rs.getString("to_number"), longValue(rs, "to_account").map(AccountId::new), rs.getString("to_name"),
                rs.getLong("started_at"),
                longValue(rs, "ringing_at"), longValue(rs, "answered_at"),
                longValue(rs, "answered_device").map(DeviceId::new), longValue(rs, "ended_at"),
                Optional.ofNullable(rs.getString("outcome")).map(CallLog.Outcome::parse), sipCode, List.of());
    }

    private static Optional<Long> longValue(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(v);
    }
}
