package atrium.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real ClamAV daemon for tests, without the internet (shared/reference/test-peers.md):
 * its own signature database holding only the EICAR test file's hash, a TCP socket on a
 * free loopback port and a unix socket in a temporary directory. Skips the test when clamd
 * is not installed, unless ATRIUM_TEST_CLAMAV=required (CI), where it fails.
 */
public final class TestClamd implements AutoCloseable {
    /** The name clamd reports for EICAR with this database. */
    public static final String SIGNATURE = "Atrium-Test-EICAR.UNOFFICIAL";
    private static final List<Path> BINARIES = List.of(Path.of("/usr/sbin/clamd"), Path.of("/usr/bin/clamd"));

    private final Path binary;
    private final Path dir;
    private final int port;
    private final long streamMaxBytes;
    private Process process;

    private TestClamd(Path binary, Path dir, int port, long streamMaxBytes) {
        this.binary = binary;
        this.dir = dir;
        this.port = port;
        this.streamMaxBytes = streamMaxBytes;
    }

    /**
     * The EICAR test file, built here rather than kept in the repository, where scanners on
     * developers' machines would flag it.
     */
    public static byte[] eicar() {
        return ("X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*").getBytes(StandardCharsets.US_ASCII);
    }

    /** Starts clamd with the given StreamMaxLength, and waits until it answers PING. */
    public static TestClamd start(long streamMaxBytes) {
        Path binary = BINARIES.stream().filter(Files::isExecutable).findFirst().orElse(null);
        if ("required".equals(System.getenv("ATRIUM_TEST_CLAMAV"))) {
            assertThat(binary).as("clamd installed (Debian package clamav-daemon; ATRIUM_TEST_CLAMAV=required)").isNotNull();
        } else {
            Assumptions.assumeTrue(binary != null, "clamd is not installed (apt-get install clamav-daemon)");
        }
        try {
            Path dir = Files.createTempDirectory("atrium-clamd-");
            Files.createDirectories(dir.resolve("db"));
            Files.createDirectories(dir.resolve("tmp"));
            byte[] md5 = MessageDigest.getInstance("MD5").digest(eicar());
            Files.writeString(dir.resolve("db/test.hdb"),
                    HexFormat.of().formatHex(md5) + ":" + eicar().length + ":Atrium-Test-EICAR\n");
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            TestClamd clamd = new TestClamd(binary, dir, port, streamMaxBytes);
            String conf = String.join("\n",
                    "DatabaseDirectory " + dir.resolve("db"),
                    "TemporaryDirectory " + dir.resolve("tmp"),
                    "TCPSocket " + port,
                    "TCPAddr 127.0.0.1",
                    "LocalSocket " + clamd.socket(),
                    "Foreground yes",
                    "StreamMaxLength " + streamMaxBytes,
                    "LogFile " + dir.resolve("clamd.log"),
                    "") + ("root".equals(System.getProperty("user.name")) ? "User root\n" : "");
            Files.writeString(dir.resolve("clamd.conf"), conf);
            clamd.launch();
            return clamd;
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot start clamd", e);
        }
    }

    private void launch() throws IOException {
        process = new ProcessBuilder(binary.toString(), "-c", dir.resolve("clamd.conf").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("clamd.out").toFile()).start();
        awaitPong();
    }

    /** host:port, as antivirus.clamd takes it. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    public Path socket() {
        return dir.resolve("clamd.sock");
    }

    public long streamMaxBytes() {
        return streamMaxBytes;
    }

    public long pid() {
        return process.pid();
    }

    private void awaitPong() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("clamd exited at start: " + output());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                s.setSoTimeout(2000);
                OutputStream out = s.getOutputStream();
                out.write("zPING\0".getBytes(StandardCharsets.US_ASCII));
                InputStream in = s.getInputStream();
                if (new String(in.readNBytes(4), StandardCharsets.US_ASCII).equals("PONG")) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("clamd did not answer PING within 60 s: " + output());
    }

    private String output() {
        try {
            return Files.readString(dir.resolve("clamd.out"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Kills clamd at once (SIGKILL), as a crash would. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts clamd again, on the same port and socket, after {@link #kill}. */
    public void restart() {
        try {
            Files.deleteIfExists(socket());
            launch();
        } catch (IOException e) {
            throw new IllegalStateException("cannot restart clamd", e);
        }
    }

    /** Stops (SIGSTOP) or continues (SIGCONT) clamd: a scanner that hangs without closing anything. */
    public void freeze(boolean frozen) {
        try {
            Process p = new ProcessBuilder("kill", frozen ? "-STOP" : "-CONT", Long.toString(process.pid())).start();
            assertThat(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0).as("kill -STOP/-CONT clamd").isTrue();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            freeze(false);
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    kill();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
