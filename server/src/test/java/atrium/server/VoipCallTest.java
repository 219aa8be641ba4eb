package atrium.server;

import static org.assertj.core.api.Assertions.assertThat;

import atrium.sip.Sipp;
import atrium.sip.transport.Protocol;
import atrium.voip.SipServer;
import atrium.voip.media.MediaRelay;
import atrium.voip.media.RelayStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calls between extensions through the B2BUA with Debian's sipp on both sides: the caller answers a 407 with digest,
 * the callee registered first from the port it then answers on. After each call the B2BUA holds nothing. Skipped
 * without sipp unless ATRIUM_TEST_SIPP=required (CI).
 */
class VoipCallTest {
    private TestServer server;
    private TestClient admin;
    private String[] alice;
    private String[] bob;

    @BeforeEach
    void start() {
        Sipp.require();
        server = TestServer.start(VoipRegistrarTest.with(Map.of("voip.ring-timeout", "2", "voip.media-timeout", "5")));
        admin = server.admin();
        alice = VoipRegistrarTest.userWithDevice(admin, "alice", "1001");
        bob = VoipRegistrarTest.userWithDevice(admin, "bob", "1002");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private SipServer sip() {
        return server.atrium.voip().sip.orElseThrow();
    }

    private String target() {
        return "127.0.0.1:" + sip().port(Protocol.UDP);
    }

    /** Alice's INVITE with an SDP offer of PCMU and PCMA; {@code auth}: the line answering the 407. */
    private static String invite(int cseq, String auth) {
        return """
                  <send><![CDATA[
                INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
                Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
                From: <sip:[caller]@[remote_ip]>;tag=[call_number]
                To: <sip:[service]@[remote_ip]>
                Call-ID: [call_id]
                CSeq: %d INVITE
                Contact: <sip:[caller]@[local_ip]:[local_port]>%s
                Max-Forwards: 70
                Content-Type: application/sdp
                Content-Length: [len]

                %s
                ]]></send>
                  <recv response="100" optional="true"/>
                """.formatted(cseq, auth, sdp("sipp", true));
    }

    /** An SDP body offering (or answering) PCMU, and PCMA too when {@code pcma}, on sipp's media port. */
    private static String sdp(String origin, boolean pcma) {
        return "v=0\no=" + origin + " 1 1 IN IP4 [local_ip]\ns=-\nc=IN IP4 [local_ip]\nt=0 0\n"
                + "m=audio [media_port] RTP/AVP 0" + (pcma ? " 8" : "") + "\na=rtpmap:0 PCMU/8000\n"
                + (pcma ? "a=rtpmap:8 PCMA/8000\n" : "");
    }

    /** The INVITE, its 407, the ACK and the INVITE again with digest: how every caller scenario begins. */
    private static final String CALLER_START = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\" ?>\n"
            + "<scenario name=\"caller\">\n" + invite(1, "") + """
              <recv response="407" auth="true"/>
            """ + ackFailure(1) + invite(2, "\n[authentication]");

    /** The ACK of a final non-2xx answer to the INVITE with this CSeq (same branch: [last_Via:]). */
    private static String ackFailure(int cseq) {
        return """
                  <send><![CDATA[
                ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0
                [last_Via:]
                From: <sip:[caller]@[remote_ip]>;tag=[call_number]
                [last_To:]
                Call-ID: [call_id]
                CSeq: %d ACK
                Max-Forwards: 70
                Content-Length: 0

                ]]></send>
                """.formatted(cseq);
    }

    private static final String ACK_FAILURE = ackFailure(2);

    /** A request of alice's inside the dialog, to the B2BUA's Contact from the 200 ({@code rrs="true"}). */
    private static String inDialog(String method, int cseq, String body) {
        return """
                  <send><![CDATA[
                %s [next_url] SIP/2.0
                Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
                From: <sip:[caller]@[remote_ip]>;tag=[call_number]
                [last_To:]
                Call-ID: [call_id]
                CSeq: %d %s
                Contact: <sip:[caller]@[local_ip]:[local_port]>
                [routes]
                Max-Forwards: 70
                %s
                ]]></send>
                """.formatted(method, cseq, method, body.isEmpty() ? "Content-Length: 0\n"
                : "Content-Type: application/sdp\nContent-Length: [len]\n\n" + body);
    }

    private static final String ANSWERED = """
              <recv response="180" optional="true"/>
              <recv response="200" rrs="true"/>
            """ + inDialog("ACK", 2, "") + "  <pause milliseconds=\"300\"/>\n";

    private static final String BYE = inDialog("BYE", 3, "") + "  <recv response=\"200\"/>\n</scenario>\n";

    /**
     * A response the callee sends to the last request it received: {@code tagged} adds its To tag (not on the
     * request's own To when it has one), {@code cseq} replaces the last CSeq (a 487 after the CANCEL), {@code rest}
     * holds Contact, body headers and body.
     */
    private static String send(String statusLine, boolean tagged, String cseq, String rest) {
        return """
                  <send><![CDATA[
                SIP/2.0 %s
                [last_Via:]
                [last_From:]
                [last_To:]%s
                [last_Call-ID:]
                %s
                %s
                ]]></send>
                """.formatted(statusLine, tagged ? ";tag=[pid]-[call_number]" : "", cseq, rest);
    }

    private static final String CONTACT = "Contact: <sip:[local_ip]:[local_port];transport=[transport]>\n";
    private static final String EMPTY = "Content-Length: 0\n";
    private static final String HEAD = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\" ?>\n<scenario name=\"callee\">\n"
            + "  <recv request=\"INVITE\"/>\n";

    /** A callee that answers with 180, then a 200 with SDP, and waits for the caller's BYE. */
    private static final String CALLEE_ANSWERS = HEAD + send("180 Ringing", true, "[last_CSeq:]", CONTACT + EMPTY)
            + send("200 OK", true, "[last_CSeq:]", CONTACT + "Content-Type: application/sdp\nContent-Length: [len]\n\n"
            + sdp("callee", false)) + "  <recv request=\"ACK\"/>\n  <recv request=\"BYE\"/>\n"
            + send("200 OK", false, "[last_CSeq:]", EMPTY) + "</scenario>\n";

    /** A callee that answers, then takes a re-INVITE that must hold it (sendonly) and answers recvonly. */
    private static final String CALLEE_IS_HELD = HEAD + send("200 OK", true, "[last_CSeq:]", CONTACT
            + "Content-Type: application/sdp\nContent-Length: [len]\n\n" + sdp("callee", false))
            + """
              <recv request="ACK"/>
              <recv request="INVITE">
                <action><ereg regexp="a=sendonly" search_in="body" check_it="true" assign_to="held"/></action>
              </recv>
            """ + send("200 OK", false, "[last_CSeq:]", CONTACT + "Content-Type: application/sdp\nContent-Length: [len]\n\n"
            + sdp("callee", false).replace(" 1 1 IN", " 1 2 IN") + "a=recvonly\n")
            + "  <recv request=\"ACK\"/>\n  <recv request=\"BYE\"/>\n"
            + send("200 OK", false, "[last_CSeq:]", EMPTY) + "  <Reference variables=\"held\"/>\n</scenario>\n";

    /** A callee that rings until the CANCEL, answers it 200 and the INVITE 487. */
    private static final String CALLEE_RINGS_UNTIL_CANCEL = HEAD
            + send("180 Ringing", true, "[last_CSeq:]", CONTACT + EMPTY) + "  <recv request=\"CANCEL\"/>\n"
            + send("200 OK", true, "[last_CSeq:]", EMPTY) + send("487 Request Terminated", true, "CSeq: 1 INVITE", EMPTY)
            + "  <recv request=\"ACK\"/>\n</scenario>\n";

    /** A busy callee: 486 at once. */
    private static final String CALLEE_BUSY = HEAD + send("486 Busy Here", true, "[last_CSeq:]", EMPTY)
            + "  <recv request=\"ACK\"/>\n</scenario>\n";

    /** Registers bob's device from a port, then starts sipp on that port playing {@code scenario}. */
    private Sipp.Running callee(Path dir, String scenario, String... more) throws Exception {
        return callee(dir, bob, scenario, more);
    }

    /** Registers {@code device} of bob's from a port, then starts sipp on that port playing {@code scenario}. */
    private Sipp.Running callee(Path dir, String[] device, String scenario, String... more) throws Exception {
        Path calleeDir = Files.createDirectories(dir.resolve("callee-" + device[0]));
        int port = Sipp.freePort();
        Sipp.Run reg = Sipp.run(calleeDir, "-sf", Sipp.scenario(calleeDir, "/sipp/register-digest.xml").toString(),
                "-s", device[0], "-au", device[0], "-ap", device[1], "-i", "127.0.0.1", "-p", Integer.toString(port), "-m", "1",
                target());
        assertThat(reg.exitCode()).as(reg.toString()).isZero();
        Path file = calleeDir.resolve("callee.xml");
        Files.writeString(file, scenario);
        List<String> args = new ArrayList<>(List.of("-sf", file.toString(), "-i", "127.0.0.1", "-p",
                Integer.toString(port), "-mp", Integer.toString(Sipp.freePort()), "-m", "1"));
        args.addAll(List.of(more));
        args.add(target());
        Sipp.Running running = Sipp.start(calleeDir, args.toArray(String[]::new));
        try {
            Sipp.awaitPort("udp", port);
        } catch (AssertionError e) {
            throw new AssertionError("the callee's sipp did not start: " + running.await(), e);
        }
        return running;
    }

    /** Runs alice's sipp calling {@code number} with the scenario {@link #CALLER_START} + {@code rest}. */
    private Sipp.Run caller(Path dir, String number, String rest) throws Exception {
        return caller(dir, number, rest, CALLER_START);
    }

    /** As above with another beginning than {@link #CALLER_START}. */
    private Sipp.Run caller(Path dir, String number, String rest, String start) throws Exception {
        return startCaller(dir, number, rest, start).await();
    }

    private Sipp.Running startCaller(Path dir, String number, String rest) throws Exception {
        return startCaller(dir, number, rest, CALLER_START);
    }

    private Sipp.Running startCaller(Path dir, String number, String rest, String start) throws Exception {
        Path callerDir = Files.createDirectories(dir.resolve("caller"));
        Path file = callerDir.resolve("caller.xml");
        Files.writeString(file, start + rest);
        return Sipp.start(callerDir, "-sf", file.toString(), "-s", number, "-key", "caller", alice[0], "-au", alice[0],
                "-ap", alice[1], "-i", "127.0.0.1", "-p", Integer.toString(Sipp.freePort()), "-mp",
                Integer.toString(Sipp.freePort()), "-m", "1", target());
    }

    private void awaitNoCall() throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (sip().calls().size() != 0 && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(sip().calls().size()).as("calls and dialogs left in the B2BUA").isZero();
        assertThat(server.atrium.voip().media.orElseThrow().portsInUse()).as("relay ports left open").isZero();
    }

    /** Bob's phone plays {@code callee}, alice calls 1002 playing {@code callerRest}: both must pass, no call left. */
    private void call(Path dir, String callee, String callerRest, String outcome, int sipCode) throws Exception {
        Sipp.Running bobPhone = callee(dir, callee);
        Sipp.Run call = caller(dir, "1002", callerRest);
        assertThat(call.exitCode()).as(call.toString()).isZero();
        Sipp.Run answered = bobPhone.await();
        assertThat(answered.exitCode()).as(answered.toString()).isZero();
        awaitNoCall();
        assertLogged(outcome, sipCode);
    }

    /** The call log's newest call: from alice's device to 1002, with this outcome and final SIP status. */
    private void assertLogged(String outcome, int sipCode) {
        var call = admin.get("/api/v1/admin/voip/calls").json().get("items").get(0);
        assertThat(call.get("from").get("device").asText()).isEqualTo(alice[0]);
        assertThat(call.get("outcome").asText()).isEqualTo(outcome);
        assertThat(call.get("sipCode").asInt()).isEqualTo(sipCode);
    }

    @Test
    void aCallAnsweredByTheCalleeEndsWithTheCallersBye(@TempDir Path dir) throws Exception {
        call(dir, CALLEE_ANSWERS, ANSWERED + BYE, "answered", 200);
    }

    /** Alice plays a recording of a-law speech, then waits while the echo comes back. */
    private static final String PLAY = """
              <nop><action><exec play_pcap_audio="/usr/share/sip-tester/g711a.pcap"/></action></nop>
              <pause milliseconds="4000"/>
            """;

    /** Whether, while {@code caller} runs, a relay session carries more than 20 RTP packets each way. */
    private boolean relayedBothWays(Sipp.Running caller) throws InterruptedException {
        MediaRelay relay = server.atrium.voip().media.orElseThrow();
        long end = System.nanoTime() + 15_000_000_000L;
        while (System.nanoTime() < end && caller.process().isAlive()) {
            for (var session : relay.sessions()) {
                RelayStats st = session.stats();
                if (st.aToB().rtpPackets() > 20 && st.bToA().rtpPackets() > 20) {
                    return true;
                }
            }
            Thread.sleep(50);
        }
        return false;
    }

    @Test
    void audioFromTheCallerGoesThroughTheRelayAndTheEchoComesBack(@TempDir Path dir) throws Exception {
        Sipp.Running bobPhone = callee(dir, CALLEE_ANSWERS, "-rtp_echo");
        Sipp.Running alicePhone = startCaller(dir, "1002", ANSWERED + PLAY + BYE);
        assertThat(relayedBothWays(alicePhone)).as("RTP relayed from alice to bob and bob's echo back").isTrue();
        Sipp.Run call = alicePhone.await();
        assertThat(call.exitCode()).as(call.toString()).isZero();
        Sipp.Run answered = bobPhone.await();
        assertThat(answered.exitCode()).as(answered.toString()).isZero();
        awaitNoCall();
        assertLogged("answered", 200);
    }

    @Test
    void aCallWithoutMediaEndsAtTheMediaTimeoutWithByeToBothPhones(@TempDir Path dir) throws Exception {
        String silentThenHungUp = """
                  <recv request="BYE" timeout="15000"/>
                  <send><![CDATA[
                SIP/2.0 200 OK
                [last_Via:]
                [last_From:]
                [last_To:]
                [last_Call-ID:]
                [last_CSeq:]
                Content-Length: 0

                ]]></send>
                </scenario>
                """;
        call(dir, CALLEE_ANSWERS, ANSWERED + silentThenHungUp, "answered", 200);
    }

    @Test
    void aSessionIntervalBelow90sIs422AndACallerWithTimersIsToldItRefreshes(@TempDir Path dir) throws Exception {
        String start = CALLER_START.replace("Contact: <sip:[caller]@[local_ip]:[local_port]>\n[authentication]",
                "Contact: <sip:[caller]@[local_ip]:[local_port]>\n[authentication]\nSupported: timer\n"
                        + "Session-Expires: [$se]");
        assertThat(start).isNotEqualTo(CALLER_START);
        Sipp.Run tooShort = caller(dir.resolve("short"), "1002", """
                  <recv response="422">
                    <action><ereg regexp="Min-SE: 90" search_in="msg" check_it="true" assign_to="minse"/></action>
                  </recv>
                """ + ACK_FAILURE + "  <Reference variables=\"minse\"/>\n</scenario>\n",
                start.replace("[$se]", "30"));
        assertThat(tooShort.exitCode()).as(tooShort.toString()).isZero();

        Sipp.Running bobPhone = callee(dir, CALLEE_ANSWERS);
        Sipp.Run timed = caller(dir.resolve("timed"), "1002", """
                  <recv response="180" optional="true"/>
                  <recv response="200" rrs="true">
                    <action><ereg regexp="Session-Expires: 120;refresher=uac" search_in="msg" check_it="true"
                        assign_to="se"/></action>
                  </recv>
                """ + inDialog("ACK", 2, "") + BYE.replace("</scenario>", "  <Reference variables=\"se\"/>\n</scenario>"),
                start.replace("[$se]", "120"));
        assertThat(timed.exitCode()).as(timed.toString()).isZero();
        assertThat(bobPhone.await().exitCode()).isZero();
        awaitNoCall();
    }

    @Test
    void aReInviteThatHoldsIsPassedToTheOtherLegAndItsAnswerBack(@TempDir Path dir) throws Exception {
        String hold = inDialog("INVITE", 3, sdp("sipp", true).replace(" 1 1 IN", " 1 2 IN") + "a=sendonly\n") + """
                  <recv response="100" optional="true"/>
                  <recv response="200">
                    <action><ereg regexp="a=recvonly" search_in="body" check_it="true" assign_to="answer"/></action>
                  </recv>
                """ + inDialog("ACK", 3, "") + inDialog("BYE", 4, "") + "  <recv response=\"200\"/>\n"
                + "  <Reference variables=\"answer\"/>\n</scenario>\n";
        call(dir, CALLEE_IS_HELD, ANSWERED + hold, "answered", 200);
    }

    /** A second device for bob's extension: its username and password. */
    private String[] secondDevice() {
        var made = admin.post("/api/v1/admin/voip/extensions/bob/devices", Map.of());
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        return new String[] {made.json().get("username").asText(), made.json().get("password").asText()};
    }

    @Test
    void oneBusyPhoneWhileTheOtherRingsIsNotBusyTheCallRingsUntilTheTimeout(@TempDir Path dir) throws Exception {
        Sipp.Running busy = callee(dir, secondDevice(), CALLEE_BUSY);
        Sipp.Running ringing = callee(dir, bob, CALLEE_RINGS_UNTIL_CANCEL);
        Sipp.Run call = caller(dir, "1002", "  <recv response=\"180\"/>\n  <recv response=\"480\" timeout=\"8000\"/>\n"
                + ACK_FAILURE + "</scenario>\n");
        assertThat(call.exitCode()).as(call.toString()).isZero();
        for (Sipp.Running phone : List.of(busy, ringing)) {
            Sipp.Run run = phone.await();
            assertThat(run.exitCode()).as(run.toString()).isZero();
        }
        awaitNoCall();
        assertLogged("no-answer", 480);
    }

    @Test
    void bothOfBobsPhonesRingTheFirstToAnswerWinsAndTheOtherIsCancelled(@TempDir Path dir) throws Exception {
        String[] desk = secondDevice();
        Sipp.Running ringing = callee(dir, desk, CALLEE_RINGS_UNTIL_CANCEL);
        Sipp.Running answering = callee(dir, bob, CALLEE_ANSWERS);
        Sipp.Run call = caller(dir, "1002", "  <recv response=\"180\" optional=\"true\"/>\n" + ANSWERED + BYE);
        assertThat(call.exitCode()).as(call.toString()).isZero();
        Sipp.Run answered = answering.await();
        assertThat(answered.exitCode()).as(answered.toString()).isZero();
        Sipp.Run cancelled = ringing.await();
        assertThat(cancelled.exitCode()).as("the phone that did not answer got CANCEL: " + cancelled).isZero();
        awaitNoCall();
        assertLogged("answered", 200);
        var logged = admin.get("/api/v1/admin/voip/calls").json().get("items").get(0);
        assertThat(logged.get("answeredBy").asText()).isEqualTo(bob[0]);
    }

    /**
     * Bob's phone for a transfer: answers, then (once it has the ACK, whose From is our side of its dialog) sends
     * REFER to 1003, expects 202 and a NOTIFY "100 Trying", then the NOTIFY carrying {@code finalLine}; {@code end}
     * follows (a BYE from Atrium after a transfer that worked, or its own BYE after one that failed).
     */
    private static String transferringCallee(String finalLine, String end) {
        return ANSWERS_KEEPING_DIALOG + """
                  <send><![CDATA[
                REFER [next_url] SIP/2.0
                Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
                From: <sip:1002@[remote_ip]>;tag=[pid]-[call_number]
                To: [$atrium]
                Call-ID: [call_id]
                CSeq: 1 REFER
                Contact: <sip:[local_ip]:[local_port];transport=[transport]>
                Refer-To: <sip:1003@[remote_ip]>
                Max-Forwards: 70
                Content-Length: 0

                ]]></send>
                """ + referProgress(finalLine) + end + "  <Reference variables=\"trying,result,atrium\"/>\n</scenario>\n";
    }

    /** A callee that answers and keeps Atrium's side of the dialog (the ACK's From) in {@code [$atrium]}. */
    private static final String ANSWERS_KEEPING_DIALOG = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\" ?>\n"
            + "<scenario name=\"callee\">\n  <recv request=\"INVITE\" rrs=\"true\"/>\n"
            + send("200 OK", true, "[last_CSeq:]", CONTACT + "Content-Type: application/sdp\nContent-Length: [len]\n\n"
            + sdp("callee", false)) + """
              <recv request="ACK">
                <action><ereg regexp="&lt;.*" search_in="hdr" header="From:" assign_to="atrium"/></action>
              </recv>
            """;

    /** What the transferor gets after its REFER: 202, NOTIFY "100 Trying", then the NOTIFY with {@code finalLine}. */
    private static String referProgress(String finalLine) {
        String ok = send("200 OK", false, "[last_CSeq:]", EMPTY);
        return """
                  <recv response="202"/>
                  <recv request="NOTIFY">
                    <action><ereg regexp="SIP/2.0 100 Trying" search_in="body" check_it="true" assign_to="trying"/></action>
                  </recv>
                """ + ok + """
                  <recv request="NOTIFY">
                    <action><ereg regexp="%s" search_in="body" check_it="true" assign_to="result"/></action>
                  </recv>
                """.formatted(finalLine) + ok;
    }

    @Test
    void theCallerCanTransferTooAliceSendsBobToCarolAndCarolsByeReachesBob(@TempDir Path dir) throws Exception {
        String[] carol = VoipRegistrarTest.userWithDevice(admin, "carol", "1003");
        Sipp.Running carolPhone = callee(dir, carol, ANSWERS_KEEPING_DIALOG + "  <pause milliseconds=\"500\"/>\n"
                + BOB_HANGS_UP + "  <Reference variables=\"atrium\"/>\n</scenario>\n");
        Sipp.Running bobPhone = callee(dir, bob, CALLEE_ANSWERS);
        String refer = inDialog("REFER", 3, "").replace("Max-Forwards: 70",
                "Refer-To: <sip:1003@[remote_ip]>\nMax-Forwards: 70");
        Sipp.Run aliceRun = caller(dir, "1002", ANSWERED + refer + referProgress("SIP/2.0 200 OK")
                + "  <recv request=\"BYE\"/>\n" + send("200 OK", false, "[last_CSeq:]", EMPTY)
                + "  <Reference variables=\"trying,result\"/>\n</scenario>\n");
        assertThat(aliceRun.exitCode()).as("alice got 202, NOTIFY 100 then 200, and BYE: " + aliceRun).isZero();
        Sipp.Run carolRun = carolPhone.await();
        assertThat(carolRun.exitCode()).as(carolRun.toString()).isZero();
        Sipp.Run bobRun = bobPhone.await();
        assertThat(bobRun.exitCode()).as("bob, now with carol, got her BYE: " + bobRun).isZero();
        awaitNoCall();
        assertThat(admin.get("/api/v1/admin/voip/calls").json().get("items").get(0).get("transfers")).hasSize(1);
    }

    /** Bob's BYE in the dialog he answered, after {@link #transferringCallee}'s REFER (hence CSeq 2). */
    private static final String BOB_HANGS_UP = """
                  <send><![CDATA[
                BYE [next_url] SIP/2.0
                Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
                From: <sip:1002@[remote_ip]>;tag=[pid]-[call_number]
                To: [$atrium]
                Call-ID: [call_id]
                CSeq: 2 BYE
                Max-Forwards: 70
                Content-Length: 0

                ]]></send>
                  <recv response="200"/>
                """;

    @Test
    void bobTransfersAliceToCarolWhoAnswersAndAliceAndCarolHearEachOtherThroughTheRelay(@TempDir Path dir)
            throws Exception {
        String[] carol = VoipRegistrarTest.userWithDevice(admin, "carol", "1003");
        Sipp.Running carolPhone = callee(dir, carol, CALLEE_ANSWERS, "-rtp_echo");
        Sipp.Running bobPhone = callee(dir, bob, transferringCallee("SIP/2.0 200 OK",
                "  <recv request=\"BYE\"/>\n" + send("200 OK", false, "[last_CSeq:]", EMPTY)));
        Sipp.Running alicePhone = startCaller(dir, "1002", ANSWERED + PLAY + BYE);
        // Bob's phone sends no RTP: what comes back to alice is carol's echo of alice's audio.
        assertThat(relayedBothWays(alicePhone)).as("RTP relayed from alice to carol and carol's echo back").isTrue();
        Sipp.Run bobRun = bobPhone.await();
        assertThat(bobRun.exitCode()).as("bob got 202, NOTIFY 100 then 200, and BYE: " + bobRun).isZero();
        Sipp.Run aliceRun = alicePhone.await();
        assertThat(aliceRun.exitCode()).as(aliceRun.toString()).isZero();
        Sipp.Run carolRun = carolPhone.await();
        assertThat(carolRun.exitCode()).as("carol answered and got alice's BYE: " + carolRun).isZero();
        awaitNoCall();
        assertLogged("answered", 200);
        var transfers = admin.get("/api/v1/admin/voip/calls").json().get("items").get(0).get("transfers");
        assertThat(transfers).hasSize(1);
        assertThat(transfers.get(0).get("target").asText()).isEqualTo("1003");
        assertThat(transfers.get(0).get("kind").asText()).isEqualTo("blind");
    }

    @Test
    void bobHangingUpRightAfterHisReferLeavesAliceWaitingForCarolWhoThenTalksToHer(@TempDir Path dir)
            throws Exception {
        String[] carol = VoipRegistrarTest.userWithDevice(admin, "carol", "1003");
        // Carol rings for a second, long enough for bob's BYE to arrive before her answer.
        Sipp.Running carolPhone = callee(dir, carol, CALLEE_ANSWERS.replaceFirst(
                java.util.regex.Pattern.quote("  <send><![CDATA[\nSIP/2.0 200 OK"),
                "  <pause milliseconds=\"1000\"/>\n  <send><![CDATA[\nSIP/2.0 200 OK"));
        String early = transferringCallee("SIP/2.0 200 OK", "");
        early = early.substring(0, early.lastIndexOf("  <recv request=\"NOTIFY\">")) + BOB_HANGS_UP
                + "  <Reference variables=\"trying,atrium\"/>\n</scenario>\n";
        Sipp.Running bobPhone = callee(dir, bob, early);
        Sipp.Run aliceRun = caller(dir, "1002", ANSWERED + "  <pause milliseconds=\"2500\"/>\n" + BYE);
        assertThat(aliceRun.exitCode()).as("alice's call went on to carol and her BYE reached carol: " + aliceRun)
                .isZero();
        Sipp.Run bobRun = bobPhone.await();
        assertThat(bobRun.exitCode()).as(bobRun.toString()).isZero();
        Sipp.Run carolRun = carolPhone.await();
        assertThat(carolRun.exitCode()).as("carol answered and got alice's BYE: " + carolRun).isZero();
        awaitNoCall();
        assertThat(admin.get("/api/v1/admin/voip/calls").json().get("items").get(0).get("transfers")).hasSize(1);
    }

    /** Alice, called by bob's phone playing {@code bob}, waits for the BYE bob sends at its end: the call lasted. */
    private void aliceStaysWithBob(Path dir, String bobScenario, String what) throws Exception {
        Sipp.Running bobPhone = callee(dir, bob, bobScenario);
        Sipp.Run aliceRun = caller(dir, "1002", ANSWERED.replace("  <pause milliseconds=\"300\"/>\n", "") + """
                  <recv request="BYE" timeout="10000"/>
                """ + send("200 OK", false, "[last_CSeq:]", EMPTY) + "</scenario>\n");
        assertThat(aliceRun.exitCode()).as("alice stayed with bob until bob's BYE: " + aliceRun).isZero();
        Sipp.Run bobRun = bobPhone.await();
        assertThat(bobRun.exitCode()).as(what + ": " + bobRun).isZero();
    }

    @Test
    void aTransferToANumberThatIsNoExtensionIsNotified404AndTheCallGoesOn(@TempDir Path dir) throws Exception {
        aliceStaysWithBob(dir, transferringCallee("SIP/2.0 404 Not Found", BOB_HANGS_UP)
                .replace("Refer-To: <sip:1003@", "Refer-To: <sip:1999@"), "bob got NOTIFY 100 then 404");
        awaitNoCall();
        assertLogged("answered", 200);
    }

    @Test
    void aTransferToABusyPhoneIsReportedToBobAndAliceAndBobStayConnected(@TempDir Path dir) throws Exception {
        String[] carol = VoipRegistrarTest.userWithDevice(admin, "carol", "1003");
        Sipp.Running carolPhone = callee(dir, carol, CALLEE_BUSY);
        // After the NOTIFY of 486, bob hangs up himself: alice receiving that BYE proves the call was still bridged.
        aliceStaysWithBob(dir, transferringCallee("SIP/2.0 486 Busy Here", BOB_HANGS_UP), "bob got NOTIFY 100 then 486");
        Sipp.Run carolRun = carolPhone.await();
        assertThat(carolRun.exitCode()).as(carolRun.toString()).isZero();
        awaitNoCall();
        assertLogged("answered", 200);
        assertThat(admin.get("/api/v1/admin/voip/calls").json().get("items").get(0).get("transfers")).isEmpty();
    }

    @Test
    void aBusyCalleeGivesTheCaller486(@TempDir Path dir) throws Exception {
        call(dir, CALLEE_BUSY, "  <recv response=\"486\"/>\n" + ACK_FAILURE + "</scenario>\n", "busy", 486);
    }

    @Test
    void aCallNobodyAnswersIsCancelledAtTheRingTimeoutAndTheCallerGets480(@TempDir Path dir) throws Exception {
        call(dir, CALLEE_RINGS_UNTIL_CANCEL, "  <recv response=\"180\"/>\n  <recv response=\"480\" timeout=\"8000\"/>\n"
                + ACK_FAILURE + "</scenario>\n", "no-answer", 480);
    }

    @Test
    void theCallerHangingUpWhileItRingsCancelsTheCallee(@TempDir Path dir) throws Exception {
        call(dir, CALLEE_RINGS_UNTIL_CANCEL, """
                  <recv response="180"/>
                  <send><![CDATA[
                CANCEL sip:[service]@[remote_ip]:[remote_port] SIP/2.0
                [last_Via:]
                From: <sip:[caller]@[remote_ip]>;tag=[call_number]
                To: <sip:[service]@[remote_ip]>
                Call-ID: [call_id]
                CSeq: 2 CANCEL
                Max-Forwards: 70
                Content-Length: 0

                ]]></send>
                  <recv response="200"/>
                  <recv response="487"/>
                """ + ACK_FAILURE + "</scenario>\n", "cancelled", 487);
    }

    @Test
    void anUnknownNumberIs404AndAnExtensionWithoutPhonesIs480(@TempDir Path dir) throws Exception {
        Sipp.Run unknown = caller(dir.resolve("a"), "1999", "  <recv response=\"404\"/>\n" + ACK_FAILURE
                + "</scenario>\n");
        assertThat(unknown.exitCode()).as(unknown.toString()).isZero();
        assertLogged("failed", 404);
        Sipp.Run offline = caller(dir.resolve("b"), "1002", "  <recv response=\"480\"/>\n" + ACK_FAILURE
                + "</scenario>\n");
        assertThat(offline.exitCode()).as(offline.toString()).isZero();
        awaitNoCall();
        assertLogged("failed", 480);
    }
}
