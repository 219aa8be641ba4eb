package atrium.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs Debian's sipp (package sip-tester) as a real peer. Without sipp the test is skipped, unless
 * ATRIUM_TEST_SIPP=required (CI), where a missing sipp fails it.
 */
public final class Sipp {
    private static final Path SIPP = Path.of("/usr/bin/sipp");

    /** What a sipp run left: its exit code (0 = every call succeeded) and its error log. */
    public record Run(int exitCode, String errors, String screen) {
        @Override
        public String toString() {
            return "sipp exit " + exitCode + "\n" + errors + "\n" + screen;
        }
    }

    private Sipp() {
    }

    public static void require() {
        if (!"required".equals(System.getenv("ATRIUM_TEST_SIPP"))) {
            Assumptions.assumeTrue(Files.isExecutable(SIPP), "sipp is not installed (apt-get install sip-tester)");
        }
        assertThat(SIPP).as("Debian's sipp (sip-tester) is needed for the SIP interop tests").isExecutable();
    }

    /** Copies a scenario from the test resources into {@code dir} and returns its path. */
    public static Path scenario(Path dir, String resource) throws IOException {
        Path file = dir.resolve(resource.substring(resource.lastIndexOf('/') + 1));
        try (InputStream in = Sipp.class.getResourceAsStream(resource)) {
            Files.copy(in, file);
        }
        return file;
    }

    /** Runs sipp in {@code dir} with {@code args} (plus -nostdin and error tracing) and waits at most 30 s. */
    public static Run run(Path dir, String... args) throws IOException, InterruptedException {
        return start(dir, args).await();
    }

    /** A sipp process running in the background. */
    public record Running(Process process, Path dir) {
        /** Waits at most 30 s for sipp to end. */
        public Run await() throws IOException, InterruptedException {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError("sipp did not finish in 30 s: " + Files.readString(dir.resolve("sipp.out")));
            }
            return new Run(process.exitValue(), read(dir.resolve("errors.log")) + read(dir.resolve("sipp.out")),
                    read(dir.resolve("screen.log")));
        }
    }

    /** Starts sipp in {@code dir} with {@code args}; {@link Running#await} collects the result. */
    public static Running start(Path dir, String... args) throws IOException {
        require();
        List<String> cmd = new ArrayList<>(List.of(SIPP.toString(), "-nostdin", "-trace_err", "-trace_screen",
                "-error_file", "errors.log", "-screen_file", "screen.log"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("sipp.out").toFile()).start();
        return new Running(p, dir);
    }

    /**
     * Waits until some process has bound {@code port} ("udp" or "tcp", read from /proc/net: probing by binding it
     * ourselves could steal it from sipp at the wrong moment).
     */
    public static void awaitPort(String protocol, int port) throws InterruptedException {
        String needle = String.format(":%04X ", port);
        long end = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < end) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/net/" + protocol))) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 1 && (f[1] + " ").endsWith(needle)) {
                        return;
                    }
                }
            } catch (IOException e) {
                throw new AssertionError("cannot read /proc/net/" + protocol, e);
            }
            Thread.sleep(20);
        }
        throw new AssertionError("nothing listens on " + protocol + " port " + port + " after 10 s");
    }

    /** A UDP port free a moment ago, for a peer that needs its port on the command line. */
    public static int freePort() throws IOException {
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * A port free a moment ago for baresip's {@code sip_listen}: baresip binds UDP and TCP on it
     * and TLS on the next one, so all three must be free or it refuses to start.
     */
    public static int freePortForBaresip() throws IOException {
        var loopback = java.net.InetAddress.getLoopbackAddress();
        for (int attempt = 0; attempt < 50; attempt++) {
            try (java.net.DatagramSocket udp = new java.net.DatagramSocket(0, loopback)) {
                int port = udp.getLocalPort();
                if (port < 65535 && tcpFree(loopback, port) && tcpFree(loopback, port + 1)) {
                    return port;
                }
            }
        }
        throw new IOException("no loopback port with the next one free after 50 tries");
    }

    private static boolean tcpFree(java.net.InetAddress address, int port) {
        try (java.net.ServerSocket s = new java.net.ServerSocket(port, 1, address)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String read(Path f) throws IOException {
        return Files.exists(f) ? Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1) : "";
    }
}
