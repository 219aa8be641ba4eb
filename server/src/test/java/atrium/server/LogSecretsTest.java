package atrium.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** Passwords, app passwords, TOTP secrets and session tokens never reach the log. */
class LogSecretsTest {
    @Test
    void noSecretIsEverLogged() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                lines.add(String.valueOf(r.getMessage()) + " " + java.util.Arrays.toString(r.getParameters())
                        + (r.getThrown() == null ? "" : " " + r.getThrown()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        Level before = root.getLevel();
        root.addHandler(capture);
        root.setLevel(Level.ALL);
        try (TestServer server = TestServer.start(Map.of("log.level", "debug"))) {
            TestClient admin = server.admin();
            admin.post("/api/v1/users", Map.of("login", "secretive", "password", "Velvet-Lighthouse-8127"));
            TestClient c = server.client();
            c.signIn("secretive", "Velvet-Lighthouse-8127");
            c.signIn("secretive", "Wrong-Guess-Password-1");
            String appPassword = c.post("/api/v1/me/app-passwords", Map.of("name", "Phone")).json().get("password").asText();
            server.client().basic("secretive", appPassword).get("/api/v1/me");
            server.client().basic("secretive", appPassword + "x").get("/api/v1/me");
            String totpSecret = c.post("/api/v1/me/totp/setup", null).json().get("secret").asText();
            String token = c.cookie("atrium_session").orElseThrow().getValue();
            var imported = admin.send("POST", "/api/v1/imports?dryRun=false",
                    "login;password\nimportee;Saffron-Meadow-4410\n".getBytes(StandardCharsets.UTF_8), Map.of("Content-Type", "text/csv"));
            assertThat(imported.status()).isEqualTo(202);
            Thread.sleep(500);
            String all = String.join("\n", lines);
            assertThat(lines).isNotEmpty();
            for (String secret : List.of("Velvet-Lighthouse-8127", "Wrong-Guess-Password-1", appPassword, totpSecret, token,
                    TestServer.ADMIN_PASSWORD, "Saffron-Meadow-4410")) {
                assertThat(all).doesNotContain(secret);
            }
        } finally {
            root.removeHandler(capture);
            root.setLevel(before);
        }
    }
}
