package atrium.files.http;

/** Escaping for the XML we write by hand (multistatus bodies, property values). */
final class XmlText {
    private XmlText() {
    }

    /**
     * Character data. {@code >} is escaped too (for {@code ]]>}), {@code "} so that text
     * reads like Sabre's ({@code &quot;} in etags), and CR as a character reference
     * because a parser would otherwise turn it into LF. Characters XML 1.0 cannot carry
     * at all (C0 controls but tab and newlines, lone surrogates, U+FFFE, U+FFFF) become
     * U+FFFD rather than make the whole document unreadable.
     */
    static String text(String s) {
        return escape(s, false);
    }

    /** An attribute value in double quotes; tab and newlines are kept as references. */
    static String attribute(String s) {
        return escape(s, true);
    }

    static void appendText(StringBuilder out, String s) {
        append(out, s, false);
    }

    static void appendAttribute(StringBuilder out, String s) {
        append(out, s, true);
    }

    private static String escape(String s, boolean attribute) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == '&' || c == '<' || c == '>' || c == '"' || c >= 0xD800) {
                StringBuilder out = new StringBuilder(s.length() + 16);
                append(out, s, attribute);
                return out.toString();
            }
        }
        return s;
    }

    private static void append(StringBuilder out, String s, boolean attribute) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\r' -> out.append("&#13;");
                case '\n' -> out.append(attribute ? "&#10;" : "\n");
                case '\t' -> out.append(attribute ? "&#9;" : "\t");
                default -> {
                    if (c < 0x20 || c == 0xFFFE || c == 0xFFFF) {
                        out.append('\uFFFD');
                    } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                        out.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        out.append('\uFFFD');
                    } else {
                        out.append(c);
                    }
                }
            }
        }
    }
}
