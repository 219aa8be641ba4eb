package atrium.sip.transaction;

import atrium.sip.Headers;
import atrium.sip.SipRequest;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.locks.ReentrantLock;

/** What client and server transactions share: the table key, the lock, the two timers and how they end. */
abstract sealed class Transaction permits ClientTransaction, ServerTransaction {
    final TransactionLayer layer;
    final String key;
    final ReentrantLock lock = new ReentrantLock();
    /** Timer A, E or G (UDP only), and the 2xx retransmission of an INVITE server transaction. */
    ScheduledFuture<?> retransmit;
    /** Timer B, F, H or L. */
    ScheduledFuture<?> timeout;

    Transaction(TransactionLayer layer, String key) {
        this.layer = layer;
        this.key = key;
    }

    /** Enters Terminated and leaves the table; called with the lock held. */
    abstract void terminate();

    /** The end of a linger timer (D, I, J, K, M). */
    final void end() {
        lock.lock();
        try {
            terminate();
        } finally {
            lock.unlock();
        }
    }

    final void stopTimers() {
        cancel(retransmit);
        cancel(timeout);
    }

    static void cancel(ScheduledFuture<?> f) {
        if (f != null) {
            f.cancel(false);
        }
    }

    /**
     * An ACK or CANCEL for {@code invite} (RFC 3261 §17.1.1.3, §9.1): its Request-URI, top Via (so its branch),
     * Route set, From, Call-ID and CSeq number, with the given To.
     */
    static SipRequest sameTransaction(SipRequest invite, String method, String to) {
        Headers h = Headers.EMPTY.add("Via", invite.headers().all("Via").getFirst());
        for (String route : invite.headers().all("Route")) {
            h = h.add("Route", route);
        }
        h = h.add("Max-Forwards", "70").add("From", invite.header("From").orElseThrow()).add("To", to)
                .add("Call-ID", invite.callId()).add("CSeq", invite.cseq().number() + " " + method);
        return new SipRequest(method, invite.uri(), h, new byte[0]);
    }
}
