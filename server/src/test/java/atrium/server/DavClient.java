package atrium.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;

/**
 * Requests as a WebDAV or Nextcloud sync client sends them: HTTP/1.1, Basic credentials
 * ("login:password") when given, headers as name/value pairs, a body of bytes, text, a stream
 * or none, and the whole answer kept. Trusts any certificate, as the test servers' are
 * self-signed. The console's way (cookies, CSRF header, JSON bodies) is {@link TestClient}.
 */
final class DavClient {
    /** How long a request may take, body included: a failing test should say so, not hang. */
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .sslContext(TestClient.trustAll()).connectTimeout(Duration.ofSeconds(5)).build();

    private DavClient() {
    }

    /** An answer: status, body as sent, headers. */
    record Res(int status, byte[] body, HttpHeaders headers) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        Optional<String> header(String name) {
            return headers.firstValue(name);
        }

        Document xml() {
            try {
                DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
                f.setNamespaceAware(true);
                return f.newDocumentBuilder().parse(new ByteArrayInputStream(body));
            } catch (Exception e) {
                throw new AssertionError("not XML (status " + status + "): " + text(), e);
            }
        }

        JsonNode json() {
            try {
                return TestClient.JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (status " + status + "): " + text(), e);
            }
        }

        @Override
        public String toString() {
            return status + " " + text();
        }
    }

    /**
     * Sends a request and reads the whole answer. The body is null (none), a {@code byte[]},
     * a {@code String} (UTF-8) or an {@code InputStream}, which goes chunked with no length,
     * as a client streaming a file sends it.
     */
    static Res send(String baseUrl, Optional<String> credentials, String method, String path, Object body, String... headers) {
        HttpResponse<byte[]> r = exchange(HTTP, request(baseUrl, credentials, method, path, body, headers),
                HttpResponse.BodyHandlers.ofByteArray());
        return new Res(r.statusCode(), r.body(), r.headers());
    }

    /** A request without body whose answer is left to read as a stream, for contents too large to hold. */
    static HttpResponse<InputStream> open(String baseUrl, Optional<String> credentials, String method, String path,
            String... headers) {
        return exchange(HTTP, request(baseUrl, credentials, method, path, null, headers),
                HttpResponse.BodyHandlers.ofInputStream());
    }

    private static HttpRequest request(String baseUrl, Optional<String> credentials, String method, String path, Object body,
            String... headers) {
        HttpRequest.BodyPublisher publisher = switch (body) {
            case null -> HttpRequest.BodyPublishers.noBody();
            case byte[] bytes -> HttpRequest.BodyPublishers.ofByteArray(bytes);
            case String s -> HttpRequest.BodyPublishers.ofString(s);
            case InputStream in -> HttpRequest.BodyPublishers.ofInputStream(() -> in);
            default -> throw new IllegalArgumentException(body.getClass().toString());
        };
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(TIMEOUT).method(method, publisher);
        credentials.ifPresent(c -> b.header("Authorization",
                "Basic " + Base64.getEncoder().encodeToString(c.getBytes(StandardCharsets.UTF_8))));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return b.build();
    }

    /** A failure to connect or read is a test failure naming the request. */
    static <T> HttpResponse<T> exchange(HttpClient client, HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return client.send(request, handler);
        } catch (IOException e) {
            throw new IllegalStateException(request.method() + " " + request.uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
