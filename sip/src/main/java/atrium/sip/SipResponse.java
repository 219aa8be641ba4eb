package atrium.sip;

import java.nio.charset.StandardCharsets;

/** A SIP response (RFC 3261 §7.2). */
public record SipResponse(int status, String reason, Headers headers, byte[] body) implements SipMessage {
    public SipResponse {
        if (status < 100 || status > 699 || reason.chars().anyMatch(c -> (c < 0x20 && c != '\t') || c == 0x7f)) {
            throw new IllegalArgumentException("bad status line: " + status + " " + reason);
        }
        body = body.clone();
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    @Override
    public SipResponse withHeaders(Headers h) {
        return new SipResponse(status, reason, h, body);
    }

    public SipResponse withBody(String contentType, byte[] b) {
        return new SipResponse(status, reason, headers.with("Content-Type", contentType), b);
    }

    /** This response with a header line added. */
    public SipResponse with(String name, String value) {
        return withHeaders(headers.add(name, value));
    }

    /** This response with the To tag set (RFC 3261 §8.2.6.2). */
    public SipResponse withToTag(String tag) {
        return withHeaders(headers.with("To", to().withTag(tag).toString()));
    }

    @Override
    public String startLine() {
        return "SIP/2.0 " + status + " " + reason;
    }

    @Override
    public String toString() {
        return new String(toBytes(), StandardCharsets.UTF_8);
    }
}
