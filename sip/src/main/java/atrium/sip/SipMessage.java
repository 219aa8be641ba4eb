package atrium.sip;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * A SIP request or response (RFC 3261 §7). Immutable; the typed accessors parse the header on each call — the
 * parser has checked the mandatory ones, so they do not throw on a parsed message.
 */
public sealed interface SipMessage permits SipRequest, SipResponse {
    Headers headers();

    byte[] body();

    /** This message with other headers. */
    SipMessage withHeaders(Headers headers);

    /** The first line, without CRLF. */
    String startLine();

    default String callId() {
        return headers().first("Call-ID").orElseThrow();
    }

    default CSeq cseq() {
        return CSeq.parse(headers().first("CSeq").orElseThrow());
    }

    default NameAddr from() {
        return NameAddr.parse(headers().first("From").orElseThrow());
    }

    default NameAddr to() {
        return NameAddr.parse(headers().first("To").orElseThrow());
    }

    default List<Via> vias() {
        return headers().all("Via").stream().map(Via::parse).toList();
    }

    default Via topVia() {
        return Via.parse(headers().all("Via").getFirst());
    }

    default List<NameAddr> contacts() {
        return headers().all("Contact").stream().map(NameAddr::parse).toList();
    }

    default Optional<String> header(String name) {
        return headers().first(name);
    }

    /** The wire form: start line, headers as {@code Name: value}, a Content-Length that matches the body, the body. */
    default byte[] toBytes() {
        StringBuilder b = new StringBuilder(512).append(startLine()).append("\r\n");
        for (Headers.Header h : headers().list()) {
            if (!h.name().equals("Content-Length")) {
                b.append(h.name()).append(": ").append(h.value()).append("\r\n");
            }
        }
        b.append("Content-Length: ").append(body().length).append("\r\n\r\n");
        byte[] head = b.toString().getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(head.length + body().length);
        out.writeBytes(head);
        out.writeBytes(body());
        return out.toByteArray();
    }
}
