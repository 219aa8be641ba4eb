package atrium.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ThrottleTest {
    static Map<String, String> strict() {
        return Map.of("login.free-failures", "2", "login.block-after-failures", "4", "login.block-minutes", "15",
                "login.delay-ms", "100");
    }

    @Test
    void repeatedFailuresAreSlowedThenRefusedForATimeEvenWithTheRightPassword() {
        try (TestServer server = TestServer.start(strict())) {
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

    @Test
    void anAddressThatScansManyAccountsIsRefusedForAllOfThem() {
        try (TestServer server = TestServer.start(Map.of("login.free-failures", "100", "login.block-after-failures", "4",
                "login.block-minutes", "15", "login.delay-ms", "0"))) {
            TestClient admin = server.admin();
            for (int i = 0; i < 12; i++) {
                assertThat(server.client().signIn("scan" + i, "guess").status()).isEqualTo(401);
            }
            var r = server.client().signIn("admin", TestServer.ADMIN_PASSWORD);
            assertThat(r.status()).isEqualTo(429);
            assertThat(admin.get("/api/v1/me").status()).as("existing sessions keep working").isEqualTo(200);
        }
    }

    @Test
    void wrongTwoFactorCodesCountAsFailuresToo() {
        try (TestServer server = TestServer.start(strict())) {
            TestClient admin = server.admin();
            admin.post("/api/v1/users", Map.of("login", "otp", "password", "Amber-Falcon-6631"));
            TestClient c = server.client();
            c.signIn("otp", "Amber-Falcon-6631");
            String secret = c.post("/api/v1/me/totp/setup", null).json().get("secret").asText();
            c.post("/api/v1/me/totp/confirm", Map.of("code", Totps.oathtool(secret)));
            TestClient attacker = server.client();
            attacker.signIn("otp", "Amber-Falcon-6631");
            // A code from five minutes ago has expired.
            String old = Totps.oathtool(secret, java.time.Instant.now().minusSeconds(300));
            assertThat(attacker.post("/api/v1/session/totp", Map.of("code", old)).status()).isEqualTo(401);
            for (int i = 0; i < 3; i++) {
                attacker.post("/api/v1/session/totp", Map.of("code", String.format("%06d", i)));
            }
            var blocked = attacker.post("/api/v1/session/totp", Map.of("code", Totps.oathtool(secret,
                    java.time.Instant.now().plusSeconds(30))));
            assertThat(blocked.status()).isEqualTo(429);
        }
    }
}
