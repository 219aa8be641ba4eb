package atrium.voip.media;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * One socket of a leg (its RTP or its RTCP port) and what it latched on. The latching state is written by the relay's
 * selector thread; {@link #expect} comes from the B2BUA's thread, hence the volatile fields.
 */
final class Endpoint {
    final DatagramChannel channel;
    final int port;
    final boolean rtcp;
    private final boolean ipv6;
    /** The other leg's socket of the same kind: where packets received here leave from. */
    Endpoint peer;
    RelaySession session;
    /** The counters of the direction this socket receives (this leg's phone → the other phone). */
    Counters counters;
    volatile InetSocketAddress expected;
    volatile InetSocketAddress latched;
    volatile InetAddress onlyFrom;
    private int ssrc;

    Endpoint(DatagramChannel channel, int port, boolean rtcp, boolean ipv6) {
        this.channel = channel;
        this.port = port;
        this.rtcp = rtcp;
        this.ipv6 = ipv6;
    }

    void expect(InetSocketAddress address) {
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("media address " + address + " is not resolved");
        }
        if (address.getAddress() instanceof java.net.Inet6Address != ipv6) {
            throw new IllegalArgumentException("media address " + address + " is not of the relay's address family");
        }
        expected = address;
        latched = null;
    }

    /** Where the phone of this socket's leg gets what the other leg sends: its latched source, else its SDP address. */
    InetSocketAddress target() {
        InetSocketAddress l = latched;
        return l != null ? l : expected;
    }

    /**
     * Takes one received datagram: checks it is RTP/RTCP from the phone this socket latched on (latching or
     * re-latching as ADR 0030 says), then sends it unchanged from the peer socket. An RTP packet accepted from the
     * phone keeps the call alive (marked before forwarding, so whoever sees the packet sees the mark).
     */
    void relay(InetSocketAddress from, ByteBuffer packet, long nowMillis) {
        int length = packet.remaining();
        InetAddress only = onlyFrom;
        if (length < 8 || (packet.get(0) & 0xC0) != 0x80 || only != null && !only.equals(from.getAddress())
                || session.relay.isOwn(from)) {
            // not RTP/RTCP version 2 (RFC 3550 §5.1), not from the allowed address, or from one of our own sockets:
            // an SDP naming a relay port would otherwise make packets circle between two legs for ever
            counters.dropped++;
            return;
        }
        int secondByte = packet.get(1) & 0xFF;
        // RFC 5761 §4: on a muxed port, second byte 192–223 is RTCP (payload types 64–95 with the marker bit)
        boolean isRtcp = rtcp || secondByte >= 192 && secondByte <= 223;
        if (!isRtcp && length < 12) {
            counters.dropped++;
            return;
        }
        int packetSsrc = packet.getInt(isRtcp ? 4 : 8); // RTP header SSRC (§5.1) or RTCP sender SSRC (§6.4)
        InetSocketAddress current = latched;
        if (current == null) {
            latched = from; // symmetric RTP: the first packet's real source, whatever the SDP said
            ssrc = packetSsrc;
        } else if (!current.equals(from)) {
            if (packetSsrc != ssrc) {
                counters.dropped++; // another source with another stream: not our phone, do not let it take over
                return;
            }
            latched = from; // same stream from a new address: the phone's NAT mapping changed
        } else {
            ssrc = packetSsrc;
        }
        if (!isRtcp) {
            session.lastRtpMillis = nowMillis;
        }
        InetSocketAddress to = peer.target();
        if (to != null) {
            try {
                if (peer.channel.send(packet, to) > 0) {
                    counters.add(isRtcp, length);
                } else {
                    counters.dropped++; // the socket's send buffer is full: UDP is lossy, so is this
                }
            } catch (IOException e) {
                counters.dropped++; // e.g. no route to the phone: the next packet may pass
            }
        } else {
            counters.dropped++; // the other phone's address is not known yet (no SDP answer)
        }
    }

    /** One direction's counts; written only by the selector thread, read by anyone. */
    static final class Counters {
        volatile long rtpPackets;
        volatile long rtpBytes;
        volatile long rtcpPackets;
        volatile long rtcpBytes;
        volatile long dropped;

        @SuppressWarnings("NonAtomicOperationOnVolatileField") // one writer: the selector thread
        void add(boolean isRtcp, int bytes) {
            if (isRtcp) {
                rtcpPackets++;
                rtcpBytes += bytes;
            } else {
                rtpPackets++;
                rtpBytes += bytes;
            }
        }

        RelayStats.Flow flow() {
            return new RelayStats.Flow(rtpPackets, rtpBytes, rtcpPackets, rtcpBytes);
        }
    }
}
