package atrium.voip.media;

/**
 * No free RTP/RTCP port pair is left in the configured range: the call cannot have media. A B2BUA answers the INVITE
 * with 503 Service Unavailable (RFC 3261 §21.5.4), and the operator widens {@code voip.rtp-port-min}–{@code voip.rtp-port-max}.
 */
public final class PortsExhaustedException extends RuntimeException {
    PortsExhaustedException(String message) {
        super(message);
    }
}
