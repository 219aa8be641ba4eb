package atrium.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Speaks to the server like the web console does: keeps cookies, sends the CSRF header
 * on unsafe requests. Or, with {@link #basic}, like a machine with an app password.
 */
final class TestClient {
    static final ObjectMapper JSON = new ObjectMapper();

    record Response(int status, String body, java.net.http.HttpHeaders headers) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (status " + status + "): " + body, e);
            }
        }

        Optional<String> header(String name) {
            return headers.firstValue(name);
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    private final String base;
    private final CookieManager cookies = new CookieManager();
    private final HttpClient http;
    private Optional<String> basic = Optional.empty();
    private boolean sendCsrf = true;

    TestClient(String base) {
        this.base = base;
        this.http = HttpClient.newBuilder().cookieHandler(cookies).sslContext(trustAll())
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
    }

    static SSLContext trustAll() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] c, String a) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] c, String a) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, new SecureRandom());
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    TestClient basic(String login, String password) {
        basic = Optional.of("Basic " + Base64.getEncoder().encodeToString((login + ":" + password).getBytes(StandardCharsets.UTF_8)));
        return this;
    }

    TestClient withoutCsrf() {
        sendCsrf = false;
        return this;
    }

    Optional<HttpCookie> cookie(String name) {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(name)).findFirst();
    }

    Response signIn(String login, String password) {
        get("/api/v1/session");
        return post("/api/v1/session", Map.of("login", login, "password", password));
    }

    Response get(String path) {
        return send("GET", path, null, Map.of());
    }

    Response post(String path, Object body) {
        return send("POST", path, body, Map.of());
    }

    Response patch(String path, Object body) {
        return send("PATCH", path, body, Map.of());
    }

    Response put(String path) {
        return send("PUT", path, null, Map.of());
    }

    Response delete(String path) {
        return send("DELETE", path, null, Map.of());
    }

    /** POSTs an application/x-www-form-urlencoded body, as the Nextcloud clients do. */
    Response form(String path, Map<String, String> fields, Map<String, String> headers) {
        StringBuilder body = new StringBuilder();
        fields.forEach((k, v) -> body.append(body.isEmpty() ? "" : "&")
                .append(java.net.URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
                .append(java.net.URLEncoder.encode(v, StandardCharsets.UTF_8)));
        var all = new java.util.HashMap<>(headers);
        all.put("Content-Type", "application/x-www-form-urlencoded");
        return send("POST", path, body.toString(), all);
    }

    /** A request whose body is streamed from a publisher and whose answer is read as a stream: big files. */
    HttpResponse<java.io.InputStream> stream(String method, String path, HttpRequest.BodyPublisher body,
                                             Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofMinutes(5))
                .method(method, body);
        basic.ifPresent(v -> b.header("Authorization", v));
        if (sendCsrf && !method.equals("GET")) {
            cookie("atrium_csrf").ifPresent(c -> b.header("X-CSRF-Token", c.getValue()));
        }
        headers.forEach(b::header);
        return DavClient.exchange(http, b.build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    Response send(String method, String path, Object body, Map<String, String> headers) {
        HttpRequest.BodyPublisher publisher;
        String type = "application/json";
        if (body == null) {
            publisher = HttpRequest.BodyPublishers.noBody();
        } else if (body instanceof byte[] bytes) {
            publisher = HttpRequest.BodyPublishers.ofByteArray(bytes);
            type = "text/csv";
        } else if (body instanceof String s) {
            publisher = HttpRequest.BodyPublishers.ofString(s);
        } else {
            try {
                publisher = HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body));
            } catch (IOException e) {
                throw new IllegalArgumentException(e);
            }
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(DavClient.TIMEOUT)
                .method(method, publisher);
        if (body != null && headers.keySet().stream().noneMatch("Content-Type"::equalsIgnoreCase)) {
            b.header("Content-Type", type);
        }
        basic.ifPresent(v -> b.header("Authorization", v));
        if (sendCsrf && !method.equals("GET")) {
            cookie("atrium_csrf").ifPresent(c -> b.header("X-CSRF-Token", c.getValue()));
        }
        headers.forEach(b::header);
        HttpResponse<String> r = DavClient.exchange(http, b.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), r.body(), r.headers());
    }
}
