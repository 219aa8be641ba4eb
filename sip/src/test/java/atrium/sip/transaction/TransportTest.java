package atrium.sip.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import atrium.sip.SipMessage;
import atrium.sip.SipResponse;
import atrium.sip.Via;
import atrium.sip.transport.Peer;
import atrium.sip.transport.Protocol;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The transports: symmetric response routing, garbage, keep-alives, TCP and TLS connections. */
class TransportTest extends RawPeerTest {
    private static final Timers FAST = new Timers(Duration.ofMillis(50), Duration.ofMillis(400), Duration.ofMillis(200));
    private static final InetSocketAddress LOOPBACK_ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    @Override
    Timers timers() {
        return FAST;
    }

    private static final String OPTIONS = """
            OPTIONS sip:uas@127.0.0.1 SIP/2.0
            Via: SIP/2.0/UDP 192.0.2.1:5999;branch=z9hG4bKnat1;rport
            From: <sip:raw@127.0.0.1>;tag=n1
            To: <sip:uas@127.0.0.1>
            Call-ID: nat-1
            CSeq: 1 OPTIONS
            Max-Forwards: 70
            """;

    @Test
    void aClientBehindNatGetsItsAnswerAtItsSourceWithReceivedAndRport() throws Exception {
        peer.send(OPTIONS, ua.port(Protocol.UDP)); // its Via names a private address that is not where it sends from
        SipResponse r = (SipResponse) peer.receive(2000).orElseThrow();
        assertThat(r.status()).isEqualTo(200);
        Via via = r.topVia();
        assertThat(via.received()).contains("127.0.0.1");
        assertThat(via.rport()).contains(Integer.toString(peer.port()));
        assertThat(via.host()).isEqualTo("192.0.2.1");
        assertThat(ua.requests.getFirst().topVia().rport()).contains(Integer.toString(peer.port())); // the TU sees it too
    }

    @Test
    void withoutRportTheAnswerGoesToTheViaPortAtTheReceivedAddress() throws Exception {
        try (RawPeer listener = new RawPeer()) {
            peer.send(OPTIONS.replace("192.0.2.1:5999", "localhost:" + listener.port()).replace(";rport", ""),
                    ua.port(Protocol.UDP));
            SipResponse r = (SipResponse) listener.receive(2000).orElseThrow();
            assertThat(r.topVia().received()).contains("127.0.0.1"); // sent-by "localhost" is not the source address
            assertThat(peer.receive(200)).isEmpty();
        }
    }

    @Test
    void aReadableBadRequestGets400WithItsReasonAndGarbageIsDropped() throws Exception {
        peer.send(OPTIONS.replace("CSeq: 1 OPTIONS", "CSeq: one OPTIONS"), ua.port(Protocol.UDP));
        String r = peer.receiveText(2000).orElseThrow(); // not parsed: it echoes the broken CSeq
        assertThat(r).startsWith("SIP/2.0 400 Malformed CSeq\r\n").contains("\r\nCall-ID: nat-1\r\n",
                "\r\nCSeq: one OPTIONS\r\n", ";received=127.0.0.1");
        peer.send(OPTIONS.replace("SIP/2.0\n", "SIP/3.0\n"), ua.port(Protocol.UDP));
        assertThat(((SipResponse) peer.receive(2000).orElseThrow()).status()).isEqualTo(505);
        byte[] junk = new byte[300];
        new java.util.Random(7).nextBytes(junk);
        peer.socket.send(new DatagramPacket(junk, junk.length, InetAddress.getLoopbackAddress(), ua.port(Protocol.UDP)));
        assertThat(peer.receive(300)).isEmpty();
        peer.send(OPTIONS.replace("nat1", "nat2"), ua.port(Protocol.UDP)); // still serving
        assertThat(((SipResponse) peer.receive(2000).orElseThrow()).status()).isEqualTo(200);
        assertThat(ua.requests).hasSize(1); // the refused ones never reached the TU
    }

