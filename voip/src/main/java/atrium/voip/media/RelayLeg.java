package atrium.voip.media;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * One side of a relayed call: the RTP port (even) and RTCP port (the next one) that one phone is told to send to.
 * What arrives here from that phone leaves from the other leg's ports towards the other phone, so each phone sees
 * one remote address — the ports it sends to (symmetric RTP, RFC 4961).
 */
public final class RelayLeg {
    final RelaySession session;
    final Endpoint rtp;
    final Endpoint rtcp;

    RelayLeg(RelaySession session, Endpoint rtp, Endpoint rtcp) {
        this.session = session;
        this.rtp = rtp;
        this.rtcp = rtcp;
    }

    /** The port to write in this phone's SDP ({@code m=} port). */
    public int rtpPort() {
        return rtp.port;
    }

    /** {@link #rtpPort()} + 1 (RFC 3550 §11), also written as {@code a=rtcp}. */
    public int rtcpPort() {
        return rtcp.port;
    }

    /**
     * Where this leg's phone said in its SDP that it receives RTP; its RTCP is taken to be on the next port. Calling
     * it again (a re-INVITE, a transfer to another phone) forgets what the leg had latched on, so the next packets
     * latch again.
     */
    public void expect(InetSocketAddress rtpAddress) {
        expect(rtpAddress, new InetSocketAddress(rtpAddress.getAddress(), rtpAddress.getPort() + 1));
    }

    /** As {@link #expect(InetSocketAddress)}, with the RTCP address from {@code a=rtcp} or {@code a=rtcp-mux}. */
    public void expect(InetSocketAddress rtpAddress, InetSocketAddress rtcpAddress) {
        rtp.expect(rtpAddress);
        rtcp.expect(rtcpAddress);
    }

    /**
     * Optional hardening: only packets from this IP address (typically the phone's signalling source) may reach and
     * latch this leg; others are dropped. Leave unset for phones whose media leaves from another public address.
     */
    public void latchOnlyFrom(InetAddress source) {
        rtp.onlyFrom = source;
        rtcp.onlyFrom = source;
    }

    /** Where this leg's RTP really comes from, once latched. */
    public Optional<InetSocketAddress> rtpSource() {
        return Optional.ofNullable(rtp.latched);
    }

    /** Where this leg's RTCP really comes from, once latched. */
    public Optional<InetSocketAddress> rtcpSource() {
        return Optional.ofNullable(rtcp.latched);
    }
}
