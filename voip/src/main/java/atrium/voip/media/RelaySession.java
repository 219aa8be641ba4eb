package atrium.voip.media;

import java.util.List;

/**
 * The media of one call through the relay: two legs, each with an RTP/RTCP port pair; packets from leg a's phone go
 * to leg b's phone and back. Close it when the call ends: its four ports go back to the range.
 */
public final class RelaySession implements AutoCloseable {
    final MediaRelay relay;
    private final RelayLeg a;
    private final RelayLeg b;
    private final Endpoint.Counters aToB = new Endpoint.Counters();
    private final Endpoint.Counters bToA = new Endpoint.Counters();
    /** Last RTP from either phone (the relay's clock, ms); written by the selector thread, reset by setHeld(false). */
    volatile long lastRtpMillis;
    volatile boolean held;
    volatile boolean idleFired;
    volatile Runnable onIdle;
    final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    RelaySession(MediaRelay relay, Endpoint aRtp, Endpoint aRtcp, Endpoint bRtp, Endpoint bRtcp, long now) {
        this.relay = relay;
        this.a = new RelayLeg(this, aRtp, aRtcp);
        this.b = new RelayLeg(this, bRtp, bRtcp);
        for (Endpoint e : endpoints()) {
            e.session = this;
        }
        link(aRtp, bRtp, aToB, bToA);
        link(aRtcp, bRtcp, aToB, bToA);
        this.lastRtpMillis = now;
    }

    private static void link(Endpoint fromA, Endpoint fromB, Endpoint.Counters aToB, Endpoint.Counters bToA) {
        fromA.peer = fromB;
        fromB.peer = fromA;
        fromA.counters = aToB;
        fromB.counters = bToA;
    }

    public RelayLeg a() {
        return a;
    }

    public RelayLeg b() {
        return b;
    }

    List<Endpoint> endpoints() {
        return List.of(a.rtp, a.rtcp, b.rtp, b.rtcp);
    }

    /**
     * Called once, on a virtual thread, when no RTP has come from either phone for the relay's idle timeout while the
     * call is not held (a phone that vanished without BYE): the B2BUA ends the call. The timer runs from
     * {@link MediaRelay#open()} and from each {@code setHeld(false)}.
     */
    public void onIdle(Runnable action) {
        onIdle = action;
    }

    /** A held call is silent on purpose: the idle timer does not fire while held, and starts afresh on resume. */
    public void setHeld(boolean isHeld) {
        if (!isHeld) {
            lastRtpMillis = relay.now();
        }
        held = isHeld;
    }

    public RelayStats stats() {
        return new RelayStats(aToB.flow(), bToA.flow(), aToB.dropped + bToA.dropped);
    }

    /** Stops relaying and frees the four ports (they can be bound again when this returns). Idempotent. */
    @Override
    public void close() {
        relay.close(this);
    }
}
