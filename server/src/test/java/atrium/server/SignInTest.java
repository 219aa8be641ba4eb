package atrium.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SignInTest {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void adminSignsInWithASessionCookieThatScriptsCannotRead() {
        TestClient c = server.client();
        var r = c.signIn("admin", TestServer.ADMIN_PASSWORD);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("state").asText()).isEqualTo("signed-in");
        assertThat(r.json().get("user").get("login").asText()).isEqualTo("admin");
        String setCookie = r.headers().allValues("set-cookie").stream().filter(v -> v.startsWith("atrium_session=")).findFirst().orElseThrow();
        assertThat(setCookie).containsIgnoringCase("HttpOnly").containsIgnoringCase("Secure").containsIgnoringCase("SameSite=Strict");
        assertThat(c.get("/api/v1/me").json().get("admin").asBoolean()).isTrue();
    }

    @Test
    void aWrongPasswordIsRefusedWithAClearMessageAndAudited() {
        TestClient c = server.client();
        var r = c.signIn("admin", "not-the-password");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().get("error").asText()).isEqualTo("invalid-credentials");
        assertThat(r.json().get("message").asText()).isEqualTo("Wrong login or password.");
        var audit = server.admin().get("/api/v1/audit?action=sign-in-failed").json().get("items");
        assertThat(audit).anySatisfy(e -> assertThat(e.get("target").asText()).isEqualTo("admin"));
    }

    @Test
    void anUnknownLoginGetsTheSameAnswerAsAWrongPassword() {
        var r = server.client().signIn("nobody-here", "whatever-password");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().get("message").asText()).isEqualTo("Wrong login or password.");
    }

    @Test
    void anUnsafeRequestWithoutTheCsrfTokenIsRefusedAndChangesNothing() {
        TestClient c = server.admin();
        c.withoutCsrf();
        var r = c.post("/api/v1/groups", Map.of("name", "csrf-victim"));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.json().get("error").asText()).isEqualTo("csrf");
        assertThat(server.admin().get("/api/v1/groups").body()).doesNotContain("csrf-victim");
    }

    @Test
    void signingInNeedsTheCsrfTokenToo() {
        TestClient c = server.client().withoutCsrf();
        c.get("/api/v1/session");
        assertThat(c.post("/api/v1/session", Map.of("login", "admin", "password", TestServer.ADMIN_PASSWORD)).status())
                .isEqualTo(403);
    }

    @Test
    void signingOutEndsTheSession() {
        TestClient c = server.admin();
        assertThat(c.delete("/api/v1/session").status()).isEqualTo(204);
        assertThat(c.get("/api/v1/me").status()).isEqualTo(401);
        assertThat(c.get("/api/v1/session").json().get("state").asText()).isEqualTo("signed-out");
    }

    @Test
    void aUserSeesAndRevokesTheirOtherSessions() {
        TestClient phone = server.admin();
        TestClient laptop = server.admin();
        var sessions = laptop.get("/api/v1/me/sessions").json();
        assertThat(sessions.size()).isGreaterThanOrEqualTo(2);
        String other = null;
        for (var s : sessions) {
            if (!s.get("current").asBoolean()) {
                other = s.get("id").asText();
            }
        }
        assertThat(other).isNotNull();
        // Revoke every other session; the phone must be among them.
        for (var s : sessions) {
            if (!s.get("current").asBoolean()) {
                assertThat(laptop.delete("/api/v1/me/sessions/" + s.get("id").asText()).status()).isEqualTo(204);
            }
        }
        assertThat(phone.get("/api/v1/me").status()).isEqualTo(401);
        assertThat(laptop.get("/api/v1/me").status()).isEqualTo(200);
    }

    @Test
    void twoFactorEnrolmentThenSignInWithOathtoolAndNoCodeWorksTwice() {
        TestClient admin = server.admin();
        admin.post("/api/v1/users", Map.of("login", "tfa-user", "password", "Granite-Meadow-4821"));
        TestClient c = server.client();
        c.signIn("tfa-user", "Granite-Meadow-4821");
        var setup = c.post("/api/v1/me/totp/setup", null).json();
        String secret = setup.get("secret").asText();
        assertThat(setup.get("otpauthUri").asText()).startsWith("otpauth://totp/").contains("secret=" + secret);

        assertThat(c.post("/api/v1/me/totp/confirm", Map.of("code", "000000")).status()).isEqualTo(401);
        String enrolCode = Totps.oathtool(secret);
        var confirmed = c.post("/api/v1/me/totp/confirm", Map.of("code", enrolCode));
        assertThat(confirmed.status()).isEqualTo(200);
        var backupCodes = confirmed.json().get("backupCodes");
        assertThat(backupCodes).hasSize(10);

        TestClient again = server.client();
        var first = again.signIn("tfa-user", "Granite-Meadow-4821");
        assertThat(first.json().get("state").asText()).isEqualTo("totp-required");
        assertThat(first.json().has("user")).isFalse();
        assertThat(again.get("/api/v1/me").status()).isEqualTo(401);
        // The code used at enrolment is spent: replaying it fails.
        var replay = again.post("/api/v1/session/totp", Map.of("code", enrolCode));
        assertThat(replay.status()).isEqualTo(401);
        assertThat(replay.json().get("error").asText()).isEqualTo("invalid-code");
        String next = Totps.oathtool(secret, Instant.now().plusSeconds(30));
        var ok = again.post("/api/v1/session/totp", Map.of("code", next));
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(ok.json().get("state").asText()).isEqualTo("signed-in");
        assertThat(again.get("/api/v1/me").status()).isEqualTo(200);

        TestClient third = server.client();
        third.signIn("tfa-user", "Granite-Meadow-4821");
        assertThat(third.post("/api/v1/session/totp", Map.of("code", next)).status()).isEqualTo(401);

        // A backup code works once, typed in upper case without its dash.
        String backup = backupCodes.get(0).asText();
        String typed = backup.toUpperCase().replace("-", "");
        assertThat(third.post("/api/v1/session/totp", Map.of("code", typed)).status()).isEqualTo(200);
        TestClient fourth = server.client();
        fourth.signIn("tfa-user", "Granite-Meadow-4821");
        assertThat(fourth.post("/api/v1/session/totp", Map.of("code", backup)).status()).isEqualTo(401);
        assertThat(c.get("/api/v1/me/totp").json().get("backupCodesLeft").asInt()).isEqualTo(9);

        var audit = admin.get("/api/v1/audit?actor=tfa-user").json().get("items").toString();
        assertThat(audit).contains("totp-enabled", "totp-failed", "backup-code-used");
    }

    @Test
    void whenAGroupRequiresTwoFactorItsMembersAreLedThroughEnrolment() {
        TestClient admin = server.admin();
        admin.post("/api/v1/groups", Map.of("name", "compta"));
        admin.post("/api/v1/users", Map.of("login", "leila", "password", "Orchard-Lantern-5133", "groups", java.util.List.of("compta")));
        assertThat(admin.patch("/api/v1/groups/compta", Map.of("requireTotp", true)).status()).isEqualTo(200);

        TestClient c = server.client();
        var r = c.signIn("leila", "Orchard-Lantern-5133");
        assertThat(r.json().get("state").asText()).isEqualTo("totp-enrolment-required");
        assertThat(c.get("/api/v1/me/sessions").status()).isEqualTo(401);
        String secret = c.post("/api/v1/me/totp/setup", null).json().get("secret").asText();
        assertThat(c.post("/api/v1/me/totp/confirm", Map.of("code", Totps.oathtool(secret))).status()).isEqualTo(200);
        assertThat(c.get("/api/v1/session").json().get("state").asText()).isEqualTo("signed-in");
        assertThat(c.get("/api/v1/me/sessions").status()).isEqualTo(200);
        var disable = c.send("DELETE", "/api/v1/me/totp", Map.of("password", "Orchard-Lantern-5133"), Map.of());
        assertThat(disable.status()).isEqualTo(403);
    }

    @Test
    void appPasswordsWorkWithBasicButNeverInTheBrowserSignIn() {
        TestClient admin = server.admin();
        admin.post("/api/v1/users", Map.of("login", "devices", "password", "Willow-Compass-9042"));
        TestClient c = server.client();
        c.signIn("devices", "Willow-Compass-9042");
        var created = c.post("/api/v1/me/app-passwords", Map.of("name", "Laptop sync"));
        assertThat(created.status()).isEqualTo(201);
        String appPassword = created.json().get("password").asText();

        TestClient machine = server.client().basic("devices", appPassword);
        assertThat(machine.get("/api/v1/me").json().get("login").asText()).isEqualTo("devices");
        assertThat(server.client().basic("devices", "Willow-Compass-9042").get("/api/v1/me").status()).isEqualTo(401);
        assertThat(server.client().signIn("devices", appPassword).status()).isEqualTo(401);

        String id = created.json().get("id").asText();
        assertThat(c.get("/api/v1/me/app-passwords").json().get(0).get("name").asText()).isEqualTo("Laptop sync");
        assertThat(c.delete("/api/v1/me/app-passwords/" + id).status()).isEqualTo(204);
        assertThat(server.client().basic("devices", appPassword).get("/api/v1/me").status()).isEqualTo(401);
    }

    @Test
    void aDisabledAccountsAppPasswordStopsWorkingAtOnce() {
        // Verified app passwords are remembered for a few seconds; disabling must not wait for that.
        TestClient admin = server.admin();
        admin.post("/api/v1/users", Map.of("login", "laptop", "password", "Meadow-Anchor-6621"));
        TestClient c = server.client();
        c.signIn("laptop", "Meadow-Anchor-6621");
        String appPassword = c.post("/api/v1/me/app-passwords", Map.of("name", "Sync")).json().get("password").asText();
        TestClient machine = server.client().basic("laptop", appPassword);
        assertThat(machine.get("/api/v1/me").status()).isEqualTo(200);
        assertThat(machine.get("/api/v1/me").status()).isEqualTo(200);
        assertThat(server.client().basic("LAPTOP-other", appPassword).get("/api/v1/me").status()).isEqualTo(401);
        assertThat(admin.patch("/api/v1/users/laptop", Map.of("enabled", false)).status()).isEqualTo(200);
        assertThat(machine.get("/api/v1/me").status()).isEqualTo(401);
    }

    @Test
    void changingThePasswordChecksTheOldOneAndThePolicy() {
        TestClient admin = server.admin();
        admin.post("/api/v1/users", Map.of("login", "changer", "password", "Harbour-Violet-3310"));
        TestClient c = server.client();
        c.signIn("changer", "Harbour-Violet-3310");
        var wrong = c.post("/api/v1/me/password", Map.of("currentPassword", "nope-nope-nope", "newPassword", "Quartz-Falcon-7720"));
        assertThat(wrong.status()).isEqualTo(403);
        var weak = c.post("/api/v1/me/password", Map.of("currentPassword", "Harbour-Violet-3310", "newPassword", "password123"));
        assertThat(weak.status()).isEqualTo(400);
        assertThat(weak.json().get("error").asText()).isEqualTo("weak-password");
        assertThat(c.post("/api/v1/me/password", Map.of("currentPassword", "Harbour-Violet-3310",
                "newPassword", "Quartz-Falcon-7720")).status()).isEqualTo(204);
        assertThat(server.client().signIn("changer", "Quartz-Falcon-7720").status()).isEqualTo(200);
    }
}
