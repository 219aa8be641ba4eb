package atrium.sip.transaction;

import atrium.sip.SipRequest;
import atrium.sip.SipResponse;
import atrium.sip.transport.Peer;

/**
 * The layer above the transactions (a UA core, a registrar, a B2BUA). Called on the transport's reading thread or
 * the timer thread: return quickly, hand slow work to a virtual thread.
 */
public interface TransactionUser {
    /** A new request (neither ACK nor CANCEL, which the layer handles): answer it through {@code tx}. */
    void request(ServerTransaction tx);

    /** An ACK that belongs to no transaction: the ACK of a 2xx, end to end (RFC 3261 §13.3.1.4, §17.2.1). */
    void ack(SipRequest ack, Peer from);

    /**
     * A CANCEL matched {@code invite}, which has no final response yet; the layer already answered the CANCEL
     * with 200. The UAS should now answer the INVITE with 487 (RFC 3261 §9.2).
     */
    default void cancelled(ServerTransaction invite, SipRequest cancel) {
    }

    /** A response no client transaction matched: a retransmitted or forked 2xx that the UA core must ACK. */
    default void strayResponse(SipResponse response, Peer from) {
    }

    /** A final response to an INVITE got no ACK in 64·T1 (timer H, or timer L for a 2xx): the UAS may hang up. */
    default void noAck(ServerTransaction invite) {
    }
}
