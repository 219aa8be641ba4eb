package atrium.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The WebDAV compliance suite litmus (Debian package litmus) against a real server over
 * plain HTTP (proxy mode): every suite must run and pass, warnings are printed. CI sets
 * ATRIUM_TEST_LITMUS=required so a missing litmus fails instead of skipping.
 */
class LitmusTest {
    private static final List<String> SUITES = List.of("basic", "copymove", "props", "locks", "http");
    private static final Pattern SUMMARY = Pattern.compile(
            "<- summary for [`']([a-z0-9]+)': of (\\d+) tests run: (\\d+) passed, (\\d+) failed");

    record Summary(int run, int passed, int failed) {
    }

    @Test
    void everyLitmusSuiteRunsAndPasses() throws Exception {
        Path litmus = Path.of("/usr/bin/litmus");
        if (!"required".equals(System.getenv("ATRIUM_TEST_LITMUS"))) {
            Assumptions.assumeTrue(Files.isExecutable(litmus), "litmus is not installed (apt-get install litmus)");
        }
        assertThat(litmus).as("Debian's litmus is needed for the WebDAV compliance test").isExecutable();

        try (TestServer server = TestServer.start(Map.of("proxy.enabled", "true"))) {
            String appPassword = DavTest.userWithAppPassword(server, "litmus", "Lantern-Orchid-6604");
            String url = server.baseUrl() + "/remote.php/dav/files/litmus/";
            String output = run(litmus, url, "litmus", appPassword);

            Map<String, Summary> summaries = new LinkedHashMap<>();
            Matcher m = SUMMARY.matcher(output);
            while (m.find()) {
                summaries.put(m.group(1), new Summary(Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                        Integer.parseInt(m.group(4))));
            }
            output.lines().filter(l -> l.startsWith("<- summary")).forEach(System.out::println);
            List<String> warnings = output.lines().filter(l -> l.contains("WARNING")).toList();
            if (!warnings.isEmpty()) {
                System.out.println("litmus warnings:\n" + String.join("\n", warnings));
            }
            assertThat(summaries.keySet()).as("suites that ran; litmus said:\n" + output).containsExactlyElementsOf(SUITES);
            summaries.forEach((suite, s) -> assertThat(s.failed()).as(suite + " failures; litmus said:\n" + output).isZero());
            summaries.forEach((suite, s) -> assertThat(s.passed()).as(suite + " passes; litmus said:\n" + output)
                    .isEqualTo(s.run()));
        }
    }

    /** Runs litmus on every suite (-k: a failing suite does not stop the others) and returns its output. */
    private static String run(Path litmus, String url, String user, String password) throws IOException, InterruptedException {
        Path log = Files.createTempFile("litmus-", ".log");
        try {
            ProcessBuilder pb = new ProcessBuilder(litmus.toString(), "-k", url, user, password)
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("TESTS", String.join(" ", SUITES));
            Process p = pb.start();
            boolean finished = p.waitFor(5, TimeUnit.MINUTES);
            if (!finished) {
                p.destroyForcibly();
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(finished).as("litmus finished within 5 minutes; it said:\n" + output).isTrue();
            return output;
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
