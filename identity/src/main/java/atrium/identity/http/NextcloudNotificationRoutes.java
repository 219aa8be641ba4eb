package atrium.identity.http;

import atrium.core.AtriumException;
import atrium.core.Language;
import atrium.core.Msg;
import atrium.core.http.HttpPlumbing;
import atrium.core.http.Ocs;
import atrium.identity.Caller;
import atrium.identity.Notification;
import atrium.identity.NotificationKind;
import atrium.identity.Notifications;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Nextcloud's notifications API, which the desktop and mobile clients poll
 * (docs/api/notifications.md): list with ETag and 304, get one, delete one, delete all.
 * A notification's id here is its per-account {@code ocsId}, a number that fits the
 * clients' 32-bit ints (ADR 0018).
 */
public final class NextcloudNotificationRoutes implements HttpService {
    /** The {@code notifications} capability: the endpoints above, no push, icons or rich strings. */
    public static final Map<String, Object> CAPABILITY = Map.of("ocs-endpoints", List.of("list", "get", "delete", "delete-all"));
    /** What the clients get at most: the newest; the console pages through the rest. */
    private static final int MAX_LISTED = 200;
    /** As PHP's date('c'): "2026-11-30T09:12:03+00:00". */
    private static final DateTimeFormatter DATETIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx");

    private final Authentication auth;
    private final Notifications notifications;

    public NextcloudNotificationRoutes(Authentication auth, Notifications notifications) {
        this.auth = auth;
        this.notifications = notifications;
    }

    /** Mounted at the server root: OCS v1 and v2, the app's API v1 and v2 (the same answers). */
    @Override
    public void routing(HttpRules rules) {
        for (int ocs = 1; ocs <= 2; ocs++) {
            for (int api = 1; api <= 2; api++) {
                int version = ocs;
                String base = "/ocs/v" + ocs + ".php/apps/notifications/api/v" + api + "/notifications";
                rules.get(base, (req, res) -> Ocs.replyTagged(req, res, version, () -> {
                            Caller c = auth.require(req);
                            return notifications.list(c, MAX_LISTED, 0).items().stream().map(n -> view(req, c, n)).toList();
                        }))
                        .delete(base, (req, res) -> Ocs.reply(req, res, version, () -> {
                            notifications.deleteAll(auth.require(req));
                            return List.of();
                        }))
                        .get(base + "/{id}", (req, res) -> Ocs.reply(req, res, version, () -> {
                            Caller c = auth.require(req);
                            return view(req, c, notifications.byOcsId(c, id(req)));
                        }))
                        .delete(base + "/{id}", (req, res) -> Ocs.reply(req, res, version, () -> {
                            Caller c = auth.require(req);
                            notifications.delete(c, notifications.byOcsId(c, id(req)).id());
                            return List.of();
                        }));
            }
        }
    }

    private static long id(ServerRequest req) {
        String raw = req.path().pathParameters().get("id");
        if (!raw.matches("[0-9]{1,10}")) {
            throw new AtriumException.NotFound(Msg.of("identity.notify.none"));
        }
        return Long.parseLong(raw);
    }

    /** Nextcloud's notification element; its optional fields are present and empty, as its clients expect. */
    private Map<String, Object> view(ServerRequest req, Caller caller, Notification n) {
        Language lang = Notifications.language(caller.account());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("notification_id", n.ocsId());
        m.put("app", app(n.kind()));
        m.put("user", caller.account().login());
        m.put("datetime", DATETIME.format(Instant.ofEpochMilli(n.createdAt()).atOffset(ZoneOffset.UTC)));
        m.put("object_type", n.kind().tag());
        m.put("object_id", Long.toString(n.id()));
        m.put("subject", n.title().text(lang));
        m.put("subjectRich", "");
        m.put("subjectRichParameters", List.of());
        m.put("message", n.count() > 1 ? n.body(lang) : "");
        m.put("messageRich", "");
        m.put("messageRichParameters", List.of());
        m.put("link", n.link().isEmpty() ? "" : notifications.absoluteLink(n, HttpPlumbing.info(req).origin()));
        m.put("icon", "");
        m.put("shouldNotify", n.readAt().isEmpty());
        m.put("actions", List.of());
        return m;
    }

    /** The Nextcloud app that makes such notifications there; clients pick icons and grouping by it. */
    private static String app(NotificationKind kind) {
        return switch (kind) {
            case SHARE_RECEIVED, FILE_DROP_UPLOAD -> "files_sharing";
            case INFECTED_UPLOAD -> "files_antivirus";
            // Not "spreed" (Talk): the clients offer a Talk reply box for those, which Atrium does not answer.
            case CHAT_MENTION, CHAT_MESSAGE -> "chat";
        };
    }
}
