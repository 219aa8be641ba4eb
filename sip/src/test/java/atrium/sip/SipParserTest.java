package atrium.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.FieldSource;

class SipParserTest {
    private final SipParser parser = new SipParser(SipParser.Limits.DEFAULT);

    static final java.util.List<String> CAPTURES = Captures.NAMES;

    private SipMessage parse(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return parser.parseDatagram(b, 0, b.length);
    }

    @ParameterizedTest
    @FieldSource("CAPTURES")
    void everyCapturedMessageParsesAndSurvivesSerialisation(String name) {
        SipMessage m = Captures.parse(name);
        byte[] wire = m.toBytes();
        SipMessage again = parser.parseDatagram(wire, 0, wire.length);
        assertThat(again.startLine()).isEqualTo(m.startLine());
        // the same headers in the same order; Content-Length is always written, last (linphone's ACK has none)
        assertThat(again.headers().without("Content-Length")).isEqualTo(m.headers().without("Content-Length"));
        assertThat(again.header("Content-Length")).contains(Integer.toString(m.body().length));
        assertThat(again.body()).isEqualTo(m.body());
        assertThat(m.vias()).isNotEmpty();
        assertThat(m.cseq().number()).isPositive();
    }

    @Test
    void sippsResponseWithThreeCommaJoinedViasKeepsTheirOrderAndParameters() {
        SipResponse r = (SipResponse) Captures.parse("sipp/response-200-three-vias-sdp.sip");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers().all("Via")).hasSize(3);
        assertThat(r.vias()).extracting(Via::transport).containsExactly("UDP", "UDP", "TCP");
        assertThat(r.vias().get(0).branch()).contains("z9hG4bKcap1");
        assertThat(r.vias().get(0).rport()).contains("");
        assertThat(r.vias().get(1).received()).contains("192.0.2.9");
        assertThat(r.vias().get(2).host()).isEqualTo("[2001:db8::9]");
        assertThat(r.vias().get(2).port()).hasValue(5070);
        assertThat(r.from().displayName()).contains("Doe, John");
        assertThat(r.to().tag()).contains("16842SIPpTag011");
        assertThat(r.contacts().getFirst().sipUri().user()).isEmpty();
        assertThat(r.contacts().getFirst().sipUri().transport()).contains("udp");
        assertThat(r.body()).hasSize(129); // sipp pads "Content-Length:   129"
    }

    @Test
    void authorizationHeadersAreNeverSplitOnTheirCommas() {
        SipMessage sipp = Captures.parse("sipp/register-authorization.sip");
        assertThat(sipp.headers().all("Authorization")).hasSize(1);
        assertThat(sipp.headers().first("authorization").orElseThrow()).startsWith("Digest username=\"1001\",realm=");
        SipMessage baresip = Captures.parse("baresip/register-authorization.sip");
        assertThat(baresip.headers().all("Authorization")).singleElement().asString().endsWith("nc=00000001");
        assertThat(baresip.contacts().getFirst().params().get("expires")).contains("60");
    }

    @Test
    void kamailiosInviteHasItsRecordRouteTwoViaLinesAndABareContact() {
        SipRequest r = (SipRequest) Captures.parse("kamailio/invite-record-route-two-vias.sip");
        assertThat(r.method()).isEqualTo("INVITE");
        assertThat(r.vias()).hasSize(2);
        assertThat(r.vias().get(1).rport()).contains("5179");
        assertThat(NameAddr.parse(r.headers().first("Record-Route").orElseThrow()).sipUri().params().has("lr")).isTrue();
        NameAddr contact = r.contacts().getFirst();
        assertThat(contact.uri()).isEqualTo("sip:sipp@127.0.0.1:5179");
        assertThat(r.header("Content-Type")).contains("application/sdp");
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).startsWith("v=0\r\n").endsWith("a=rtpmap:0 PCMU/8000\r\n");
    }

    @Test
    void baresipsInviteCarriesItsSdpAndAnEmptySupportedHeader() {
        SipRequest r = (SipRequest) Captures.parse("baresip/invite-sdp.sip");
        assertThat(r.sipUri().transport()).contains("udp");
        assertThat(r.header("Supported")).contains("");
        assertThat(r.headers().all("Allow")).contains("INVITE", "REFER");
        assertThat(r.body()).hasSize(Integer.parseInt(r.header("Content-Length").orElseThrow()));
    }

    @Test
    void linphonesInviteHasABareToAnIpv6FromAndAnIpv6Sdp() {
        SipRequest r = (SipRequest) Captures.parse("linphone/invite-sdp-ipv6.sip");
        assertThat(r.to().uri()).isEqualTo("sip:1004@127.0.0.1");
        assertThat(r.from().sipUri().host()).isEqualTo("[fd00::2]");
        assertThat(r.from().tag()).contains("AmaTsSGDS");
        assertThat(r.headers().all("Allow")).contains("PRACK", "UPDATE");
        assertThat(r.contacts().getFirst().sipUri().user()).isEmpty();
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("c=IN IP6 fd00::2\r\n");
        assertThat(r.body()).hasSize(512);
    }

    @Test
    void compactFormsFoldedLinesAndOddSpacingAreRead() {
        SipMessage m = parse("""
                OPTIONS sip:bob@example.com SIP/2.0\r
                v:SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKa1\r
                V : SIP/2.0/TCP host.example;branch=z9hG4bKa2 , SIP/2.0/UDP [::1]:5070;branch=z9hG4bKa3\r
                f: "A \\"quoted\\" one" <sip:alice@example.com>;tag=x1\r
                t: Bob Smith <sip:bob@example.com>\r
                i: abc@10.0.0.1\r
                CSEQ:   7   OPTIONS\r
                m: sip:alice@10.0.0.1;expires=30;q=0.5\r
                k: timer,\r
                 replaces\r
                Max-Forwards:70\r
                Subject: first\r
                \tsecond\r
                l: 4\r
                \r
                bodyEXTRA""");
        assertThat(m.vias()).hasSize(3);
        assertThat(m.vias().get(1).host()).isEqualTo("host.example");
        assertThat(m.vias().get(2).host()).isEqualTo("[::1]");
        assertThat(m.from().displayName()).contains("A \"quoted\" one");
        assertThat(m.to().displayName()).contains("Bob Smith");
        assertThat(m.callId()).isEqualTo("abc@10.0.0.1");
        assertThat(m.cseq()).isEqualTo(new CSeq(7, "OPTIONS"));
        NameAddr contact = m.contacts().getFirst();
        assertThat(contact.uri()).isEqualTo("sip:alice@10.0.0.1");
        assertThat(contact.params().get("expires")).contains("30");
        assertThat(m.headers().all("Supported")).containsExactly("timer", "replaces");
        assertThat(m.header("subject")).contains("first second");
        assertThat(new String(m.body(), StandardCharsets.UTF_8)).isEqualTo("body"); // extra datagram bytes discarded
        assertThat(new String(m.toBytes(), StandardCharsets.UTF_8))
                .contains("\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKa1\r\n", "\r\nCall-ID: abc@10.0.0.1\r\n",
                        "\r\nContent-Length: 4\r\n\r\nbody");
    }

    @Test
    void aDatagramWithoutContentLengthHasItsBodyToTheEnd() {
        SipMessage m = parse("MESSAGE sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@h>;tag=1\r\n"
                + "To: <sip:b@h>\r\nCall-ID: c\r\nCSeq: 1 MESSAGE\r\n\r\nhello");
        assertThat(m.body()).asString(StandardCharsets.UTF_8).isEqualTo("hello");
    }

    @Test
    void uriParametersHeadersAndUserPartsAreKept() {
        SipUri u = SipUri.parse("SIP:+33123;phone-context=x@Example.COM:5080;transport=TCP;lr;alias=1.2.3.4~5060~1?Replaces=a%40b");
        assertThat(u.scheme()).isEqualTo("sip");
        assertThat(u.user()).contains("+33123;phone-context=x");
        assertThat(u.host()).isEqualTo("example.com");
        assertThat(u.port()).hasValue(5080);
        assertThat(u.transport()).contains("tcp");
        assertThat(u.params().has("lr")).isTrue();
        assertThat(u.headers()).contains("Replaces=a%40b");
        assertThat(SipUri.parse(u.toString())).isEqualTo(u);
        NameAddr tel = NameAddr.parse("<tel:+15551234567>;tag=9");
        assertThat(tel.uri()).isEqualTo("tel:+15551234567");
        assertThat(tel.tag()).contains("9");
        assertThat(NameAddr.parse("\"\" <sip:x@y>").displayName()).contains("");
        assertThat(NameAddr.parse("<sip:c@pbx;transport=tcp>;+sip.instance=\"<urn:uuid:1;2>\";reg-id=1").params()
                .get("+sip.instance")).contains("\"<urn:uuid:1;2>\"");
    }

    @ParameterizedTest(name = "{1} {2}")
    @CsvSource(delimiter = '|', textBlock = """
            INVITE sip:b@h SIP/3.0                                          | 505 | Version Not Supported
            INVITE mailto:b@h SIP/2.0                                       | 416 | Unsupported URI Scheme
            INVITE sip:b@h:99999 SIP/2.0                                    | 400 | Port out of range
            INVITE  sip:b@h SIP/2.0                                         | 400 | Malformed request line
            INVITE sip:b@h	:5060 SIP/2.0                                   | 400 | Malformed Request-URI
            IN<VITE sip:b@h SIP/2.0                                         | 0   | Malformed request line
            """)
    void badRequestLinesAreClassified(String line, int status, String reason) {
        SipParseException e = catchThrowableOfType(SipParseException.class, () -> parse(line + "\r\n"
                + "Via: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@h>;tag=1\r\nTo: <sip:b@h>\r\nCall-ID: c\r\n"
                + "CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n"));
        assertThat(e.status()).isEqualTo(status);
        assertThat(e.reason()).isEqualTo(reason);
        if (status != 0) {
            assertThat(e.headers().first("Call-ID")).contains("c"); // enough to address the error response
        }
    }

    @Test
    void badHeadersAreAnswered400WithAReason() {
        String ok = "INVITE sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@h>;tag=1\r\n"
                + "To: <sip:b@h>\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
        String[][] cases = {
            {"Call-ID: c\r\n", "", "Missing Call-ID"},
            {"CSeq: 1 INVITE", "CSeq: 1 BYE", "CSeq method does not match the request"},
            {"CSeq: 1 INVITE", "CSeq: 1x INVITE", "Malformed CSeq"},
            {"Content-Length: 0", "Content-Length: 5", "Body shorter than Content-Length"},
            {"Content-Length: 0", "Content-Length: -1", "Malformed Content-Length"},
            {"Content-Length: 0", "Content-Length: 0\r\nl: 3", "Conflicting Content-Length"},
            {"From: <sip:a@h>;tag=1", "From: <sip:a@h", "Missing >"},
            {"To: <sip:b@h>", "To: <sip:b@h>\r\nTo: <sip:c@h>", "More than one To"},
            {"Via: SIP/2.0/UDP h;", "Via: SIP/2.0/UDP h\nX-Evil: 1;", "Control character in header section"},
            {"Call-ID: c", "Call-ID: c\u0000", "Control character in header section"},
            {"Call-ID: c", "Call-ID c", "Malformed header line"},
            {"SIP/2.0\r\nVia", "SIP/2.0\r\n folded\r\nVia", "Continuation line without a header"},
            {"Via: SIP/2.0/UDP h;", "Via: SIP/2.0/UDP h:0;", "Port out of range"},
        };
        for (String[] c : cases) {
            String bad = ok.replace(c[0], c[1]);
            assertThat(bad).as(c[2]).isNotEqualTo(ok);
            SipParseException e = catchThrowableOfType(SipParseException.class, () -> parse(bad));
            assertThat(e).as(bad).isNotNull();
            assertThat(e.status()).as(bad).isEqualTo(400);
            assertThat(e.reason()).as(bad).isEqualTo(c[2]);
            if (!c[2].startsWith("Control character")) {
                // the headers read so far travel with the error, so the transport can address the 400 (the server's
                // SipFuzzTest found a malformed Content-Length dropped instead); an injected control character
                // leaves no header to trust
                assertThat(e.headers().has("Via") || c[2].startsWith("Continuation")).as(bad).isTrue();
            }
        }
    }

    @Test
    void brokenResponsesAreDroppedNotAnswered() {
        SipParseException e = catchThrowableOfType(SipParseException.class,
                () -> parse("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@h>\r\n\r\n"));
        assertThat(e.status()).isZero();
        assertThat(catchThrowableOfType(SipParseException.class,
                () -> parse("SIP/2.0 99 Hmm\r\n\r\n")).status()).isZero();
    }

    @Test
    void limitsOnHeadersAndBodyGive513And413() {
        SipParser small = new SipParser(new SipParser.Limits(400, 8, 10));
        String head = "MESSAGE sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@h>;tag=1\r\n"
                + "To: <sip:b@h>\r\nCall-ID: c\r\nCSeq: 1 MESSAGE\r\n";
        byte[] many = (head + "A: 1\r\nB: 2\r\nC: 3\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        assertThat(catchThrowableOfType(SipParseException.class, () -> small.parseDatagram(many, 0, many.length)).status())
                .isEqualTo(513);
        byte[] big = (head + "Content-Length: 11\r\n\r\n01234567890").getBytes(StandardCharsets.UTF_8);
        assertThat(catchThrowableOfType(SipParseException.class, () -> small.parseDatagram(big, 0, big.length)).status())
                .isEqualTo(413);
        byte[] longHead = (head + "X: " + "y".repeat(400) + "\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        assertThat(catchThrowableOfType(SipParseException.class, () -> small.parseDatagram(longHead, 0, longHead.length))
                .status()).isEqualTo(513);
    }

    @Test
    void codeCannotInjectAHeaderThroughAValueAUriOrAReason() {
        SipRequest r = (SipRequest) Captures.parse("sipp/bye.sip");
        assertThatThrownBy(() -> r.with("Subject", "hi\r\nContact: <sip:evil@x>"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> r.with("Bad Name", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> r.withUri("sip:a@b SIP/2.0\r\nX: y")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> r.response(200, "OK\r\nX: y")).isInstanceOf(IllegalArgumentException.class);
        NameAddr named = NameAddr.parse("<sip:a@b>");
        NameAddr evil = new NameAddr(Optional.of("Eve\r\nX: y"), named.uri(), named.params());
        assertThatThrownBy(() -> r.withHeaders(r.headers().with("From", evil.toString())))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void responsesCopyTheHeadersTheRfcSays() {
        SipRequest invite = (SipRequest) Captures.parse("kamailio/invite-record-route-two-vias.sip");
        SipResponse r = invite.response(180, "Ringing").withToTag("t1");
        assertThat(r.vias()).isEqualTo(invite.vias());
        assertThat(r.to().tag()).contains("t1");
        assertThat(r.callId()).isEqualTo(invite.callId());
        assertThat(r.cseq()).isEqualTo(invite.cseq());
        assertThat(r.header("Record-Route")).isEqualTo(Optional.empty());
        assertThatThrownBy(() -> SipUri.parse("mailto:x@y")).isInstanceOf(SipParseException.class);
    }
}
