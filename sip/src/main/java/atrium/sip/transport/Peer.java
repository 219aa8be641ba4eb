package atrium.sip.transport;

import java.net.InetSocketAddress;

/** The other end of a message: a transport and an address (the source of what we receive, the target of what we send). */
public record Peer(Protocol protocol, InetSocketAddress address) {
    public static Peer udp(InetSocketAddress a) {
        return new Peer(Protocol.UDP, a);
    }

    public static Peer tcp(InetSocketAddress a) {
        return new Peer(Protocol.TCP, a);
    }

    public static Peer tls(InetSocketAddress a) {
        return new Peer(Protocol.TLS, a);
    }

    @Override
    public String toString() {
        return protocol + ":" + address.getHostString() + ":" + address.getPort();
    }
}
