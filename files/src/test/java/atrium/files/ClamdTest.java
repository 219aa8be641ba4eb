package atrium.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import atrium.core.TestClamd;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The clamd client against a real clamd: verdicts, its size limit, and a clamd that is down, killed or hung. */
class ClamdTest {
    private static final long LIMIT = 1 << 20;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    static TestClamd clamd;

    @BeforeAll
    static void start() {
        clamd = TestClamd.start(LIMIT);
    }

    @AfterAll
    static void stop() {
        if (clamd != null) {
            clamd.close();
        }
    }

    private static Clamd.Verdict scan(Clamd client, byte[] data, int chunk) throws IOException {
        try (Clamd.Stream s = client.instream()) {
            for (int off = 0; off < data.length; off += chunk) {
                s.send(data, off, Math.min(chunk, data.length - off));
            }
            return s.finish();
        }
    }

    @Test
    void cleanDataIsCleanAndEicarIsFoundByNameOverTcpAndTheUnixSocket() throws IOException {
        for (String address : new String[] {clamd.address(), clamd.socket().toString()}) {
            Clamd client = new Clamd(address, TIMEOUT);
            assertThat(client.ping(Duration.ofSeconds(2))).as(address).isTrue();
            assertThat(client.version()).startsWith("ClamAV ");
            assertThat(scan(client, "Quarterly accounts, final.".getBytes(), 64 * 1024))
                    .isEqualTo(new Clamd.Verdict(Clamd.Result.CLEAN, ""));
            assertThat(scan(client, TestClamd.eicar(), 64 * 1024))
                    .isEqualTo(new Clamd.Verdict(Clamd.Result.INFECTED, TestClamd.SIGNATURE));
        }
    }

    @Test
    void eicarSentOneByteAtATimeIsStillFound() throws IOException {
        assertThat(scan(new Clamd(clamd.address(), TIMEOUT), TestClamd.eicar(), 1).result()).isEqualTo(Clamd.Result.INFECTED);
    }

    @Test
    void anEmptyStreamIsClean() throws IOException {
        assertThat(scan(new Clamd(clamd.address(), TIMEOUT), new byte[0], 1).result()).isEqualTo(Clamd.Result.CLEAN);
    }

    @Test
    void aStreamOverStreamMaxLengthIsReportedAsTooLargeNotAsAFailure() throws IOException {
        Clamd client = new Clamd(clamd.address(), TIMEOUT);
        byte[] justOver = new byte[(int) LIMIT + 1];
        assertThat(scan(client, justOver, 64 * 1024).result()).isEqualTo(Clamd.Result.TOO_LARGE);
        // Far over: clamd closes the connection while the data still comes, and the writes fail.
        byte[] chunk = new byte[256 * 1024];
        try (Clamd.Stream s = client.instream()) {
            for (int i = 0; i < 40; i++) {
                s.send(chunk, 0, chunk.length);
            }
            assertThat(s.finish().result()).isEqualTo(Clamd.Result.TOO_LARGE);
        }
        assertThat(scan(client, Arrays.copyOf(TestClamd.eicar(), (int) LIMIT), 64 * 1024).result())
                .as("at the limit, still scanned").isEqualTo(Clamd.Result.CLEAN);
    }

    @Test
    void aClamdThatIsDownFailsToConnectAndDoesNotAnswerPing() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Clamd down = new Clamd("127.0.0.1:" + port, TIMEOUT);
        assertThat(down.ping(Duration.ofSeconds(1))).isFalse();
        assertThatThrownBy(down::instream).isInstanceOf(IOException.class);
        Clamd noSocket = new Clamd("/nonexistent/clamd.ctl", TIMEOUT);
        assertThatThrownBy(noSocket::instream).isInstanceOf(IOException.class);
    }

    @Test
    void addressesThatAreNeitherHostPortNorAnAbsolutePathAreRefused() {
        for (String bad : new String[] {"clamd", "127.0.0.1", "127.0.0.1:0", "127.0.0.1:70000", "host:port", "run/clamd.ctl"}) {
            assertThatThrownBy(() -> Clamd.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(Clamd.parse("[::1]:3310").toString()).contains("3310");
    }

    @Test
    void aScanWhoseClamdIsKilledMidwayFailsAndAScanAfterTheRestartWorks() throws IOException {
        Clamd client = new Clamd(clamd.address(), TIMEOUT);
        byte[] chunk = new byte[64 * 1024];
        try (Clamd.Stream s = client.instream()) {
            s.send(chunk, 0, chunk.length);
            clamd.kill();
            for (int i = 0; i < 8; i++) {
                s.send(chunk, 0, chunk.length);
            }
            assertThatThrownBy(s::finish).isInstanceOf(IOException.class);
        } finally {
            clamd.restart();
        }
        assertThat(scan(client, TestClamd.eicar(), 1024).result()).isEqualTo(Clamd.Result.INFECTED);
    }

    @Test
    void aHungClamdTimesOutInsteadOfHoldingTheUploadForever() throws IOException {
        Clamd client = new Clamd(clamd.address(), Duration.ofMillis(800));
        byte[] chunk = new byte[256 * 1024];
        clamd.freeze(true);
        long t0 = System.nanoTime();
        try {
            // The kernel still accepts the connection; the data fills the socket's buffers, then the writes block.
            try (Clamd.Stream s = client.instream()) {
                for (int i = 0; i < 40; i++) {
                    s.send(chunk, 0, chunk.length);
                }
                assertThatThrownBy(s::finish).isInstanceOf(IOException.class).hasMessageContaining("timeout");
            } catch (IOException e) {
                assertThat(e).hasMessageContaining("did not answer");
            }
            assertThat(client.ping(Duration.ofMillis(500))).isFalse();
        } finally {
            clamd.freeze(false);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(8));
        assertThat(client.ping(Duration.ofSeconds(2))).isTrue();
    }
}
