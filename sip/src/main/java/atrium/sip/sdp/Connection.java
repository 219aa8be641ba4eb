package atrium.sip.sdp;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * A {@code c=} line (RFC 8866 §5.7): {@code IN IP4 192.0.2.1}. The address is kept as written (IPv6 without
 * brackets, possibly a host name or a multicast {@code /ttl} suffix).
 */
public record Connection(String networkType, String addressType, String address) {
    public Connection {
        SdpLine.checkValue(networkType + addressType + address);
        if (networkType.isBlank() || addressType.isBlank() || address.isBlank()) {
            throw new SdpException("c= needs a network type, an address type and an address");
        }
    }

    /** {@code IN IP4 …} or {@code IN IP6 …} for this address. */
    public static Connection of(InetAddress address) {
        return new Connection("IN", address instanceof Inet6Address ? "IP6" : "IP4", literal(address));
    }

    static Connection parse(String value) {
        String[] f = value.trim().split(" +");
        if (f.length != 3) {
            throw new SdpException("bad c= line '" + value + "': expected '<nettype> <addrtype> <address>'");
        }
        return new Connection(f[0], f[1], f[2]);
    }

    /**
     * The address as an IP address when it is a literal IPv4 or IPv6 address (never a DNS lookup: a name in SDP
     * from the network must not make us resolve it); empty for a host name or a malformed literal.
     */
    public Optional<InetAddress> inetAddress() {
        String a = address;
        int slash = a.indexOf('/');
        if (slash >= 0) {
            a = a.substring(0, slash);
        }
        try {
            if ("IP6".equalsIgnoreCase(addressType)) {
                // with a ':' the JDK parses an IPv6 literal and throws if it is none, without any lookup
                return a.indexOf(':') >= 0 && a.matches("[0-9a-fA-F:.]+") ? Optional.of(InetAddress.getByName(a))
                        : Optional.empty();
            }
            String[] octets = a.split("\\.", -1);
            if (octets.length != 4) {
                return Optional.empty();
            }
            byte[] bytes = new byte[4];
            for (int i = 0; i < 4; i++) {
                if (!octets[i].matches("\\d{1,3}") || Integer.parseInt(octets[i]) > 255) {
                    return Optional.empty();
                }
                bytes[i] = (byte) Integer.parseInt(octets[i]);
            }
            return Optional.of(InetAddress.getByAddress(bytes)); // from bytes: never a lookup
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** True for {@code 0.0.0.0} (or {@code ::}): RFC 2543 hold, "do not send to me" (RFC 3264 §8.4). */
    public boolean isUnspecified() {
        return inetAddress().map(InetAddress::isAnyLocalAddress).orElse(false);
    }

    String value() {
        return networkType + " " + addressType + " " + address;
    }

    static String literal(InetAddress address) {
        String s = address.getHostAddress();
        int scope = s.indexOf('%');
        return scope < 0 ? s : s.substring(0, scope); // an interface scope means nothing to the far end
    }
}