    @Test
    void overTcpAPingGetsAPongAndAMessageWithoutContentLengthCloses() throws Exception {
        int port = ua.transports.listenTcp(LOOPBACK_ANY_PORT).getPort();
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(in.readNBytes(2)).isEqualTo("\r\n".getBytes(StandardCharsets.US_ASCII));
            String request = OPTIONS.replace("UDP", "TCP").replace("\n", "\r\n") + "\r\n";
            out.write(request.getBytes(StandardCharsets.UTF_8));
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8); // until the server closes
            assertThat(answer).startsWith("SIP/2.0 400 Content-Length is required on a stream\r\n");
        }
    }

    @Test
    void ourPingOverTcpIsAnsweredAndRequestsReuseTheConnection() throws Exception {
        int port = ua.transports.listenTcp(LOOPBACK_ANY_PORT).getPort();
        try (TestUa caller = TestUa.udp(FAST)) {
            caller.transports.listenTcp(LOOPBACK_ANY_PORT);
            Peer callee = Peer.tcp(new InetSocketAddress("127.0.0.1", port));
            caller.transports.ping(callee).get(2, TimeUnit.SECONDS);
            assertThat(caller.call(callee, "sip:uas@127.0.0.1:" + port + ";transport=tcp").status()).isEqualTo(200);
            assertThat(ua.acks).hasSize(1);
            assertThat(ua.requests).extracting(r -> r.method()).containsExactly("INVITE", "BYE");
            // the callee answered over the caller's connection: it opened none of its own towards the caller
            InetSocketAddress callerTcp = caller.transports.local(Protocol.TCP).orElseThrow();
            assertThat(ua.transports.connected(Peer.tcp(new InetSocketAddress("127.0.0.1", callerTcp.getPort())))).isFalse();
        }
    }

    @Test
    void aCallOverTlsWithACertificateMadeForTheTest(@TempDir Path dir) throws Exception {
        Path store = dir.resolve("sip.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-keyalg", "EC", "-groupname", "secp256r1", "-alias", "sip", "-dname", "CN=127.0.0.1",
                "-ext", "san=ip:127.0.0.1", "-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12",
                "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        assertThat(keytool.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(new String(keytool.getInputStream().readAllBytes())).isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = java.nio.file.Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext server = SSLContext.getInstance("TLS");
        server.init(kmf.getKeyManagers(), null, null);
        SSLContext trusting = SSLContext.getInstance("TLS");
        trusting.init(null, tmf.getTrustManagers(), null);

        int port = ua.transports.listenTls(LOOPBACK_ANY_PORT, server).getPort();
        Peer callee = Peer.tls(new InetSocketAddress("127.0.0.1", port));
        try (TestUa caller = new TestUa(FAST, trusting)) {
            caller.transports.listenTls(LOOPBACK_ANY_PORT, server);
            assertThat(caller.call(callee, "sips:uas@127.0.0.1:" + port).status()).isEqualTo(200);
            assertThat(ua.requests).allSatisfy(r -> assertThat(r.topVia().transport()).isEqualTo("TLS"));
        }
        try (TestUa stranger = new TestUa(FAST, SSLContext.getDefault())) { // does not trust the self-signed certificate
            stranger.transports.listenTls(LOOPBACK_ANY_PORT, server);
            TestUa.Heard heard = new TestUa.Heard();
            stranger.layer.send(atrium.sip.SipRequest.create("OPTIONS", "sips:uas@127.0.0.1:" + port,
                    atrium.sip.NameAddr.parse("<sips:x@127.0.0.1>;tag=t"), atrium.sip.NameAddr.parse("<sips:uas@127.0.0.1>"),
                    "tls-2", 1), callee, heard);
            assertThat(heard.failures.poll(5, TimeUnit.SECONDS)).isEqualTo(ClientTransaction.Failure.TRANSPORT);
        }
        assertThat(ua.requests).extracting(SipMessage::cseq).extracting(c -> c.method()).containsExactly("INVITE", "BYE");
    }
}
