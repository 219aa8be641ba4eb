package atrium.sip;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/** The messages captured from real peers (sipp, baresip, Kamailio, linphone), see src/test/captures-tools/README.md. */
public final class Captures {
    public static final List<String> NAMES = List.of(
            "sipp/register.sip", "sipp/register-authorization.sip", "sipp/invite-sdp.sip", "sipp/ack.sip", "sipp/bye.sip",
            "sipp/response-180-three-vias.sip", "sipp/response-200-three-vias-sdp.sip",
            "baresip/register.sip", "baresip/register-authorization.sip", "baresip/invite-sdp.sip", "baresip/ack.sip",
            "baresip/bye.sip",
            "kamailio/invite-record-route-two-vias.sip", "kamailio/ack.sip", "kamailio/bye.sip",
            "linphone/invite-sdp-ipv6.sip", "linphone/ack.sip", "linphone/bye.sip");

    private Captures() {
    }

    public static byte[] bytes(String name) {
        try (InputStream in = Captures.class.getResourceAsStream("/captures/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no capture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static SipMessage parse(String name) {
        byte[] b = bytes(name);
        return new SipParser(SipParser.Limits.DEFAULT).parseDatagram(b, 0, b.length);
    }
}
