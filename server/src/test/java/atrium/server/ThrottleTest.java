package atrium.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ThrottleTest {
    @Test
    void repeatedFailuresAreSlowedThenRefusedForATimeEvenWithTheRightPassword() {
        try (TestServer server = TestServer.start(Map.of("login.free-failures", "2", "login.block-after-failures", "4",
                "login.block-minutes", "15", "login.delay-ms", "100"))) {
            TestClient admin = server.admin();
            admin.post("/api/v1/users", Map.of("login", "target", "password", "Silver-Thistle-2290"));
            long slowest = 0;
            for (int i = 0; i < 4; i++) {
                long t0 = System.nanoTime();
                assertThat(server.client().signIn("target", "guess-" + i).status()).isEqualTo(401);
                slowest = Math.max(slowest, (System.nanoTime() - t0) / 1_000_000);
            }
            assertThat(slowest).as("failures beyond the free ones are slowed").isGreaterThanOrEqualTo(180);
            var blocked = server.client().signIn("target", "Silver-Thistle-2290");
            assertThat(blocked.status()).isEqualTo(429);
            assertThat(blocked.json().get("error").asText()).isEqualTo("too-many-attempts");
            assertThat(blocked.json().get("retryAfterSeconds").asLong()).isBetween(800L, 900L);
            assertThat(blocked.json().get("message").asText()).contains("Try again in 15 minutes");
            assertThat(blocked.header("Retry-After")).isPresent();
            // Another account from the same address is still let in (the address allowance is larger).
            assertThat(server.client().signIn("admin", TestServer.ADMIN_PASSWORD).status()).isEqualTo(200);
            assertThat(admin.get("/api/v1/audit?action=sign-in-blocked").json().get("items").get(0).get("target").asText())
                    .isEqualTo("target");
        }
    }
}
