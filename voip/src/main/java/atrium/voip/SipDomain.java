package atrium.voip;

import atrium.sip.sdp.Connection;
import atrium.sip.sdp.SdpException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Which hosts a REGISTER may name (RFC 3261 §10.3 steps 1 and 3): with {@code sip.domain} set, that domain, the
 * configured public host, and the literal addresses of this machine; unset, any host (one domain per server, the
 * behaviour before the key existed). Names other than these are never resolved: a lookup per request would let anyone
 * make the server query DNS.
 */
public final class SipDomain {
    private final Optional<String> domain;
    private final Set<String> names;

    public SipDomain(Optional<String> domain, Optional<String> publicHost) {
        this.domain = domain.map(d -> d.toLowerCase(Locale.ROOT));
        this.names = Set.copyOf(Stream.concat(this.domain.stream(),
                publicHost.map(h -> h.toLowerCase(Locale.ROOT)).stream()).toList());
    }

    /** The configured domain, if any. */
    public Optional<String> domain() {
        return domain;
    }

    /** True if a REGISTER naming {@code host} (as in a SIP URI, IPv6 in brackets) is for this server. */
    public boolean ours(String host) {
        if (domain.isEmpty()) {
            return true;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (names.contains(h)) {
            return true;
        }
        boolean v6 = h.startsWith("[") && h.endsWith("]");
        // the SDP connection's literal parsing: an address from its octets, a name never looked up
        try {
            Optional<InetAddress> literal = new Connection("IN", v6 ? "IP6" : "IP4", v6 ? h.substring(1, h.length() - 1) : h)
                    .inetAddress();
            return literal.isPresent()
                    && (literal.get().isLoopbackAddress() || NetworkInterface.getByInetAddress(literal.get()) != null);
        } catch (SocketException | SdpException e) {
            return false;
        }
    }
}
