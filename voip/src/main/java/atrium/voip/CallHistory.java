package atrium.voip;

import atrium.core.AtriumException;
import atrium.core.Msg;
import atrium.identity.AccountService;
import atrium.identity.AuditLog;
import atrium.identity.Caller;
import atrium.voip.db.CallStore;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Reading the call log: each person their own calls (with the missed-call count since they last looked), the
 * administrators everyone's, filtered, page by page or as one export. Administrators' reads are audited — who
 * called whom is personal data — once per search (its first page) and once per export.
 */
public final class CallHistory {
    /** Rows read per query while exporting: the export streams, never holding the whole log. */
    private static final int EXPORT_PAGE = 500;

    /** A page of calls, newest first, and the missed calls not looked at yet (for a person's own history). */
    public record Page(List<CallRecord> items, boolean more, int missed) {
        public Page {
            items = List.copyOf(items);
        }
    }

    private final CallStore store;
    private final CallLog log;
    private final AuditLog audit;
    private final Clock clock;

    /** {@code log}: its queued steps are written before each read, so a read sees every step made before it. */
    public CallHistory(CallStore store, CallLog log, AuditLog audit, Clock clock) {
        this.store = store;
        this.log = log;
        this.audit = audit;
        this.clock = clock;
    }

    /** The caller's own calls, made and received, newest first, {@code limit} at most after {@code before}. */
    public Page mine(Caller caller, Optional<CallRecordId> before, int limit) {
        log.written();
        List<CallRecord> calls = store.of(caller.id(), before, limit + 1);
        return new Page(calls.subList(0, Math.min(limit, calls.size())), calls.size() > limit,
                store.missed(caller.id()));
    }

    /** The caller has looked at their calls: the missed-call count starts again from zero. */
    public void seen(Caller caller) {
        log.written();
        store.setSeenAt(caller.id(), clock.millis());
    }

    public Page search(Caller caller, CallStore.Filter filter, String described) {
        AccountService.requireAdmin(caller);
        checkSide(filter);
        if (filter.before().isEmpty()) {
            audit.record(caller, "voip-calls-viewed", null, described);
        }
        log.written();
        List<CallRecord> calls = store.search(filter.withLimit(filter.limit() + 1));
        return new Page(calls.subList(0, Math.min(filter.limit(), calls.size())), calls.size() > filter.limit(), 0);
    }

    /** An export checked and audited, not read yet. */
    public interface Export {
        /** Every call of the export, newest first, as they are read. */
        void forEach(Consumer<CallRecord> out);
    }

    /** Every call matching {@code filter} (its limit ignored); checked and audited now, read by the answer. */
    public Export export(Caller caller, CallStore.Filter filter, String described) {
        AccountService.requireAdmin(caller);
        checkSide(filter);
        audit.record(caller, "voip-calls-exported", null, described);
        return out -> {
            log.written();
            CallStore.Filter page = filter.withLimit(EXPORT_PAGE);
            while (true) {
                List<CallRecord> calls = store.search(page);
                calls.forEach(out);
                if (calls.size() < EXPORT_PAGE) {
                    return;
                }
                page = page.withBefore(calls.getLast().id());
            }
        };
    }

    /** Calls in progress as the log has them (not ended yet), oldest first. */
    public List<CallRecord> inProgress(Caller caller) {
        AccountService.requireAdmin(caller);
        log.written();
        return store.open();
    }

    /** A filter's direction needs a person or a number to be relative to. */
    private static void checkSide(CallStore.Filter f) {
        if (f.side() != CallStore.Side.EITHER && f.person().isEmpty() && f.number().isEmpty()) {
            throw AtriumException.Invalid.field("direction", Msg.of("voip.calls.direction-alone"));
        }
    }
}
