package atrium.sip;

import java.nio.charset.StandardCharsets;

/** A SIP request (RFC 3261 §7.1). The Request-URI is kept as text; {@link #sipUri()} parses it. */
public record SipRequest(String method, String uri, Headers headers, byte[] body) implements SipMessage {
    public SipRequest {
        if (!Text.isToken(method) || uri.isEmpty() || uri.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
            throw new IllegalArgumentException("bad request line: " + method + " " + uri);
        }
        body = body.clone();
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    /**
     * A new request outside a dialog (RFC 3261 §8.1.1) without Via, which the transaction layer adds; the caller
     * sets the From tag and adds Contact where the method needs one.
     */
    public static SipRequest create(String method, String uri, NameAddr from, NameAddr to, String callId, long cseq) {
        Headers h = Headers.EMPTY.add("Max-Forwards", "70").add("From", from.toString()).add("To", to.toString())
                .add("Call-ID", callId).add("CSeq", cseq + " " + method);
        return new SipRequest(method, uri, h, new byte[0]);
    }

    /** This request with a header line added. */
    public SipRequest with(String name, String value) {
        return withHeaders(headers.add(name, value));
    }

    /** This request with a body of the given type. */
    public SipRequest withBody(String contentType, byte[] b) {
        return new SipRequest(method, uri, headers.with("Content-Type", contentType), b);
    }

    @Override
    public SipRequest withHeaders(Headers h) {
        return new SipRequest(method, uri, h, body);
    }

    public SipRequest withUri(String u) {
        return new SipRequest(method, u, headers, body);
    }

    public SipUri sipUri() {
        return SipUri.parse(uri);
    }

    @Override
    public String startLine() {
        return method + " " + uri + " SIP/2.0";
    }

    /** The response to this request with the headers RFC 3261 §8.2.6.2 copies: Via (all), From, To, Call-ID, CSeq. */
    public SipResponse response(int status, String reason) {
        Headers h = Headers.EMPTY;
        for (String v : headers.all("Via")) {
            h = h.add("Via", v);
        }
        for (String name : new String[] {"From", "To", "Call-ID", "CSeq"}) {
            h = h.add(name, headers.first(name).orElseThrow());
        }
        return new SipResponse(status, reason, h, new byte[0]);
    }

    @Override
    public String toString() {
        return new String(toBytes(), StandardCharsets.UTF_8);
    }
}
