package atrium.sip.transport;

import atrium.sip.SipMessage;

/**
 * Where the transports deliver what they received, in arrival order per socket or connection, on the reading
 * thread: implementations return quickly and hand long work to another (virtual) thread.
 */
@FunctionalInterface
public interface MessageSink {
    /** A parsed message; requests already carry received/rport in their top Via (RFC 3261 §18.2.1, RFC 3581 §4). */
    void received(SipMessage message, Peer from);
}
