package atrium.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class UsersApiTest {
    static TestServer server;
    static TestClient admin;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        admin = server.admin();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void anAdminCreatesAUserWithAGeneratedPasswordThatWorks() {
        var r = admin.post("/api/v1/users", Map.of("login", "Camille.Dupont", "displayName", "Camille Dupont",
                "email", "camille@example.com", "language", "fr", "quota", "10 GB"));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        var u = r.json();
        assertThat(u.get("login").asText()).isEqualTo("camille.dupont");
        assertThat(u.get("quota").asLong()).isEqualTo(10L * 1024 * 1024 * 1024);
        assertThat(u.get("language").asText()).isEqualTo("fr");
        String generated = u.get("generatedPassword").asText();
        assertThat(server.client().signIn("camille.dupont", generated).status()).isEqualTo(200);
        assertThat(admin.get("/api/v1/users/camille.dupont").json().has("generatedPassword")).isFalse();
    }

    @Test
    void badInputGetsAClearErrorAndCreatesNothing() {
        var weak = admin.post("/api/v1/users", Map.of("login", "weakling", "password", "azerty123"));
        assertThat(weak.status()).isEqualTo(400);
        assertThat(weak.json().get("error").asText()).isEqualTo("weak-password");
        assertThat(weak.json().get("message").asText()).isNotBlank();
        var email = admin.post("/api/v1/users", Map.of("login", "mailer", "email", "not an email"));
        assertThat(email.status()).isEqualTo(400);
        assertThat(email.json().get("field").asText()).isEqualTo("email");
        var chars = admin.post("/api/v1/users", Map.of("login", "bad/login<script>"));
        assertThat(chars.status()).isEqualTo(400);
        assertThat(chars.json().get("field").asText()).isEqualTo("login");
        var unknownField = admin.post("/api/v1/users", Map.of("login", "x1", "isRoot", true));
        assertThat(unknownField.status()).isEqualTo(400);
        var notJson = admin.send("POST", "/api/v1/users", "{not json", Map.of());
        assertThat(notJson.status()).isEqualTo(400);
        for (String login : List.of("weakling", "mailer", "x1")) {
            assertThat(admin.get("/api/v1/users/" + login).status()).isEqualTo(404);
        }
    }

    @Test
    void aDuplicateLoginIsAConflict() {
        admin.post("/api/v1/users", Map.of("login", "twice"));
        var again = admin.post("/api/v1/users", Map.of("login", "TWICE"));
        assertThat(again.status()).isEqualTo(409);
        assertThat(admin.get("/api/v1/users?q=twice").json().get("total").asInt()).isEqualTo(1);
    }

    @Test
    void unicodeNamesAreKeptAndOverlongOnesRefused() {
        var r = admin.post("/api/v1/users", Map.of("login", "zeineb", "displayName", "Zeïneb Ben Ammar 🌿 زينب"));
        assertThat(r.status()).isEqualTo(201);
        assertThat(admin.get("/api/v1/users/zeineb").json().get("displayName").asText()).isEqualTo("Zeïneb Ben Ammar 🌿 زينب");
        var tooLong = admin.post("/api/v1/users", Map.of("login", "longname", "displayName", "é".repeat(201)));
        assertThat(tooLong.status()).isEqualTo(400);
        var longLogin = admin.post("/api/v1/users", Map.of("login", "a".repeat(65)));
        assertThat(longLogin.status()).isEqualTo(400);
    }

    @Test
    void aGroupAdminManagesOnlyTheMembersOfTheirGroups() {
        admin.post("/api/v1/groups", Map.of("name", "Tunis"));
        admin.post("/api/v1/groups", Map.of("name", "Paris"));
        admin.post("/api/v1/users", Map.of("login", "amel", "password", "Jasmine-Harbor-5521", "groups", List.of("Tunis")));
        admin.post("/api/v1/users", Map.of("login", "youssef", "groups", List.of("Tunis")));
        admin.post("/api/v1/users", Map.of("login", "pierre", "groups", List.of("Paris")));
        assertThat(admin.put("/api/v1/groups/Tunis/admins/amel").status()).isEqualTo(204);

        TestClient amel = server.client();
        amel.signIn("amel", "Jasmine-Harbor-5521");
        var list = amel.get("/api/v1/users").json();
        assertThat(list.get("items").findValuesAsText("login")).contains("youssef").doesNotContain("pierre", "admin");
        assertThat(amel.patch("/api/v1/users/youssef", Map.of("displayName", "Youssef Trabelsi")).status()).isEqualTo(200);
        assertThat(amel.patch("/api/v1/users/pierre", Map.of("displayName", "Hacked")).status()).isEqualTo(403);
        assertThat(amel.patch("/api/v1/users/youssef", Map.of("admin", true)).status()).isEqualTo(403);
        assertThat(amel.post("/api/v1/users", Map.of("login", "newtunis", "groups", List.of("Tunis"))).status()).isEqualTo(201);
        assertThat(amel.post("/api/v1/users", Map.of("login", "newparis", "groups", List.of("Paris"))).status()).isEqualTo(403);
        assertThat(amel.post("/api/v1/users", Map.of("login", "nogroup")).status()).isEqualTo(403);
        assertThat(amel.post("/api/v1/groups", Map.of("name", "Sfax")).status()).isEqualTo(403);
        assertThat(amel.get("/api/v1/audit").status()).isEqualTo(403);
        assertThat(amel.get("/api/v1/groups").json().findValuesAsText("name")).containsExactly("Tunis");
        assertThat(admin.get("/api/v1/users/pierre").json().get("displayName").asText()).isEqualTo("pierre");
    }

    @Test
    void aPlainUserCannotReachTheAdminApi() {
        admin.post("/api/v1/users", Map.of("login", "plain", "password", "Copper-Kettle-8812"));
        TestClient c = server.client();
        c.signIn("plain", "Copper-Kettle-8812");
        assertThat(c.get("/api/v1/users").status()).isEqualTo(403);
        assertThat(c.post("/api/v1/users", Map.of("login", "sneaky")).status()).isEqualTo(403);
        assertThat(c.patch("/api/v1/admin/settings", Map.of("requireTotpForAll", true)).status()).isEqualTo(403);
        assertThat(c.patch("/api/v1/me", Map.of("displayName", "Plain Person", "language", "fr")).json()
                .get("displayName").asText()).isEqualTo("Plain Person");
        assertThat(c.patch("/api/v1/me", Map.of("admin", true)).status()).isEqualTo(400);
    }

    @Test
    void disablingAUserSignsThemOutAndBlocksSignIn() {
        admin.post("/api/v1/users", Map.of("login", "leaver", "password", "Maple-Signal-6604"));
        TestClient c = server.client();
        c.signIn("leaver", "Maple-Signal-6604");
        assertThat(admin.patch("/api/v1/users/leaver", Map.of("enabled", false)).status()).isEqualTo(200);
        assertThat(c.get("/api/v1/me").status()).isEqualTo(401);
        assertThat(server.client().signIn("leaver", "Maple-Signal-6604").status()).isEqualTo(401);
        assertThat(admin.delete("/api/v1/users/leaver").status()).isEqualTo(204);
        assertThat(admin.get("/api/v1/users/leaver").status()).isEqualTo(404);
        assertThat(admin.get("/api/v1/audit?action=user-deleted").json().get("items").get(0).get("target").asText())
                .isEqualTo("leaver");
    }

    @Test
    void anAdminCanResetAPasswordAndImposeTwoFactorForEveryone() {
        admin.post("/api/v1/users", Map.of("login", "forgetful"));
        var reset = admin.post("/api/v1/users/forgetful/password", null);
        assertThat(reset.status()).isEqualTo(200);
        String pw = reset.json().get("password").asText();
        TestClient c = server.client();
        assertThat(c.signIn("forgetful", pw).json().get("state").asText()).isEqualTo("signed-in");
        assertThat(admin.patch("/api/v1/admin/settings", Map.of("requireTotpForAll", true)).status()).isEqualTo(200);
        try {
            assertThat(server.client().signIn("forgetful", pw).json().get("state").asText())
                    .isEqualTo("totp-enrolment-required");
        } finally {
            admin.patch("/api/v1/admin/settings", Map.of("requireTotpForAll", false));
        }
    }
}
