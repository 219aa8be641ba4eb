package atrium.sip;

import java.util.Optional;

/**
 * The value of From, To, Contact, Route, Record-Route, Refer-To…: an optional display name, a URI and header
 * parameters (RFC 3261 §20.10, §25.1). Without {@code <…>} every {@code ;param} after the URI belongs to the header,
 * not the URI (§20.10). The URI is kept as text so that {@code tel:} or other schemes pass through untouched;
 * {@link #sipUri()} parses it when it is a SIP URI. Always emitted with {@code <…>}.
 */
public record NameAddr(Optional<String> displayName, String uri, Parameters params) {
    /** The Contact of a REGISTER that removes every binding (RFC 3261 §10.2.2). */
    public static final NameAddr STAR = new NameAddr(Optional.empty(), "*", Parameters.NONE);

    public static NameAddr of(SipUri uri) {
        return new NameAddr(Optional.empty(), uri.toString(), Parameters.NONE);
    }

    public static NameAddr parse(String s) {
        s = s.trim();
        if (s.equals("*")) {
            return STAR;
        }
        Optional<String> display = Optional.empty();
        String uri;
        String rest;
        int lt = Text.indexOutsideQuotes(s, '<', 0);
        if (lt >= 0) {
            String name = s.substring(0, lt).trim();
            if (!name.isEmpty()) {
                if (name.startsWith("\"") && (!name.endsWith("\"") || name.length() < 2)) {
                    throw SipParseException.of(400, "Malformed display name");
                }
                display = Optional.of(Text.unquote(name));
            }
            int gt = s.indexOf('>', lt);
            if (gt < 0) {
                throw SipParseException.of(400, "Missing >");
            }
            uri = s.substring(lt + 1, gt).trim();
            rest = s.substring(gt + 1).trim();
        } else {
            int semi = s.indexOf(';');
            uri = (semi < 0 ? s : s.substring(0, semi)).trim();
            rest = semi < 0 ? "" : s.substring(semi);
        }
        int colon = uri.indexOf(':');
        if (colon < 1 || !Character.isLetter(uri.charAt(0)) || !uri.substring(0, colon).chars()
                .allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.'))
                || uri.chars().anyMatch(c -> c <= ' ' || c == '<' || c == '>' || c == '"')) {
            throw SipParseException.of(400, "Malformed URI");
        }
        if (uri.regionMatches(true, 0, "sip", 0, 3)) {
            SipUri.parse(uri); // validates sip: and sips: URIs; other schemes stay opaque
        }
        if (!rest.isEmpty() && rest.charAt(0) != ';') {
            throw SipParseException.of(400, "Unexpected text after URI");
        }
        return new NameAddr(display, uri, rest.isEmpty() ? Parameters.NONE : Parameters.parse(rest.substring(1)));
    }

    /** The URI parsed as a SIP URI; throws {@link SipParseException} for other schemes. */
    public SipUri sipUri() {
        return SipUri.parse(uri);
    }

    public Optional<String> tag() {
        return params.get("tag");
    }

    public NameAddr withTag(String tag) {
        return new NameAddr(displayName, uri, params.with("tag", tag));
    }

    public NameAddr withParam(String name, String value) {
        return new NameAddr(displayName, uri, params.with(name, value));
    }

    @Override
    public String toString() {
        if (this.equals(STAR)) {
            return "*";
        }
        StringBuilder b = new StringBuilder();
        displayName.ifPresent(d -> b.append(Text.quote(d)).append(' '));
        return b.append('<').append(uri).append('>').append(params).toString();
    }
}
