package atrium.sip;

import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One Via value (RFC 3261 §20.42): {@code SIP/2.0/UDP host:port;branch=z9hG4bK…;received=…;rport=…} — rport and
 * received per RFC 3581. The transport is kept in upper case.
 */
public record Via(String transport, String host, OptionalInt port, Parameters params) {
    /** The branch prefix that marks an RFC 3261 transaction id (§8.1.1.7). */
    public static final String MAGIC_COOKIE = "z9hG4bK";

    public static Via parse(String s) {
        int slash1 = s.indexOf('/');
        int slash2 = slash1 < 0 ? -1 : s.indexOf('/', slash1 + 1);
        if (slash2 < 0 || !s.substring(0, slash1).trim().equalsIgnoreCase("SIP")
                || !s.substring(slash1 + 1, slash2).trim().equals("2.0")) {
            throw SipParseException.of(400, "Malformed Via");
        }
        String rest = s.substring(slash2 + 1).trim();
        int sp = 0;
        while (sp < rest.length() && !Character.isWhitespace(rest.charAt(sp))) {
            sp++;
        }
        String transport = rest.substring(0, sp).toUpperCase(Locale.ROOT);
        if (!Text.isToken(transport)) {
            throw SipParseException.of(400, "Malformed Via transport");
        }
        String sentBy = rest.substring(sp).trim();
        Parameters params = Parameters.NONE;
        int semi = sentBy.indexOf(';');
        if (semi >= 0) {
            params = Parameters.parse(sentBy.substring(semi + 1));
            sentBy = sentBy.substring(0, semi).trim();
        }
        SipUri.HostPort hp = SipUri.HostPort.parse(sentBy);
        return new Via(transport, hp.host(), hp.port(), params);
    }

    public Optional<String> branch() {
        return params.get("branch");
    }

    public Optional<String> received() {
        return params.get("received");
    }

    /** The rport value; present and empty when the client asked for it without a value (RFC 3581 §3). */
    public Optional<String> rport() {
        return params.get("rport");
    }

    public Via withParam(String name, String value) {
        return new Via(transport, host, port, params.with(name, value));
    }

    /** The port of sent-by, or the transport's default (5060, 5061 for TLS). */
    public int portOrDefault() {
        return port.orElse(transport.equals("TLS") ? 5061 : 5060);
    }

    @Override
    public String toString() {
        return "SIP/2.0/" + transport + " " + SipUri.HostPort.format(host, port) + params;
    }
}
