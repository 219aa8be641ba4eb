package atrium.voip.http;

import atrium.core.AtriumException;
import atrium.core.Msg;
import atrium.core.http.Json;
import atrium.identity.AccountId;
import atrium.identity.AccountService;
import atrium.identity.Caller;
import atrium.identity.http.Authentication;
import atrium.voip.CallHistory;
import atrium.voip.CallLog;
import atrium.voip.CallRecord;
import atrium.voip.CallRecordId;
import atrium.voip.VoipViews;
import atrium.voip.db.CallStore;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.common.parameters.Parameters;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * The call log's REST API under {@code /api/v1}: {@code /me/phone/calls} (a person's own history and missed-call
 * count), {@code /admin/voip/calls} (everyone's, filtered), {@code /admin/voip/calls.csv} (the same, streamed as CSV)
 * and {@code /admin/voip/calls/active} (calls in progress). docs/api/voip.md "Call log".
 */
public final class CallRoutes implements HttpService {
    private static final Logger LOG = Logger.getLogger(CallRoutes.class.getName());
    private static final int DEFAULT_LIMIT = 50;
    private static final int MAX_LIMIT = 500;
    private static final List<String> CSV_HEADER = List.of("id", "started", "answered", "ended", "duration_seconds",
            "outcome", "sip_code", "from_login", "from_number", "from_name", "from_device", "to_login", "to_number",
            "to_name", "answered_by", "transfers", "sip_call_id");

    private final Authentication auth;
    private final CallHistory history;
    private final AccountService accounts;
    private final VoipViews views;

    public CallRoutes(Authentication auth, CallHistory history, AccountService accounts, VoipViews views) {
        this.auth = auth;
        this.history = history;
        this.accounts = accounts;
        this.views = views;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/me/phone/calls", this::mine)
                .post("/me/phone/calls/seen", this::seen)
                .get("/admin/voip/calls", this::search)
                .get("/admin/voip/calls.csv", this::csv)
                .get("/admin/voip/calls/active", this::active);
    }

    private void mine(ServerRequest req, ServerResponse res) {
        Caller caller = auth.require(req);
        Parameters q = req.query();
        CallHistory.Page page = history.mine(caller, before(q), limit(q));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", page.items().stream().map(c -> views.mine(c, caller.id())).toList());
        body.put("missed", page.missed());
        body.put("next", next(page));
        Json.ok(res, body);
    }

    private void seen(ServerRequest req, ServerResponse res) {
        history.seen(auth.require(req));
        Json.noContent(res);
    }

    private void search(ServerRequest req, ServerResponse res) {
        Caller caller = auth.require(req);
        AccountService.requireAdmin(caller);
        Parameters q = req.query();
        CallHistory.Page page = history.search(caller, filter(q, limit(q)), described(q));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", page.items().stream().map(views::call).toList());
        body.put("next", next(page));
        Json.ok(res, body);
    }

    private void active(ServerRequest req, ServerResponse res) {
        Json.ok(res, Map.of("items", history.inProgress(auth.require(req)).stream().map(views::call).toList()));
    }

    /** The filtered log as CSV, written while it is read (a year of calls is not held in memory). */
    private void csv(ServerRequest req, ServerResponse res) {
        Caller caller = auth.require(req);
        AccountService.requireAdmin(caller);
        Parameters q = req.query();
        CallStore.Filter filter = filter(q, MAX_LIMIT);
        String described = described(q);
        // Checked (and audited) before the first byte: a refusal is still a JSON error with its status.
        CallHistory.Export export = history.export(caller, filter, described);
        res.header(HeaderNames.CONTENT_TYPE, "text/csv; charset=utf-8");
        res.header(HeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"atrium-calls.csv\"");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        try (OutputStream out = res.outputStream()) {
            // A byte-order mark, so that Excel reads the names as UTF-8.
            out.write(("\uFEFF" + Csv.row(CSV_HEADER)).getBytes(StandardCharsets.UTF_8));
            export.forEach(c -> {
                try {
                    out.write(Csv.row(csvCells(c)).getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // The browser went away (a cancelled download): nothing to report.
            LOG.log(Level.FINE, "call log export ended early", e);
        }
    }

    private List<String> csvCells(CallRecord c) {
        ObjectNode v = views.call(c);
        StringJoiner transfers = new StringJoiner("; ");
        c.transfers().forEach(t -> transfers.add(t.kind().token() + " " + t.target()));
        return List.of(Long.toString(c.id().value()), time(Optional.of(c.startedAt())), time(c.answeredAt()),
                time(c.endedAt()), Long.toString(c.durationSeconds()),
                c.outcome().map(CallLog.Outcome::token).orElse("in-progress"),
                c.sipCode().isPresent() ? Integer.toString(c.sipCode().getAsInt()) : "",
                v.path("from").path("login").asText(""), c.from().number(), c.from().name(),
                v.path("from").path("device").asText(""), v.path("to").path("login").asText(""), c.to(),
                c.calleeName(), v.path("answeredBy").asText(""), transfers.toString(), c.sipCallId());
    }

    private static String time(Optional<Long> millis) {
        return millis.map(m -> Instant.ofEpochMilli(m).toString()).orElse("");
    }

    private CallStore.Filter filter(Parameters q, int limit) {
        Optional<String> login = text(q, "login");
        Optional<AccountId> person = login.map(l -> accounts.byLogin(l).orElseThrow(() ->
                AtriumException.Invalid.field("login", Msg.of("voip.calls.login", l))).id());
        CallStore.Side side = text(q, "direction").map(d -> switch (d) {
            case "in" -> CallStore.Side.CALLEE;
            case "out" -> CallStore.Side.CALLER;
            default -> throw AtriumException.Invalid.field("direction", Msg.of("voip.calls.direction", d));
        }).orElse(CallStore.Side.EITHER);
        Optional<CallLog.Outcome> outcome = text(q, "outcome").map(o -> {
            try {
                return CallLog.Outcome.parse(o);
            } catch (IllegalArgumentException e) {
                throw AtriumException.Invalid.field("outcome", Msg.of("voip.calls.outcome", o));
            }
        });
        Optional<Long> from = number(q, "from");
        Optional<Long> to = number(q, "to");
        if (from.isPresent() && to.isPresent() && from.get() >= to.get()) {
            throw AtriumException.Invalid.field("to", Msg.of("voip.calls.range"));
        }
        return new CallStore.Filter(person, text(q, "extension"), side, outcome, from, to, before(q), limit);
    }

    /** The filter as the audit log shows it: the query's own parameters. */
    private static String described(Parameters q) {
        return List.of("login", "extension", "direction", "outcome", "from", "to").stream()
                .filter(k -> text(q, k).isPresent()).map(k -> k + "=" + text(q, k).orElseThrow())
                .collect(Collectors.joining(" "));
    }

    private static Optional<CallRecordId> before(Parameters q) {
        return number(q, "before").map(CallRecordId::new);
    }

    private static int limit(Parameters q) {
        return Math.clamp(number(q, "limit").orElse((long) DEFAULT_LIMIT), 1, MAX_LIMIT);
    }

    /** The {@code before} of the next page; null on the last. */
    private static String next(CallHistory.Page page) {
        return page.more() ? Long.toString(page.items().getLast().id().value()) : null;
    }

    private static Optional<String> text(Parameters q, String name) {
        return q.first(name).asOptional().map(String::strip).filter(s -> !s.isEmpty());
    }

    private static Optional<Long> number(Parameters q, String name) {
        return text(q, name).map(v -> {
            try {
                return Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw AtriumException.Invalid.field(name, Msg.of("voip.calls.number", name, v));
            }
        });
    }
}
