package atrium.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import atrium.core.Config;
import atrium.core.ConfigException;
import atrium.chat.http.ChatRoutes;
import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.webserver.http.HttpRules;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ServerTest {
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
    void healthAndMetricsAnswer() {
        var health = server.client().get("/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("database").asText()).isEqualTo("up");
        var metrics = server.client().get("/metrics");
        assertThat(metrics.body()).contains("http_requests_total", "jvm_heap_used_bytes", "atrium_accounts");
    }

    @Test
    void everyAnswerCarriesSecurityHeadersAndARequestId() {
        var r = server.client().get("/api/v1/session");
        assertThat(r.header("Strict-Transport-Security")).isPresent();
        assertThat(r.header("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(r.header("Content-Security-Policy").orElseThrow()).contains("frame-ancestors 'none'");
        assertThat(r.header("Referrer-Policy")).isPresent();
        assertThat(r.header("X-Request-ID").orElseThrow()).hasSizeGreaterThan(8);
    }

    @Test
    void plainHttpRedirectsToHttps() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        var r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.atrium.redirectPort() + "/login?x=1"))
                .build(), HttpResponse.BodyHandlers.discarding());
        assertThat(r.statusCode()).isEqualTo(301);
        assertThat(r.headers().firstValue("Location").orElseThrow())
                .isEqualTo("https://127.0.0.1:" + server.atrium.appPort() + "/login?x=1");
    }

    @Test
    void theWebConsoleIsServedForAppPathsAndTheApiAnswersJson404s() {
        var page = server.client().get("/admin/users");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type").orElseThrow()).startsWith("text/html");
        var api = server.client().get("/api/v1/nothing-here");
        assertThat(api.status()).isEqualTo(404);
        assertThat(api.json().get("error").asText()).isEqualTo("not-found");
    }

    @Test
    void theOpenApiDocumentDescribesTheUserEndpoints() {
        var doc = server.client().get("/api/v1/openapi.json").json();
        assertThat(doc.get("openapi").asText()).startsWith("3.");
        assertThat(doc.get("paths").has("/users")).isTrue();
        assertThat(doc.get("paths").has("/users/{login}")).isTrue();
        assertThat(doc.get("paths").has("/notifications")).isTrue();
        assertThat(doc.get("paths").has("/me/notification-settings")).isTrue();
    }

    /**
     * The chat routes as ChatRoutes mounts them (recorded through a stand-in for Helidon's rules,
     * so a route added later without a description fails here), each with its method in the document.
     */
    @Test
    void theOpenApiDocumentDescribesEveryChatRoute() {
        var doc = server.client().get("/api/v1/openapi.json").json();
        List<String> routes = new ArrayList<>();
        Set<String> methods = Set.of("get", "post", "put", "patch", "delete");
        HttpRules recorder = (HttpRules) Proxy.newProxyInstance(HttpRules.class.getClassLoader(), new Class<?>[] {HttpRules.class},
                (proxy, method, args) -> {
                    if (methods.contains(method.getName()) && args != null && args.length >= 2 && args[0] instanceof String path) {
                        routes.add(method.getName() + " /chat" + path);
                    }
                    return method.getReturnType().isInstance(proxy) ? proxy : null;
                });
        new ChatRoutes(null, null, null, null, 0, null, null, null).routing(recorder);
        routes.add("get /presence");
        assertThat(routes).hasSizeGreaterThan(25).contains("get /chat/search", "post /chat/conversations/{id}/messages");
        for (String route : routes) {
            String[] mp = route.split(" ");
            JsonNode operation = doc.get("paths").path(mp[1]).path(mp[0]);
            assertThat(operation.isObject()).as(route + " is described").isTrue();
            assertThat(operation.path("responses").size()).as(route + " has responses").isPositive();
            assertThat(operation.path("operationId").asText()).as(route + " has an operationId").isNotEmpty();
        }
    }

    @Test
    void anUnauthenticatedApiCallGets401WithAMessage() {
        var r = server.client().get("/api/v1/users");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().get("message").asText()).isEqualTo("Sign in first.");
    }

    @Test
    void onlyMachinesGetABasicChallengeNotTheWebConsole() {
        assertThat(server.client().get("/api/v1/me").header("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
        var fromConsole = server.client().send("GET", "/api/v1/me", null, Map.of("X-Requested-With", "XMLHttpRequest"));
        assertThat(fromConsole.status()).isEqualTo(401);
        assertThat(fromConsole.header("WWW-Authenticate")).isEmpty();
    }

    @Test
    void aPortInUseStopsStartUpNamingTheSetting() throws Exception {
        try (var busy = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            Path dir = Files.createTempDirectory("atrium-busy-");
            Config config = Config.load(dir, Map.of()).with(Map.of("http.bind", "127.0.0.1", "http.port", "0",
                    "https.port", Integer.toString(busy.getLocalPort()), "admin.password", TestServer.ADMIN_PASSWORD));
            assertThatThrownBy(() -> Atrium.start(config)).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("https.port").hasMessageContaining("in use");
        }
    }

    @Test
    void behindAProxyPlainHttpServesTheAppAndForwardedHeadersCountOnlyFromTrustedAddresses() throws Exception {
        try (TestServer proxied = TestServer.start(Map.of("proxy.enabled", "true", "proxy.trusted", "127.0.0.1"))) {
            assertThat(proxied.baseUrl()).startsWith("http://");
            TestClient viaProxy = proxied.client();
            viaProxy.get("/api/v1/session");
            var r = viaProxy.send("POST", "/api/v1/session", Map.of("login", "admin", "password", "wrong-password-1"),
                    Map.of("X-Forwarded-For", "203.0.113.9", "X-Forwarded-Proto", "https"));
            assertThat(r.status()).isEqualTo(401);
            var audit = proxied.admin().get("/api/v1/audit?action=sign-in-failed").json().get("items").get(0);
            assertThat(audit.get("address").asText()).isEqualTo("203.0.113.9");
        }
        try (TestServer untrusting = TestServer.start(Map.of("proxy.enabled", "true", "proxy.trusted", "10.1.2.3"))) {
            TestClient c = untrusting.client();
            c.get("/api/v1/session");
            c.send("POST", "/api/v1/session", Map.of("login", "admin", "password", "wrong-password-1"),
                    Map.of("X-Forwarded-For", "203.0.113.9"));
            var audit = untrusting.admin().get("/api/v1/audit?action=sign-in-failed").json().get("items").get(0);
            assertThat(audit.get("address").asText()).isEqualTo("127.0.0.1");
        }
    }

    @Test
    void anUnreadableCertificateStopsStartUpNamingTheFile() throws Exception {
        Path dir = Files.createTempDirectory("atrium-badtls-");
        Files.writeString(dir.resolve("cert.pem"), "this is not a certificate");
        Files.writeString(dir.resolve("key.pem"), "nor a key");
        Config config = Config.load(dir, Map.of()).with(Map.of("http.bind", "127.0.0.1", "http.port", "0", "https.port", "0",
                "tls.cert", "cert.pem", "tls.key", "key.pem", "admin.password", TestServer.ADMIN_PASSWORD));
        assertThatThrownBy(() -> Atrium.start(config)).isInstanceOf(ConfigException.class).hasMessageContaining("cert.pem");
    }

    @Test
    void aRestartKeepsTheSelfSignedCertificateAndTheData() throws Exception {
        Path dir = Files.createTempDirectory("atrium-restart-");
        Config config = Config.load(dir, Map.of()).with(Map.of("http.bind", "127.0.0.1", "http.port", "0", "https.port", "0",
                "admin.password", TestServer.ADMIN_PASSWORD, "log.level", "warn"));
        byte[] cert;
        try (Atrium a = Atrium.start(config)) {
            cert = Files.readAllBytes(dir.resolve("tls/cert.pem"));
            TestClient c = new TestClient("https://127.0.0.1:" + a.appPort());
            c.signIn("admin", TestServer.ADMIN_PASSWORD);
            assertThat(c.post("/api/v1/groups", Map.of("name", "kept")).status()).isEqualTo(201);
        }
        try (Atrium a = Atrium.start(config)) {
            assertThat(Files.readAllBytes(dir.resolve("tls/cert.pem"))).isEqualTo(cert);
            TestClient c = new TestClient("https://127.0.0.1:" + a.appPort());
            c.signIn("admin", TestServer.ADMIN_PASSWORD);
            assertThat(c.get("/api/v1/groups").body()).contains("kept");
        }
    }
}
