package atrium.identity.http;

import atrium.core.AtriumException;
import atrium.core.Language;
import atrium.core.Msg;
import atrium.core.http.Json;
import atrium.identity.Caller;
import atrium.identity.Notification;
import atrium.identity.Notifications;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The caller's own notifications under /api/v1/notifications (docs/api/notifications.md). */
public final class NotificationRoutes implements HttpService {
    private final Authentication auth;
    private final Notifications notifications;

    public NotificationRoutes(Authentication auth, Notifications notifications) {
        this.auth = auth;
        this.notifications = notifications;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/notifications", (req, res) -> {
            Caller c = auth.require(req);
            var q = req.query();
            var page = notifications.list(c, IdentityRoutes.intParam(q.first("limit").asOptional(), 50),
                    IdentityRoutes.intParam(q.first("offset").asOptional(), 0));
            Language lang = Notifications.language(c.account());
            Json.ok(res, Map.of("items", page.items().stream().map(n -> view(n, lang)).toList(), "total", page.total(),
                    "unread", page.unread()));
        }).post("/notifications/read-all", (req, res) -> {
            notifications.markAllRead(auth.require(req));
            Json.noContent(res);
        }).post("/notifications/{id}/read", (req, res) -> {
            notifications.markRead(auth.require(req), id(req));
            Json.noContent(res);
        }).delete("/notifications/{id}", (req, res) -> {
            notifications.delete(auth.require(req), id(req));
            Json.noContent(res);
        }).get("/me/notification-settings", (req, res) -> {
            Caller c = auth.require(req);
            Json.ok(res, settings(c, notifications.mailSettings(c)));
        }).put("/me/notification-settings", (req, res) -> {
            Caller c = auth.require(req);
            @SuppressWarnings("unchecked")
            Map<String, Object> choices = Json.read(req, Map.class, 16 * 1024);
            Json.ok(res, settings(c, notifications.chooseMail(c, choices)));
        });
    }

    private static long id(ServerRequest req) {
        String v = req.path().pathParameters().get("id");
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new AtriumException.NotFound(Msg.of("identity.notify.none"));
        }
    }

    /**
     * Per kind, whether it is also e-mailed and whether that is the server's default; and
     * whether e-mail can reach the caller at all (mail on, an address on the account).
     */
    private Map<String, Object> settings(Caller c, List<Notifications.MailSetting> settings) {
        return Map.of("kinds", settings.stream().map(s -> Map.of("kind", s.kind().tag(), "mail", s.mail(),
                        "default", s.byDefault())).toList(),
                "mailEnabled", notifications.mailEnabled(), "email", c.account().email().orElse(""));
    }

    /** Ids as strings: they are 64-bit and JavaScript numbers are not. */
    static Map<String, Object> view(Notification n, Language lang) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", Long.toString(n.id()));
        m.put("kind", n.kind().tag());
        m.put("title", n.title().text(lang));
        m.put("params", n.params());
        m.put("count", n.count());
        m.put("link", n.link());
        m.put("createdAt", Instant.ofEpochMilli(n.createdAt()).toString());
        m.put("read", n.readAt().isPresent());
        return m;
    }
}
