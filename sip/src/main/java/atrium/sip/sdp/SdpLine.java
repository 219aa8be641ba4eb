package atrium.sip.sdp;

/**
 * One {@code <type>=<value>} line of a session description (RFC 8866 §5), kept as read so that lines we do not
 * understand go back out unchanged and in their place.
 */
public record SdpLine(char type, String value) {
    public SdpLine {
        if (type < 'a' || type > 'z') {
            throw new SdpException("SDP line type must be a lower-case letter, got '" + type + "'");
        }
        checkValue(value);
    }

    /** An attribute line {@code a=name} or {@code a=name:value}. */
    static SdpLine attribute(String name, String value) {
        return new SdpLine('a', value.isEmpty() ? name : name + ":" + value);
    }

    /** For {@code a=} lines: the attribute name, the part before the first ':' (RFC 8866 §5.13). */
    public String attributeName() {
        int colon = value.indexOf(':');
        return colon < 0 ? value : value.substring(0, colon);
    }

    /** For {@code a=} lines: the attribute value after the first ':', or "" for a property attribute. */
    public String attributeValue() {
        int colon = value.indexOf(':');
        return colon < 0 ? "" : value.substring(colon + 1);
    }

    boolean isAttribute(String name) {
        return type == 'a' && attributeName().equalsIgnoreCase(name);
    }

    /** Values never hold NUL, CR or LF (RFC 8866 §9 byte-string): a value taken from elsewhere cannot add a line. */
    static String checkValue(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\0' || c == '\r' || c == '\n') {
                throw new SdpException("SDP value holds a control character (NUL, CR or LF)");
            }
        }
        return value;
    }

    @Override
    public String toString() {
        return type + "=" + value;
    }
}
