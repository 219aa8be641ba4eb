package atrium.identity.http;

import atrium.core.AtriumException;
import atrium.core.Config;
import atrium.core.Language;
import atrium.core.Msg;
import atrium.core.http.HttpPlumbing;
import atrium.core.http.Json;
import atrium.identity.Account;
import atrium.identity.AccountChanges;
import atrium.identity.AccountRules;
import atrium.identity.AccountService;
import atrium.identity.AdminSettings;
import atrium.identity.AuditLog;
import atrium.identity.Caller;
import atrium.identity.Session;
import atrium.identity.SessionState;
import atrium.identity.SignInService;
import atrium.identity.TwoFactorService;
import atrium.identity.UserImportService;
import atrium.identity.UserView;
import atrium.identity.db.AuditStore;
import atrium.identity.db.GroupStore;
import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The identity REST API under /api/v1 (see docs/api/identity.md). */
public final class IdentityRoutes implements HttpService {
    private static final Set<String> USER_FIELDS = Set.of("login", "displayName", "email", "language", "quota",
            "password", "groups", "admin", "enabled");

    private final Authentication auth;
    private final SignInService signIn;
    private final TwoFactorService twoFactor;
    private final AccountService accounts;
    private final UserImportService imports;
    private final AdminSettings settings;
    private final AuditLog audit;
    private final long maxBody;
    private final long maxImport;

    public IdentityRoutes(Authentication auth, SignInService signIn, TwoFactorService twoFactor, AccountService accounts,
                          UserImportService imports, AdminSettings settings, AuditLog audit, Config config) {
        this.auth = auth;
        this.signIn = signIn;
        this.twoFactor = twoFactor;
        this.accounts = accounts;
        this.imports = imports;
        this.settings = settings;
        this.audit = audit;
        this.maxBody = config.longValue("http.max-body-bytes", 1024, 1L << 30);
        this.maxImport = config.longValue("import.max-bytes", 1024, 1L << 30);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/session", this::getSession)
                .post("/session", this::postSession)
                .post("/session/totp", this::postSessionTotp)
                .delete("/session", this::deleteSession)
                .get("/me", (req, res) -> Json.ok(res, me(auth.require(req))))
                .patch("/me", this::patchMe)
                .post("/me/password", this::changePassword)
                .get("/me/sessions", this::listSessions)
                .delete("/me/sessions/{id}", this::revokeSession)
                .get("/me/totp", (req, res) -> {
                    var s = twoFactor.status(auth.requireForEnrolment(req));
                    Json.ok(res, Map.of("enabled", s.enabled(), "required", s.required(), "backupCodesLeft", s.backupCodesLeft()));
                })
                .post("/me/totp/setup", (req, res) -> {
                    var s = twoFactor.begin(auth.requireForEnrolment(req));
                    Json.ok(res, Map.of("secret", s.secret(), "otpauthUri", s.otpauthUri()));
                })
                .post("/me/totp/confirm", (req, res) -> {
                    Caller c = auth.requireForEnrolment(req);
                    Json.ok(res, Map.of("backupCodes", twoFactor.confirm(c, text(body(req), "code"))));
                })
                .post("/me/totp/backup-codes", (req, res) ->
                        Json.ok(res, Map.of("backupCodes", twoFactor.regenerateBackupCodes(auth.require(req)))))
                .delete("/me/totp", (req, res) -> {
                    twoFactor.disable(auth.require(req), text(body(req), "password"));
                    Json.noContent(res);
                })
                .get("/me/app-passwords", this::listAppPasswords)
                .post("/me/app-passwords", this::createAppPassword)
                .delete("/me/app-passwords/{id}", (req, res) -> {
                    signIn.revokeAppPassword(auth.require(req), idParam(req));
                    Json.noContent(res);
                })
                .get("/users", this::listUsers)
                .post("/users", this::createUser)
                .get("/users/{login}", (req, res) -> Json.ok(res, user(accounts.get(auth.require(req), param(req, "login")))))
                .patch("/users/{login}", this::updateUser)
                .delete("/users/{login}", (req, res) -> {
                    accounts.delete(auth.require(req), param(req, "login"));
                    Json.noContent(res);
                })
                .post("/users/{login}/password", this::resetPassword)
                .delete("/users/{login}/totp", (req, res) -> {
                    accounts.resetTotp(auth.require(req), param(req, "login"));
                    Json.noContent(res);
                })
                .get("/groups", (req, res) ->
                        Json.ok(res, accounts.listGroups(auth.require(req)).stream().map(IdentityRoutes::group).toList()))
                .post("/groups", (req, res) -> {
                    Caller c = auth.require(req);
                    var g = accounts.createGroup(c, text(body(req), "name"));
                    Json.send(res, 201, group(accounts.groupInfo(g.name())));
                })
                .patch("/groups/{name}", (req, res) -> {
                    Caller c = auth.require(req);
                    AccountService.requireAdmin(c);
                    JsonNode b = body(req);
                    Json.onlyFields(b, Set.of("requireTotp"));
                    if (b.has("requireTotp")) {
                        accounts.setGroupRequiresTotp(c, param(req, "name"), bool(b, "requireTotp"));
                    }
                    Json.ok(res, group(accounts.groupInfo(param(req, "name"))));
                })
                .delete("/groups/{name}", (req, res) -> {
                    accounts.deleteGroup(auth.require(req), param(req, "name"));
                    Json.noContent(res);
                })
                .get("/groups/{name}/members", (req, res) -> Json.ok(res,
                        accounts.members(auth.require(req), param(req, "name")).stream().map(IdentityRoutes::user).toList()))
                .put("/groups/{name}/members/{login}", (req, res) -> {
                    accounts.addMember(auth.require(req), param(req, "name"), param(req, "login"));
                    Json.noContent(res);
                })
                .delete("/groups/{name}/members/{login}", (req, res) -> {
                    accounts.removeMember(auth.require(req), param(req, "name"), param(req, "login"));
                    Json.noContent(res);
                })
                .put("/groups/{name}/admins/{login}", (req, res) -> {
                    accounts.setGroupAdmin(auth.require(req), param(req, "name"), param(req, "login"), true);
                    Json.noContent(res);
                })
                .delete("/groups/{name}/admins/{login}", (req, res) -> {
                    accounts.setGroupAdmin(auth.require(req), param(req, "name"), param(req, "login"), false);
                    Json.noContent(res);
                })
                .get("/admin/settings", (req, res) -> {
                    AccountService.requireAdmin(auth.require(req));
                    Json.ok(res, Map.of("requireTotpForAll", settings.requireTotpForAll()));
                })
                .patch("/admin/settings", this::patchSettings)
                .get("/audit", this::searchAudit)
                .post("/imports", this::startImport)
                .get("/imports/{id}", this::importStatus)
                .get("/imports/{id}/passwords.csv", (req, res) -> {
                    String csv = imports.takePasswords(auth.require(req), idParam(req));
                    res.header(HeaderNames.CONTENT_TYPE, "text/csv; charset=utf-8");
                    res.header(HeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"atrium-passwords.csv\"");
                    res.header(HeaderNames.CACHE_CONTROL, "no-store");
                    res.send(csv.getBytes(StandardCharsets.UTF_8));
                });
    }

