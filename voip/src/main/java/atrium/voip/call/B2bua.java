package atrium.voip.call;

import atrium.core.Ids;
import atrium.sip.NameAddr;
import atrium.sip.SipRequest;
import atrium.sip.SipResponse;
import atrium.sip.sdp.SdpException;
import atrium.sip.sdp.SessionDescription;
import atrium.sip.dialog.Dialog;
import atrium.sip.transaction.ClientTransaction;
import atrium.sip.transaction.ServerTransaction;
import atrium.sip.transaction.TransactionLayer;
import atrium.sip.transport.Peer;
import atrium.sip.transport.Protocol;
import atrium.sip.transport.SipTransports;
import atrium.voip.CallLog;
import atrium.voip.CallRecordId;
import atrium.voip.Device;
import atrium.voip.Extension;
import atrium.voip.PhoneService;
import atrium.voip.Registration;
import atrium.voip.SipAuth;
import atrium.voip.SipDispatcher;
import atrium.voip.db.PhoneStore;
import atrium.voip.media.MediaRelay;
import atrium.voip.media.PortsExhaustedException;
import atrium.voip.media.RelaySession;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The back-to-back user agent for calls between extensions (ADR 0031): authenticates the caller, finds every live
 * binding of the dialled extension and forks to them in parallel, then owns both legs — each its own dialog — until
 * one side hangs up. Each {@link Call} runs its events one at a time on its own queue; this class keeps the tables
 * that find a call from a message.
 */
