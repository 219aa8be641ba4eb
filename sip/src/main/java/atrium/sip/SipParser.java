package atrium.sip;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Reads SIP messages from bytes (RFC 3261 §7, §18.3, §25). Tolerant where real peers differ (compact names, no space
 * after the colon, spaces before it, folded lines, comma-joined Vias), strict where a mistake is dangerous (control
 * characters in a header, which is how header injection looks; conflicting Content-Lengths; sizes over the limits).
 * Every failure is a {@link SipParseException} classed by the answer it deserves.
 */
public final class SipParser {
    /** Limits on what is accepted: whole message, header section, number of header lines, body. */
    public record Limits(int maxHeaderBytes, int maxHeaders, int maxBodyBytes) {
        /** 16 KiB of headers, 100 header lines and 64 KiB of body. */
        public static final Limits DEFAULT = new Limits(16 * 1024, 100, 64 * 1024);
    }

    private final Limits limits;

    public SipParser(Limits limits) {
        this.limits = limits;
    }

    public Limits limits() {
        return limits;
    }

    /**
     * Parses one UDP datagram (RFC 3261 §18.3): with a Content-Length the body is that many bytes and extra bytes
     * are discarded, a datagram shorter than announced is refused; without one the body runs to the end.
     */
    public SipMessage parseDatagram(byte[] data, int off, int len) {
        int end = off + len;
        int headerEnd = indexOfBlankLine(data, off, end);
        boolean response = startsWith(data, off, end, "SIP/");
        try {
            if (headerEnd < 0) {
                throw SipParseException.of(400, "No empty line after the headers");
            }
            if (headerEnd - off > limits.maxHeaderBytes) {
                throw SipParseException.of(513, "Message Too Large");
            }
            Head head = parseHead(data, off, headerEnd);
            int bodyStart = headerEnd + 4;
            int available = end - bodyStart;
            int length = head.contentLength < 0 ? available : head.contentLength;
            if (length > limits.maxBodyBytes) {
                throw SipParseException.of(413, "Request Entity Too Large").withHeaders(head.headers);
            }
            if (length > available) {
                throw SipParseException.of(400, "Body shorter than Content-Length").withHeaders(head.headers);
            }
            return build(head, Arrays.copyOfRange(data, bodyStart, bodyStart + length));
        } catch (SipParseException e) {
            throw response ? e.asDrop() : e;
        }
    }

    /** Parses a message whose header section is {@code [off, headerEnd)} (up to, not including, the blank line). */
    SipMessage parseFramed(byte[] data, int off, int headerEnd, byte[] body) {
        boolean response = startsWith(data, off, headerEnd, "SIP/");
        try {
            return build(parseHead(data, off, headerEnd), body);
        } catch (SipParseException e) {
            throw response ? e.asDrop() : e;
        }
    }

    /** The Content-Length of a header section, -1 when absent; used by stream framing before the full parse. */
    int contentLength(byte[] data, int off, int headerEnd) {
        return parseHead(data, off, headerEnd).contentLength;
    }

    private record Head(String startLine, Headers headers, int contentLength) {
    }

