package atrium.server;

import static org.assertj.core.api.Assertions.assertThat;

import atrium.server.DavBadInputTest.User;
import atrium.server.DavTest.Res;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Administrators list every WebDAV lock and break one; nobody else may, and a break is audited. */
class LockAdminTest {
    private static final String LOCKS = "/api/v1/admin/files/locks";

    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("proxy.enabled", "true"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String lock(User u, String path, String scope, String depth) {
        Res r = u.send("LOCK", u.root() + path, "<d:lockinfo xmlns:d=\"DAV:\"><d:lockscope><d:" + scope + "/></d:lockscope>"
                + "<d:locktype><d:write/></d:locktype><d:owner>" + u.login() + "'s laptop</d:owner></d:lockinfo>",
                "Depth", depth, "Timeout", "Second-600");
        assertThat(r.status()).as(r.text()).isIn(200, 201);
        String header = r.header("Lock-Token").orElseThrow();
        return header.substring(1, header.length() - 1);
    }

    private static JsonNode find(JsonNode items, String token) {
        for (JsonNode item : items) {
            if (item.get("token").asText().equals(token)) {
                return item;
            }
        }
        throw new AssertionError("no lock " + token + " in " + items);
    }

    @Test
    void anAdministratorSeesEveryLockWithItsPathOwnerScopeDepthAndExpiry() {
        User alice = User.create(server);
        alice.put("/report.docx", "v1");
        alice.send("MKCOL", alice.root() + "/Projects", null);
        String file = lock(alice, "/report.docx", "exclusive", "0");
        String folder = lock(alice, "/Projects", "shared", "infinity");
        long before = System.currentTimeMillis();

        TestClient admin = server.admin();
        var listed = admin.get(LOCKS);
        assertThat(listed.status()).as(listed.body()).isEqualTo(200);
        JsonNode item = find(listed.json().get("items"), file);
        assertThat(item.get("account").asText()).isEqualTo(alice.login());
        assertThat(item.get("path").asText()).isEqualTo("/report.docx");
        assertThat(item.get("lockedBy").asText()).isEqualTo(alice.login());
        assertThat(item.get("owner").asText()).isEqualTo(alice.login() + "'s laptop");
        assertThat(item.get("scope").asText()).isEqualTo("exclusive");
        assertThat(item.get("depth").asText()).isEqualTo("0");
        assertThat(item.get("expires").asLong()).isBetween(before + 590_000, before + 601_000);
        assertThat(item.get("secondsLeft").asLong()).isBetween(590L, 600L);
        JsonNode shared = find(listed.json().get("items"), folder);
        assertThat(shared.get("path").asText()).isEqualTo("/Projects");
        assertThat(shared.get("scope").asText()).isEqualTo("shared");
        assertThat(shared.get("depth").asText()).isEqualTo("infinity");
    }

    @Test
    void breakingALockFreesTheFileAndIsAudited() {
        User bob = User.create(server);
        bob.put("/plan.txt", "v1");
        String token = lock(bob, "/plan.txt", "exclusive", "0");
        assertThat(bob.put("/plan.txt", "v2").status()).isEqualTo(423);

        TestClient admin = server.admin();
        var broken = admin.delete(LOCKS + "/" + URLEncoder.encode(token, StandardCharsets.UTF_8));
        assertThat(broken.status()).as(broken.body()).isEqualTo(204);
        assertThat(bob.put("/plan.txt", "v2").status()).as("no lock any more").isEqualTo(204);
        assertThat(admin.get(LOCKS).json().get("items").toString()).doesNotContain(token);

        var audit = admin.get("/api/v1/audit?action=files-lock-broken").json().get("items");
        assertThat(audit).isNotEmpty();
        assertThat(audit.get(0).get("actor").asText()).isEqualTo("admin");
        assertThat(audit.get(0).get("target").asText()).isEqualTo(bob.login() + ":/plan.txt");
        assertThat(audit.get(0).get("detail").asText()).contains("lockedBy=" + bob.login(), token);

        var again = admin.send("DELETE", LOCKS + "/" + URLEncoder.encode(token, StandardCharsets.UTF_8), null,
                Map.of("Accept-Language", "fr"));
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.json().get("error").asText()).isEqualTo("not-found");
        assertThat(again.json().get("message").asText()).startsWith("Aucun verrou actif n’a le jeton " + token);
    }

    @Test
    void nobodyButAnAdministratorListsOrBreaksLocksAndABrowserNeedsItsCsrfToken() {
        User carol = User.create(server);
        carol.put("/mine.txt", "x");
        String token = lock(carol, "/mine.txt", "exclusive", "0");
        String path = LOCKS + "/" + URLEncoder.encode(token, StandardCharsets.UTF_8);

        TestClient browser = server.client();
        browser.signIn(carol.login(), User.accountPassword(carol.login()));
        var list = browser.get(LOCKS);
        assertThat(list.status()).isEqualTo(403);
        assertThat(list.json().get("error").asText()).isEqualTo("forbidden");
        assertThat(browser.delete(path).status()).isEqualTo(403);
        TestClient machine = server.client().basic(carol.login(), carol.password());
        assertThat(machine.get(LOCKS).status()).isEqualTo(403);
        assertThat(machine.delete(path).status()).isEqualTo(403);
        assertThat(server.client().get(LOCKS).status()).isEqualTo(401);

        var noCsrf = server.admin().withoutCsrf().delete(path);
        assertThat(noCsrf.status()).isEqualTo(403);
        assertThat(noCsrf.json().get("error").asText()).isEqualTo("csrf");
        assertThat(carol.put("/mine.txt", "y").status()).as("the lock still holds").isEqualTo(423);
    }
}
