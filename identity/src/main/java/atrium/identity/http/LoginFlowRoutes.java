package atrium.identity.http;

import atrium.core.AtriumException;
import atrium.core.Config;
import atrium.core.Msg;
import atrium.core.http.HttpPlumbing;
import atrium.core.http.Json;
import atrium.identity.LoginFlow;
import atrium.identity.LoginFlowService;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Nextcloud Login Flow v2 over HTTP (shared/reference/nextcloud-client-protocol.md §2.3):
 * what the clients call under /index.php/login/v2, the page they open in the browser, and
 * the JSON API that page uses under /api/v1/login-flows (docs/api/identity.md).
 */
public final class LoginFlowRoutes {
    /** Sends the web console's page with a status; the server owns the console. */
    @FunctionalInterface
    public interface ConsolePage {
        void send(ServerRequest req, ServerResponse res, int status);
    }

    /** A poll body is one short form field. */
    private static final long MAX_POLL_BODY = 4096;

    private final LoginFlowService flows;
    private final Authentication auth;
    private final Optional<String> publicUrl;

    public LoginFlowRoutes(LoginFlowService flows, Authentication auth, Config config) {
        this.flows = flows;
        this.auth = auth;
        this.publicUrl = config.optional("http.public-url").map(u -> checkedPublicUrl(config, u));
    }

    private static String checkedPublicUrl(Config config, String url) {
        String u = url.strip().replaceAll("/+$", "");
        try {
            URI uri = new URI(u);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                    || uri.getQuery() != null || uri.getFragment() != null) {
                throw config.bad("http.public-url", "must be an http:// or https:// address such as https://atrium.example.com");
            }
        } catch (java.net.URISyntaxException e) {
            throw config.bad("http.public-url", "must be an http:// or https:// address such as https://atrium.example.com");
        }
        return u;
    }

    /** The address clients use: http.public-url, else scheme and host of the request (trusted proxies believed). */
    private String base(ServerRequest req) {
        return publicUrl.orElseGet(() -> HttpPlumbing.info(req).origin());
    }

    /** Mounted at the server root: what the Nextcloud clients call, and the page they open. */
    public HttpService nextcloud(ConsolePage page) {
        return rules -> rules
                .post("/index.php/login/v2", this::start)
                .post("/index.php/login/v2/poll", this::poll)
                .get("/index.php/login/v2/flow/{token}", (req, res) -> page.send(req, res, pageStatus(req)));
    }

    /** Mounted at /api/v1: what the grant page calls. */
    public HttpService api() {
        return rules -> rules
                .get("/login-flows/{token}", (req, res) ->
                        Json.ok(res, view(flows.find(token(req), HttpPlumbing.info(req).clientAddress()))))
                .post("/login-flows/{token}/grant", (req, res) ->
                        Json.ok(res, view(flows.grant(auth.require(req), token(req)))))
                .post("/login-flows/{token}/cancel", (req, res) -> {
                    flows.cancel(auth.require(req), token(req));
                    Json.noContent(res);
                });
    }

    private void start(ServerRequest req, ServerResponse res) {
        var started = flows.start(req.headers().first(HeaderNames.USER_AGENT), HttpPlumbing.info(req).clientAddress());
        String base = base(req);
        Map<String, Object> poll = new LinkedHashMap<>();
        poll.put("token", started.pollToken());
        poll.put("endpoint", base + "/index.php/login/v2/poll");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("poll", poll);
        body.put("login", base + "/index.php/login/v2/flow/" + started.loginToken());
        Json.ok(res, body);
    }

    /** 404 {@code []} until the flow is granted (what Nextcloud answers), then the credentials once. */
    private void poll(ServerRequest req, ServerResponse res) {
        String token = formField(Json.readBody(req, MAX_POLL_BODY), "token")
                .or(() -> req.query().first("token").asOptional())
                .orElse("");
        var delivery = flows.poll(token, HttpPlumbing.info(req).clientAddress());
        if (delivery.isEmpty()) {
            Json.send(res, 404, List.of());
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("server", base(req));
        body.put("loginName", delivery.get().loginName());
        body.put("appPassword", delivery.get().appPassword());
        Json.ok(res, body);
    }

    /** The page answers with the flow's state as its status, so that the link's fate shows even without script. */
    private int pageStatus(ServerRequest req) {
        try {
            flows.find(token(req), HttpPlumbing.info(req).clientAddress());
            return 200;
        } catch (AtriumException e) {
            // The console shows the reason itself, from the JSON API.
            return e.status();
        }
    }

    private static Map<String, Object> view(LoginFlow f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("clientName", f.clientName());
        m.put("expiresAt", f.expiresAt());
        m.put("state", f.state() == LoginFlow.State.PENDING ? "pending" : "granted");
        return m;
    }

    private static String token(ServerRequest req) {
        return req.path().pathParameters().get("token");
    }

    /** One field of an application/x-www-form-urlencoded body. */
    static Optional<String> formField(byte[] body, String name) {
        String text = new String(body, StandardCharsets.UTF_8);
        for (String pair : text.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            try {
                if (URLDecoder.decode(key, StandardCharsets.UTF_8).equals(name)) {
                    return Optional.of(eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8).strip());
                }
            } catch (IllegalArgumentException e) {
                throw new AtriumException.Invalid(Msg.of("identity.login-flow.form"));
            }
        }
        return Optional.empty();
    }
}
