package atrium.sip.transaction;

import atrium.sip.SipRequest;
import atrium.sip.SipResponse;
import atrium.sip.transport.Peer;
import java.io.IOException;
import java.util.Optional;

/**
 * An INVITE (RFC 3261 §17.2.1, RFC 6026 Accepted) or non-INVITE (§17.2.2) server transaction. The TU answers with
 * {@link #respond}; retransmitted requests are answered here with the last response; over UDP the final response to
 * an INVITE is retransmitted until the ACK comes — for a 2xx too, which §13.3.1.4 leaves to the UA core: doing it
 * here lets every UAS built on the library get it right.
 */
public final class ServerTransaction extends Transaction {
    enum State { TRYING, PROCEEDING, COMPLETED, CONFIRMED, ACCEPTED, TERMINATED }

    private static final long TRYING_AFTER_MS = 200; // §17.2.1: send 100 unless the TU answers within 200 ms

    private final SipRequest request;
    private final Peer source;
    private final boolean invite;
    final String dialogKey;
    private State state;
    private SipResponse last;
    private long interval;
    private boolean ackSeen;

    ServerTransaction(TransactionLayer layer, SipRequest request, Peer source, String key, String dialogKey) {
        super(layer, key);
        this.request = request;
        this.source = source;
        this.invite = request.method().equals("INVITE");
        this.dialogKey = dialogKey;
        this.state = invite ? State.PROCEEDING : State.TRYING;
    }

    public SipRequest request() {
        return request;
    }

    /** Where the request came from (its transport and source address). */
    public Peer source() {
        return source;
    }

    /** The last response sent, if any. */
    public Optional<SipResponse> lastResponse() {
        lock.lock();
        try {
            return Optional.ofNullable(last);
        } finally {
            lock.unlock();
        }
    }

    void start() {
        if (invite) {
            layer.schedule(this::trying, TRYING_AFTER_MS);
        }
    }

    /** 100 Trying, unless the TU has answered meanwhile (checked and recorded in one step, so it never overtakes). */
    private void trying() {
        SipResponse trying = request.response(100, "Trying");
        lock.lock();
        try {
            if (last != null || state != State.PROCEEDING) {
                return;
            }
            last = trying;
        } finally {
            lock.unlock();
        }
        send(trying);
    }

    /**
     * Sends a response to the request. After a final response only 2xx retransmissions to an INVITE are allowed;
     * anything else is refused with {@link IllegalStateException} (a TU bug).
     */
    public void respond(SipResponse r) {
        int status = r.status();
        lock.lock();
        try {
            boolean allowed = switch (state) {
                case TRYING, PROCEEDING -> true;
                case ACCEPTED -> status >= 200 && status < 300;
                default -> false;
            };
            if (!allowed) {
                throw new IllegalStateException("transaction " + key + " already answered " + last.status());
            }
            last = r;
            boolean udp = !source.protocol().reliable();
            Timers t = layer.timers();
            if (status < 200) {
                state = State.PROCEEDING;
            } else if (!invite) {
                state = State.COMPLETED;
                layer.schedule(this::end, udp ? t.t64() : 0); // timer J
            } else if (state != State.ACCEPTED) {
                // 2xx → Accepted (RFC 6026, timer L); 300–699 → Completed (timers G and H)
                state = status < 300 ? State.ACCEPTED : State.COMPLETED;
                if (status < 300) {
                    layer.accepted(this);
                }
                if (udp) {
                    interval = t.t1().toMillis();
                    retransmit = layer.schedule(this::retransmit, interval);
                }
                timeout = layer.schedule(this::noAck, t.t64());
            }
        } finally {
            lock.unlock();
        }
        send(r);
    }

    private void send(SipResponse r) {
        try {
            layer.transports().send(r, layer.transports().responseTarget(r, source));
        } catch (IOException | RuntimeException e) {
            // §17.2.4: a transport error ends the transaction; the TU learns it as a missing ACK or a retransmission
            System.getLogger(ServerTransaction.class.getName()).log(System.Logger.Level.DEBUG,
                    "could not send " + r.status() + " to " + source, e);
        }
    }

    private void retransmit() {
        SipResponse again;
        lock.lock();
        try {
            if (ackSeen || state != State.COMPLETED && state != State.ACCEPTED) {
                return; // the ACK came while this run waited for the lock
            }
            interval = Math.min(interval * 2, layer.timers().t2().toMillis());
            retransmit = layer.schedule(this::retransmit, interval);
            again = last;
        } finally {
            lock.unlock();
        }
        layer.retransmitted();
        send(again);
    }

    /** Timer H (non-2xx) or L (2xx) fired: the end of the transaction; the TU hears it if no ACK came. */
    private void noAck() {
        boolean tell;
        lock.lock();
        try {
            tell = !ackSeen && (state == State.COMPLETED || state == State.ACCEPTED);
            terminate();
        } finally {
            lock.unlock();
        }
        if (tell) {
            layer.user().noAck(this);
        }
    }

    /** A retransmission of the request: resend the last response, if any (absorbed in Accepted, RFC 6026). */
    void retransmitted() {
        SipResponse again = null;
        lock.lock();
        try {
            if (state == State.PROCEEDING || state == State.COMPLETED) {
                again = last;
            }
        } finally {
            lock.unlock();
        }
        if (again != null) {
            send(again);
        }
    }

    /** The ACK of our non-2xx final (same branch): Confirmed, then timer I. */
    void ackOfFinal() {
        lock.lock();
        try {
            if (state != State.COMPLETED) {
                return;
            }
            state = State.CONFIRMED;
            ackSeen = true;
            stopTimers();
            layer.schedule(this::end, source.protocol().reliable() ? 0 : layer.timers().t4().toMillis());
        } finally {
            lock.unlock();
        }
    }

    /** The ACK of our 2xx (matched by dialog): stop retransmitting the 2xx; stay until timer L absorbs copies. */
    void ackOf2xx() {
        lock.lock();
        try {
            ackSeen = true;
            cancel(retransmit);
            retransmit = null;
        } finally {
            lock.unlock();
        }
    }

    boolean inviteWithoutFinal() {
        lock.lock();
        try {
            return invite && state == State.PROCEEDING;
        } finally {
            lock.unlock();
        }
    }

    boolean awaitsAckOfFinal() {
        lock.lock();
        try {
            return state == State.COMPLETED || state == State.CONFIRMED;
        } finally {
            lock.unlock();
        }
    }

    @Override
    void terminate() {
        state = State.TERMINATED;
        stopTimers();
        layer.removeServer(this);
    }
}