    // ---- session

    private void getSession(ServerRequest req, ServerResponse res) {
        String csrf = Authentication.ensureCsrfCookie(req, res);
        Optional<Caller> c = auth.resolve(req);
        Json.ok(res, sessionBody(c.map(x -> x.session().map(Session::state).orElse(SessionState.SIGNED_IN)), c, csrf));
    }

    private Map<String, Object> sessionBody(Optional<SessionState> state, Optional<Caller> caller, String csrf) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("state", state.map(SessionState::wire).orElse("signed-out"));
        if (state.orElse(null) == SessionState.SIGNED_IN || state.orElse(null) == SessionState.TOTP_ENROLMENT_REQUIRED) {
            caller.ifPresent(c -> body.put("user", me(c)));
        }
        body.put("csrf", csrf);
        return body;
    }

    private void postSession(ServerRequest req, ServerResponse res) {
        Authentication.checkCsrf(req);
        JsonNode b = body(req);
        String address = HttpPlumbing.info(req).clientAddress();
        var result = signIn.signIn(text(b, "login"), text(b, "password"),
                req.headers().first(HeaderNames.USER_AGENT), address);
        Authentication.setSessionCookie(req, res, result.token());
        String csrf = Authentication.ensureCsrfCookie(req, res);
        Caller c = new Caller(result.account(), Optional.of(result.session()), false, address);
        Json.ok(res, sessionBody(Optional.of(result.session().state()), Optional.of(c), csrf));
    }

    private void postSessionTotp(ServerRequest req, ServerResponse res) {
        Caller c = auth.resolve(req)
                .orElseThrow(() -> new AtriumException.Unauthorized("unauthorized", Msg.of("identity.sign-in.first")));
        Session s = c.session().orElseThrow(() -> new AtriumException.Conflict(Msg.of("identity.session.no-second-step")));
        Session upgraded = twoFactor.verifySignIn(s, text(body(req), "code"), c.address());
        Caller signedIn = new Caller(accounts.find(c.login()), Optional.of(upgraded), false, c.address());
        Json.ok(res, sessionBody(Optional.of(upgraded.state()), Optional.of(signedIn), Authentication.ensureCsrfCookie(req, res)));
    }

    private void deleteSession(ServerRequest req, ServerResponse res) {
        auth.resolve(req).ifPresent(signIn::signOut);
        Authentication.clearSessionCookie(req, res);
        Json.noContent(res);
    }

    // ---- me

    private Map<String, Object> me(Caller c) {
        Map<String, Object> m = user(accounts.view(c.account()));
        m.put("isGroupAdmin", accounts.isGroupAdmin(c.id()));
        return m;
    }

    private void patchMe(ServerRequest req, ServerResponse res) {
        Caller c = auth.require(req);
        JsonNode b = body(req);
        Json.onlyFields(b, Set.of("displayName", "email", "language"));
        accounts.updateOwnProfile(c, optText(b, "displayName"), optText(b, "email"), optText(b, "language"));
        Json.ok(res, me(new Caller(accounts.find(c.login()), c.session(), c.viaAppPassword(), c.address())));
    }

    private void changePassword(ServerRequest req, ServerResponse res) {
        Caller c = auth.require(req);
        if (c.viaAppPassword()) {
            throw new AtriumException.Forbidden(Msg.of("identity.password.browser-only"));
        }
        JsonNode b = body(req);
        signIn.changePassword(c, text(b, "currentPassword"), text(b, "newPassword"));
        Json.noContent(res);
    }

    private void listSessions(ServerRequest req, ServerResponse res) {
        Caller c = auth.require(req);
        long current = c.session().map(Session::id).orElse(-1L);
        List<Map<String, Object>> out = new ArrayList<>();
        for (Session s : signIn.sessions(c)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", Long.toString(s.id()));
            m.put("userAgent", s.userAgent().orElse(null));
            m.put("address", s.address().orElse(null));
            m.put("createdAt", s.createdAt());
            m.put("lastSeenAt", s.lastSeenAt());
            m.put("current", s.id() == current);
            out.add(m);
        }
        Json.ok(res, out);
    }

    private void revokeSession(ServerRequest req, ServerResponse res) {
        signIn.revokeSession(auth.require(req), idParam(req));
        Json.noContent(res);
    }

    private void listAppPasswords(ServerRequest req, ServerResponse res) {
        Json.ok(res, signIn.appPasswords(auth.require(req)).stream().map(p -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", Long.toString(p.id()));
            m.put("name", p.name());
            m.put("createdAt", p.createdAt());
            m.put("lastUsedAt", p.lastUsedAt().orElse(null));
            return m;
        }).toList());
    }

    private void createAppPassword(ServerRequest req, ServerResponse res) {
        Caller c = auth.require(req);
        var created = signIn.createAppPassword(c, text(body(req), "name"));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", Long.toString(created.appPassword().id()));
        m.put("name", created.appPassword().name());
        m.put("loginName", c.login());
        m.put("password", created.password());
        Json.send(res, 201, m);
    }

    // ---- users

    private void listUsers(ServerRequest req, ServerResponse res) {
        Caller c = auth.require(req);
        var q = req.query();
        var page = accounts.search(c, q.first("q").asOptional(), q.first("group").asOptional().filter(s -> !s.isBlank()),
                intParam(q.first("limit").asOptional(), 50), intParam(q.first("offset").asOptional(), 0));
        Json.ok(res, Map.of("items", accounts.views(page.items()).stream().map(IdentityRoutes::user).toList(),
                "total", page.total()));
    }

    private void createUser(ServerRequest req, ServerResponse res) {
        Caller c = auth.require(req);
        JsonNode b = body(req);
        Json.onlyFields(b, USER_FIELDS);
        var created = accounts.create(c, text(b, "login"), optText(b, "password").filter(p -> !p.isEmpty()), changes(b));
        Map<String, Object> m = user(created.user());
        created.generatedPassword().ifPresent(p -> m.put("generatedPassword", p));
        Json.send(res, 201, m);
    }

    private void updateUser(ServerRequest req, ServerResponse res) {
        Caller c = auth.require(req);
        JsonNode b = body(req);
        Json.onlyFields(b, USER_FIELDS);
        if (b.has("login") || b.has("password")) {
            throw new AtriumException.Invalid(Msg.of("identity.user.immutable"));
        }
        Json.ok(res, user(accounts.update(c, param(req, "login"), changes(b))));
    }

    private void resetPassword(ServerRequest req, ServerResponse res) {
        Caller c = auth.require(req);
        Optional<String> password = req.content().hasEntity() ? optText(body(req), "password").filter(p -> !p.isEmpty())
                : Optional.empty();
        Optional<String> generated = accounts.resetPassword(c, param(req, "login"), password);
        if (generated.isPresent()) {
            Json.ok(res, Map.of("password", generated.get()));
        } else {
            Json.noContent(res);
        }
    }

    private static AccountChanges changes(JsonNode b) {
        Optional<Optional<Long>> quota = Optional.empty();
        if (b.has("quota")) {
            JsonNode q = b.get("quota");
            if (q.isNull()) {
                quota = Optional.of(Optional.empty());
            } else if (q.isIntegralNumber() && q.asLong() >= 0) {
                quota = Optional.of(Optional.of(q.asLong()));
            } else if (q.isTextual()) {
                quota = Optional.of(AccountRules.quota(q.asText()));
            } else {
                throw AtriumException.Invalid.field("quota", Msg.of("identity.quota.type"));
            }
        }
        Optional<List<String>> groups = Optional.empty();
        if (b.has("groups")) {
            if (!b.get("groups").isArray()) {
                throw AtriumException.Invalid.field("groups", Msg.of("identity.groups.type"));
            }
            List<String> names = new ArrayList<>();
            b.get("groups").forEach(n -> names.add(n.asText()));
            groups = Optional.of(names);
        }
        return new AccountChanges(optText(b, "displayName"), optText(b, "email"), optText(b, "language"), quota,
                optBool(b, "enabled"), optBool(b, "admin"), groups);
    }

    static Map<String, Object> user(UserView v) {
        Account a = v.account();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", a.id().toString());
        m.put("login", a.login());
        m.put("displayName", a.displayName());
        m.put("email", a.email().orElse(null));
        m.put("language", a.language());
        m.put("quota", a.quotaBytes().orElse(null));
        m.put("enabled", a.enabled());
        m.put("admin", a.admin());
        m.put("groups", v.groups());
        m.put("groupAdminOf", v.groupAdminOf());
        m.put("totpEnabled", a.totpEnabled());
        m.put("createdAt", a.createdAt());
        m.put("lastLoginAt", a.lastLoginAt().orElse(null));
        return m;
    }

    static Map<String, Object> group(GroupStore.GroupInfo g) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", Long.toString(g.group().id().value()));
        m.put("name", g.group().name());
        m.put("memberCount", g.memberCount());
        m.put("admins", g.adminLogins());
        m.put("requireTotp", g.group().requireTotp());
        return m;
    }

    // ---- admin

    private void patchSettings(ServerRequest req, ServerResponse res) {
        Caller c = auth.require(req);
        AccountService.requireAdmin(c);
        JsonNode b = body(req);
        Json.onlyFields(b, Set.of("requireTotpForAll"));
        if (b.has("requireTotpForAll")) {
            boolean v = bool(b, "requireTotpForAll");
            settings.setRequireTotpForAll(v);
            audit.record(c, "settings-changed", "require-totp-for-all", Boolean.toString(v));
        }
        Json.ok(res, Map.of("requireTotpForAll", settings.requireTotpForAll()));
    }

    private void searchAudit(ServerRequest req, ServerResponse res) {
        AccountService.requireAdmin(auth.require(req));
        var q = req.query();
        var filter = new AuditStore.Filter(nonBlank(q.first("actor").asOptional()), nonBlank(q.first("action").asOptional()),
                nonBlank(q.first("q").asOptional()), longParam(q.first("from").asOptional()),
                longParam(q.first("to").asOptional()), longParam(q.first("before").asOptional()),
                Math.clamp(intParam(q.first("limit").asOptional(), 100), 1, 1000));
        Json.ok(res, Map.of("items", audit.search(filter).stream().map(e -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", Long.toString(e.id()));
            m.put("at", e.at());
            m.put("actor", e.actor().orElse(null));
            m.put("action", e.action());
            m.put("target", e.target().orElse(null));
            m.put("address", e.address().orElse(null));
            m.put("detail", e.detail().orElse(null));
            return m;
        }).toList()));
    }

    private void startImport(ServerRequest req, ServerResponse res) {
        Caller c = auth.require(req);
        AccountService.requireAdmin(c);
        boolean dryRun = req.query().first("dryRun").asOptional().map("true"::equalsIgnoreCase).orElse(false);
        byte[] csv = Json.readBody(req, maxImport);
        if (csv.length == 0) {
            throw new AtriumException.Invalid(Msg.of("identity.import.empty"));
        }
        var job = imports.start(c, csv, dryRun);
        Json.send(res, 202, Map.of("id", Long.toString(job.id())));
    }

    private void importStatus(ServerRequest req, ServerResponse res) {
        Caller c = auth.require(req);
        var job = imports.job(c, idParam(req));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", Long.toString(job.id()));
        m.put("dryRun", job.dryRun());
        m.put("status", job.failure().isPresent() ? "failed" : job.report().isPresent() ? "done" : "running");
        m.put("total", job.total());
        m.put("processed", job.processed());
        Language language = HttpPlumbing.answerLanguage(req, res);
        job.failure().ifPresent(f -> m.put("message", f.text(language)));
        var r = job.report();
        m.put("created", r.map(UserImportService.Report::created).orElse(List.of()));
        m.put("updated", r.map(UserImportService.Report::updated).orElse(List.of()));
        m.put("newGroups", r.map(UserImportService.Report::newGroups).orElse(List.of()));
        m.put("errors", r.map(x -> x.errors().stream()
                .map(e -> Map.<String, Object>of("line", e.line(), "reason", e.reason().text(language))).toList())
                .orElse(List.of()));
        m.put("passwordsAvailable", job.passwordsAvailable());
        Json.ok(res, m);
    }

    // ---- request helpers

    private JsonNode body(ServerRequest req) {
        JsonNode n = Json.readTree(req, maxBody);
        if (n == null || !n.isObject()) {
            throw new AtriumException.Invalid(Msg.of("identity.body.object"));
        }
        return n;
    }

    private static String text(JsonNode b, String field) {
        JsonNode n = b.get(field);
        if (n == null || n.isNull() || !n.isTextual()) {
            throw AtriumException.Invalid.field(field, Msg.of("identity.field.required-text", field));
        }
        return n.asText();
    }

    private static Optional<String> optText(JsonNode b, String field) {
        JsonNode n = b.get(field);
        if (n == null) {
            return Optional.empty();
        }
        if (n.isNull()) {
            return Optional.of("");
        }
        if (!n.isTextual()) {
            throw AtriumException.Invalid.field(field, Msg.of("identity.field.text", field));
        }
        return Optional.of(n.asText());
    }

    private static boolean bool(JsonNode b, String field) {
        JsonNode n = b.get(field);
        if (n == null || !n.isBoolean()) {
            throw AtriumException.Invalid.field(field, Msg.of("identity.field.boolean", field));
        }
        return n.asBoolean();
    }

    private static Optional<Boolean> optBool(JsonNode b, String field) {
        return b.has(field) ? Optional.of(bool(b, field)) : Optional.empty();
    }

    private static String param(ServerRequest req, String name) {
        return req.path().pathParameters().get(name);
    }

    private static long idParam(ServerRequest req) {
        try {
            return Long.parseLong(param(req, "id"));
        } catch (NumberFormatException e) {
            throw new AtriumException.NotFound(Msg.of("identity.item.none"));
        }
    }

    static int intParam(Optional<String> v, int dflt) {
        try {
            return v.filter(s -> !s.isBlank()).map(Integer::parseInt).orElse(dflt);
        } catch (NumberFormatException e) {
            throw new AtriumException.Invalid(Msg.of("identity.number.expected", v.get()));
        }
    }

    private static Optional<Long> longParam(Optional<String> v) {
        try {
            return v.filter(s -> !s.isBlank()).map(Long::parseLong);
        } catch (NumberFormatException e) {
            throw new AtriumException.Invalid(Msg.of("identity.number.expected", v.get()));
        }
    }

    private static Optional<String> nonBlank(Optional<String> v) {
        return v.filter(s -> !s.isBlank());
    }
}