    private Head parseHead(byte[] data, int off, int headerEnd) {
        String text = new String(data, off, headerEnd - off, StandardCharsets.UTF_8);
        List<String> lines = splitLines(text);
        String startLine = lines.getFirst();
        List<Headers.Header> headers = new ArrayList<>();
        int contentLength = -1;
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isEmpty()) {
                throw SipParseException.of(400, "Empty header line");
            }
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                // a folded line continues the previous header; unfold to one space (RFC 3261 §7.3.1)
                if (headers.isEmpty()) {
                    throw SipParseException.of(400, "Continuation line without a header");
                }
                Headers.Header last = headers.removeLast();
                headers.add(new Headers.Header(last.name(), (last.value() + " " + line.strip()).strip()));
                continue;
            }
            int colon = line.indexOf(':');
            String name = colon < 0 ? "" : line.substring(0, colon).strip();
            if (!Text.isToken(name)) {
                throw SipParseException.of(400, "Malformed header line").withHeaders(new Headers(headers));
            }
            if (headers.size() >= limits.maxHeaders) {
                throw SipParseException.of(513, "Message Too Large: too many headers").withHeaders(new Headers(headers));
            }
            headers.add(new Headers.Header(Headers.canonical(name), line.substring(colon + 1).strip()));
        }
        for (Headers.Header h : headers) {
            if (h.name().equals("Content-Length")) {
                int n = parseLength(h.value(), headers);
                if (contentLength >= 0 && n != contentLength) {
                    throw SipParseException.of(400, "Conflicting Content-Length").withHeaders(new Headers(headers));
                }
                contentLength = n;
            }
        }
        return new Head(startLine, new Headers(headers), contentLength);
    }

    private static int parseLength(String v, List<Headers.Header> headers) {
        if (v.isEmpty() || v.length() > 9 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            // with the headers read, so the transport can answer the 400 (RFC 3261 §8.2) instead of dropping it
            throw SipParseException.of(400, "Malformed Content-Length").withHeaders(new Headers(headers));
        }
        return Integer.parseInt(v);
    }

    /** Splits on CRLF; any other control character (bare CR or LF, NUL…) is refused. */
    private static List<String> splitLines(String text) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                lines.add(text.substring(start, i));
                start = i + 2;
                i++;
            } else if ((c < 0x20 && c != '\t') || c == 0x7f) {
                throw SipParseException.of(400, "Control character in header section");
            }
        }
        lines.add(text.substring(start));
        return lines;
    }

    private SipMessage build(Head head, byte[] body) {
        String line = head.startLine;
        SipMessage message;
        if (line.startsWith("SIP/")) {
            String[] p = line.split(" ", 3);
            if (!p[0].equals("SIP/2.0") || p.length < 2 || p[1].length() != 3 || !p[1].chars().allMatch(Character::isDigit)) {
                throw SipParseException.of(0, "Malformed status line");
            }
            int status = Integer.parseInt(p[1]);
            if (status < 100 || status > 699) {
                throw SipParseException.of(0, "Status code out of range");
            }
            message = new SipResponse(status, p.length > 2 ? p[2] : "", head.headers, body);
        } else {
            String[] p = line.split(" ", -1);
            if (p.length != 3 || !Text.isToken(p[0])) {
                throw SipParseException.of(p.length >= 1 && Text.isToken(p[0]) ? 400 : 0, "Malformed request line")
                        .withHeaders(head.headers);
            }
            if (!p[2].startsWith("SIP/")) {
                throw SipParseException.of(400, "Malformed request line").withHeaders(head.headers);
            }
            if (!p[2].equals("SIP/2.0")) {
                throw SipParseException.of(505, "Version Not Supported").withHeaders(head.headers);
            }
            checkRequestUri(p[1], head.headers);
            message = new SipRequest(p[0], p[1], head.headers, body);
        }
        checkMandatory(message);
        return message;
    }

    private static void checkRequestUri(String uri, Headers headers) {
        int colon = uri.indexOf(':');
        String scheme = colon < 1 || uri.chars().anyMatch(c -> c <= ' ' || c == 0x7f) ? ""
                : uri.substring(0, colon).toLowerCase(Locale.ROOT);
        try {
            switch (scheme) {
                case "sip", "sips" -> SipUri.parse(uri);
                case "tel" -> {
                    if (uri.length() < 5) {
                        throw SipParseException.of(400, "Malformed tel URI");
                    }
                }
                case "" -> throw SipParseException.of(400, "Malformed Request-URI");
                default -> throw SipParseException.of(416, "Unsupported URI Scheme");
            }
        } catch (SipParseException e) {
            throw e.withHeaders(headers);
        }
    }

    /** RFC 3261 §8.1.1: To, From, CSeq, Call-ID and Via in every message, each readable; CSeq method = method. */
    private static void checkMandatory(SipMessage m) {
        Headers h = m.headers();
        try {
            for (String name : new String[] {"Via", "From", "To", "Call-ID", "CSeq"}) {
                if (!h.has(name) || h.first(name).orElseThrow().isEmpty()) {
                    throw SipParseException.of(400, "Missing " + name);
                }
            }
            for (String name : new String[] {"From", "To", "Call-ID", "CSeq"}) {
                if (h.all(name).size() > 1) {
                    throw SipParseException.of(400, "More than one " + name);
                }
            }
            m.vias();
            m.from();
            m.to();
            m.contacts();
            CSeq cseq = m.cseq();
            if (m instanceof SipRequest r && !cseq.method().equals(r.method())) {
                throw SipParseException.of(400, "CSeq method does not match the request");
            }
            if (h.has("Max-Forwards")) {
                String mf = h.first("Max-Forwards").orElseThrow();
                if (mf.isEmpty() || mf.length() > 3 || !mf.chars().allMatch(Character::isDigit)) {
                    throw SipParseException.of(400, "Malformed Max-Forwards");
                }
            }
        } catch (SipParseException e) {
            throw e.withHeaders(h);
        }
    }

    static int indexOfBlankLine(byte[] d, int from, int end) {
        for (int i = from; i + 3 < end; i++) {
            if (d[i] == '\r' && d[i + 1] == '\n' && d[i + 2] == '\r' && d[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static boolean startsWith(byte[] d, int off, int end, String prefix) {
        if (end - off < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (d[off + i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
