package atrium.sip.dialog;

import atrium.sip.NameAddr;
import atrium.sip.SipMessage;
import atrium.sip.SipRequest;
import atrium.sip.SipResponse;
import atrium.sip.SipUri;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One dialog seen from our side (RFC 3261 §12): its id (Call-ID, local and remote tag), the local and remote URIs
 * with their tags, the route set, the remote target and both CSeq counters. Builds the requests sent inside it
 * (§12.2.1.1) and checks those received (§12.2.2). Thread-safe: the mutable parts (state, remote target, route set
 * while early, counters) are guarded by one lock.
 */
public final class Dialog {
    /** Early after a 1xx with a To tag (or our own 1xx), confirmed after a 2xx, terminated after BYE or a failure. */
    public enum State { EARLY, CONFIRMED, TERMINATED }

    /** The dialog id (§12): the remote tag is empty only for a UAS dialog before it has one, which cannot happen here. */
    public record Id(String callId, String localTag, String remoteTag) {
        /** The id of the dialog a received request belongs to: our tag is its To tag (§12.2.2). */
        public static Id ofRequest(SipRequest r) {
            return new Id(r.callId(), r.to().tag().orElse(""), r.from().tag().orElse(""));
        }

        /** The id of the dialog a received response belongs to, we being the UAC: our tag is its From tag. */
        public static Id ofResponse(SipResponse r) {
            return new Id(r.callId(), r.from().tag().orElse(""), r.to().tag().orElse(""));
        }
    }

    private final String callId;
    private final NameAddr local;
    private final NameAddr remote;
    private final boolean secure;
    private final ReentrantLock lock = new ReentrantLock();
    private State state;
    private List<String> routeSet;
    private String remoteTarget;
    private long localCseq;
    /** -1: no request received yet in this dialog (a UAC dialog), so any CSeq is accepted first (§12.2.2). */
    private long remoteCseq;

    private Dialog(String callId, NameAddr local, NameAddr remote, boolean secure, State state, List<String> routeSet,
                   String remoteTarget, long localCseq, long remoteCseq) {
        this.callId = callId;
        this.local = local;
        this.remote = remote;
        this.secure = secure;
        this.state = state;
        this.routeSet = List.copyOf(routeSet);
        this.remoteTarget = remoteTarget;
        this.localCseq = localCseq;
        this.remoteCseq = remoteCseq;
    }

