package atrium.sip.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import atrium.sip.NameAddr;
import atrium.sip.SipMessage;
import atrium.sip.SipRequest;
import atrium.sip.SipResponse;
import atrium.sip.transport.Peer;
import atrium.sip.transport.Protocol;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Timer and matching edge cases of RFC 3261 §17, with a bare UDP socket as the peer and T1 = 20 ms. */
class TransactionTimersTest extends RawPeerTest {
    private static final Timers FAST = new Timers(Duration.ofMillis(20), Duration.ofMillis(160), Duration.ofMillis(100));

    @Override
    Timers timers() {
        return FAST;
    }

    private static String invite(String branch) {
        return """
                INVITE sip:uas@127.0.0.1 SIP/2.0
                Via: SIP/2.0/UDP 127.0.0.1:{PORT};branch=%s;rport
                From: <sip:raw@127.0.0.1>;tag=r1
                To: <sip:uas@127.0.0.1>
                Call-ID: raw-%s
                CSeq: 1 INVITE
                Max-Forwards: 70
                Contact: <sip:raw@127.0.0.1:{PORT}>
                """.formatted(branch, branch);
    }

    private static String ack(String branch, String callBranch, String toTag) {
        return """
                ACK sip:uas@127.0.0.1 SIP/2.0
                Via: SIP/2.0/UDP 127.0.0.1:{PORT};branch=%s;rport
                From: <sip:raw@127.0.0.1>;tag=r1
                To: <sip:uas@127.0.0.1>;tag=%s
                Call-ID: raw-%s
                CSeq: 1 ACK
                Max-Forwards: 70
                """.formatted(branch, toTag, callBranch);
    }

    /** An INVITE from our UA to the raw peer. */
    private SipRequest inviteToPeer(String user, String tag, String callId) {
        return SipRequest.create("INVITE", "sip:" + user + "@127.0.0.1:" + peer.port(),
                NameAddr.parse("<sip:uac@127.0.0.1>;tag=" + tag), NameAddr.parse("<sip:" + user + "@127.0.0.1>"), callId, 1)
                .with("Contact", "<sip:uac@127.0.0.1:" + ua.port(Protocol.UDP) + ">");
    }

    /** The raw peer answers {@code request} (the Content-Length is added by {@link RawPeer#send}). */
    private void peerAnswers(SipRequest request, int status, String reason, String toTag) throws IOException {
        String text = request.response(status, reason).withToTag(toTag).toString();
        peer.send(text.substring(0, text.indexOf("Content-Length:")).replace("\r\n", "\n"), ua.port(Protocol.UDP));
    }

    /** Every message that arrives within {@code millis} of quiet. */
    private List<SipMessage> drain(int millis) throws IOException {
        List<SipMessage> got = new ArrayList<>();
        for (Optional<SipMessage> m = peer.receive(millis); m.isPresent(); m = peer.receive(millis)) {
            got.add(m.get());
        }
        return got;
    }

    private static long count(List<SipMessage> got, int status) {
        return got.stream().filter(m -> m instanceof SipResponse r && r.status() == status).count();
    }

    @Test
    void aFailureFinalIsRetransmittedUntilItsAckWhichTheTransactionAbsorbs() throws Exception {
        ua.inviteStatus = 486;
        peer.send(invite("z9hG4bKg1"), ua.port(Protocol.UDP));
        // timer G: copies 20, 60, 140, 300 ms… after the first
        List<SipMessage> got = receiveUntil(m -> count(m, 486) >= 4);
        peer.send(invite("z9hG4bKg1"), ua.port(Protocol.UDP)); // a retransmitted INVITE gets the final again
        SipResponse tag = (SipResponse) got.stream().filter(m -> m instanceof SipResponse r && r.status() == 486)
                .findFirst().orElseThrow();
        peer.send(ack("z9hG4bKg1", "z9hG4bKg1", tag.to().tag().orElseThrow()), ua.port(Protocol.UDP));
        drain(300); // what was already on its way
        assertThat(drain(400)).as("no 486 after the ACK").isEmpty();
        assertThat(ua.acks).as("the ACK of a failure stays in the transaction").isEmpty();
        assertThat(ua.requests).hasSize(1);
        TestUa.await(() -> ua.layer.size() == 0, Duration.ofSeconds(2)); // timer I ends it
        assertThat(ua.noAcks).hasValue(0);
    }