public final class B2bua implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(B2bua.class.getName());
    /** What we accept, in Allow headers (REFER: blind transfer inside a call's dialog). */
    public static final String ALLOW = "INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, UPDATE, NOTIFY, REFER, REGISTER";

    /** The smallest session interval we accept (RFC 4028 §4: at least 90 s), and the one we pick when asked none. */
    static final int MIN_SE = 90;
    static final int DEFAULT_SE = 1800;

    /** A call in progress, for the administrators' live view. */
    public record LiveCall(long id, String from, String to, String state, long since, List<String> devices) {
    }

    final TransactionLayer layer;
    private final SipTransports transports;
    private final PhoneService phones;
    private final PhoneStore store;
    private final SipAuth auth;
    private final Ids ids;
    final Clock clock;
    private final Duration ringTimeout;
    final MediaRelay relay;
    private final Optional<String> publicHost;
    private final CallLog log;
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("sip-call-timers").daemon().factory());
    private final Map<Long, Call> calls = new ConcurrentHashMap<>();
    /** The confirmed legs of every call by their dialog id (our tag local), where in-dialog requests land. */
    private final Map<Dialog.Id, Call.Leg> legs = new ConcurrentHashMap<>();
    /** Calls by the caller's INVITE transaction, for its CANCEL and a missing ACK. */
    private final Map<ServerTransaction, Call> byInvite = new ConcurrentHashMap<>();
    /** INVITEs CANCELled while still being authenticated or routed, before their call existed. */
    private final Set<ServerTransaction> cancelledEarly = ConcurrentHashMap.newKeySet();

    /** {@code publicHost}: the name or address phones reach us at, for our Contact and the relay's SDP address. */
    public B2bua(TransactionLayer layer, SipTransports transports, PhoneService phones, PhoneStore store, SipAuth auth,
                 Ids ids, Clock clock, Duration ringTimeout, MediaRelay relay, Optional<String> publicHost, CallLog log) {
        this.log = log;
        this.layer = layer;
        this.transports = transports;
        this.phones = phones;
        this.store = store;
        this.auth = auth;
        this.ids = ids;
        this.clock = clock;
        this.ringTimeout = ringTimeout;
        this.relay = relay;
        this.publicHost = publicHost;
    }

    /**
     * A new INVITE (no To tag), on a virtual thread: digest (407), identity, Require, the dialled number → its
     * extension → its live bindings, then the call forks (or 404/480/403/420/415/483 here).
     */
    public void invite(ServerTransaction tx) {
        try {
            route(tx);
        } finally {
            cancelledEarly.remove(tx);
        }
    }

    private void route(ServerTransaction tx) {
        SipRequest r = tx.request();
        Optional<String> require = r.header("Require");
        if (require.isPresent()) {
            // We support no option tag (no 100rel, no timer as a requirement): RFC 3261 §8.2.2.3.
            tx.respond(SipAuth.response(r, 420, "Bad Extension").with("Unsupported", require.get()));
            return;
        }
        int maxForwards = r.header("Max-Forwards").map(String::strip).filter(s -> s.matches("\\d{1,3}"))
                .map(Integer::parseInt).orElse(70);
        if (maxForwards == 0) {
            tx.respond(SipAuth.response(r, 483, "Too Many Hops"));
            return;
        }
        if (r.body().length == 0) {
            // Offerless INVITE (3PCC): needs the offer carried from B's 200 to A's ACK; not supported yet.
            tx.respond(SipAuth.response(r, 488, "Not Acceptable Here").with("Warning",
                    "399 atrium \"An SDP offer is required\""));
            return;
        }
        if (!r.header("Content-Type").map(t -> t.strip().toLowerCase(Locale.ROOT))
                .orElse("").startsWith("application/sdp")) {
            tx.respond(SipAuth.response(r, 415, "Unsupported Media Type").with("Accept", "application/sdp"));
            return;
        }
        if (r.contacts().isEmpty()) {
            throw new SipDispatcher.BadRequest("INVITE without Contact");
        }
        Optional<Integer> sessionExpires = r.header("Session-Expires").map(v -> v.split(";", 2)[0].strip())
                .filter(v -> v.matches("\\d{1,9}")).map(Integer::parseInt);
        if (sessionExpires.isPresent() && sessionExpires.get() < MIN_SE) {
            // RFC 4028 §8.1: too short a session interval is refused with the smallest we accept.
            tx.respond(SipAuth.response(r, 422, "Session Interval Too Small").with("Min-SE", Integer.toString(MIN_SE)));
            return;
        }
        Optional<Device> device = auth.authenticate(tx, true);
        if (device.isEmpty()) {
            return;
        }
        Device caller = device.get();
        Optional<Extension> own = phones.extensionOf(caller.account());
        String fromUser = r.from().sipUri().user().orElse("");
        if (!fromUser.equals(caller.username()) && !own.map(e -> e.number().equals(fromUser)).orElse(false)) {
            tx.respond(SipAuth.response(r, 403, "Forbidden").with("Warning",
                    "399 atrium \"From must be your device or your extension\""));
            return;
        }
        String dialled = r.sipUri().user().orElse("");
        Optional<Extension> callee = extension(dialled);
        CallLog.Party from = CallLog.Party.ours(caller.account(), caller.id(),
                own.map(Extension::number).orElse(caller.username()),
                r.from().displayName().orElseGet(() -> phones.loginOf(caller.account())));
        CallRecordId record = log.started(new CallLog.Start(from, dialled, callee.map(Extension::account),
                r.callId()));
        if (callee.isEmpty()) {
            tx.respond(SipAuth.response(r, 404, "Not Found"));
            log.ended(record, CallLog.Outcome.FAILED, 404);
            return;
        }
        List<Call.Target> targets = targets(callee.get());
        if (targets.isEmpty()) {
            tx.respond(SipAuth.response(r, 480, "Temporarily Unavailable"));
            log.ended(record, CallLog.Outcome.FAILED, 480);
            return;
        }
        SessionDescription offer;
        InetAddress mediaAddress;
        RelaySession media;
        try {
            offer = SessionDescription.parse(r.body());
            mediaAddress = InetAddress.getByName(host(tx.source().protocol(), r).replace("[", "").replace("]", ""));
        } catch (SdpException e) {
            tx.respond(SipAuth.response(r, 488, "Not Acceptable Here").with("Warning", "399 atrium \"Bad SDP offer\""));
            log.ended(record, CallLog.Outcome.FAILED, 488);
            return;
        } catch (UnknownHostException e) {
            LOG.warning("sip.public-host " + publicHost.orElse("") + " does not resolve: calls have no media address");
            tx.respond(SipAuth.response(r, 500, "Server Internal Error"));
            log.ended(record, CallLog.Outcome.FAILED, 500);
            return;
        }
        try {
            media = relay.open();
        } catch (PortsExhaustedException e) {
            LOG.warning("RTP port range full (voip.rtp-port-min/-max): call from " + caller.username() + " refused");
            tx.respond(SipAuth.response(r, 503, "Service Unavailable").with("Retry-After", "10"));
            log.ended(record, CallLog.Outcome.FAILED, 503);
            return;
        }
        Call call = new Call(this, ids.next(), tx, caller, own.map(Extension::number).orElse(caller.username()),
                r.from().displayName(), dialled, maxForwards - 1, media, mediaAddress, offer, record,
                sessionTimer(r, sessionExpires));
        calls.put(call.id, call);
        byInvite.put(tx, call);
        call.run(() -> call.fork(targets));
        if (cancelledEarly.contains(tx)) {
            call.run(call::callerCancelled);
        }
    }

    /** Every live binding of every device of an extension: where a call to it rings. */
    List<Call.Target> targets(Extension callee) {
        long now = clock.millis();
        List<Call.Target> targets = new ArrayList<>();
        for (Device d : phones.devicesOf(callee.account())) {
            for (Registration b : store.bindings(d.id(), now)) {
                targets.add(new Call.Target(d, b));
            }
        }
        targets.sort(Comparator.comparing(t -> t.binding().contactUri()));
        return targets;
    }

    Optional<Extension> extension(String number) {
        return store.extensionByNumber(number);
    }

    /**
     * The session interval when the caller supports RFC 4028 timers ({@code Supported: timer}): its Session-Expires
     * (at most the default), else the default. The caller refreshes; we only watch.
     */
    private static Optional<Duration> sessionTimer(SipRequest r, Optional<Integer> asked) {
        boolean supported = r.headers().all("Supported").stream().anyMatch(t -> t.strip().equalsIgnoreCase("timer"));
        return supported ? Optional.of(Duration.ofSeconds(Math.min(asked.orElse(DEFAULT_SE), DEFAULT_SE)))
                : Optional.empty();
    }

    /** A request with a To tag: to the call that owns the dialog, else 481 (§12.2.2). */
    public void inDialog(ServerTransaction tx) {
        SipRequest r = tx.request();
        Call.Leg leg = legs.get(Dialog.Id.ofRequest(r));
        if (leg == null) {
            tx.respond(r.response(481, "Call/Transaction Does Not Exist"));
            return;
        }
        leg.call().run(() -> leg.call().inDialog(leg, tx));
    }

    public void cancelled(ServerTransaction invite) {
        Call call = byInvite.get(invite);
        if (call == null) {
            cancelledEarly.add(invite);
            return;
        }
        call.run(call::callerCancelled);
    }

    public void noAck(ServerTransaction invite) {
        Call call = byInvite.get(invite);
        if (call != null) {
            call.run(call::callerNeverAcked);
        }
    }

    /** Calls in progress, oldest first. */
    public List<LiveCall> calls() {
        return calls.values().stream().map(Call::live).sorted(Comparator.comparingLong(LiveCall::since)).toList();
    }

    /** Calls and dialogs held in memory: zero when no call is in progress (the no-leak tests read it). */
    public int size() {
        return calls.size() + legs.size() + byInvite.size();
    }

    // ---- for Call

    /**
     * Our Contact on a transport, where in-dialog requests reach us, for the call whose caller sent {@code invite}.
     */
    String contact(Protocol protocol, SipRequest invite) {
        int port = transports.local(protocol).orElseThrow().getPort();
        return "<sip:atrium@" + host(protocol, invite) + ":" + port + ";transport="
                + protocol.name().toLowerCase(Locale.ROOT) + ">";
    }

    /**
     * The host phones reach us at: sip.public-host when set, else the address we listen on, else (listening on every
     * address) the host the caller put in its Request-URI — the name or address it reached us by.
     */
    String host(Protocol protocol, SipRequest invite) {
        if (publicHost.isPresent()) {
            return publicHost.get();
        }
        InetAddress bound = transports.local(protocol).orElseThrow().getAddress();
        if (!bound.isAnyLocalAddress()) {
            return transports.via(protocol, TransactionLayer.newBranch()).host();
        }
        return invite.sipUri().host();
    }

    void addLeg(Call.Leg leg) {
        legs.put(leg.dialog().id(), leg);
    }

    void removeLeg(Call.Leg leg) {
        legs.remove(leg.dialog().id(), leg);
    }

    void ended(Call call) {
        calls.remove(call.id);
        byInvite.remove(call.inviteA);
        legs.values().removeIf(l -> l.call() == call);
    }

    /**
     * Writes a step of the call log. A failing write (database down) is logged and the call goes on: signalling
     * must not stop because the history could not be kept.
     */
    void record(long call, java.util.function.Consumer<CallLog> step) {
        try {
            step.accept(log);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "SIP call " + call + ": call log not written", e);
        }
    }

    ScheduledFuture<?> schedule(Runnable task, Duration delay) {
        return timers.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    Duration ringTimeout() {
        return ringTimeout;
    }

    ClientTransaction send(SipRequest request, Peer to, ClientTransaction.Listener listener) {
        return layer.send(request, to, listener);
    }

    void sendAck(SipRequest ack, Peer to) {
        try {
            layer.sendStateless(ack, to);
        } catch (java.io.IOException e) {
            // A lost ACK brings a retransmitted 2xx, which is ACKed again.
            LOG.log(Level.FINE, "ACK to " + to + " not sent", e);
        }
    }

    static NameAddr uri(Optional<String> display, String user, String host) {
        return new NameAddr(display, "sip:" + user + "@" + host, atrium.sip.Parameters.NONE);
    }

    @Override
    public void close() {
        timers.shutdownNow();
    }
}
