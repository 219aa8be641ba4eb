package atrium.files.http;

import atrium.core.AtriumException;
import atrium.core.Msg;
import atrium.core.http.Json;
import atrium.files.share.Branding;
import atrium.files.share.LinkPolicy;
import atrium.files.share.ShareService;
import atrium.identity.AccountService;
import atrium.identity.Caller;
import atrium.identity.http.Authentication;
import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The files module's run-time settings under {@code /api/v1} (docs/api/sharing.md,
 * "Administration"): the link rules ({@code /admin/sharing}) and the firm's name and logo
 * ({@code /admin/branding}), for administrators, audited; and, for anyone, the name and logo
 * the public pages show ({@code /branding}, {@code /branding/logo}).
 */
public final class SettingsRoutes implements HttpService {
    private static final long MAX_JSON = 16 * 1024;

    private final Authentication auth;
    private final LinkPolicy policy;
    private final Branding branding;

    public SettingsRoutes(Authentication auth, LinkPolicy policy, Branding branding) {
        this.auth = auth;
        this.policy = policy;
        this.branding = branding;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/admin/sharing", (req, res) -> {
                    admin(req);
                    Json.ok(res, policyBody());
                })
                .patch("/admin/sharing", this::patchPolicy)
                .get("/admin/branding", (req, res) -> {
                    admin(req);
                    Json.ok(res, brandingBody(true));
                })
                .patch("/admin/branding", (req, res) -> {
                    Caller c = admin(req);
                    JsonNode b = object(req);
                    Json.onlyFields(b, Set.of("name"));
                    if (b.has("name")) {
                        JsonNode n = b.get("name");
                        if (!n.isNull() && !n.isTextual()) {
                            throw AtriumException.Invalid.field("name", Msg.of("files.settings.text", "name"));
                        }
                        branding.setName(c, n.isNull() ? Optional.empty() : Optional.of(n.asText()));
                    }
                    Json.ok(res, brandingBody(true));
                })
                .put("/admin/branding/logo", (req, res) -> {
                    Caller c = admin(req);
                    byte[] body;
                    try {
                        body = Json.readBody(req, Branding.MAX_LOGO_BYTES);
                    } catch (AtriumException.TooLarge e) {
                        throw Branding.tooLarge();
                    }
                    branding.setLogo(c, body);
                    Json.ok(res, brandingBody(true));
                })
                .delete("/admin/branding/logo", (req, res) -> {
                    branding.removeLogo(admin(req));
                    Json.noContent(res);
                })
                .get("/branding", (req, res) -> Json.ok(res, brandingBody(false)))
                .get("/branding/logo", this::logo);
    }

    private Caller admin(ServerRequest req) {
        Caller c = auth.require(req);
        AccountService.requireAdmin(c);
        return c;
    }

    private Map<String, Object> policyBody() {
        Function<ShareService.Policy, Map<String, Object>> rules = p -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("maxExpiryDays", p.linkMaxExpiryDays());
            m.put("defaultExpiryDays", p.linkDefaultExpiryDays());
            m.put("passwordEnforced", p.linkPasswordEnforced());
            return m;
        };
        Map<String, Object> body = rules.apply(policy.current());
        body.put("configured", rules.apply(policy.configured()));
        return body;
    }

    private void patchPolicy(ServerRequest req, ServerResponse res) {
        Caller c = admin(req);
        JsonNode b = object(req);
        Json.onlyFields(b, Set.of("maxExpiryDays", "defaultExpiryDays", "passwordEnforced"));
        policy.change(c, new LinkPolicy.Change(days(b, "maxExpiryDays"), days(b, "defaultExpiryDays"), flag(b, "passwordEnforced")));
        Json.ok(res, policyBody());
    }

    /** Absent: unchanged; null: back to the configuration file; else a whole number of days. */
    private static Optional<Optional<Integer>> days(JsonNode b, String field) {
        return nullable(b, field, n -> n.isIntegralNumber() && n.canConvertToInt(), JsonNode::asInt,
                Msg.of("files.settings.whole-number", field));
    }

    private static Optional<Optional<Boolean>> flag(JsonNode b, String field) {
        return nullable(b, field, JsonNode::isBoolean, JsonNode::asBoolean, Msg.of("files.settings.boolean", field));
    }

    private static <T> Optional<Optional<T>> nullable(JsonNode b, String field, Predicate<JsonNode> fits,
                                                      Function<JsonNode, T> value, Msg problem) {
        if (!b.has(field)) {
            return Optional.empty();
        }
        JsonNode n = b.get(field);
        if (n.isNull()) {
            return Optional.of(Optional.empty());
        }
        if (!fits.test(n)) {
            throw AtriumException.Invalid.field(field, problem);
        }
        return Optional.of(Optional.of(value.apply(n)));
    }

    private Map<String, Object> brandingBody(boolean forAdmin) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", branding.name());
        if (forAdmin) {
            m.put("configuredName", branding.configuredName());
        }
        m.put("logoUrl", branding.logoUrl().orElse(null));
        return m;
    }

    /**
     * The logo, public. Always an image Atrium re-encoded; served so that a browser never
     * runs anything in it or sniffs another type.
     */
    private void logo(ServerRequest req, ServerResponse res) {
        Branding.Logo logo = branding.logo().orElseThrow(() -> new AtriumException.NotFound(Msg.of("files.branding.no-logo")));
        String etag = "\"" + logo.etag() + "\"";
        boolean versioned = req.query().first("v").asOptional().map(logo.etag()::equals).orElse(false);
        res.header(HeaderNames.CACHE_CONTROL, versioned ? "public, max-age=31536000, immutable" : "public, no-cache");
        res.header(HeaderNames.ETAG, etag);
        res.header(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
        res.header(HeaderNames.create("Content-Security-Policy"), "sandbox; default-src 'none'");
        if (req.headers().first(HeaderNames.IF_NONE_MATCH).map(v -> v.contains(etag)).orElse(false)) {
            res.status(Status.NOT_MODIFIED_304).send();
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, logo.contentType());
        res.send(logo.bytes());
    }

    private static JsonNode object(ServerRequest req) {
        JsonNode n = Json.readTree(req, MAX_JSON);
        if (n == null || !n.isObject()) {
            throw new AtriumException.Invalid(Msg.of("files.settings.object"));
        }
        return n;
    }
}
