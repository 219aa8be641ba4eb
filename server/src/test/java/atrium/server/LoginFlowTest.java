package atrium.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Nextcloud Login Flow v2 as the desktop and mobile apps speak it
 * (shared/reference/nextcloud-client-protocol.md §2.3), with the browser part through the API.
 */
class LoginFlowTest {
    static final String DESKTOP_UA = "Mozilla/5.0 (Linux) mirall/3.7.3git (nextcloudcmd, debian-6.1.0-18-amd64 "
            + "ClientArchitecture: x86_64 OsArchitecture: x86_64)";

    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** What a client gets from starting a flow. */
    record Flow(String pollToken, String pollEndpoint, String loginUrl) {
        String loginToken() {
            return loginUrl.substring(loginUrl.lastIndexOf('/') + 1);
        }

        String pagePath() {
            return loginUrl.substring(loginUrl.indexOf("/index.php/"));
        }

        String apiPath() {
            return "/api/v1/login-flows/" + loginToken();
        }
    }

    static Flow startFlow(TestServer s, Map<String, String> headers) {
        var r = s.client().send("POST", "/index.php/login/v2", null, headers);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.header("Content-Type")).hasValue("application/json; charset=utf-8");
        var json = r.json();
        return new Flow(json.get("poll").get("token").asText(), json.get("poll").get("endpoint").asText(),
                json.get("login").asText());
    }

    static Flow startFlow(TestServer s) {
        return startFlow(s, Map.of("User-Agent", DESKTOP_UA));
    }

    static TestClient.Response poll(TestServer s, String token) {
        return s.client().form("/index.php/login/v2/poll", Map.of("token", token), Map.of("User-Agent", DESKTOP_UA));
    }

    static void assertPending(TestClient.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(404);
        assertThat(r.body()).isEqualTo("[]");
    }

    /** Polls {@code check} until it is true, failing after the timeout; no fixed sleeps. */
    static void waitUntil(String what, Duration timeout, Supplier<Boolean> check) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!check.get()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** A user with TOTP enrolled; returns its base32 secret. */
    static String userWithTotp(TestServer s, String login, String password) {
        s.admin().post("/api/v1/users", Map.of("login", login, "password", password));
        TestClient c = s.client();
        c.signIn(login, password);
        String secret = c.post("/api/v1/me/totp/setup", null).json().get("secret").asText();
        assertThat(c.post("/api/v1/me/totp/confirm", Map.of("code", Totps.oathtool(secret))).status()).isEqualTo(200);
        return secret;
    }

    @Test
    void aDesktopClientGetsAnAppPasswordOnceAfterTheUserSignsInWithTotpAndGrants() {
        String secret = userWithTotp(server, "nomad", "Drifting-Lantern-5317");
        Flow flow = startFlow(server);
        String base = server.baseUrl();
        assertThat(flow.pollToken()).hasSize(128).matches("[A-Za-z0-9_-]+");
        assertThat(flow.pollEndpoint()).isEqualTo(base + "/index.php/login/v2/poll");
        assertThat(flow.loginUrl()).startsWith(base + "/index.php/login/v2/flow/");
        assertThat(flow.loginToken()).hasSizeGreaterThanOrEqualTo(64).isNotEqualTo(flow.pollToken());
        assertPending(poll(server, flow.pollToken()));

        // The browser opens the link: the console's page.
        TestClient browser = server.client();
        var page = browser.get(flow.pagePath());
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        var info = browser.get(flow.apiPath());
        assertThat(info.status()).as(info.body()).isEqualTo(200);
        assertThat(info.json().get("clientName").asText()).isEqualTo(DESKTOP_UA);
        assertThat(info.json().get("state").asText()).isEqualTo("pending");
        assertThat(info.json().get("expiresAt").asLong())
                .isBetween(Instant.now().plusSeconds(19 * 60).toEpochMilli(), Instant.now().plusSeconds(21 * 60).toEpochMilli());

        // Signed in with the password only, the second factor still due: no grant.
        assertThat(browser.signIn("nomad", "Drifting-Lantern-5317").json().get("state").asText()).isEqualTo("totp-required");
        assertThat(browser.post(flow.apiPath() + "/grant", null).status()).isEqualTo(401);
        String code = Totps.oathtool(secret, Instant.now().plusSeconds(30));
        assertThat(browser.post("/api/v1/session/totp", Map.of("code", code)).status()).isEqualTo(200);
        assertPending(poll(server, flow.pollToken()));

        var granted = browser.post(flow.apiPath() + "/grant", null);
        assertThat(granted.status()).as(granted.body()).isEqualTo(200);
        assertThat(granted.json().get("state").asText()).isEqualTo("granted");
        assertThat(granted.body()).doesNotContain("assword");
        assertThat(browser.post(flow.apiPath() + "/grant", null).status()).as("a second grant").isEqualTo(409);

        var done = poll(server, flow.pollToken());
        assertThat(done.status()).as(done.body()).isEqualTo(200);
        assertThat(done.json().get("server").asText()).isEqualTo(base);
        assertThat(done.json().get("loginName").asText()).isEqualTo("nomad");
        String appPassword = done.json().get("appPassword").asText();
        assertThat(appPassword).matches("([A-Za-z0-9]{5}-){4}[A-Za-z0-9]{5}");
        assertPending(poll(server, flow.pollToken()));
        assertPending(poll(server, flow.pollToken()));
        var usedUp = browser.get(flow.apiPath());
        assertThat(usedUp.status()).as("the link is used up").isEqualTo(410);
        assertThat(usedUp.json().get("error").asText()).isEqualTo("login-flow-used");

        var user = server.client().basic("nomad", appPassword).send("GET", "/ocs/v1.php/cloud/user?format=json", null,
                Map.of("OCS-APIREQUEST", "true"));
        assertThat(user.status()).as(user.body()).isEqualTo(200);
        assertThat(user.body()).contains("\"statuscode\":100");
        assertThat(user.json().get("ocs").get("data").get("id").asText()).isEqualTo("nomad");

        var appPasswords = browser.get("/api/v1/me/app-passwords").json();
        assertThat(appPasswords).singleElement().satisfies(p -> assertThat(p.get("name").asText()).isEqualTo(DESKTOP_UA));
        var audit = server.admin().get("/api/v1/audit?actor=nomad").json().get("items").toString();
        assertThat(audit).contains("login-flow-granted", "login-flow-delivered", "app-password-created");
    }

    @Test
    void theLinksFollowTheAddressTheClientUsedThroughATrustedProxy() {
        Flow flow = startFlow(server, Map.of("User-Agent", DESKTOP_UA, "X-Forwarded-Proto", "https",
                "X-Forwarded-Host", "cloud.example.org"));
        assertThat(flow.pollEndpoint()).isEqualTo("https://cloud.example.org/index.php/login/v2/poll");
        assertThat(flow.loginUrl()).startsWith("https://cloud.example.org/index.php/login/v2/flow/");
    }

    @Test
    void theConfiguredPublicUrlWinsOverTheRequest() {
        try (TestServer s = TestServer.start(Map.of("http.public-url", "https://atrium.example.com/"))) {
            Flow flow = startFlow(s);
            assertThat(flow.pollEndpoint()).isEqualTo("https://atrium.example.com/index.php/login/v2/poll");
            assertThat(flow.loginUrl()).startsWith("https://atrium.example.com/index.php/login/v2/flow/");
            TestClient browser = s.admin();
            assertThat(browser.post(flow.apiPath() + "/grant", null).status()).isEqualTo(200);
            assertThat(poll(s, flow.pollToken()).json().get("server").asText()).isEqualTo("https://atrium.example.com");
        }
    }

    @Test
    void theClientIsNamedByItsUserAgentWithoutControlCharacters() {
        Flow flow = startFlow(server, Map.of("User-Agent", "  Nextcloud-iOS/5.2\t(iPhone)  "));
        assertThat(server.client().get(flow.apiPath()).json().get("clientName").asText()).isEqualTo("Nextcloud-iOS/5.2 (iPhone)");
    }

    @Test
    void anAppPasswordCannotGrantAFlow() {
        TestClient admin = server.admin();
        String appPassword = admin.post("/api/v1/me/app-passwords", Map.of("name", "script")).json().get("password").asText();
        Flow flow = startFlow(server);
        var r = server.client().basic("admin", appPassword).post(flow.apiPath() + "/grant", null);
        assertThat(r.status()).as(r.body()).isEqualTo(403);
        assertThat(r.json().get("error").asText()).isEqualTo("forbidden");
        assertThat(r.json().get("message").asText()).contains("not with an app password");
        assertThat(server.client().basic("admin", appPassword).post(flow.apiPath() + "/cancel", null).status()).isEqualTo(403);
        assertThat(server.client().get(flow.apiPath()).json().get("state").asText()).isEqualTo("pending");
        assertPending(poll(server, flow.pollToken()));
    }

    @Test
    void grantingNeedsASignedInBrowserAndTheCsrfToken() {
        Flow flow = startFlow(server);
        var anonymous = server.client().post(flow.apiPath() + "/grant", null);
        assertThat(anonymous.status()).isEqualTo(401);
        var noCsrf = server.admin().withoutCsrf().post(flow.apiPath() + "/grant", null);
        assertThat(noCsrf.status()).isEqualTo(403);
        assertThat(noCsrf.json().get("error").asText()).isEqualTo("csrf");
        assertPending(poll(server, flow.pollToken()));
    }

    @Test
    void aCancelledFlowGivesTheClientNothingAndItsLinkIsGone() {
        Flow flow = startFlow(server);
        TestClient browser = server.admin();
        assertThat(browser.post(flow.apiPath() + "/cancel", null).status()).isEqualTo(204);
        assertPending(poll(server, flow.pollToken()));
        var gone = browser.get(flow.apiPath());
        assertThat(gone.status()).isEqualTo(410);
        assertThat(gone.json().get("error").asText()).isEqualTo("login-flow-cancelled");
        assertThat(browser.get(flow.pagePath()).status()).isEqualTo(410);
        assertThat(browser.post(flow.apiPath() + "/grant", null).status()).isEqualTo(410);
        assertThat(server.admin().get("/api/v1/audit?action=login-flow-cancelled").json().get("items")).isNotEmpty();
    }

    @Test
    void unknownTokensAreNotFoundEverywhere() {
        String unknown = "x".repeat(64);
        TestClient browser = server.admin();
        var api = browser.get("/api/v1/login-flows/" + unknown);
        assertThat(api.status()).isEqualTo(404);
        assertThat(api.json().get("error").asText()).isEqualTo("not-found");
        assertThat(browser.get("/index.php/login/v2/flow/" + unknown).status()).isEqualTo(404);
        assertThat(browser.post("/api/v1/login-flows/" + unknown + "/grant", null).status()).isEqualTo(404);
        assertThat(browser.get("/api/v1/login-flows/short").status()).isEqualTo(404);
        assertPending(poll(server, unknown));
        assertPending(server.client().send("POST", "/index.php/login/v2/poll", null, Map.of()));
    }

    @Test
    void anExpiredFlowAnswers410AndAGrantNeverCollectedIsRevoked() {
        try (TestServer s = TestServer.start(Map.of("login-flow.minutes", "0.05"))) {
            TestClient browser = s.admin();
            Flow ignored = startFlow(s);
            Flow grantedLate = startFlow(s);
            assertThat(browser.post(grantedLate.apiPath() + "/grant", null).status()).isEqualTo(200);
            assertThat(browser.get("/api/v1/me/app-passwords").json()).hasSize(1);

            waitUntil("the flow to expire", Duration.ofSeconds(20), () -> browser.get(ignored.apiPath()).status() == 410);
            var gone = browser.get(ignored.apiPath());
            assertThat(gone.json().get("error").asText()).isEqualTo("login-flow-expired");
            assertThat(gone.json().get("message").asText()).contains("expired");
            assertThat(browser.get(ignored.pagePath()).status()).as("the grant page").isEqualTo(410);
            assertThat(browser.post(ignored.apiPath() + "/grant", null).status()).isEqualTo(410);
            assertPending(poll(s, ignored.pollToken()));

            waitUntil("the granted flow to expire", Duration.ofSeconds(20),
                    () -> browser.get(grantedLate.apiPath()).status() == 410);
            assertPending(poll(s, grantedLate.pollToken()));
            assertThat(browser.get("/api/v1/me/app-passwords").json()).as("the uncollected password is revoked").isEmpty();
            assertThat(browser.get("/api/v1/audit?action=login-flow-expired").json().get("items")).hasSize(1);
        }
    }

    @Test
    void guessingTokensFromOneAddressIsSlowedThenRefusedWithoutBlockingSignIn() {
        try (TestServer s = TestServer.start(Map.of("login.free-failures", "0", "login.block-after-failures", "2",
                "login.delay-ms", "30"))) {
            Flow real = startFlow(s);
            // Two per account, three times that per address: six unknown tokens, then a block.
            for (int i = 0; i < 6; i++) {
                String guess = String.format("%064d", i);
                var r = i % 2 == 0 ? poll(s, guess) : s.client().get("/api/v1/login-flows/" + guess);
                assertThat(r.status()).as("guess " + i).isEqualTo(404);
            }
            var blocked = poll(s, real.pollToken());
            assertThat(blocked.status()).isEqualTo(429);
            assertThat(blocked.json().get("error").asText()).isEqualTo("too-many-attempts");
            assertThat(blocked.header("Retry-After")).isPresent();
            assertThat(s.client().get(real.apiPath()).status()).isEqualTo(429);
            assertThat(s.client().get(real.pagePath()).status()).isEqualTo(429);
            TestClient admin = s.admin();
            assertThat(admin.get("/api/v1/me").status()).as("sign-in is not blocked").isEqualTo(200);
            assertThat(admin.get("/api/v1/audit?action=login-flow-blocked").json().get("items")).isNotEmpty();
        }
    }
}
