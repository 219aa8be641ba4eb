package atrium.server;

import static org.assertj.core.api.Assertions.assertThat;

import atrium.server.DavClient.Res;
import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The administrators' run-time settings over real HTTP: the link rules (applied to the next
 * link and advertised in the capabilities, without a restart) and the firm's name and logo
 * (validated by decoding, served publicly with caching and no way to run a script); every
 * admin route refused to a non-administrator.
 */
class AdminSettingsTest {
    private static final String OCS = "/ocs/v2.php/apps/files_sharing/api/v1/shares";
    static TestServer server;
    static TestClient admin;
    static String login = "paulette";
    static Optional<String> paulette;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("instance.name", "Cabinet Martin", "files.share-link-max-expiry-days", "30"));
        admin = server.admin();
        paulette = Optional.of(login + ":" + DavTest.userWithAppPassword(server, login, "Heron-Quartz-4242"));
        assertThat(dav("MKCOL", "/remote.php/dav/files/" + login + "/Clients", null).status()).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Res dav(String method, String path, Object body, String... headers) {
        return DavClient.send(server.baseUrl(), paulette, method, path, body, headers);
    }

    /** A public link to /Clients made through OCS, as a client makes it; the OCS answer. */
    static Res link(String... more) {
        StringBuilder form = new StringBuilder("path=%2FClients&shareType=3");
        for (int i = 0; i < more.length; i += 2) {
            form.append('&').append(more[i]).append('=').append(java.net.URLEncoder.encode(more[i + 1], StandardCharsets.UTF_8));
        }
        return dav("POST", OCS + "?format=json", form.toString(), "OCS-APIREQUEST", "true",
                "Content-Type", "application/x-www-form-urlencoded");
    }

    static LocalDate today() {
        return LocalDate.now(ZoneOffset.UTC);
    }

    static JsonNode publicExpiry() {
        Res caps = dav("GET", "/ocs/v2.php/cloud/capabilities?format=json", null, "OCS-APIREQUEST", "true");
        return caps.json().at("/ocs/data/capabilities/files_sharing/public");
    }

    static byte[] png(int w, int h, boolean noise) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        Random random = new Random(7);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, noise ? random.nextInt() : (x < w / 2 ? 0xff1f4e79 : 0x00000000));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    static TestClient.Response putLogo(TestClient c, byte[] body, String language) {
        return c.send("PUT", "/api/v1/admin/branding/logo", body, Map.of("Content-Type", "image/png", "Accept-Language", language));
    }

    @Test
    void aNonAdministratorIsRefusedEveryAdminRoute() {
        TestClient user = server.client();
        assertThat(user.signIn(login, "Heron-Quartz-4242").status()).isEqualTo(200);
        List<TestClient.Response> answers = List.of(user.get("/api/v1/admin/sharing"),
                user.patch("/api/v1/admin/sharing", Map.of("passwordEnforced", true)),
                user.get("/api/v1/admin/branding"),
                user.patch("/api/v1/admin/branding", Map.of("name", "Pirates")),
                user.send("PUT", "/api/v1/admin/branding/logo", new byte[] {1, 2, 3}, Map.of("Content-Type", "image/png")),
                user.delete("/api/v1/admin/branding/logo"),
                user.get("/api/v1/admin/quarantine"),
                user.post("/api/v1/admin/quarantine/1/release", Map.of()),
                user.post("/api/v1/admin/quarantine/not-a-number/release", Map.of()),
                user.delete("/api/v1/admin/quarantine/1"));
        assertThat(answers).allSatisfy(r -> assertThat(r.status()).as(r.toString()).isEqualTo(403));
        // Nothing changed behind the refusals.
        assertThat(admin.get("/api/v1/admin/branding").json().get("name").asText()).isNotEqualTo("Pirates");
        assertThat(admin.get("/api/v1/admin/sharing").json().get("passwordEnforced").asBoolean()).isFalse();
        // Signed out: 401.
        assertThat(server.client().get("/api/v1/admin/sharing").status()).isEqualTo(401);
    }

    @Test
    void aChangedLinkPolicyAppliesToTheNextLinkAndTheCapabilitiesWithoutARestart() {
        JsonNode start = admin.get("/api/v1/admin/sharing").json();
        assertThat(start.get("maxExpiryDays").asInt()).isEqualTo(30);
        assertThat(start.get("configured").get("maxExpiryDays").asInt()).isEqualTo(30);
        Res before = link();
        assertThat(before.status()).as(before.text()).isEqualTo(200);
        assertThat(before.json().at("/ocs/data/expiration").asText()).startsWith(today().plusDays(30).toString());

        var changed = admin.patch("/api/v1/admin/sharing",
                Map.of("maxExpiryDays", 10, "defaultExpiryDays", 3, "passwordEnforced", true));
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        assertThat(changed.json().get("maxExpiryDays").asInt()).isEqualTo(10);
        assertThat(changed.json().get("configured").get("maxExpiryDays").asInt()).isEqualTo(30);
        try {
            assertThat(link().status()).as("no password").isEqualTo(403);
            Res withPassword = link("password", "Long-Enough-Link-Password-1");
            assertThat(withPassword.status()).as(withPassword.text()).isEqualTo(200);
            assertThat(withPassword.json().at("/ocs/data/expiration").asText()).startsWith(today().plusDays(3).toString());
            Res tooLate = link("password", "Long-Enough-Link-Password-1", "expireDate", today().plusDays(11).toString());
            assertThat(tooLate.status()).isEqualTo(400);
            assertThat(tooLate.json().at("/ocs/meta/message").asText()).contains("10 days");

            JsonNode pub = publicExpiry();
            assertThat(pub.at("/password/enforced").asBoolean()).isTrue();
            assertThat(pub.at("/expire_date/enabled").asBoolean()).isTrue();
            assertThat(pub.at("/expire_date/enforced").asBoolean()).isTrue();
            assertThat(pub.at("/expire_date/days").asInt()).isEqualTo(10);
            assertThat(pub.at("/expire_date/default_days").asInt()).isEqualTo(3);

            // A default after the maximum is refused, in English and in French, and nothing changes.
            var bad = admin.send("PATCH", "/api/v1/admin/sharing", "{\"defaultExpiryDays\": 12}", Map.of());
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.json().get("field").asText()).isEqualTo("defaultExpiryDays");
            assertThat(bad.json().get("message").asText()).contains("12 days").contains("10 days");
            var badFr = admin.send("PATCH", "/api/v1/admin/sharing", "{\"defaultExpiryDays\": 12}", Map.of("Accept-Language", "fr"));
            assertThat(badFr.json().get("message").asText()).contains("12 jours").contains("10 jours");
            assertThat(admin.patch("/api/v1/admin/sharing", Map.of("maxExpiryDays", -1)).status()).isEqualTo(400);
            assertThat(admin.patch("/api/v1/admin/sharing", Map.of("passwordEnforced", "yes")).status()).isEqualTo(400);
            assertThat(admin.patch("/api/v1/admin/sharing", Map.of("sharingEnabled", false)).status()).isEqualTo(400);
            assertThat(admin.get("/api/v1/admin/sharing").json().get("defaultExpiryDays").asInt()).isEqualTo(3);
        } finally {
            // null: back to the configuration file's values.
            Map<String, Object> reset = new HashMap<>();
            reset.put("maxExpiryDays", null);
            reset.put("defaultExpiryDays", null);
            reset.put("passwordEnforced", null);
            var back = admin.patch("/api/v1/admin/sharing", reset);
            assertThat(back.status()).as(back.body()).isEqualTo(200);
        }
        assertThat(admin.get("/api/v1/admin/sharing").json().get("passwordEnforced").asBoolean()).isFalse();
        assertThat(link().status()).as("no password needed again").isEqualTo(200);
        assertThat(publicExpiry().at("/expire_date/days").asInt()).isEqualTo(30);
        assertThat(publicExpiry().at("/expire_date/default_days").isMissingNode()).isTrue();

        var audit = admin.get("/api/v1/audit?action=settings-changed&q=files.share-link").json().get("items");
        assertThat(audit).extracting(e -> e.get("target").asText())
                .contains("files.share-link-max-expiry-days", "files.share-link-default-expiry-days",
                        "files.share-link-enforce-password");
        assertThat(audit).allSatisfy(e -> assertThat(e.get("actor").asText()).isEqualTo("admin"));
    }

    @Test
    void theFirmsNameAndLogoAreSetByAnAdminAndServedToEveryone() throws IOException {
        String token = link().json().at("/ocs/data/token").asText();
        assertThat(server.client().get("/api/v1/public/" + token).json().get("instanceName").asText()).isEqualTo("Cabinet Martin");

        var named = admin.patch("/api/v1/admin/branding", Map.of("name", "  Martin & Associés  "));
        assertThat(named.status()).as(named.body()).isEqualTo(200);
        assertThat(named.json().get("name").asText()).isEqualTo("Martin & Associés");
        assertThat(named.json().get("configuredName").asText()).isEqualTo("Cabinet Martin");

        byte[] original = png(1600, 400, false);
        var uploaded = putLogo(admin, original, "en");
        assertThat(uploaded.status()).as(uploaded.body()).isEqualTo(200);
        String logoUrl = uploaded.json().get("logoUrl").asText();
        assertThat(logoUrl).startsWith("/api/v1/branding/logo?v=");

        // What a guest's page and the sign-in page read, without signing in.
        JsonNode page = server.client().get("/api/v1/public/" + token).json();
        assertThat(page.get("instanceName").asText()).isEqualTo("Martin & Associés");
        assertThat(page.get("logoUrl").asText()).isEqualTo(logoUrl);
        JsonNode branding = server.client().get("/api/v1/branding").json();
        assertThat(branding.get("name").asText()).isEqualTo("Martin & Associés");
        assertThat(branding.get("logoUrl").asText()).isEqualTo(logoUrl);
        assertThat(branding.has("configuredName")).isFalse();

        Res logo = DavClient.send(server.baseUrl(), Optional.empty(), "GET", logoUrl, null);
        assertThat(logo.status()).isEqualTo(200);
        assertThat(logo.header("Content-Type")).hasValue("image/png");
        assertThat(logo.header("Content-Security-Policy")).hasValue("sandbox; default-src 'none'");
        assertThat(logo.header("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(logo.header("Cache-Control").orElseThrow()).contains("max-age=31536000");
        BufferedImage served = ImageIO.read(new ByteArrayInputStream(logo.body()));
        // Re-encoded to at most 1024 pixels a side, aspect and transparency kept.
        assertThat(served.getWidth()).isEqualTo(1024);
        assertThat(served.getHeight()).isEqualTo(256);
        assertThat(served.getColorModel().hasAlpha()).isTrue();
        String etag = logo.header("ETag").orElseThrow();
        Res again = DavClient.send(server.baseUrl(), Optional.empty(), "GET", "/api/v1/branding/logo", null, "If-None-Match", etag);
        assertThat(again.status()).isEqualTo(304);
        Res unversioned = DavClient.send(server.baseUrl(), Optional.empty(), "GET", "/api/v1/branding/logo", null);
        assertThat(unversioned.header("Cache-Control")).hasValue("public, no-cache");

        // Bad logos: not an image, SVG, too large; each in both languages, and the logo stays.
        var notImage = putLogo(admin, "GIF89a but not really".getBytes(StandardCharsets.UTF_8), "en");
        assertThat(notImage.status()).isEqualTo(400);
        assertThat(notImage.json().get("message").asText()).isEqualTo("This file could not be read as an image. Send a PNG, JPEG, GIF or WebP file.");
        assertThat(putLogo(admin, "GIF89a but not really".getBytes(StandardCharsets.UTF_8), "fr").json().get("message").asText())
                .isEqualTo("Ce fichier n’a pas pu être lu comme une image. Envoyez un fichier PNG, JPEG, GIF ou WebP.");
        byte[] svg = "<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"
                .getBytes(StandardCharsets.UTF_8);
        var refusedSvg = putLogo(admin, svg, "en");
        assertThat(refusedSvg.status()).isEqualTo(400);
        assertThat(refusedSvg.json().get("message").asText()).contains("SVG").contains("scripts");
        assertThat(putLogo(admin, svg, "fr").json().get("message").asText()).contains("SVG").contains("scripts").contains("refusés");
        byte[] big = png(600, 600, true);
        assertThat(big.length).isGreaterThan(512 * 1024);
        var tooBig = putLogo(admin, big, "en");
        assertThat(tooBig.status()).isEqualTo(413);
        assertThat(tooBig.json().get("message").asText()).startsWith("The logo is larger than 512 KB.");
        assertThat(putLogo(admin, big, "fr").json().get("message").asText()).startsWith("Le logo dépasse 512\u00A0Ko.");
        assertThat(server.client().get("/api/v1/branding").json().get("logoUrl").asText()).isEqualTo(logoUrl);

        var audit = admin.get("/api/v1/audit?action=settings-changed&q=branding-logo").json().get("items");
        assertThat(audit).hasSize(1);

        // Removed, and the name back to the configuration file's.
        assertThat(admin.delete("/api/v1/admin/branding/logo").status()).isEqualTo(204);
        assertThat(DavClient.send(server.baseUrl(), Optional.empty(), "GET", "/api/v1/branding/logo", null).status()).isEqualTo(404);
        Map<String, Object> clear = new HashMap<>();
        clear.put("name", null);
        assertThat(admin.patch("/api/v1/admin/branding", clear).json().get("name").asText()).isEqualTo("Cabinet Martin");
        assertThat(server.client().get("/api/v1/branding").json().get("logoUrl").isNull()).isTrue();
        assertThat(admin.patch("/api/v1/admin/branding", Map.of("name", "x".repeat(101))).status()).isEqualTo(400);
    }
}
