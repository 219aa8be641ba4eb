package atrium.sip.transport;

/**
 * The SIP transports (RFC 3261 §18, RFC 5630 for TLS, RFC 7118 for WebSocket); the name is the Via transport token.
 */
public enum Protocol {
    UDP(false),
    TCP(true),
    TLS(true),
    /** SIP over WebSocket: the WebSocket server (outside this library) hands each message over a {@link Flow}. */
    WS(true),
    WSS(true);

    private final boolean reliable;

    Protocol(boolean reliable) {
        this.reliable = reliable;
    }

    /** Reliable transports get no retransmissions and zero-length wait timers (RFC 3261 §17). */
    public boolean reliable() {
        return reliable;
    }

    /** The default port: 5060, 5061 for TLS, 80 and 443 for WS and WSS (RFC 7118 §5.1). */
    public int defaultPort() {
        return switch (this) {
            case UDP, TCP -> 5060;
            case TLS -> 5061;
            case WS -> 80;
            case WSS -> 443;
        };
    }

    /** Whether the peer can only be reached over a connection it opened (no dialling out): WebSocket. */
    public boolean inboundOnly() {
        return this == WS || this == WSS;
    }
}
