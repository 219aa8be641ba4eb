package atrium.sip;

import java.util.Arrays;
import java.util.Optional;

/**
 * Cuts a byte stream (TCP, TLS) into SIP messages (RFC 3261 §18.3): Content-Length is mandatory and is the framing;
 * bytes may arrive in any pieces, several messages in one read. Bare CRLFs between messages are the keep-alives of
 * RFC 5626 §4.4.1: a double CRLF is a ping (answer with one CRLF), a single CRLF a pong. Pings go from the side that
 * opened the connection to the side that accepted it, so on an accepted connection a lone CRLF waits for its pair
 * (a ping split over two reads) while on an opened one it is a pong at once. Not thread-safe: one per connection,
 * fed by its reader.
 */
public final class StreamFramer {
    /** What the stream held next. */
    public sealed interface Frame {
    }

    public record Message(SipMessage message) implements Frame {
    }

    /** A double CRLF: the peer asks for a pong. */
    public record Ping() implements Frame {
    }

    /** A single CRLF: the answer to our ping. */
    public record Pong() implements Frame {
    }

    private final SipParser parser;
    private final boolean accepted;
    private byte[] buf = new byte[4096];
    private int start;
    private int end;

    /** A framer for a connection we {@code accepted} (pings arrive) or opened (pongs arrive). */
    public StreamFramer(SipParser parser, boolean accepted) {
        this.parser = parser;
        this.accepted = accepted;
    }

    /** Adds bytes read from the stream. */
    public void feed(byte[] data, int off, int len) {
        if (end + len > buf.length) {
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            start = 0;
            if (end + len > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, end + len));
            }
        }
        System.arraycopy(data, off, buf, end, len);
        end += len;
    }

    /**
     * The next complete frame, or empty until more bytes arrive. A {@link SipParseException} that is
     * {@linkplain SipParseException#fatal() fatal} means the framing is lost and the connection must close; a
     * non-fatal one concerns only that message, which has been consumed.
     */
    public Optional<Frame> next() {
        if (end - start >= 2 && buf[start] == '\r' && buf[start + 1] == '\n') {
            if (end - start >= 4 && buf[start + 2] == '\r' && buf[start + 3] == '\n') {
                start += 4;
                return Optional.of(new Ping());
            }
            if (accepted && end - start < 4 && (end - start == 2 || buf[start + 2] == '\r')) {
                return Optional.empty(); // maybe the first half of a ping
            }
            start += 2;
            return Optional.of(new Pong());
        }
        int headerEnd = SipParser.indexOfBlankLine(buf, start, end);
        int limit = parser.limits().maxHeaderBytes();
        if (headerEnd < 0) {
            if (end - start > limit) {
                throw SipParseException.of(513, "Message Too Large").asFatal();
            }
            return Optional.empty();
        }
        if (headerEnd - start > limit) {
            throw SipParseException.of(513, "Message Too Large").asFatal();
        }
        int length;
        try {
            length = parser.contentLength(buf, start, headerEnd);
        } catch (SipParseException e) {
            throw e.asFatal(); // without a readable Content-Length the next message cannot be found
        }
        if (length < 0) {
            Headers read;
            try {
                read = parser.parseFramed(buf, start, headerEnd, new byte[0]).headers();
            } catch (SipParseException e) {
                read = e.headers();
            }
            // the headers let the server address its 400 before it closes the connection
            throw SipParseException.of(400, "Content-Length is required on a stream").withHeaders(read).asFatal();
        }
        if (length > parser.limits().maxBodyBytes()) {
            throw SipParseException.of(413, "Request Entity Too Large").asFatal();
        }
        int bodyStart = headerEnd + 4;
        if (end - bodyStart < length) {
            return Optional.empty();
        }
        int from = start;
        start = bodyStart + length;
        byte[] body = Arrays.copyOfRange(buf, bodyStart, bodyStart + length);
        if (start == end) {
            start = 0;
            end = 0;
        }
        return Optional.of(new Message(parser.parseFramed(buf, from, headerEnd, body)));
    }

    /** Bytes buffered and not yet framed. */
    public int buffered() {
        return end - start;
    }
}
