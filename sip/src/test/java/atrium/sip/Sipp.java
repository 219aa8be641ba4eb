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
final class Sipp {
    private static final Path SIPP = Path.of("/usr/bin/sipp");

    /** What a sipp run left: its exit code (0 = every call succeeded) and its error log. */
    record Run(int exitCode, String errors, String screen) {
        @Override
        public String toString() {
            return "sipp exit " + exitCode + "\n" + errors + "\n" + screen;
        }
    }

    private Sipp() {
    }

    static void require() {
        if (!"required".equals(System.getenv("ATRIUM_TEST_SIPP"))) {
            Assumptions.assumeTrue(Files.isExecutable(SIPP), "sipp is not installed (apt-get install sip-tester)");
        }
        assertThat(SIPP).as("Debian's sipp (sip-tester) is needed for the SIP interop tests").isExecutable();
    }

    /** Copies a scenario from the test resources into {@code dir} and returns its path. */
    static Path scenario(Path dir, String resource) throws IOException {
        Path file = dir.resolve(resource.substring(resource.lastIndexOf('/') + 1));
        try (InputStream in = Sipp.class.getResourceAsStream(resource)) {
            Files.copy(in, file);
        }
        return file;
    }

    /** Runs sipp in {@code dir} with {@code args} (plus -nostdin and error tracing) and waits at most 30 s. */
    static Run run(Path dir, String... args) throws IOException, InterruptedException {
        require();
        List<String> cmd = new ArrayList<>(List.of(SIPP.toString(), "-nostdin", "-trace_err", "-trace_screen",
                "-error_file", "errors.log", "-screen_file", "screen.log"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("sipp.out").toFile()).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("sipp did not finish in 30 s: " + Files.readString(dir.resolve("sipp.out")));
        }
        return new Run(p.exitValue(), read(dir.resolve("errors.log")) + read(dir.resolve("sipp.out")),
                read(dir.resolve("screen.log")));
    }

    private static String read(Path f) throws IOException {
        return Files.exists(f) ? Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1) : "";
    }
}
