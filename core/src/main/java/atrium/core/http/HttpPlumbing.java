package atrium.core.http;

import atrium.core.AtriumException;
import atrium.core.Language;
import atrium.core.Msg;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What every request goes through: a request id, the true client address (X-Forwarded-*
 * believed only from trusted proxies), security headers, one access-log line, metrics,
 * and the mapping of errors to status codes and bodies that never leak a cause.
 */
public final class HttpPlumbing {
    private static final Logger ACCESS = Logger.getLogger("atrium.access");
    private static final Logger LOG = Logger.getLogger(HttpPlumbing.class.getName());
    private static final HeaderName X_REQUEST_ID = HeaderNames.create("X-Request-ID");
    private static final HeaderName X_FORWARDED_FOR = HeaderNames.create("X-Forwarded-For");
    private static final HeaderName X_FORWARDED_PROTO = HeaderNames.create("X-Forwarded-Proto");
    private static final HeaderName X_FORWARDED_HOST = HeaderNames.create("X-Forwarded-Host");

    private final AddressRanges trustedProxies;
    private final Metrics metrics;

    public HttpPlumbing(AddressRanges trustedProxies, Metrics metrics) {
        this.trustedProxies = trustedProxies;
        this.metrics = metrics;
        metrics.describe("http_requests_total", "HTTP requests by status class");
        metrics.describe("http_request_duration_ms_total", "Total time spent answering HTTP requests");
    }

    /** Installs the filter and the error handlers on a routing. */
    public void install(HttpRouting.Builder routing) {
        routing.addFilter(this::filter);
        routing.error(AtriumException.class, HttpPlumbing::handleAtrium);
        routing.error(Throwable.class, HttpPlumbing::handleUnexpected);
    }

    private void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long start = System.nanoTime();
        String id = req.headers().first(X_REQUEST_ID)
                .filter(v -> v.matches("[A-Za-z0-9._-]{8,64}"))
                .orElseGet(() -> UUID.randomUUID().toString());
        String peer = peerAddress(req);
        String client = peer;
        boolean secure = req.isSecure();
        String host = req.authority();
        if (trustedProxies.contains(peer)) {
            client = req.headers().first(X_FORWARDED_FOR)
                    .map(HttpPlumbing::lastHop)
                    .filter(s -> !s.isEmpty())
                    .orElse(peer);
            secure = req.headers().first(X_FORWARDED_PROTO).map("https"::equalsIgnoreCase).orElse(secure);
            host = req.headers().first(X_FORWARDED_HOST).orElse(host);
        }
        RequestInfo info = new RequestInfo(id, client, secure, host);
        req.context().register(info);
        res.header(X_REQUEST_ID, id);
        res.header(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
        res.header(HeaderNames.create("Referrer-Policy"), "same-origin");
        res.header(HeaderNames.create("X-Frame-Options"), "DENY");
        res.header(HeaderNames.create("Content-Security-Policy"),
                "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
                        + "connect-src 'self' wss: ws:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'");
        if (secure) {
            res.header(HeaderNames.STRICT_TRANSPORT_SECURITY, "max-age=31536000");
        }
        String method = req.prologue().method().text();
        String path = req.path().rawPath();
        String finalClient = client;
        res.whenSent(() -> {
            long ms = (System.nanoTime() - start) / 1_000_000;
            int status = res.status().code();
            metrics.count("http_requests_total", "class=\"" + (status / 100) + "xx\"", 1);
            metrics.count("http_request_duration_ms_total", "", ms);
            if (ACCESS.isLoggable(Level.INFO)) {
                ACCESS.info(() -> "req=" + id + " " + finalClient + " " + method + " " + path + " " + status + " "
                        + res.bytesWritten() + "B " + ms + "ms");
            }
        });
        chain.proceed();
    }

    private static String peerAddress(ServerRequest req) {
        var addr = req.remotePeer().address();
        if (addr instanceof java.net.InetSocketAddress isa && isa.getAddress() != null) {
            return isa.getAddress().getHostAddress();
        }
        return addr.toString();
    }

    /** The address the nearest trusted proxy saw: the last entry of X-Forwarded-For. */
    private static String lastHop(String header) {
        String[] parts = header.split(",");
        return parts[parts.length - 1].strip();
    }

    public static RequestInfo info(ServerRequest req) {
        return req.context().get(RequestInfo.class)
                .orElseGet(() -> new RequestInfo("-", peerAddress(req), req.isSecure(), req.authority()));
    }

    /** The language to answer a person in: the first of ours in Accept-Language, else English. */
    public static Language language(ServerRequest req) {
        return req.headers().first(HeaderNames.ACCEPT_LANGUAGE).map(Language::fromAcceptLanguage).orElse(Language.EN);
    }

    /** The request's language, named in the response too (Content-Language, and Vary for caches). */
    public static Language answerLanguage(ServerRequest req, ServerResponse res) {
        Language language = language(req);
        res.header(HeaderNames.CONTENT_LANGUAGE, language.tag());
        res.header(HeaderNames.VARY, "Accept-Language");
        return language;
    }

    private static String text(ServerRequest req, ServerResponse res, Msg msg) {
        return msg.text(answerLanguage(req, res));
    }

    private static void handleAtrium(ServerRequest req, ServerResponse res, AtriumException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.code());
        body.put("message", text(req, res, e.msg()));
        e.field().ifPresent(f -> body.put("field", f));
        if (e instanceof AtriumException.TooManyRequests t) {
            body.put("retryAfterSeconds", t.retryAfterSeconds());
            res.header(HeaderNames.RETRY_AFTER, Long.toString(t.retryAfterSeconds()));
        }
        if (e.status() == 401 && !fromBrowserApp(req)) {
            res.header(HeaderNames.WWW_AUTHENTICATE, "Basic realm=\"Atrium\", charset=\"UTF-8\"");
        }
        Json.send(res, e.status(), body);
    }

    /**
     * The web console must not get a Basic challenge: browsers answer it with their own
     * password dialog. It marks its calls with X-Requested-With and holds our cookies.
     */
    public static boolean fromBrowserApp(ServerRequest req) {
        if (req.headers().contains(HeaderNames.AUTHORIZATION)) {
            return false;
        }
        return req.headers().contains(HeaderNames.create("X-Requested-With")) || req.headers().contains(HeaderNames.COOKIE);
    }

    private static void handleUnexpected(ServerRequest req, ServerResponse res, Throwable e) {
        String id = info(req).id();
        if (e instanceof io.helidon.http.RequestException re && re.status().code() < 500) {
            Json.send(res, re.status().code(), Map.of("error", "bad-request", "message",
                    text(req, res, Msg.of("core.request.not-understood"))));
            return;
        }
        LOG.log(Level.SEVERE, "request " + id + " failed", e);
        Json.send(res, Status.INTERNAL_SERVER_ERROR_500.code(), Map.of("error", "internal",
                "message", text(req, res, Msg.of("core.internal", id))));
    }
}