    @Test
    void aFinalThatNeverGetsItsAckEndsAtTimerHAndTheTuHearsIt() throws Exception {
        ua.inviteStatus = 486;
        peer.send(invite("z9hG4bKh1"), ua.port(Protocol.UDP));
        TestUa.await(() -> ua.noAcks.get() == 1, Duration.ofSeconds(5)); // 64·T1 = 1.28 s
        List<SipMessage> got = drain(300);
        // G doubles to T2 = 160 ms: 20, 40, 80, 160, 160… → about 10 copies in 1.28 s
        assertThat(count(got, 486)).isBetween(6L, 14L);
        assertThat(ua.layer.size()).isZero();
    }

    @Test
    void a2xxIsRetransmittedUntilItsAckWhichGoesToTheTu() throws Exception {
        peer.send(invite("z9hG4bKok1"), ua.port(Protocol.UDP));
        List<SipMessage> got = receiveUntil(m -> count(m, 200) >= 3);
        SipResponse ok = (SipResponse) got.stream().filter(m -> m instanceof SipResponse r && r.status() == 200)
                .findFirst().orElseThrow();
        assertThat(ok.contacts()).isNotEmpty();
        peer.send(ack("z9hG4bKnew", "z9hG4bKok1", ok.to().tag().orElseThrow()), ua.port(Protocol.UDP));
        drain(200);
        assertThat(drain(400)).as("no 200 after the ACK").isEmpty();
        assertThat(ua.acks).hasSize(1);
        TestUa.await(() -> ua.layer.size() == 0, Duration.ofSeconds(3)); // timer L
        assertThat(ua.noAcks).hasValue(0);
    }

    @Test
    void aCancelGets200AndTheInvite487AndAnUnknownCancel481() throws Exception {
        ua.inviteStatus = 0; // keep ringing
        peer.send(invite("z9hG4bKc1"), ua.port(Protocol.UDP));
        assertThat(peer.receive(2000)).hasValueSatisfying(m -> assertThat(((SipResponse) m).status()).isEqualTo(180));
        peer.send(invite("z9hG4bKc1"), ua.port(Protocol.UDP)); // retransmission: the last provisional again
        assertThat(peer.receive(2000)).hasValueSatisfying(m -> assertThat(((SipResponse) m).status()).isEqualTo(180));
        peer.send(invite("z9hG4bKc1").replace("INVITE", "CANCEL").replace("Contact: <sip:raw@127.0.0.1:{PORT}>\n", ""),
                ua.port(Protocol.UDP));
        List<SipMessage> got = receiveUntil(m -> count(m, 487) >= 1 && count(m, 200) >= 1);
        SipResponse cancelOk = (SipResponse) got.stream().filter(m -> m instanceof SipResponse r && r.status() == 200)
                .findFirst().orElseThrow();
        assertThat(cancelOk.cseq().method()).isEqualTo("CANCEL");
        assertThat(ua.cancels).hasSize(1);
        peer.send(invite("z9hG4bKc2").replace("INVITE", "CANCEL"), ua.port(Protocol.UDP));
        receiveUntil(m -> count(m, 481) == 1);
    }

    @Test
    void anOldStyleRequestWithoutTheMagicCookieIsMatchedByItsFields() throws Exception {
        ua.inviteStatus = 0;
        String old = invite("x").replace(";branch=x", "");
        peer.send(old, ua.port(Protocol.UDP));
        peer.send(old, ua.port(Protocol.UDP));
        drain(300);
        assertThat(ua.requests).hasSize(1);
    }

