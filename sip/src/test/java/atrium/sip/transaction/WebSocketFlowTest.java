package atrium.sip.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import atrium.sip.NameAddr;
import atrium.sip.SipParser;
import atrium.sip.SipRequest;
import atrium.sip.SipResponse;
import atrium.sip.transport.Peer;
import atrium.sip.transport.Protocol;
import atrium.sip.transport.SipTransports;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SIP over WebSocket (RFC 7118) as the library sees it: the HTTP server owns the WebSocket and hands each message
 * over a flow. The messages are what JsSIP sends (Via host a made-up .invalid name, transport WS).
 */
class WebSocketFlowTest extends RawPeerTest {
    private static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 8443);
    private static final InetSocketAddress BROWSER = new InetSocketAddress("127.0.0.1", 51234);
    private final SipParser parser = new SipParser(SipParser.Limits.DEFAULT);

    @Override
    Timers timers() {
        return new Timers(Duration.ofMillis(50), Duration.ofMillis(400), Duration.ofMillis(200));
    }

    private static final String REGISTER = """
            REGISTER sip:atrium.test SIP/2.0\r
            Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bK56sdasks;rport\r
            Max-Forwards: 69\r
            To: <sip:1001@atrium.test>\r
            From: "Alice" <sip:1001@atrium.test>;tag=5mnclhaemk\r
            Call-ID: 9c0v7gi0gsmmvn9kmvnlnq\r
            CSeq: 1 REGISTER\r
            Contact: <sip:ht3g7gk8@df7jal23ls0d.invalid;transport=ws>;+sip.ice;reg-id=1;+sip.instance="<urn:uuid:8f1a…>";expires=600\r
            Expires: 600\r
            Allow: INVITE,ACK,CANCEL,BYE,UPDATE,MESSAGE,OPTIONS,REFER,INFO,NOTIFY\r
            Supported: path,gruu,outbound\r
            User-Agent: JsSIP 3.10.0\r
            Content-Length: 0\r
            \r
            """;

    @Test
    void aRequestOverAFlowIsAnsweredOverItAndRequestsToThePeerUseIt() throws Exception {
        List<byte[]> sent = new CopyOnWriteArrayList<>();
        SipTransports.Flow flow = ua.transports.attach(Protocol.WSS, SERVER, BROWSER, sent::add);
        flow.received(REGISTER.getBytes(StandardCharsets.UTF_8));
        TestUa.await(() -> !sent.isEmpty(), Duration.ofSeconds(2));
        SipResponse ok = (SipResponse) parser.parseDatagram(sent.getFirst(), 0, sent.getFirst().length);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.topVia().host()).isEqualTo("df7jal23ls0d.invalid"); // answered over the flow, not "dialled"
        assertThat(ok.topVia().received()).contains("127.0.0.1");
        assertThat(ok.topVia().rport()).contains("51234");
        assertThat(ua.requests.getFirst().topVia().transport()).isEqualTo("WSS");

        TestUa.Heard heard = new TestUa.Heard();
        ua.layer.send(SipRequest.create("OPTIONS", "sip:ht3g7gk8@df7jal23ls0d.invalid;transport=ws",
                NameAddr.parse("<sip:atrium.test>;tag=s1"), NameAddr.parse("<sip:1001@atrium.test>"), "ws-1", 1),
                flow.peer(), heard);
        TestUa.await(() -> sent.size() == 2, Duration.ofSeconds(2));
        SipRequest options = (SipRequest) parser.parseDatagram(sent.get(1), 0, sent.get(1).length);
        assertThat(options.topVia().toString()).startsWith("SIP/2.0/WSS 127.0.0.1:8443;branch=z9hG4bK");
        flow.received(options.response(200, "OK").toString().getBytes(StandardCharsets.UTF_8));
        assertThat(heard.awaitFinal().status()).isEqualTo(200);
        assertThat(sent).hasSize(2); // reliable: nothing retransmitted
    }

    @Test
    void garbageOverAFlowIsRefusedAndAClosedFlowCannotBeDialled() throws Exception {
        List<byte[]> sent = new CopyOnWriteArrayList<>();
        SipTransports.Flow flow = ua.transports.attach(Protocol.WS, SERVER, BROWSER, sent::add);
        flow.received(REGISTER.replace("CSeq: 1 REGISTER", "CSeq: 1 INVITE").getBytes(StandardCharsets.UTF_8));
        TestUa.await(() -> !sent.isEmpty(), Duration.ofSeconds(2));
        assertThat(new String(sent.getFirst(), StandardCharsets.UTF_8))
                .startsWith("SIP/2.0 400 CSeq method does not match the request\r\n");
        flow.close();
        TestUa.Heard heard = new TestUa.Heard();
        ua.layer.send(SipRequest.create("OPTIONS", "sip:x@y.invalid;transport=ws", NameAddr.parse("<sip:a@b>;tag=1"),
                NameAddr.parse("<sip:x@y.invalid>"), "ws-2", 1), new Peer(Protocol.WS, BROWSER), heard);
        assertThat(heard.failures.poll(2, TimeUnit.SECONDS)).isEqualTo(ClientTransaction.Failure.TRANSPORT);
        assertThat(ua.requests).isEmpty();
    }
}
