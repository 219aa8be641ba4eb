package atrium.voip.http;

import atrium.core.AtriumException;
import atrium.core.Msg;
import atrium.core.http.HttpPlumbing;
import atrium.core.http.Json;
import atrium.identity.Account;
import atrium.identity.AccountService;
import atrium.identity.Caller;
import atrium.identity.http.Authentication;
import atrium.voip.Device;
import atrium.voip.Extension;
import atrium.voip.PhoneService;
import atrium.voip.SipServer;
import atrium.voip.VoipViews;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The phone system's REST API under {@code /api/v1}: {@code /admin/voip/...} for administrators (extensions, devices,
 * live registrations; every change audited by {@link PhoneService}) and {@code /me/phone} for a user's own phone
 * settings. Passwords of devices appear only in the answer that made them. docs/api/voip.md.
 */
public final class PhoneRoutes implements HttpService {
    private static final long MAX_BODY = 4096;

    private record NumberBody(String number) {
    }

    private record DeviceBody(String username, String label) {
    }

    private final Authentication auth;
    private final PhoneService phones;
    private final Optional<SipServer> sip;
    private final VoipViews views;

    public PhoneRoutes(Authentication auth, PhoneService phones, Optional<SipServer> sip, VoipViews views) {
        this.views = views;
        this.auth = auth;
        this.phones = phones;
        this.sip = sip;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/admin/voip/extensions", this::list)
                .put("/admin/voip/extensions/{login}", this::setExtension)
                .delete("/admin/voip/extensions/{login}", this::removeExtension)
                .post("/admin/voip/extensions/{login}/devices", this::addDevice)
                .post("/admin/voip/devices/{username}/password", this::resetPassword)
                .delete("/admin/voip/devices/{username}", this::deleteDevice)
                .get("/admin/voip/registrations", this::registrations)
                .get("/me/phone", this::mine)
                .post("/me/phone/devices/{username}/password", (req, res) -> Json.ok(res, withPassword(req,
                        phones.resetOwnPassword(auth.require(req), req.path().pathParameters().get("username")))));
    }

    private void list(ServerRequest req, ServerResponse res) {
        Caller caller = auth.require(req);
        List<Map<String, Object>> items = new ArrayList<>();
        for (Extension e : phones.extensions(caller)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("login", phones.loginOf(e.account()));
            m.put("number", e.number());
            m.put("devices", phones.devicesOf(e.account()).stream().map(PhoneRoutes::device).toList());
            items.add(m);
        }
        Json.ok(res, Map.of("items", items));
    }

    private void setExtension(ServerRequest req, ServerResponse res) {
        Caller caller = auth.require(req);
        AccountService.requireAdmin(caller);
        NumberBody body = Json.read(req, NumberBody.class, MAX_BODY);
        if (body.number() == null) {
            throw AtriumException.Invalid.field("number", Msg.of("voip.extension.digits", ""));
        }
        Extension e = phones.setExtension(caller, req.path().pathParameters().get("login"), body.number().strip());
        Json.ok(res, Map.of("login", phones.loginOf(e.account()), "number", e.number()));
    }

    private void removeExtension(ServerRequest req, ServerResponse res) {
        phones.removeExtension(auth.require(req), req.path().pathParameters().get("login"));
        Json.noContent(res);
    }

    private void addDevice(ServerRequest req, ServerResponse res) {
        Caller caller = auth.require(req);
        AccountService.requireAdmin(caller);
        DeviceBody body = Json.read(req, DeviceBody.class, MAX_BODY);
        PhoneService.WithPassword made = phones.addDevice(caller, req.path().pathParameters().get("login"),
                Optional.ofNullable(body.username()), Optional.ofNullable(body.label()));
        Json.send(res, 201, withPassword(req, made));
    }

    private void resetPassword(ServerRequest req, ServerResponse res) {
        PhoneService.WithPassword made = phones.resetPassword(auth.require(req),
                req.path().pathParameters().get("username"));
        Json.ok(res, withPassword(req, made));
    }

    private void deleteDevice(ServerRequest req, ServerResponse res) {
        phones.deleteDevice(auth.require(req), req.path().pathParameters().get("username"));
        Json.noContent(res);
    }

    private void registrations(ServerRequest req, ServerResponse res) {
        Caller caller = auth.require(req);
        AccountService.requireAdmin(caller);
        List<ObjectNode> items = new ArrayList<>();
        sip.ifPresent(s -> s.registrations().forEach(b -> items.add(views.binding(b))));
        Json.ok(res, Map.of("items", items));
    }

    private void mine(ServerRequest req, ServerResponse res) {
        Caller caller = auth.require(req);
        Account me = caller.account();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("extension", phones.extensionOf(me.id()).map(Extension::number).orElse(null));
        body.put("enabled", sip.isPresent());
        body.put("devices", phones.devicesOf(me.id()).stream().map(d -> {
            Map<String, Object> m = device(d);
            m.put("settings", settings(req, d));
            return m;
        }).toList());
        Json.ok(res, body);
    }

    private Map<String, Object> withPassword(ServerRequest req, PhoneService.WithPassword made) {
        Map<String, Object> m = device(made.device());
        m.put("password", made.password());
        m.put("settings", settings(req, made.device()));
        return m;
    }

    private static Map<String, Object> device(Device d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("username", d.username());
        m.put("label", d.label());
        m.put("createdAt", d.createdAt());
        return m;
    }

    /** What to type into a softphone: server, realm, username, and a port per transport. */
    private Map<String, Object> settings(ServerRequest req, Device d) {
        Map<String, Object> m = new LinkedHashMap<>();
        String host = HttpPlumbing.info(req).host().replaceFirst(":\\d+$", "");
        m.put("server", sip.flatMap(SipServer::publicHost).orElse(host));
        m.put("realm", phones.realm());
        m.put("username", d.username());
        m.put("authUsername", d.username());
        Map<String, Integer> ports = new LinkedHashMap<>();
        sip.ifPresent(s -> s.ports().forEach((p, port) -> ports.put(p, port)));
        m.put("ports", ports);
        return m;
    }
}
