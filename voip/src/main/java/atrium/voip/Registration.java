package atrium.voip;

import atrium.sip.transport.Peer;
import atrium.sip.transport.Protocol;
import java.net.InetSocketAddress;
import java.util.Locale;

/**
 * One binding of a device (RFC 3261 §10): {@code contact} as the phone sent it, {@code contactUri} its URI (the
 * binding's key), and where the REGISTER really came from ({@code transport}, {@code source} = address:port):
 * requests to the phone go there, through the NAT or over the phone's own TCP/TLS connection — or, when {@code path}
 * (RFC 3327: the Path values of the proxies it came through, comma-joined, empty when direct) is set, through those.
 */
public record Registration(long id, DeviceId device, String contact, String contactUri, String transport, String source,
                           String userAgent, String callId, long cseq, long expiresAt, String path) {
    /** Where this binding's requests go: its source over its transport, through the NAT or on its own connection. */
    public Peer peer() {
        int colon = source.lastIndexOf(':');
        String host = source.substring(0, colon).replace("[", "").replace("]", "");
        InetSocketAddress a = new InetSocketAddress(host, Integer.parseInt(source.substring(colon + 1)));
        return new Peer(Protocol.valueOf(transport.toUpperCase(Locale.ROOT)), a);
    }
}