    /** A new tag: 64 random bits in hex (§19.3 asks for at least 32). */
    public static String newTag() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    }

    /**
     * The dialog a UAS creates when it answers {@code request} with a 1xx or 2xx carrying {@code localTag}
     * (§12.1.1): route set = Record-Route in order, remote target = the request's Contact, remote CSeq = its CSeq.
     * Early until {@link #confirm()}.
     */
    public static Dialog uas(SipRequest request, String localTag) {
        String target = request.contacts().stream().findFirst().map(NameAddr::uri)
                .orElseThrow(() -> new IllegalArgumentException("a dialog-creating request needs a Contact"));
        boolean secure = request.uri().regionMatches(true, 0, "sips:", 0, 5);
        return new Dialog(request.callId(), request.to().withTag(localTag), request.from(), secure, State.EARLY,
                request.headers().all("Record-Route"), target, 0, request.cseq().number());
    }

    /**
     * The dialog a UAC gets from a 1xx (early) or 2xx (confirmed) with a To tag to {@code request} (§12.1.2): route
     * set = Record-Route reversed, remote target = the response's Contact, local CSeq = the request's.
     */
    public static Dialog uac(SipRequest request, SipResponse response) {
        if (response.to().tag().isEmpty() || response.status() < 101 || response.status() > 299) {
            throw new IllegalArgumentException("only a 101-299 with a To tag creates a dialog");
        }
        List<String> routes = new ArrayList<>(response.headers().all("Record-Route"));
        java.util.Collections.reverse(routes);
        String target = response.contacts().stream().findFirst().map(NameAddr::uri).orElse(request.uri());
        boolean secure = request.uri().regionMatches(true, 0, "sips:", 0, 5);
        return new Dialog(request.callId(), request.from(), response.to(), secure,
                response.status() < 200 ? State.EARLY : State.CONFIRMED, routes, target, request.cseq().number(), -1);
    }

    public Id id() {
        return new Id(callId, local.tag().orElse(""), remote.tag().orElse(""));
    }

    public String callId() {
        return callId;
    }

    /** Our URI with our tag: From of the requests we send, To of the responses we send. */
    public NameAddr local() {
        return local;
    }

    /** The peer's URI with its tag. */
    public NameAddr remote() {
        return remote;
    }

    public boolean secure() {
        return secure;
    }

    public State state() {
        return locked(() -> state);
    }

    public String remoteTarget() {
        return locked(() -> remoteTarget);
    }

    public List<String> routeSet() {
        return locked(() -> routeSet);
    }

    /**
     * A 2xx confirmed an early dialog. For a UAC the route set is recomputed from the 2xx (§13.2.2.4); for both the
     * remote target follows the 2xx's Contact. Idempotent on a confirmed dialog except for the target.
     */
    public void confirm(Optional<SipResponse> uac2xx) {
        locked(() -> {
            if (state == State.EARLY && uac2xx.isPresent()) {
                List<String> routes = new ArrayList<>(uac2xx.get().headers().all("Record-Route"));
                java.util.Collections.reverse(routes);
                routeSet = List.copyOf(routes);
            }
            uac2xx.ifPresent(this::refreshTarget);
            if (state != State.TERMINATED) {
                state = State.CONFIRMED;
            }
            return null;
        });
    }

    public void terminate() {
        locked(() -> state = State.TERMINATED);
    }

    /**
     * A target refresh (re-INVITE, UPDATE, their 2xx; §12.2.1.2, §12.2.2): the remote target becomes the Contact,
     * when one is present.
     */
    public void refreshTarget(SipMessage m) {
        m.contacts().stream().findFirst().ifPresent(c -> locked(() -> remoteTarget = c.uri()));
    }

    /**
     * Checks and records the CSeq of a request received in this dialog (§12.2.2): lower than the last one →
     * false, to be answered 500; ACK and CANCEL carry the CSeq of the request they belong to and are not checked.
     */
    public boolean acceptRemoteCseq(SipRequest r) {
        if (r.method().equals("ACK") || r.method().equals("CANCEL")) {
            return true;
        }
        long n = r.cseq().number();
        return locked(() -> {
            if (remoteCseq >= 0 && n < remoteCseq) {
                return false;
            }
            remoteCseq = n;
            return true;
        });
    }

    /**
     * A new request inside this dialog (§12.2.1.1) with the next local CSeq: To/From with the tags, the remote
     * target as Request-URI and the route set as Route (loose routing; a strict first route (no {@code lr}) goes in
     * the Request-URI with the target as last Route). No Via: the transaction layer adds it.
     */
    public SipRequest request(String method) {
        if (method.equals("ACK") || method.equals("CANCEL")) {
            throw new IllegalArgumentException(method + " takes the CSeq of its INVITE: use ack()");
        }
        long n = locked(() -> ++localCseq);
        return build(method, n);
    }

    /**
     * The ACK of a 2xx to the INVITE with CSeq {@code inviteCseq} (§13.2.2.4): same CSeq number, method ACK, route
     * set and remote target of the dialog. Sent without a transaction, with a new branch.
     */
    public SipRequest ack(long inviteCseq) {
        return build("ACK", inviteCseq);
    }

    /** The local CSeq number last used (for a UAC dialog, at first the INVITE's). */
    public long localCseq() {
        return locked(() -> localCseq);
    }

    private SipRequest build(String method, long cseq) {
        String target;
        List<String> routes;
        lock.lock();
        try {
            target = remoteTarget;
            routes = routeSet;
        } finally {
            lock.unlock();
        }
        String uri = target;
        List<String> route = routes;
        if (!routes.isEmpty() && !looseRoute(routes.getFirst())) {
            uri = NameAddr.parse(routes.getFirst()).uri();
            route = new ArrayList<>(routes.subList(1, routes.size()));
            route.add("<" + target + ">");
        }
        SipRequest r = SipRequest.create(method, uri, local, remote, callId, cseq);
        for (String v : route) {
            r = r.with("Route", v);
        }
        return r;
    }

    private static boolean looseRoute(String route) {
        NameAddr n = NameAddr.parse(route);
        try {
            return SipUri.parse(n.uri()).params().get("lr").isPresent();
        } catch (RuntimeException e) {
            return true; // not a SIP URI: nothing to route on, keep it as a Route
        }
    }

    private <T> T locked(java.util.function.Supplier<T> s) {
        lock.lock();
        try {
            return s.get();
        } finally {
            lock.unlock();
        }
    }
}
