package atrium.sip;

import java.util.ArrayList;
import java.util.List;

/** Lexical helpers shared by the header codecs (RFC 3261 §25.1). */
final class Text {
    private Text() {
    }

    /** Splits on {@code sep} outside quoted strings (with backslash escapes) and outside {@code <…>}; parts are trimmed. */
    static List<String> split(String s, char sep) {
        List<String> parts = new ArrayList<>();
        boolean quoted = false;
        int angle = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    quoted = false;
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == '<') {
                angle++;
            } else if (c == '>' && angle > 0) {
                angle--;
            } else if (c == sep && angle == 0) {
                parts.add(s.substring(start, i).trim());
                start = i + 1;
            }
        }
        if (quoted || angle > 0) {
            throw SipParseException.of(400, "Unbalanced quotes or angle brackets");
        }
        parts.add(s.substring(start).trim());
        return parts;
    }

    /** The index of {@code c} outside quoted strings, or -1. */
    static int indexOutsideQuotes(String s, char c, int from) {
        boolean quoted = false;
        for (int i = from; i < s.length(); i++) {
            char x = s.charAt(i);
            if (quoted) {
                if (x == '\\') {
                    i++;
                } else if (x == '"') {
                    quoted = false;
                }
            } else if (x == '"') {
                quoted = true;
            } else if (x == c) {
                return i;
            }
        }
        return -1;
    }

    /** RFC 3261 token characters (method names, header names, parameter names). */
    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "-.!%*_+`'~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Removes the quotes and backslash escapes of a quoted-string; returns other text unchanged. */
    static String unquote(String s) {
        if (s.length() < 2 || s.charAt(0) != '"' || s.charAt(s.length() - 1) != '"') {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 1; i < s.length() - 1; i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length() - 1) {
                c = s.charAt(++i);
            }
            b.append(c);
        }
        return b.toString();
    }

    /** A quoted-string with {@code "} and {@code \} escaped. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.append('"').toString();
    }
}
