package atrium.voip;

import atrium.core.Ids;
import atrium.identity.AccountId;
import atrium.identity.AccountService;
import atrium.voip.db.CallStore;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Every call attempt, written by the B2BUA as the call goes: {@link #started}, {@link #ringing}, {@link #answered},
 * {@link #transferred}, {@link #ended}. The steps are written in the order they were made by one writer thread, off
 * the signalling path (ADR 0033): a step returns at once, is stored within milliseconds (a crash loses at most the
 * steps still queued; {@link #close} writes them all) and then told to the administrators' live view and the two
 * parties ({@link LiveEvents}). Readers call {@link #written} first, so they see every step made before. Steps are
 * idempotent: a step repeated, or coming after the end, changes nothing — the first end wins. Reading is
 * {@link CallHistory}'s.
 */
public final class CallLog implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CallLog.class.getName());
    private static final int MAX_NUMBER = 64;
    private static final int MAX_NAME = 200;
    private static final int MAX_SIP_CALL_ID = 300;

    /** How a call attempt ended. */
    public enum Outcome {
        ANSWERED, BUSY, NO_ANSWER, CANCELLED, DECLINED, FAILED;

        /** For the callee, a call they did not take while it was offered: the missed-call badge counts these. */
        public static final Set<Outcome> MISSED = Set.of(NO_ANSWER, BUSY, CANCELLED);

        /** The lower-case, dashed name in the API, the database and the CSV ({@code no-answer}). */
        public String token() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** The outcome named by {@link #token()}; an unknown name is an IllegalArgumentException. */
        public static Outcome parse(String token) {
            return valueOf(token.toUpperCase(Locale.ROOT).replace('-', '_'));
        }
    }

    /** REFER without Replaces (blind) or with Replaces (attended, after a consultation call). */
    public enum TransferKind {
        BLIND, ATTENDED;

        public String token() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static TransferKind parse(String token) {
            return valueOf(token.toUpperCase(Locale.ROOT));
        }
    }

    /**
     * One end of a call. For one of our phones: its account and device, its extension as {@code number} and the
     * account's display name; for anyone else (a trunk, later): what its From header gave, the URI's user part as
     * {@code number} and the display name (may be empty).
     */
    public record Party(Optional<AccountId> account, Optional<DeviceId> device, String number, String name) {
        public static Party ours(AccountId account, DeviceId device, String extension, String name) {
            return new Party(Optional.of(account), Optional.of(device), extension, name);
        }

        public static Party outside(String number, String name) {
            return new Party(Optional.empty(), Optional.empty(), number, name);
        }
    }

    /**
     * A call attempt beginning: who calls, the number dialled ({@code to}), the account that number reaches when it
     * is one of ours, and the SIP Call-ID of the caller's leg (to find the call in SIP traces).
     */
    public record Start(Party from, String to, Optional<AccountId> callee, String sipCallId) {
    }

    public record Transfer(long at, String target, TransferKind kind) {
    }

    private final CallStore store;
    private final Ids ids;
    private final Clock clock;
    private final int node;
    private final AccountService accounts;
    private final LiveEvents live;
    /** One thread: the steps are written in the order they were made. */
    private final ExecutorService writer = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("call-log-writer").daemon().factory());

    /** {@code node}: this node's {@code cluster.node-id}, written with each call so a restart closes only its own. */
    public CallLog(CallStore store, Ids ids, Clock clock, int node, AccountService accounts, LiveEvents live) {
        this.store = store;
        this.accounts = accounts;
        this.ids = ids;
        this.clock = clock;
        this.node = node;
        this.live = live;
    }

    public CallRecordId started(Start start) {
        CallRecordId id = new CallRecordId(ids.next());
        long at = clock.millis();
        write(id, () -> {
            Party f = start.from();
            Party from = new Party(f.account(), f.device(), cut(f.number(), MAX_NUMBER), cut(f.name(), MAX_NAME));
            CallRecord call = new CallRecord(id, cut(start.sipCallId(), MAX_SIP_CALL_ID), from,
                    cut(start.to(), MAX_NUMBER), start.callee(), start.callee().flatMap(accounts::byId)
                    .map(a -> cut(a.displayName(), MAX_NAME)).orElse(""), at, Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty(), OptionalInt.empty(), List.of());
            store.insert(call, node);
            live.call("voip.call.started", call);
        });
        return id;
    }

    /** The callee's phones ring (the first 180/183); later ones change nothing. */
    public void ringing(CallRecordId id) {
        long at = clock.millis();
        write(id, () -> {
            if (store.ringing(id, at)) {
                publish("voip.call.ringing", id);
            }
        });
    }

    public void answered(CallRecordId id, DeviceId answeredBy) {
        long at = clock.millis();
        write(id, () -> {
            if (store.answered(id, at, answeredBy)) {
                publish("voip.call.answered", id);
            }
        });
    }

    /** The call was sent on to {@code target} (a number or a SIP URI's user part) by REFER. */
    public void transferred(CallRecordId id, String target, TransferKind kind) {
        long step = ids.next();
        long at = clock.millis();
        write(id, () -> {
            store.transferred(id, step, at, cut(target, MAX_NUMBER), kind);
            publish("voip.call.transferred", id);
        });
    }

    /**
     * The end of the call attempt, with the final status of the INVITE: 200 for a call answered (then hung up),
     * 486 busy, 408/480 no answer, 487 cancelled, 603 declined, 4xx/5xx failed.
     */
    public void ended(CallRecordId id, Outcome outcome, int sipCode) {
        long at = clock.millis();
        write(id, () -> {
            if (store.ended(id, at, outcome, OptionalInt.of(sipCode))) {
                publish("voip.call.ended", id);
            }
        });
    }

    /**
     * Queues a step, stamped with the time it happened. A failing write (database down) is logged and the call goes
     * on: signalling must not stop because the history could not be kept.
     */
    private void write(CallRecordId id, Runnable step) {
        writer.execute(() -> {
            try {
                step.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Call log: a step of call " + id.value() + " not written", e);
            }
        });
    }

    /** Returns once every step made before is stored: readers of the call log call this first. */
    public void written() {
        try {
            writer.submit(() -> { }).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes what is queued, then stops the writer. */
    @Override
    public void close() {
        writer.shutdown();
        try {
            if (!writer.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warning("Call log: steps still queued after 30 s at shutdown were not written");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * At start: the calls this node left open when it stopped or crashed end as failed (their SIP legs are gone).
     * Returns how many.
     */
    public int closeInterrupted() {
        List<CallRecordId> closed = store.closeOpen(node, clock.millis());
        if (!closed.isEmpty()) {
            LOG.info("Call log: " + closed.size() + " call(s) left open by the last run closed as failed");
            closed.forEach(id -> publish("voip.call.ended", id));
        }
        return closed.size();
    }

    private void publish(String type, CallRecordId id) {
        store.byId(id).ifPresent(c -> live.call(type, c));
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