    @Test
    void timerBEndsAnInviteNobodyAnswersAndTimerAKeptDoublingUntilThen() throws Exception {
        TestUa.Heard heard = new TestUa.Heard();
        SipRequest invite = inviteToPeer("nobody", "b1", "b-1");
        ua.layer.send(invite, Peer.udp(peer.address()), heard);
        assertThat(heard.failures.poll(5, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(ClientTransaction.Failure.TIMEOUT);
        // A at 0, 20, 60, 140, 300, 620 ms, then B at 1280 ms: 6 or 7 copies (the 1260 ms one races B; a busy
        // machine may merge two)
        assertThat(drain(200)).hasSizeBetween(5, 7).allSatisfy(m -> assertThat(((SipRequest) m).method()).isEqualTo("INVITE"));
        assertThat(heard.responses).isEmpty();
    }

    @Test
    void aRingingInviteIsNotTimedOutByTimerB() throws Exception {
        TestUa.Heard heard = new TestUa.Heard();
        SipRequest invite = inviteToPeer("slow", "r1", "ring-1");
        ua.layer.send(invite, Peer.udp(peer.address()), heard);
        SipRequest got = (SipRequest) peer.receive(2000).orElseThrow();
        peerAnswers(got, 180, "Ringing", "slow1");
        assertThat(heard.responses.poll(2, java.util.concurrent.TimeUnit.SECONDS)).isNotNull();
        drain(200); // INVITE copies sent before the 180 arrived
        assertThat(heard.failures.poll(2, java.util.concurrent.TimeUnit.SECONDS)).as("64·T1 = 1.28 s passed").isNull();
        assertThat(drain(100)).as("no INVITE retransmission once ringing").isEmpty();
        peerAnswers(got, 486, "Busy Here", "slow1");
        assertThat(heard.awaitFinal().status()).isEqualTo(486);
    }

    @Test
    void timerFEndsANonInviteNobodyAnswersAndTimerEStopsDoublingAtT2() throws Exception {
        TestUa.Heard heard = new TestUa.Heard();
        ua.layer.send(SipRequest.create("OPTIONS", "sip:127.0.0.1:" + peer.port(), NameAddr.parse("<sip:uac@127.0.0.1>;tag=f1"),
                NameAddr.parse("<sip:127.0.0.1>"), "f-1", 1), Peer.udp(peer.address()), heard);
        assertThat(heard.failures.poll(5, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(ClientTransaction.Failure.TIMEOUT);
        // E at 0, 20, 60, 140, 300, then every 160 ms until 1280 ms: about 11 copies
        assertThat(drain(200)).hasSizeBetween(8, 12);
    }

    @Test
    void ourClientAcksAFailureItselfAndAgainForEachRetransmissionButTellsTheTuOnce() throws Exception {
        TestUa.Heard heard = new TestUa.Heard();
        SipRequest invite = inviteToPeer("busy", "a1", "a-1");
        ua.layer.send(invite, Peer.udp(peer.address()), heard);
        SipRequest got = (SipRequest) peer.receive(2000).orElseThrow();
        peerAnswers(got, 486, "Busy Here", "busy1");
        SipRequest ack = (SipRequest) drain(100).stream().filter(m -> m instanceof SipRequest r && r.method().equals("ACK"))
                .findFirst().orElseThrow();
        assertThat(ack.topVia().branch()).isEqualTo(got.topVia().branch());
        assertThat(ack.to().tag()).contains("busy1");
        peerAnswers(got, 486, "Busy Here", "busy1"); // the 486 again: ACKed again
        assertThat(drain(100)).anySatisfy(m -> assertThat(((SipRequest) m).method()).isEqualTo("ACK"));
        assertThat(heard.responses).extracting(SipResponse::status).containsExactly(486);
    }
}
