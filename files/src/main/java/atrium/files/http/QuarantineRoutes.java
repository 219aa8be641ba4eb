package atrium.files.http;

import atrium.core.db.Database;
import atrium.core.http.Json;
import atrium.files.Antivirus;
import atrium.identity.AccountId;
import atrium.identity.AccountService;
import atrium.identity.http.Authentication;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** {@code GET /api/v1/admin/quarantine}: the infected uploads kept when antivirus.infected = quarantine; admins only. */
public final class QuarantineRoutes implements HttpService {
    private final Authentication auth;
    private final Database db;
    private final Function<AccountId, String> loginOf;

    public QuarantineRoutes(Authentication auth, Database db, Function<AccountId, String> loginOf) {
        this.auth = auth;
        this.db = db;
        this.loginOf = loginOf;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/admin/quarantine", this::list);
    }

    private void list(ServerRequest req, ServerResponse res) {
        AccountService.requireAdmin(auth.require(req));
        Json.ok(res, Map.of("items", Antivirus.quarantine(db).stream().map(q -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", Long.toString(q.id()));
            m.put("owner", loginOf.apply(q.owner()));
            m.put("path", q.path());
            m.put("signature", q.signature());
            m.put("size", q.size());
            m.put("sender", q.sender());
            m.put("address", q.address());
            m.put("at", q.createdAt());
            return m;
        }).toList()));
    }
}
