package atrium.files.http;

import atrium.core.AtriumException;
import atrium.core.Msg;
import atrium.core.http.Json;
import atrium.files.Quarantine;
import atrium.identity.AccountId;
import atrium.identity.AccountService;
import atrium.identity.Caller;
import atrium.identity.http.Authentication;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code /api/v1/admin/quarantine}: the infected uploads kept when antivirus.infected =
 * quarantine, for administrators only: list, release ({@code POST …/{id}/release}) and
 * delete for good ({@code DELETE …/{id}}).
 */
public final class QuarantineRoutes implements HttpService {
    private final Authentication auth;
    private final Quarantine quarantine;
    private final Function<AccountId, String> loginOf;

    public QuarantineRoutes(Authentication auth, Quarantine quarantine, Function<AccountId, String> loginOf) {
        this.auth = auth;
        this.quarantine = quarantine;
        this.loginOf = loginOf;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/admin/quarantine", this::list)
                .post("/admin/quarantine/{id}/release", (req, res) -> {
                    var released = quarantine.release(admin(req), id(req));
                    Json.ok(res, Map.of("owner", loginOf.apply(released.node().owner()), "path", released.path()));
                })
                .delete("/admin/quarantine/{id}", (req, res) -> {
                    quarantine.delete(admin(req), id(req));
                    Json.noContent(res);
                });
    }

    private void list(ServerRequest req, ServerResponse res) {
        Json.ok(res, Map.of("items", quarantine.list(auth.require(req)).stream().map(q -> {
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

    /** Checked before the id is read, so that a non-administrator always gets 403. */
    private Caller admin(ServerRequest req) {
        Caller c = auth.require(req);
        AccountService.requireAdmin(c);
        return c;
    }

    private static long id(ServerRequest req) {
        String raw = req.path().pathParameters().get("id");
        try {
            return Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw new AtriumException.NotFound(Msg.of("files.quarantine.not-found", raw));
        }
    }
}
