package atrium.files.http;

import atrium.core.AtriumException;
import atrium.core.Msg;
import atrium.core.http.Json;
import atrium.identity.AccountId;
import atrium.identity.AccountService;
import atrium.identity.AuditLog;
import atrium.identity.Caller;
import atrium.identity.http.Authentication;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The administrators' view of WebDAV locks, under {@code /api/v1/admin/files/locks}: every
 * active lock, and breaking one that a crashed client or a person who left holds. Breaking
 * is written to the audit log. Administrators only; CSRF as for every cookie request.
 */
public final class LockAdminRoutes implements HttpService {
    private final Authentication auth;
    private final LockManager locks;
    private final AuditLog audit;
    private final Function<AccountId, String> loginOf;
    private final Clock clock;

    /** @param loginOf the login of the account whose files a lock is on */
    public LockAdminRoutes(Authentication auth, LockManager locks, AuditLog audit, Function<AccountId, String> loginOf,
                           Clock clock) {
        this.auth = auth;
        this.locks = locks;
        this.audit = audit;
        this.loginOf = loginOf;
        this.clock = clock;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/admin/files/locks", this::list)
                .delete("/admin/files/locks/{token}", this::breakLock);
    }

    private void list(ServerRequest req, ServerResponse res) {
        AccountService.requireAdmin(auth.require(req));
        List<Map<String, Object>> items = locks.activeLocks().stream().map(this::describe).toList();
        Json.ok(res, Map.of("items", items));
    }

    private void breakLock(ServerRequest req, ServerResponse res) {
        Caller caller = auth.require(req);
        AccountService.requireAdmin(caller);
        String token = req.path().pathParameters().get("token");
        DavLock broken = locks.breakLock(token)
                .orElseThrow(() -> new AtriumException.NotFound(Msg.of("files.lock.not-found", token)));
        Where where = where(broken);
        audit.record(caller, "files-lock-broken", where.login() + ":" + where.path(),
                "lockedBy=" + broken.principal() + " scope=" + broken.scope().name().toLowerCase() + " token=" + broken.token());
        Json.noContent(res);
    }

    /** The lock table keys a lock by {@code /{account id}/{path}} (DavRoutes). */
    private record Where(String login, String path) {
    }

    private Where where(DavLock lock) {
        String key = lock.path();
        int slash = key.indexOf('/', 1);
        String id = slash < 0 ? key.substring(1) : key.substring(1, slash);
        String path = slash < 0 ? "/" : key.substring(slash);
        String login;
        try {
            login = loginOf.apply(new AccountId(Long.parseLong(id)));
        } catch (NumberFormatException e) {
            login = id;
        }
        return new Where(login, path);
    }

    private Map<String, Object> describe(DavLock lock) {
        Where where = where(lock);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("token", lock.token());
        m.put("account", where.login());
        m.put("path", where.path());
        m.put("lockedBy", lock.principal());
        m.put("owner", lock.owner().orElse(null));
        m.put("scope", lock.scope().name().toLowerCase());
        m.put("depth", lock.depth().header());
        m.put("created", lock.created().toEpochMilli());
        m.put("expires", lock.expires().toEpochMilli());
        m.put("secondsLeft", lock.secondsLeft(clock.instant()));
        return m;
    }
}
