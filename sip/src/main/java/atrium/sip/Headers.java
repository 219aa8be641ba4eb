package atrium.sip;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A message's header fields in their order. Names are case-insensitive and compact forms (RFC 3261 §7.3.3, and the
 * extension letters registered since) are stored under their full name, so {@code v:} and {@code VIA:} are both
 * "Via". {@link #all} splits the comma-separated values of the headers whose grammar allows it (never inside quotes
 * or {@code <…>}, never for the authentication headers whose values contain commas).
 */
public record Headers(List<Header> list) {
    public static final Headers EMPTY = new Headers(List.of());

    public record Header(String name, String value) {
    }

    private static final Map<String, String> COMPACT = Map.ofEntries(
            Map.entry("a", "Accept-Contact"), Map.entry("b", "Referred-By"), Map.entry("c", "Content-Type"),
            Map.entry("d", "Request-Disposition"), Map.entry("e", "Content-Encoding"), Map.entry("f", "From"),
            Map.entry("i", "Call-ID"), Map.entry("j", "Reject-Contact"), Map.entry("k", "Supported"),
            Map.entry("l", "Content-Length"), Map.entry("m", "Contact"), Map.entry("n", "Identity-Info"),
            Map.entry("o", "Event"), Map.entry("r", "Refer-To"), Map.entry("s", "Subject"), Map.entry("t", "To"),
            Map.entry("u", "Allow-Events"), Map.entry("v", "Via"), Map.entry("x", "Session-Expires"),
            Map.entry("y", "Identity"));

    /** Names whose capitalisation is not simply each dash-separated word capitalised. */
    private static final Map<String, String> SPELLING = Map.ofEntries(
            Map.entry("call-id", "Call-ID"), Map.entry("cseq", "CSeq"), Map.entry("www-authenticate", "WWW-Authenticate"),
            Map.entry("mime-version", "MIME-Version"), Map.entry("rack", "RAck"), Map.entry("rseq", "RSeq"),
            Map.entry("min-se", "Min-SE"), Map.entry("sip-etag", "SIP-ETag"), Map.entry("sip-if-match", "SIP-If-Match"),
            Map.entry("p-asserted-identity", "P-Asserted-Identity"));

    /** Headers whose value is a comma-separated list (RFC 3261 §7.3.1 and the grammars of §25, RFC 3265, 5626…). */
    private static final Set<String> LISTS = Set.of("Via", "Route", "Record-Route", "Contact", "Path", "Allow",
            "Supported", "Require", "Unsupported", "Proxy-Require", "Accept", "Accept-Encoding", "Accept-Language",
            "Allow-Events", "Warning", "Reason", "Content-Encoding", "In-Reply-To", "Call-Info", "Alert-Info",
            "Error-Info", "Service-Route", "P-Asserted-Identity", "Security-Client", "Security-Server", "Security-Verify");

    public Headers {
        list = List.copyOf(list);
    }

    /**
     * A header line built by code (the parser has its own checks): the name must be a token and the value free of
     * CR, LF and other control characters, so that no value taken from user data can inject a header or a body.
     */
    private static Header line(String name, String value) {
        if (!Text.isToken(name)) {
            throw new IllegalArgumentException("not a header name: " + name);
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                throw new IllegalArgumentException("control character in the value of " + name);
            }
        }
        return new Header(canonical(name), value);
    }

    /** The canonical spelling of a header name: compact forms expanded, e.g. {@code v} and {@code VIA} → "Via". */
    public static String canonical(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        String full = lower.length() == 1 ? COMPACT.get(lower) : null;
        if (full != null) {
            return full;
        }
        String spelled = SPELLING.get(lower);
        if (spelled != null) {
            return spelled;
        }
        StringBuilder b = new StringBuilder(lower.length());
        boolean up = true;
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            b.append(up ? Character.toUpperCase(c) : c);
            up = c == '-';
        }
        return b.toString();
    }

    /** The first value of the header (the whole first line for list headers), if present. */
    public Optional<String> first(String name) {
        String n = canonical(name);
        for (Header h : list) {
            if (h.name.equals(n)) {
                return Optional.of(h.value);
            }
        }
        return Optional.empty();
    }

    /** Every value, in line order then comma order for list headers; one entry per line for the others. */
    public List<String> all(String name) {
        String n = canonical(name);
        List<String> out = new ArrayList<>();
        for (Header h : list) {
            if (h.name.equals(n)) {
                if (LISTS.contains(n)) {
                    for (String v : Text.split(h.value, ',')) {
                        if (!v.isEmpty()) {
                            out.add(v);
                        }
                    }
                } else {
                    out.add(h.value);
                }
            }
        }
        return out;
    }

    public boolean has(String name) {
        return first(name).isPresent();
    }

    /** These headers with {@code name} replaced by one line holding {@code value}, where the first one was. */
    public Headers with(String name, String value) {
        String n = canonical(name);
        List<Header> out = new ArrayList<>(list.size() + 1);
        boolean done = false;
        for (Header h : list) {
            if (h.name.equals(n)) {
                if (!done) {
                    out.add(line(n, value));
                    done = true;
                }
            } else {
                out.add(h);
            }
        }
        if (!done) {
            out.add(line(n, value));
        }
        return new Headers(out);
    }

    /** These headers with one more line at the end. */
    public Headers add(String name, String value) {
        List<Header> out = new ArrayList<>(list);
        out.add(line(name, value));
        return new Headers(out);
    }

    /** These headers with one more line before every other line of the same name (a new top Via, a Record-Route). */
    public Headers addFirst(String name, String value) {
        String n = canonical(name);
        List<Header> out = new ArrayList<>(list.size() + 1);
        boolean done = false;
        for (Header h : list) {
            if (!done && h.name.equals(n)) {
                out.add(line(n, value));
                done = true;
            }
            out.add(h);
        }
        if (!done) {
            out.add(line(n, value));
        }
        return new Headers(out);
    }

    /** These headers with the values of a list header replaced by {@code values}, one per line, where the first was. */
    public Headers withAll(String name, List<String> values) {
        String n = canonical(name);
        List<Header> out = new ArrayList<>(list.size() + values.size());
        boolean done = false;
        for (Header h : list) {
            if (h.name.equals(n)) {
                if (!done) {
                    values.forEach(v -> out.add(line(n, v)));
                    done = true;
                }
            } else {
                out.add(h);
            }
        }
        if (!done) {
            values.forEach(v -> out.add(line(n, v)));
        }
        return new Headers(out);
    }

    public Headers without(String name) {
        String n = canonical(name);
        return new Headers(list.stream().filter(h -> !h.name.equals(n)).toList());
    }
}
