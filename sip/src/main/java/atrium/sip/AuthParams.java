package atrium.sip;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The {@code Digest k=v, k="v"} form shared by challenges and credentials (RFC 3261 §25.1, RFC 7616 §3.3–3.4). */
final class AuthParams {
    private AuthParams() {
    }

    /** The parameters of a Digest header value, names in lower case, quotes removed. */
    static Map<String, String> parse(String value) {
        String v = value.strip();
        if (v.length() < 7 || !v.regionMatches(true, 0, "Digest", 0, 6) || !Character.isWhitespace(v.charAt(6))) {
            throw SipParseException.of(400, "Not a Digest header");
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (String part : Text.split(v.substring(7), ',')) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            String name = eq < 0 ? "" : part.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            if (!Text.isToken(name) || params.containsKey(name)) {
                throw SipParseException.of(400, "Malformed Digest parameter");
            }
            params.put(name, Text.unquote(part.substring(eq + 1).strip()));
        }
        return params;
    }

    static String require(Map<String, String> params, String name) {
        String v = params.get(name);
        if (v == null) {
            throw SipParseException.of(400, "Digest parameter " + name + " missing");
        }
        return v;
    }

    static Optional<String> optional(Map<String, String> params, String name) {
        return Optional.ofNullable(params.get(name));
    }
}
