package atrium.sip;

/**
 * A message that cannot be taken: {@link #status()} is what a server answers to a request (400, 413, 416, 505, 513),
 * or 0 when the message must be dropped silently (any broken response, RFC 3261 §18.1.2, or garbage that is not a
 * request at all). {@link #fatal()} means a stream lost its framing and the connection must be closed.
 * {@link #headers()} holds what could be read of a request's headers, so that a server can address its error
 * response (Via, From, To, Call-ID, CSeq) — empty when nothing usable was read.
 */
public final class SipParseException extends RuntimeException {
    private final int status;
    private final boolean fatal;
    private final Headers headers;

    SipParseException(int status, String reason, boolean fatal, Headers headers) {
        super(reason, null, false, false); // no stack trace: garbage from the network is routine, not a bug
        this.status = status;
        this.fatal = fatal;
        this.headers = headers;
    }

    static SipParseException of(int status, String reason) {
        return new SipParseException(status, reason, false, Headers.EMPTY);
    }

    /** The status to answer with, or 0 to drop the message without answering. */
    public int status() {
        return status;
    }

    /** The reason phrase fit for the response's status line, e.g. "Missing Call-ID". */
    public String reason() {
        return getMessage();
    }

    /** The stream's framing is lost: answer if possible, then close the connection. */
    public boolean fatal() {
        return fatal;
    }

    /** The request's headers as far as they could be read (possibly empty). */
    public Headers headers() {
        return headers;
    }

    SipParseException withHeaders(Headers read) {
        return new SipParseException(status, getMessage(), fatal, read);
    }

    SipParseException asFatal() {
        return new SipParseException(status, getMessage(), true, headers);
    }

    SipParseException asDrop() {
        return new SipParseException(0, getMessage(), fatal, headers);
    }
}
