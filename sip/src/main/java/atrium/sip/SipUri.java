package atrium.sip;

import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A {@code sip:} or {@code sips:} URI (RFC 3261 §19.1): {@code sip:user:password@host:port;params?headers}.
 * Scheme and host are kept in lower case (they compare case-insensitively); user and password exactly as written;
 * unknown parameters and the {@code ?headers} part are kept verbatim.
 */
public record SipUri(String scheme, Optional<String> user, Optional<String> password, String host, OptionalInt port,
                     Parameters params, Optional<String> headers) {

    public static SipUri of(String user, String host, int port) {
        return new SipUri("sip", Optional.of(user), Optional.empty(), host, OptionalInt.of(port), Parameters.NONE,
                Optional.empty());
    }

    /** Parses a SIP URI; throws {@link SipParseException} (400) when it is not one. */
    public static SipUri parse(String s) {
        int colon = s.indexOf(':');
        String scheme = colon < 0 ? "" : s.substring(0, colon).toLowerCase(Locale.ROOT);
        if (!scheme.equals("sip") && !scheme.equals("sips")) {
            throw SipParseException.of(400, "Not a SIP URI");
        }
        String rest = s.substring(colon + 1);
        Optional<String> headers = Optional.empty();
        int q = rest.indexOf('?');
        if (q >= 0) {
            headers = Optional.of(rest.substring(q + 1));
            rest = rest.substring(0, q);
        }
        Optional<String> user = Optional.empty();
        Optional<String> password = Optional.empty();
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String userinfo = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int pc = userinfo.indexOf(':');
            user = Optional.of(pc < 0 ? userinfo : userinfo.substring(0, pc));
            password = pc < 0 ? Optional.empty() : Optional.of(userinfo.substring(pc + 1));
            if (user.get().isEmpty()) {
                throw SipParseException.of(400, "Empty user in SIP URI");
            }
        }
        Parameters params = Parameters.NONE;
        int semi = rest.indexOf(';');
        if (semi >= 0) {
            params = Parameters.parse(rest.substring(semi + 1));
            rest = rest.substring(0, semi);
        }
        HostPort hp = HostPort.parse(rest);
        return new SipUri(scheme, user, password, hp.host(), hp.port(), params, headers);
    }

    /** This URI with the parameter set. */
    public SipUri withParam(String name, String value) {
        return new SipUri(scheme, user, password, host, port, params.with(name, value), headers);
    }

    /** The transport parameter in lower case, if any. */
    public Optional<String> transport() {
        return params.get("transport").map(t -> t.toLowerCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(scheme).append(':');
        user.ifPresent(u -> {
            b.append(u);
            password.ifPresent(p -> b.append(':').append(p));
            b.append('@');
        });
        b.append(HostPort.format(host, port)).append(params);
        headers.ifPresent(h -> b.append('?').append(h));
        return b.toString();
    }

    /** host[:port], with IPv6 references in brackets (RFC 3261 §25.1, RFC 5118). */
    record HostPort(String host, OptionalInt port) {
        static HostPort parse(String s) {
            String host;
            String portText = null;
            if (s.startsWith("[")) {
                int close = s.indexOf(']');
                if (close < 0) {
                    throw SipParseException.of(400, "Malformed IPv6 reference");
                }
                host = s.substring(0, close + 1);
                String after = s.substring(close + 1);
                if (!after.isEmpty()) {
                    if (after.charAt(0) != ':') {
                        throw SipParseException.of(400, "Malformed host");
                    }
                    portText = after.substring(1);
                }
            } else {
                int c = s.indexOf(':');
                host = c < 0 ? s : s.substring(0, c);
                portText = c < 0 ? null : s.substring(c + 1);
            }
            host = host.trim().toLowerCase(Locale.ROOT);
            if (host.isEmpty() || !validHost(host)) {
                throw SipParseException.of(400, "Malformed host");
            }
            if (portText == null) {
                return new HostPort(host, OptionalInt.empty());
            }
            portText = portText.trim();
            if (portText.isEmpty() || portText.length() > 5 || !portText.chars().allMatch(Character::isDigit)) {
                throw SipParseException.of(400, "Malformed port");
            }
            int port = Integer.parseInt(portText);
            if (port < 1 || port > 65535) {
                throw SipParseException.of(400, "Port out of range");
            }
            return new HostPort(host, OptionalInt.of(port));
        }

        private static boolean validHost(String h) {
            if (h.startsWith("[")) {
                return h.endsWith("]") && h.length() > 2
                        && h.substring(1, h.length() - 1).chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
            }
            return h.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_');
        }

        static String format(String host, OptionalInt port) {
            return port.isPresent() ? host + ":" + port.getAsInt() : host;
        }
    }
}
