package atrium.sip.transaction;

import atrium.sip.SipRequest;
import atrium.sip.SipResponse;
import atrium.sip.transport.Peer;
import java.io.IOException;

/**
 * An INVITE (RFC 3261 §17.1.1, with RFC 6026's Accepted state) or non-INVITE (§17.1.2) client transaction. Created
 * and started by {@link TransactionLayer#send}; the listener hears every response the TU should see, once.
 */
public final class ClientTransaction extends Transaction {
    /** What the TU hears. */
    public interface Listener {
        void response(SipResponse response);

        /** No final response: timer B or F fired, or the transport failed (RFC 3261 §17.1.4). */
        void failed(Failure failure);
    }

    public enum Failure { TIMEOUT, TRANSPORT }

    enum State { CALLING, PROCEEDING, COMPLETED, ACCEPTED, TERMINATED }

    private final SipRequest request;
    private final Peer peer;
    private final Listener listener;
    private final boolean invite;
    private State state = State.CALLING;
    private long interval;
    private SipRequest ack;

    ClientTransaction(TransactionLayer layer, SipRequest request, Peer peer, Listener listener, String key) {
        super(layer, key);
        this.request = request;
        this.peer = peer;
        this.listener = listener;
        this.invite = request.method().equals("INVITE");
    }

    /** The request as sent, with our Via on top. */
    public SipRequest request() {
        return request;
    }

    public Peer peer() {
        return peer;
    }

    State state() {
        lock.lock();
        try {
            return state;
        } finally {
            lock.unlock();
        }
    }

    void start() {
        lock.lock();
        try {
            Timers t = layer.timers();
            if (!peer.protocol().reliable()) {
                interval = t.t1().toMillis();
                retransmit = layer.schedule(this::retransmit, interval); // timer A or E
            }
            timeout = layer.schedule(() -> fail(Failure.TIMEOUT), t.t64()); // timer B or F
        } finally {
            lock.unlock();
        }
        try {
            layer.transports().send(request, peer);
        } catch (IOException e) {
            fail(Failure.TRANSPORT);
        }
    }

    private void retransmit() {
        lock.lock();
        try {
            boolean active = invite ? state == State.CALLING : state == State.CALLING || state == State.PROCEEDING;
            if (!active) {
                return;
            }
            long t2 = layer.timers().t2().toMillis();
            // A doubles without bound (§17.1.1.2); E doubles up to T2, and is T2 once a provisional came (§17.1.2.2)
            interval = invite ? interval * 2 : state == State.PROCEEDING ? t2 : Math.min(interval * 2, t2);
            retransmit = layer.schedule(this::retransmit, interval);
        } finally {
            lock.unlock();
        }
        layer.retransmitted();
        try {
            layer.transports().send(request, peer);
        } catch (IOException e) {
            fail(Failure.TRANSPORT);
        }
    }

    private void fail(Failure failure) {
        lock.lock();
        try {
            boolean waiting = state == State.CALLING || state == State.PROCEEDING && !invite;
            if (!waiting && !(failure == Failure.TRANSPORT && state == State.PROCEEDING)) {
                return; // timer B lost the race with a provisional response
            }
            terminate();
        } finally {
            lock.unlock();
        }
        listener.failed(failure);
    }

    /** Called by the layer for every response matching this transaction. */
    void received(SipResponse r) {
        boolean deliver;
        SipRequest ackToSend = null;
        lock.lock();
        try {
            int status = r.status();
            deliver = switch (state) {
                case CALLING, PROCEEDING -> {
                    if (status < 200) {
                        state = State.PROCEEDING;
                        if (invite) {
                            stopTimers(); // A and B run in Calling only: a ringing INVITE waits for its answer
                        }
                    } else if (invite && status < 300) {
                        state = State.ACCEPTED; // RFC 6026: 2xx (and later forks) go up, the TU ACKs them
                        stopTimers();
                        layer.schedule(this::end, layer.timers().t64()); // timer M
                    } else {
                        state = State.COMPLETED;
                        stopTimers();
                        if (invite) {
                            ack = sameTransaction(request, "ACK", r.header("To").orElseThrow()); // §17.1.1.3
                            ackToSend = ack;
                        }
                        // timer D (INVITE) or K (non-INVITE): absorb retransmitted finals, zero on a reliable transport
                        long linger = peer.protocol().reliable() ? 0
                                : invite ? layer.timers().t64() : layer.timers().t4().toMillis();
                        layer.schedule(this::end, linger);
                    }
                    yield true;
                }
                case ACCEPTED -> status >= 200 && status < 300;
                case COMPLETED -> {
                    ackToSend = ack; // a retransmitted final: ACK it again (§17.1.1.2); nothing for the TU
                    yield false;
                }
                case TERMINATED -> false;
            };
        } finally {
            lock.unlock();
        }
        if (ackToSend != null) {
            try {
                layer.transports().send(ackToSend, peer);
            } catch (IOException e) {
                // the final response is already with the TU; a lost ACK brings a retransmission, answered again
            }
        }
        if (deliver) {
            listener.response(r);
        }
    }

    @Override
    void terminate() {
        state = State.TERMINATED;
        stopTimers();
        layer.removeClient(this);
    }
}
