package atrium.server;

import static org.assertj.core.api.Assertions.assertThat;

import atrium.sip.Sipp;
import atrium.sip.transport.Protocol;
import atrium.voip.media.MediaRelay;
import atrium.voip.media.RelayStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two baresip 1.0.0 phones registered to extensions 1001 and 1002 over UDP, TCP or TLS: alice dials 1002, bob answers by itself, both
 * send a tone from a WAV file (aufile) and the relay counts their RTP both ways; alice hangs up on exit. Skipped without baresip
 * unless ATRIUM_TEST_BARESIP=required (CI).
 */
class VoipBaresipCallTest {
    private TestServer server;

    @BeforeEach
    void start() {
        VoipBaresipTest.requireBaresip();
        server = TestServer.start(VoipRegistrarTest.with(Map.of()));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /**
     * Starts baresip as {@code dev} registered over {@code transport}, sending a tone; {@code args} e.g. a dial
     * command. Over TLS baresip (libre) does not verify the server's certificate by default (sip-pbx-notes §7).
     */
    private Process baresip(Path conf, String[] dev, String transport, String accountParams, String... args)
            throws Exception {
        Files.createDirectories(conf);
        int port = server.atrium.voip().sip.orElseThrow().port(Protocol.valueOf(transport.toUpperCase()));
        Files.writeString(conf.resolve("accounts"), "<sip:" + dev[0] + "@127.0.0.1:" + port + ";transport=" + transport
                + ">;auth_pass="
                + dev[1] + ";regint=60" + accountParams + "\n");
        Files.writeString(conf.resolve("config"), String.join("\n", "sip_listen 127.0.0.1:" + Sipp.freePortForBaresip(),
                "module_path /usr/lib/baresip/modules", "module g711.so", "module account.so", "module menu.so",
                "module aufile.so", "module aubridge.so", "audio_source aufile," + tone(conf), "audio_player aubridge,out",
                "audio_alert aubridge,out", "rtp_ports 30000-30999", ""));
        String[] cmd = new String[3 + args.length];
        cmd[0] = VoipBaresipTest.BARESIP.toString();
        cmd[1] = "-f";
        cmd[2] = conf.toString();
        System.arraycopy(args, 0, cmd, 3, args.length);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(conf.resolve("baresip.log").toFile())
                .start();
    }

    /** {@code legs}: the caller's transport, then the callee's — the two legs of one call need not share one. */
    @ParameterizedTest
    @ValueSource(strings = {"udp>udp", "tls>tls", "tls>udp", "udp>tcp"})
    void twoBaresipPhonesCallEachOtherAndTheirAudioCrossesTheRelayBothWays(String legs, @TempDir Path dir)
            throws Exception {
        String[] transports = legs.split(">");
        TestClient admin = server.admin();
        String[] alice = VoipRegistrarTest.userWithDevice(admin, "alice", "1001");
        String[] bob = VoipRegistrarTest.userWithDevice(admin, "bob", "1002");
        Process bobPhone = baresip(dir.resolve("bob"), bob, transports[1], ";answermode=auto", "-t", "25");
        Process alicePhone = null;
        try {
            long end = System.nanoTime() + 10_000_000_000L;
            while (admin.get("/api/v1/admin/voip/registrations").json().get("items").isEmpty()) {
                assertThat(System.nanoTime()).as("bob's baresip registers: " + log(dir, "bob")).isLessThan(end);
                Thread.sleep(100);
            }
            alicePhone = baresip(dir.resolve("alice"), alice, transports[0], "", "-e", "/dial 1002", "-t", "8");
            MediaRelay relay = server.atrium.voip().media.orElseThrow();
            RelayStats seen = null;
            end = System.nanoTime() + 15_000_000_000L;
            while (seen == null && System.nanoTime() < end) {
                for (var session : relay.sessions()) {
                    RelayStats st = session.stats();
                    if (st.aToB().rtpPackets() > 50 && st.bToA().rtpPackets() > 50) {
                        seen = st;
                    }
                }
                Thread.sleep(50);
            }
            assertThat(seen).as("RTP both ways through the relay\nalice:\n" + log(dir, "alice") + "\nbob:\n"
                    + log(dir, "bob")).isNotNull();
            Map<String, String> registered = new java.util.HashMap<>();
            admin.get("/api/v1/admin/voip/registrations").json().get("items")
                    .forEach(r -> registered.put(r.get("device").asText(), r.get("transport").asText()));
            assertThat(registered).as("each phone on its own transport")
                    .containsEntry(alice[0], transports[0]).containsEntry(bob[0], transports[1]);
            assertThat(alicePhone.waitFor(20, TimeUnit.SECONDS)).isTrue();
            end = System.nanoTime() + 10_000_000_000L;
            while (server.atrium.voip().sip.orElseThrow().calls().size() != 0 && System.nanoTime() < end) {
                Thread.sleep(50);
            }
            assertThat(server.atrium.voip().sip.orElseThrow().calls().size()).as("alice's hang-up ended the call")
                    .isZero();
            assertThat(relay.portsInUse()).isZero();
            var call = admin.get("/api/v1/admin/voip/calls").json().get("items").get(0);
            assertThat(call.get("outcome").asText()).isEqualTo("answered");
            assertThat(call.get("answeredBy").asText()).isEqualTo(bob[0]);
        } finally {
            if (alicePhone != null) {
                alicePhone.destroyForcibly().waitFor();
            }
            bobPhone.destroyForcibly().waitFor();
        }
    }

    /**
     * A 20 s, 440 Hz tone as an 8 kHz mono 16-bit WAV: baresip's aufile reads it as the microphone and wants the
     * codec's rate (ausine only makes 48 kHz, which baresip 1.0.0 does not resample for G.711).
     */
    private static Path tone(Path dir) throws Exception {
        Path wav = dir.resolve("tone.wav");
        int rate = 8000;
        byte[] pcm = new byte[rate * 20 * 2];
        for (int i = 0; i < pcm.length / 2; i++) {
            short v = (short) (8000 * Math.sin(2 * Math.PI * 440 * i / rate));
            pcm[2 * i] = (byte) v;
            pcm[2 * i + 1] = (byte) (v >> 8);
        }
        var format = new javax.sound.sampled.AudioFormat(rate, 16, 1, true, false);
        try (var in = new javax.sound.sampled.AudioInputStream(new java.io.ByteArrayInputStream(pcm), format,
                pcm.length / 2)) {
            javax.sound.sampled.AudioSystem.write(in, javax.sound.sampled.AudioFileFormat.Type.WAVE, wav.toFile());
        }
        return wav;
    }

    private static String log(Path dir, String who) throws Exception {
        Path f = dir.resolve(who).resolve("baresip.log");
        return Files.exists(f) ? Files.readString(f) : "";
    }
}
