package atrium.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Headless Chromium, driven by playwright-core (web/e2e/admin-flow.mjs), signs in as admin,
 * enrols TOTP with oathtool, creates a user, signs out and signs in as that user. CI sets
 * ATRIUM_TEST_BROWSER=required so a missing browser fails instead of skipping.
 */
class BrowserTest {
    @Test
    void anAdminEnrolsTwoFactorCreatesAUserAndThatUserSignsIn() throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        Path script = Path.of("..", "web", "e2e", "admin-flow.mjs").toAbsolutePath().normalize();
        boolean required = "required".equals(System.getenv("ATRIUM_TEST_BROWSER"));
        if (!required) {
            Assumptions.assumeTrue(Files.isExecutable(chromium), "Chromium is not installed (apt-get install chromium)");
        }
        assertThat(chromium).as("Debian's chromium is needed for the browser test").isExecutable();
        assertThat(script).exists();
        assertThat(Path.of("..", "web", "node_modules", "playwright-core")).as("run npm ci in web/").exists();
        assertThat(Path.of("target", "classes", "web", "index.html")).as("the web console must be built first").exists();

        try (TestServer server = TestServer.start()) {
            Path out = Files.createTempDirectory("atrium-e2e-");
            ProcessBuilder pb = new ProcessBuilder("node", script.toString()).redirectErrorStream(true)
                    .directory(script.getParent().getParent().toFile());
            pb.environment().put("ATRIUM_URL", server.baseUrl());
            pb.environment().put("ATRIUM_ADMIN_PASSWORD", TestServer.ADMIN_PASSWORD);
            pb.environment().put("ATRIUM_E2E_OUT", out.toString());
            Process p = pb.start();
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("e2e script finished").isTrue();
            assertThat(p.exitValue()).as("e2e script output:\n" + log + "\nscreenshots in " + out).isZero();
            // The admin has 2FA now, so read the audit log directly rather than through a new sign-in.
            var created = server.atrium.identity().audit.search(new atrium.identity.db.AuditStore.Filter(
                    java.util.Optional.empty(), java.util.Optional.of("user-created"), java.util.Optional.empty(),
                    java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.empty(), 50));
            assertThat(created).anySatisfy(e -> assertThat(e.target()).hasValue("camille"));
            var signIns = server.atrium.identity().audit.search(new atrium.identity.db.AuditStore.Filter(
                    java.util.Optional.of("camille"), java.util.Optional.of("sign-in"), java.util.Optional.empty(),
                    java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.empty(), 50));
            assertThat(signIns).isNotEmpty();
        }
    }
}
