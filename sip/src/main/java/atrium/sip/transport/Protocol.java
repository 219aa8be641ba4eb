package atrium.sip.transport;

/** The SIP transports (RFC 3261 §18, RFC 5630 for TLS); the name is the Via transport token. */
public enum Protocol {
    UDP(false),
    TCP(true),
    TLS(true);

    private final boolean reliable;

    Protocol(boolean reliable) {
        this.reliable = reliable;
    }

    /** Reliable transports get no retransmissions and zero-length wait timers (RFC 3261 §17). */
    public boolean reliable() {
        return reliable;
    }

    /** The default port: 5060, 5061 for TLS. */
    public int defaultPort() {
        return this == TLS ? 5061 : 5060;
    }
}
