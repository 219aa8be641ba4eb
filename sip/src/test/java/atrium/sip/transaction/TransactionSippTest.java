package atrium.sip.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import atrium.sip.NameAddr;
import atrium.sip.SipRequest;
import atrium.sip.SipResponse;
import atrium.sip.Sipp;
import atrium.sip.transport.Peer;
import atrium.sip.transport.Protocol;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The transaction layer and transports against sipp, as UAS (sipp's uac calls us) and as UAC (we call sipp's uas). */
class TransactionSippTest {
    /** Shrunk timers: retransmissions every 100 ms at first, so the tests are quick. */
    private static final Timers FAST = new Timers(Duration.ofMillis(100), Duration.ofMillis(800), Duration.ofMillis(500));

    @TempDir
    Path dir;
    private TestUa ua;
    private Sipp.Running sipp;

    @BeforeEach
    void start() throws Exception {
        Sipp.require();
        ua = TestUa.udp(FAST);
    }

    @AfterEach
    void stop() throws Exception {
        if (sipp != null) {
            sipp.process().destroyForcibly(); // a failed test must not leave a sipp UAS waiting for its call
        }
        ua.close();
    }

    private long count(String method) {
        return ua.requests.stream().filter(r -> r.method().equals(method)).count();
    }

    @Test
    void sippsUacMakesFiveCallsToOurUasOverUdp() throws Exception {
        Sipp.Run run = Sipp.run(dir, "-sn", "uac", "-i", "127.0.0.1", "-p", "0", "-m", "5", "-l", "5",
                "127.0.0.1:" + ua.port(Protocol.UDP));
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(count("INVITE")).isEqualTo(5);
        assertThat(count("BYE")).isEqualTo(5);
        assertThat(ua.acks).hasSize(5).allSatisfy(ack -> assertThat(ack.cseq().method()).isEqualTo("ACK"));
        assertThat(ua.noAcks).hasValue(0);
    }

    @Test
    void sippsUacCallsOurUasOverTcpAndGetsItsResponsesOnTheSameConnection() throws Exception {
        int port = ua.transports.listenTcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).getPort();
        Sipp.Run run = Sipp.run(dir, "-sn", "uac", "-t", "t1", "-i", "127.0.0.1", "-p", "0", "-m", "3", "-l", "1",
                "127.0.0.1:" + port);
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(count("BYE")).isEqualTo(3);
        assertThat(ua.requests).allSatisfy(r -> assertThat(r.topVia().transport()).isEqualTo("TCP"));
        assertThat(ua.layer.retransmissions()).isZero(); // nothing is retransmitted over a reliable transport
    }

    @Test
    void callsSucceedWhenSippLosesOneMessageInTen() throws Exception {
        Sipp.Run run = Sipp.run(dir, "-sn", "uac", "-i", "127.0.0.1", "-p", "0", "-m", "20", "-l", "10", "-lost", "10",
                "127.0.0.1:" + ua.port(Protocol.UDP));
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(count("INVITE")).isEqualTo(20); // retransmitted INVITEs were absorbed, not new calls
        // sipp matches a response by Call-ID and status only: when it "loses" its own BYE and our 200 to the INVITE
        // is retransmitted (its ACK was "lost" too), it takes that 200 as the BYE's and ends the call — so a BYE or
        // two may never be sent. Both sides still ended every call cleanly (exit code 0 above).
        assertThat(count("BYE")).isBetween(16L, 20L);
    }

    /** Starts sipp as a one-call UAS with {@code scenario} ("-sn uas" or "-sf file") and returns where it listens. */
    private Peer sippUas(String... scenario) throws Exception {
        return sippUas(Protocol.UDP, scenario);
    }

    private Peer sippUas(Protocol protocol, String... scenario) throws Exception {
        int port = Sipp.freePort();
        List<String> args = new ArrayList<>(List.of(scenario));
        args.addAll(List.of("-t", protocol == Protocol.TCP ? "t1" : "u1", "-i", "127.0.0.1", "-p", Integer.toString(port),
                "-m", "1"));
        sipp = Sipp.start(dir, args.toArray(String[]::new));
        Sipp.awaitPort(protocol == Protocol.TCP ? "tcp" : "udp", port);
        return new Peer(protocol, new InetSocketAddress("127.0.0.1", port));
    }

    private void assertSippSucceeded() throws Exception {
        Sipp.Run run = sipp.await();
        assertThat(run.exitCode()).as(run.toString()).isZero();
    }

    @Test
    void ourUacCallsSippsUas() throws Exception {
        Peer peer = sippUas("-sn", "uas");
        SipResponse byeOk = ua.call(peer, "sip:service@" + peer.address().getHostString() + ":" + peer.address().getPort());
        assertThat(byeOk.status()).isEqualTo(200);
        assertSippSucceeded();
    }

    @Test
    void ourUacCallsSippsUasOverTcpOnOneConnection() throws Exception {
        ua.transports.listenTcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Peer peer = sippUas(Protocol.TCP, "-sn", "uas");
        SipResponse byeOk = ua.call(peer, "sip:service@127.0.0.1:" + peer.address().getPort() + ";transport=tcp");
        assertThat(byeOk.status()).isEqualTo(200);
        assertThat(ua.transports.connected(peer)).isTrue();
        assertSippSucceeded();
    }

    @Test
    void ourUacRetransmitsItsInviteUntilASlowUasAnswers() throws Exception {
        Peer peer = sippUas("-sf", Sipp.scenario(dir, "/sipp/slow-uas.xml").toString());
        long before = ua.layer.retransmissions();
        assertThat(ua.call(peer, "sip:service@127.0.0.1:" + peer.address().getPort()).status()).isEqualTo(200);
        // timer A: 100, 200 and 400 ms after the first send, all before sipp's 700 ms pause ends
        assertThat(ua.layer.retransmissions() - before).isBetween(2L, 4L);
        assertSippSucceeded();
    }

    @Test
    void ourNonInviteClientRetransmitsUntilTheAnswerComes() throws Exception {
        Peer peer = sippUas("-sf", Sipp.scenario(dir, "/sipp/slow-options.xml").toString());
        long before = ua.layer.retransmissions();
        TestUa.Heard heard = new TestUa.Heard();
        ua.layer.send(SipRequest.create("OPTIONS", "sip:127.0.0.1:" + peer.address().getPort(),
                NameAddr.parse("<sip:uac@127.0.0.1>;tag=o1"), NameAddr.parse("<sip:127.0.0.1>"),
                "opt-" + System.nanoTime(), 1), peer, heard);
        assertThat(heard.awaitFinal().status()).isEqualTo(200);
        // timer E: 100, 300 (100+200), 700 ms… — at least two copies before the answer at 700 ms
        assertThat(ua.layer.retransmissions() - before).isGreaterThanOrEqualTo(2);
        assertSippSucceeded();
    }
}
