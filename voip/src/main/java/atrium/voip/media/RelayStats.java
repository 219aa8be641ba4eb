package atrium.voip.media;

/**
 * What a session has relayed so far: each direction's RTP and RTCP packets and bytes (UDP payload), and the
 * packets dropped (not RTP/RTCP, from a source the leg is not latched on, or with nowhere to go yet).
 */
public record RelayStats(Flow aToB, Flow bToA, long dropped) {
    /** One direction: from leg a's phone to leg b's phone, or back. */
    public record Flow(long rtpPackets, long rtpBytes, long rtcpPackets, long rtcpBytes) {
    }
}
