package atrium.sip.sdp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SdpTest {
    static final List<String> CAPTURES_WITH_SDP = List.of("baresip/invite-sdp.sip", "linphone/invite-sdp-ipv6.sip",
            "sipp/invite-sdp.sip", "sipp/response-200-three-vias-sdp.sip", "kamailio/invite-record-route-two-vias.sip");

    /** An offer as a WebRTC-style softphone sends it: ICE, rtcp-mux, a=rtcp with an address, a second stream rejected. */
    static final String ICE_OFFER = """
            v=0\r
            o=- 4611731400430051336 2 IN IP4 127.0.0.1\r
            s=-\r
            t=0 0\r
            a=ice-options:trickle\r
            a=group:BUNDLE 0\r
            m=audio 50170 RTP/AVP 111 9 0 8 101\r
            c=IN IP4 203.0.113.7\r
            a=rtcp:50171 IN IP4 203.0.113.7\r
            a=candidate:842163049 1 udp 1677729535 203.0.113.7 50170 typ srflx raddr 10.0.0.5 rport 50170 generation 0\r
            a=candidate:1 1 udp 2122260223 10.0.0.5 50170 typ host generation 0\r
            a=ice-ufrag:EsAw\r
            a=ice-pwd:P2uYro0UCOQ4zxjKXaWCBui1\r
            a=mid:0\r
            a=sendrecv\r
            a=rtpmap:111 opus/48000/2\r
            a=fmtp:111 minptime=10;useinbandfec=1\r
            a=rtpmap:9 G722/8000\r
            a=rtpmap:101 telephone-event/8000\r
            a=ptime:20\r
            a=end-of-candidates\r
            m=video 0 RTP/AVP 96\r
            a=rtpmap:96 VP8/90000\r
            a=inactive\r
            """;

    static String body(String capture) {
        try (InputStream in = SdpTest.class.getResourceAsStream("/captures/" + capture)) {
            String message = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return message.substring(message.indexOf("\r\n\r\n") + 4);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void everyCapturedBodyParsesAndSerialisesByteForByte() {
        for (String capture : CAPTURES_WITH_SDP) {
            String body = body(capture);
            SessionDescription sdp = SessionDescription.parse(body.getBytes(StandardCharsets.UTF_8));
            assertThat(sdp.toString()).as(capture).isEqualTo(body);
            assertThat(sdp.media()).as(capture).hasSize(1);
        }
    }

    @Test
    void baresipsOfferReadsAsTypedValues() {
        SessionDescription sdp = SessionDescription.parse(body("baresip/invite-sdp.sip"));
        assertThat(sdp.origin().sessionVersion()).isEqualTo("118370358");
        assertThat(sdp.connection()).contains(new Connection("IN", "IP4", "192.0.2.2"));
        MediaDescription audio = sdp.media().get(0);
        assertThat(audio.media()).isEqualTo("audio");
        assertThat(audio.port()).isEqualTo(8138);
        assertThat(audio.proto()).isEqualTo("RTP/AVP");
        assertThat(sdp.formats(0)).containsExactly("0", "8", "101");
        assertThat(sdp.codecs(0)).extracting(Codec::name).containsExactly("PCMU", "PCMA", "telephone-event");
        assertThat(audio.codec(Codec.TELEPHONE_EVENT).orElseThrow().fmtp()).contains("0-15");
        assertThat(audio.ptime()).hasValue(20);
        assertThat(sdp.direction(0)).isEqualTo(Direction.SENDRECV);
        assertThat(sdp.mediaAddress(0)).contains(new InetSocketAddress("192.0.2.2", 8138));
        assertThat(sdp.rtcpAddress(0)).contains(new InetSocketAddress("192.0.2.2", 8139));
        assertThat(audio.attribute("tool")).isEmpty(); // session-level, not media
        assertThat(sdp.sessionLines()).contains(new SdpLine('a', "tool:baresip 1.0.0"));
    }

    @Test
    void linphonesIpv6OfferNamesOpusAndStaticTypesWithoutRtpmap() throws Exception {
        SessionDescription sdp = SessionDescription.parse(body("linphone/invite-sdp-ipv6.sip"));
        assertThat(sdp.connection(0).addressType()).isEqualTo("IP6");
        assertThat(sdp.mediaAddress(0)).contains(new InetSocketAddress(InetAddress.getByName("fd00::2"), 7078));
        List<Codec> codecs = sdp.codecs(0);
        assertThat(codecs).extracting(Codec::payloadType).containsExactly(96, 97, 98, 0, 8, 18, 99, 100, 101);
        Codec opus = codecs.get(0);
        assertThat(opus).isEqualTo(new Codec(96, "opus", 48000, 2, Optional.of("useinbandfec=1")));
        assertThat(opus.is(Codec.OPUS)).isTrue();
        assertThat(codecs.get(3).name()).isEqualTo(Codec.PCMU);
        assertThat(codecs.get(5)).isEqualTo(new Codec(18, "G729", 8000, 1, Optional.of("annexb=yes")));
        assertThat(sdp.media().get(0).codec(Codec.TELEPHONE_EVENT).orElseThrow().clockRate()).isEqualTo(48000);
    }

    @Test
    void anchoringPointsEveryAddressAndPortAtTheRelayAndDropsIce() throws Exception {
        SessionDescription offer = SessionDescription.parse(ICE_OFFER);
        assertThat(offer.rtcpAddress(0)).contains(new InetSocketAddress("203.0.113.7", 50171));
        InetAddress relay = InetAddress.getByName("198.51.100.1");
        SessionDescription out = offer.anchored(relay, List.of(20000, 20002));
        String text = out.toString();
        assertThat(text).doesNotContain("candidate", "ice-", "203.0.113.7", "10.0.0.5");
        assertThat(out.mediaAddress(0)).contains(new InetSocketAddress(relay, 20000));
        assertThat(out.rtcpAddress(0)).contains(new InetSocketAddress(relay, 20001));
        assertThat(out.media().get(1).port()).as("a rejected stream stays rejected").isZero();
        assertThat(out.media().get(0).lines()).contains(new SdpLine('a', "rtcp:20001 IN IP4 198.51.100.1"));
        // the rest is kept, in order
        assertThat(text).contains("a=group:BUNDLE 0\r\nm=audio 20000 RTP/AVP 111 9 0 8 101\r\nc=IN IP4 198.51.100.1\r\n"
                + "a=rtcp:20001 IN IP4 198.51.100.1\r\na=mid:0\r\na=sendrecv\r\na=rtpmap:111 opus/48000/2\r\n");
        assertThat(out.origin()).isEqualTo(offer.origin());
        assertThat(SessionDescription.parse(text)).isEqualTo(out);
    }

    @Test
    void anchoringASessionLevelConnectionAndAnIpv6Relay() throws Exception {
        SessionDescription out = SessionDescription.parse(body("sipp/invite-sdp.sip"))
                .anchored(InetAddress.getByName("2001:db8::5"), List.of(21000));
        assertThat(out.connection()).contains(new Connection("IN", "IP6", "2001:db8:0:0:0:0:0:5"));
        assertThat(out.toString()).contains("m=audio 21000 RTP/AVP 0\r\n");
        assertThatThrownBy(() -> out.anchored(InetAddress.getByName("192.0.2.1"), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 media lines but 0 ports");
    }

    @Test
    void holdAndResumeSetTheDirectionOnEveryStream() {
        SessionDescription sdp = SessionDescription.parse(body("baresip/invite-sdp.sip"));
        SessionDescription held = sdp.withDirection(Direction.SENDONLY);
        assertThat(held.direction(0)).isEqualTo(Direction.SENDONLY);
        assertThat(held.toString()).contains("a=sendonly\r\n").doesNotContain("sendrecv");
        assertThat(held.withDirection(Direction.SENDRECV).direction(0)).isEqualTo(Direction.SENDRECV);

        // a session-level direction applies to streams without their own, and withDirection(i) keeps the others
        SessionDescription two = SessionDescription.parse("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\n"
                + "t=0 0\r\na=inactive\r\nm=audio 4000 RTP/AVP 0\r\nm=audio 4002 RTP/AVP 8\r\na=recvonly\r\n");
        assertThat(two.direction()).contains(Direction.INACTIVE);
        assertThat(two.direction(0)).isEqualTo(Direction.INACTIVE);
        assertThat(two.direction(1)).isEqualTo(Direction.RECVONLY);
        SessionDescription one = two.withDirection(1, Direction.SENDRECV);
        assertThat(one.direction()).isEmpty();
        assertThat(one.direction(0)).isEqualTo(Direction.INACTIVE);
        assertThat(one.direction(1)).isEqualTo(Direction.SENDRECV);
        assertThat(Direction.SENDONLY.answer()).isEqualTo(Direction.RECVONLY);
        assertThat(Direction.INACTIVE.answer()).isEqualTo(Direction.INACTIVE);
    }

    @Test
    void legacyHoldAddressIsReportedAsUnspecified() {
        SessionDescription sdp = SessionDescription.parse(body("sipp/invite-sdp.sip").replace("c=IN IP4 127.0.0.1", "c=IN IP4 0.0.0.0"));
        assertThat(sdp.connection(0).isUnspecified()).isTrue();
        assertThat(SessionDescription.parse(body("sipp/invite-sdp.sip")).connection(0).isUnspecified()).isFalse();
    }

    @Test
    void aHostNameIsNeverResolved() {
        SessionDescription sdp = SessionDescription.parse(body("sipp/invite-sdp.sip")
                .replace("c=IN IP4 127.0.0.1", "c=IN IP4 media.example.invalid"));
        assertThat(sdp.mediaAddress(0)).isEmpty();
        assertThat(sdp.connection(0).address()).isEqualTo("media.example.invalid");
        for (String notALiteral : List.of("999.0.0.1", "1.2.3", "1.2.3.4.5", "12.x.0.1")) {
            assertThat(new Connection("IN", "IP4", notALiteral).inetAddress()).as(notALiteral).isEmpty();
        }
        assertThat(new Connection("IN", "IP4", "224.2.1.1/127").inetAddress()).map(InetAddress::getHostAddress)
                .contains("224.2.1.1");
        assertThat(new Connection("IN", "IP6", "fd00::zz").inetAddress()).isEmpty();
    }

    @Test
    void originVersionGoesUpByOnePastSixtyFourBits() {
        Origin o = new Origin("atrium", "1", "18446744073709551615", "IN", "IP4", "192.0.2.1");
        assertThat(o.nextVersion().sessionVersion()).isEqualTo("18446744073709551616");
        SessionDescription sdp = SessionDescription.parse(body("baresip/invite-sdp.sip")).withOrigin(o.nextVersion());
        assertThat(sdp.toString()).contains("o=atrium 1 18446744073709551616 IN IP4 192.0.2.1\r\n");
    }

    @Test
    void keepingSomeFormatsDropsTheOthersMaps() {
        SessionDescription sdp = SessionDescription.parse(body("linphone/invite-sdp-ipv6.sip"));
        SessionDescription pcmu = sdp.withMedia(0, sdp.media().get(0).withFormats(List.of("0", "101")));
        assertThat(pcmu.codecs(0)).extracting(Codec::name).containsExactly("PCMU", "telephone-event");
        assertThat(pcmu.toString()).doesNotContain("opus", "speex", "annexb").contains("a=rtcp-fb:* trr-int 5000");
    }

    @Test
    void lineFeedOnlyBodiesAndBlankLinesAreAccepted() {
        SessionDescription sdp = SessionDescription.parse(body("baresip/invite-sdp.sip").replace("\r\n", "\n") + "\n\n");
        assertThat(sdp).isEqualTo(SessionDescription.parse(body("baresip/invite-sdp.sip")));
    }

    @Test
    void badLinesAreRefusedWithTheLineAndTheReason() {
        String good = body("baresip/invite-sdp.sip");
        assertRefused("", "must start with v=0");
        assertRefused("hello world", "SDP line 1: expected '<letter>=<value>'");
        assertRefused(good.replace("v=0", "v=1"), "must start with v=0");
        assertRefused(good.replace("m=audio 8138", "m=audio 81x8"), "SDP line 7: bad m= port '81x8'");
        assertRefused(good.replace("m=audio 8138", "m=audio 70000"), "m= port out of range: 70000");
        assertRefused(good.replace("m=audio 8138 RTP/AVP 0 8 101", "m=audio 8138 RTP/AVP"), "bad m= line");
        assertRefused(good.replace("c=IN IP4 192.0.2.2", "c=IN IP4"), "SDP line 4: bad c= line");
        assertRefused(good.replace("c=IN IP4 192.0.2.2\r\n", ""), "no c= line for media 1");
        assertRefused(good.replace("a=rtpmap:8 PCMA/8000", "a=rtpmap:8 PCMA"), "SDP line 9: bad a=rtpmap");
        assertRefused(good.replace("a=rtpmap:8 PCMA/8000", "a=rtpmap:300 PCMA/8000"), "a=rtpmap payload type out of range");
        assertRefused(good.replace("a=fmtp:101 0-15", "a=fmtp:101"), "bad a=fmtp");
        assertRefused(good.replace("a=ptime:20", "a=ptime:twenty"), "bad a=ptime 'twenty'");
        assertRefused(good.replace("a=ptime:20", "a=rtcp:port"), "bad a=rtcp port 'port'");
        assertRefused(good.replace("o=- 2980924991", "o=- x"), "o= session id and version must be numbers");
        assertRefused(good.replace("o=- 2980924991 118370358 IN IP4 192.0.2.2\r\n", ""), "exactly one o= line");
        assertRefused(good.replace("a=sendrecv", "Z=sendrecv"), "lower-case letter");
        assertRefused(good.replace("a=sendrecv", "s=sendrecv"), "'s=' is a session-level line");
        assertRefused(good.replace("a=sendrecv", "a=send\0recv"), "control character");
        assertRefused("v=0\r\n".repeat(5000), "more than 4096 lines");
    }

    @Test
    void valuesCannotSmuggleALine() {
        assertThatThrownBy(() -> new Origin("a\r\nm=audio", "1", "1", "IN", "IP4", "192.0.2.1"))
                .isInstanceOf(SdpException.class);
        assertThatThrownBy(() -> new MediaDescription("audio", 1, java.util.OptionalInt.empty(), "RTP/AVP",
                List.of("0\r\na=x"), List.of())).isInstanceOf(SdpException.class);
    }

    private static void assertRefused(String text, String reason) {
        assertThatThrownBy(() -> SessionDescription.parse(text)).isInstanceOf(SdpException.class).hasMessageContaining(reason);
    }
}
