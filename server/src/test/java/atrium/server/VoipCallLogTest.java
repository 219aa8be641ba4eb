package atrium.server;

import static org.assertj.core.api.Assertions.assertThat;

import atrium.identity.AccountId;
import atrium.sip.transport.Protocol;
import atrium.voip.CallLog;
import atrium.voip.CallRecordId;
import atrium.voip.DeviceId;
import com.fasterxml.jackson.databind.JsonNode;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The call log: entries written through the Java API the B2BUA uses, read back through the REST API by the people
 * who made or received the calls (history, missed-call count, seen) and by administrators (filters, CSV export,
 * calls in progress, audit), live events on /ws, and calls a stopped node left open closed as failed at start.
 */
class VoipCallLogTest {
    private static final Map<String, String> FRENCH = Map.of("Accept-Language", "fr-FR,fr;q=0.9");

    private TestServer server;
    private TestClient admin;
    private Map<String, String> settings;

    /** The server's settings: SIP on, SQLite; {@link PostgresVoipCallLogTest} adds a PostgreSQL schema. */
    Map<String, String> settings() {
        return VoipRegistrarTest.VOIP;
    }

    @BeforeEach
    void start() {
        settings = settings();
        server = TestServer.start(settings);
        admin = server.admin();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private CallLog log() {
        return server.atrium.voip().callLog;
    }

    private AccountId id(String login) {
        return server.atrium.identity().accounts.byLogin(login).orElseThrow().id();
    }

    private DeviceId device(String login) {
        return server.atrium.voip().phones.devicesOf(id(login)).getFirst().id();
    }

    private CallLog.Party party(String login, String number) {
        return CallLog.Party.ours(id(login), device(login), number, login.toUpperCase());
    }

    /** A call from one of ours to {@code number} reaching {@code callee}, taken to its end. */
    private CallRecordId call(String from, String fromNumber, String number, Optional<String> callee,
                              CallLog.Outcome outcome, int code) {
        return call(party(from, fromNumber), number, callee, outcome, code);
    }

    private CallRecordId call(CallLog.Party from, String number, Optional<String> callee, CallLog.Outcome outcome,
                              int code) {
        CallRecordId c = log().started(new CallLog.Start(from, number, callee.map(this::id), "cid-" + System.nanoTime()));
        log().ringing(c);
        if (outcome == CallLog.Outcome.ANSWERED) {
            log().answered(c, device(callee.orElseThrow()));
        }
        log().ended(c, outcome, code);
        return c;
    }

    private TestClient signedIn(String login) {
        TestClient c = server.client();
        assertThat(c.signIn(login, "Quiet-Harbor-5521").status()).isEqualTo(200);
        return c;
    }

    private void aliceAndBob() {
        VoipRegistrarTest.userWithDevice(admin, "alice", "201");
        VoipRegistrarTest.userWithDevice(admin, "bob", "202");
    }

    @Test
    void aPersonSeesTheirOwnCallsBothWaysNewestFirstWithTheMissedOnesCountedUntilSeen() {
        aliceAndBob();
        CallRecordId answered = call("alice", "201", "202", Optional.of("bob"), CallLog.Outcome.ANSWERED, 200);
        log().transferred(answered, "203", CallLog.TransferKind.BLIND);
        call("bob", "202", "201", Optional.of("alice"), CallLog.Outcome.NO_ANSWER, 480);
        call(CallLog.Party.outside("+33612345678", "Client"), "202", Optional.of("bob"), CallLog.Outcome.CANCELLED, 487);
        call("alice", "201", "202", Optional.of("bob"), CallLog.Outcome.BUSY, 486);
        call("bob", "202", "202", Optional.of("bob"), CallLog.Outcome.NO_ANSWER, 480); // his own voicemail-less number

        TestClient bob = signedIn("bob");
        var mine = bob.get("/api/v1/me/phone/calls");
        assertThat(mine.status()).isEqualTo(200);
        JsonNode items = mine.json().get("items");
        assertThat(items).hasSize(5);
        assertThat(items).extracting(i -> i.get("direction").asText() + " " + i.get("other").get("number").asText()
                + " " + i.get("outcome").asText() + " " + i.get("missed").asBoolean())
                .containsExactly("out 202 no-answer false", "in 201 busy true", "in +33612345678 cancelled true",
                        "out 201 no-answer false", "in 201 answered false");
        JsonNode first = items.get(4);
        assertThat(first.get("other").get("login").asText()).isEqualTo("alice");
        assertThat(first.get("other").get("name").asText()).isEqualTo("ALICE");
        assertThat(first.get("transfers").get(0).get("target").asText()).isEqualTo("203");
        assertThat(first.get("transfers").get(0).get("kind").asText()).isEqualTo("blind");
        assertThat(first.get("answeredAt").asLong()).isGreaterThanOrEqualTo(first.get("startedAt").asLong());
        assertThat(first.get("sipCode").asInt()).isEqualTo(200);
        assertThat(items.get(2).get("other").get("login").isNull()).isTrue();
        assertThat(items.get(2).get("other").get("name").asText()).isEqualTo("Client");
        // Outgoing: the other party is whom he called, with that person's name.
        assertThat(items.get(3).get("other").get("login").asText()).isEqualTo("alice");
        assertThat(mine.json().get("missed").asInt()).isEqualTo(2);
        assertThat(mine.json().get("next").isNull()).isTrue();
        assertThat(mine.body()).doesNotContain("cid-").doesNotContain("202-1");

        // Pages, newest first, by the id of the last one seen.
        var page1 = bob.get("/api/v1/me/phone/calls?limit=2").json();
        assertThat(page1.get("items")).hasSize(2);
        var page2 = bob.get("/api/v1/me/phone/calls?limit=2&before=" + page1.get("next").asText()).json();
        var page3 = bob.get("/api/v1/me/phone/calls?limit=2&before=" + page2.get("next").asText()).json();
        List<String> ids = new ArrayList<>();
        for (JsonNode p : List.of(page1, page2, page3)) {
            p.get("items").forEach(i -> ids.add(i.get("id").asText()));
        }
        assertThat(ids).containsExactlyElementsOf(items.findValuesAsText("id"));
        assertThat(page3.get("next").isNull()).isTrue();

        // Alice sees only her calls: not the client's call to Bob, nor Bob's own; a call still ringing comes once over.
        CallRecordId ringing = log().started(new CallLog.Start(party("bob", "202"), "201", Optional.of(id("alice")), "c"));
        TestClient alice = signedIn("alice");
        assertThat(alice.get("/api/v1/me/phone/calls").json().get("items")).hasSize(3);
        log().ended(ringing, CallLog.Outcome.CANCELLED, 487);
        assertThat(alice.get("/api/v1/me/phone/calls").json().get("items")).hasSize(4);

        // Looked at: the count starts again; a call missed later counts.
        assertThat(bob.post("/api/v1/me/phone/calls/seen", Map.of()).status()).isEqualTo(204);
        assertThat(bob.get("/api/v1/me/phone/calls").json().get("missed").asInt()).isZero();
        call("alice", "201", "202", Optional.of("bob"), CallLog.Outcome.NO_ANSWER, 480);
        assertThat(bob.get("/api/v1/me/phone/calls").json().get("missed").asInt()).isEqualTo(1);

        assertThat(bob.get("/api/v1/me/phone/calls?before=soon").status()).isEqualTo(400);
        JsonNode paths = server.client().get("/api/v1/openapi.json").json().get("paths");
        assertThat(List.of("/me/phone/calls", "/me/phone/calls/seen", "/me/phone/devices/{username}/password",
                "/admin/voip/calls", "/admin/voip/calls.csv", "/admin/voip/calls/active")).allMatch(paths::has);
        assertThat(server.client().get("/api/v1/me/phone/calls").status()).isEqualTo(401);
    }

    @Test
    void administratorsFilterEveryonesCallsAndEachSearchIsAudited() {
        aliceAndBob();
        call("alice", "201", "202", Optional.of("bob"), CallLog.Outcome.ANSWERED, 200);
        call("bob", "202", "201", Optional.of("alice"), CallLog.Outcome.DECLINED, 603);
        call(CallLog.Party.outside("0145", ""), "202", Optional.of("bob"), CallLog.Outcome.NO_ANSWER, 480);
        call("alice", "201", "299", Optional.empty(), CallLog.Outcome.FAILED, 404);

        var all = admin.get("/api/v1/admin/voip/calls");
        assertThat(all.status()).isEqualTo(200);
        assertThat(all.json().get("items")).hasSize(4);
        JsonNode answered = all.json().get("items").get(3);
        assertThat(answered.get("from").get("login").asText()).isEqualTo("alice");
        assertThat(answered.get("from").get("device").asText()).isEqualTo("201-1");
        assertThat(answered.get("to").get("login").asText()).isEqualTo("bob");
        assertThat(answered.get("answeredBy").asText()).isEqualTo("202-1");
        assertThat(answered.get("sipCallId").asText()).startsWith("cid-");

        assertThat(numbers(admin.get("/api/v1/admin/voip/calls?login=bob"))).hasSize(3);
        assertThat(numbers(admin.get("/api/v1/admin/voip/calls?login=bob&direction=in")))
                .containsExactly("0145>202", "201>202");
        assertThat(numbers(admin.get("/api/v1/admin/voip/calls?login=bob&direction=out"))).containsExactly("202>201");
        assertThat(numbers(admin.get("/api/v1/admin/voip/calls?extension=201&direction=out")))
                .containsExactly("201>299", "201>202");
        assertThat(numbers(admin.get("/api/v1/admin/voip/calls?extension=299"))).containsExactly("201>299");
        assertThat(numbers(admin.get("/api/v1/admin/voip/calls?outcome=no-answer"))).containsExactly("0145>202");
        long now = System.currentTimeMillis();
        assertThat(numbers(admin.get("/api/v1/admin/voip/calls?from=" + (now - 600_000) + "&to=" + (now + 1000))))
                .hasSize(4);
        assertThat(numbers(admin.get("/api/v1/admin/voip/calls?to=" + (now - 600_000)))).isEmpty();
        var paged = admin.get("/api/v1/admin/voip/calls?limit=3").json();
        assertThat(paged.get("items")).hasSize(3);
        assertThat(numbers(admin.get("/api/v1/admin/voip/calls?limit=3&before=" + paged.get("next").asText())))
                .containsExactly("201>202");

        // Bad filters: 400 naming what is wrong, in the asker's language.
        var direction = admin.get("/api/v1/admin/voip/calls?direction=in");
        assertThat(direction.status()).isEqualTo(400);
        assertThat(direction.body()).contains("person or an extension");
        assertThat(admin.send("GET", "/api/v1/admin/voip/calls?direction=in", null, FRENCH).body())
                .contains("personne ou à un poste");
        assertThat(admin.get("/api/v1/admin/voip/calls?login=bob&direction=sideways").body()).contains("'in' or 'out'");
        assertThat(admin.get("/api/v1/admin/voip/calls?outcome=lost").body()).contains("answered, busy, no-answer");
        assertThat(admin.get("/api/v1/admin/voip/calls?login=nobody").body()).contains("no account 'nobody'");
        assertThat(admin.get("/api/v1/admin/voip/calls?from=yesterday").status()).isEqualTo(400);
        assertThat(admin.get("/api/v1/admin/voip/calls?from=20&to=10").body()).contains("before its end");

        // Only administrators.
        TestClient bob = signedIn("bob");
        assertThat(bob.get("/api/v1/admin/voip/calls").status()).isEqualTo(403);
        assertThat(bob.get("/api/v1/admin/voip/calls.csv").status()).isEqualTo(403);
        assertThat(bob.get("/api/v1/admin/voip/calls/active").status()).isEqualTo(403);
        assertThat(server.client().get("/api/v1/admin/voip/calls").status()).isEqualTo(401);

        // Each search is audited once, with its filter: ten searches above, their next pages and refusals not.
        JsonNode audit = admin.get("/api/v1/audit?action=voip-calls-viewed&limit=100").json().get("items");
        assertThat(audit).hasSize(10).extracting(e -> e.get("detail").isNull() ? "" : e.get("detail").asText())
                .contains("login=bob direction=in", "outcome=no-answer", "");
        assertThat(audit.findValuesAsText("actor")).containsOnly("admin");
    }

    private static List<String> numbers(TestClient.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        r.json().get("items").forEach(i -> out.add(i.get("from").get("number").asText() + ">"
                + i.get("to").get("number").asText()));
        return out;
    }

    @Test
    void theCsvExportStreamsEveryMatchingCallWithQuotedCellsAndNoFormulas() {
        aliceAndBob();
        call(CallLog.Party.outside("+33612345678", "=HYPERLINK(\"http://evil\",\"x\")"), "202", Optional.of("bob"),
                CallLog.Outcome.NO_ANSWER, 480);
        call(CallLog.Party.outside("@SUM(1)", "Dupont, \"Jo\"\nline 2"), "202", Optional.of("bob"),
                CallLog.Outcome.ANSWERED, 200);
        // More than one page of the export's reads (500).
        for (int i = 0; i < 520; i++) {
            log().started(new CallLog.Start(party("alice", "201"), "299", Optional.empty(), "bulk-" + i));
        }

        var csv = admin.get("/api/v1/admin/voip/calls.csv");
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.header("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/csv"));
        assertThat(csv.header("Content-Disposition")).hasValueSatisfying(d -> assertThat(d).contains("attachment"));
        String body = csv.body();
        assertThat(body).startsWith("\uFEFFid,started,answered,ended,duration_seconds,outcome,sip_code,from_login,");
        List<List<String>> rows = parseCsv(body.substring(1));
        assertThat(rows).hasSize(1 + 520 + 2);
        assertThat(rows.stream().skip(1).map(r -> r.get(0)).distinct()).hasSize(522);
        List<String> formula = rows.get(522);
        List<String> quoted = rows.get(521);
        assertThat(formula.get(rows.get(0).indexOf("from_number"))).isEqualTo("'+33612345678");
        assertThat(formula.get(rows.get(0).indexOf("from_name"))).isEqualTo("'=HYPERLINK(\"http://evil\",\"x\")");
        assertThat(formula.get(rows.get(0).indexOf("outcome"))).isEqualTo("no-answer");
        assertThat(quoted.get(rows.get(0).indexOf("from_number"))).isEqualTo("'@SUM(1)");
        assertThat(quoted.get(rows.get(0).indexOf("from_name"))).isEqualTo("Dupont, \"Jo\"\nline 2");
        assertThat(quoted.get(rows.get(0).indexOf("answered_by"))).isEqualTo("202-1");
        assertThat(quoted.get(rows.get(0).indexOf("to_login"))).isEqualTo("bob");
        assertThat(rows.get(1).get(rows.get(0).indexOf("outcome"))).isEqualTo("in-progress");
        assertThat(body).contains("\r\n");

        // Filtered like the list.
        assertThat(parseCsv(admin.get("/api/v1/admin/voip/calls.csv?login=bob").body().substring(1))).hasSize(3);
        assertThat(admin.get("/api/v1/admin/voip/calls.csv?outcome=lost").status()).isEqualTo(400);
        assertThat(admin.get("/api/v1/audit?action=voip-calls-exported").json().get("items")).hasSize(2);
    }

    /** RFC 4180, strictly: the test reads what a spreadsheet would. */
    private static List<List<String>> parseCsv(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                assertThat(cell).as("a quote inside an unquoted cell").isEmpty();
                quoted = true;
            } else if (c == ',') {
                row.add(cell.toString());
                cell.setLength(0);
            } else if (c == '\r') {
                assertThat(text.charAt(i + 1)).as("CR not followed by LF").isEqualTo('\n');
                row.add(cell.toString());
                cell.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
                i++;
            } else {
                assertThat(c).as("a bare line feed").isNotEqualTo('\n');
                cell.append(c);
            }
        }
        assertThat(cell).isEmpty();
        assertThat(row).isEmpty();
        return rows;
    }

    @Test
    void callsInProgressAreListedAndThoseAStoppedServerLeftOpenEndAsFailedAtTheNextStart() {
        aliceAndBob();
        CallRecordId open = log().started(new CallLog.Start(party("alice", "201"), "202", Optional.of(id("bob")), "cid-open"));
        log().ringing(open);
        call("bob", "202", "201", Optional.of("alice"), CallLog.Outcome.ANSWERED, 200);
        JsonNode active = admin.get("/api/v1/admin/voip/calls/active").json().get("items");
        assertThat(active).hasSize(1);
        assertThat(active.get(0).get("id").asText()).isEqualTo(Long.toString(open.value()));
        assertThat(active.get(0).get("outcome").isNull()).isTrue();
        assertThat(active.get(0).get("ringingAt").isNull()).isFalse();

        server.close();
        server = TestServer.startIn(server.dataDir, settings);
        admin = server.admin();
        assertThat(admin.get("/api/v1/admin/voip/calls/active").json().get("items")).isEmpty();
        JsonNode closed = admin.get("/api/v1/admin/voip/calls?outcome=failed").json().get("items");
        assertThat(closed).hasSize(1);
        assertThat(closed.get(0).get("id").asText()).isEqualTo(Long.toString(open.value()));
        assertThat(closed.get(0).get("sipCode").isNull()).isTrue();
        assertThat(closed.get(0).get("endedAt").asLong()).isGreaterThanOrEqualTo(closed.get(0).get("startedAt").asLong());
        // Ended calls are not touched, and a step after the end changes nothing.
        assertThat(admin.get("/api/v1/admin/voip/calls?outcome=answered").json().get("items")).hasSize(1);
        log().answered(open, device("bob"));
        log().ended(open, CallLog.Outcome.ANSWERED, 200);
        assertThat(admin.get("/api/v1/admin/voip/calls?outcome=failed").json().get("items")).hasSize(1);
    }

    @Test
    void aPersonMakesANewPasswordForTheirOwnPhoneAndNoOneElses() {
        String[] bobPhone = VoipRegistrarTest.userWithDevice(admin, "bob", "202");
        VoipRegistrarTest.userWithDevice(admin, "alice", "201");
        TestClient bob = signedIn("bob");
        var made = bob.post("/api/v1/me/phone/devices/202-1/password", Map.of());
        assertThat(made.status()).isEqualTo(200);
        assertThat(made.json().get("password").asText()).hasSizeGreaterThan(16).isNotEqualTo(bobPhone[1]);
        assertThat(made.json().get("settings").get("username").asText()).isEqualTo("202-1");
        // Someone else's phone, or one that does not exist: the same 404.
        assertThat(bob.post("/api/v1/me/phone/devices/201-1/password", Map.of()).status()).isEqualTo(404);
        assertThat(bob.post("/api/v1/me/phone/devices/999-1/password", Map.of()).status()).isEqualTo(404);
        assertThat(admin.get("/api/v1/audit?action=voip-device-password-reset").json().get("items").get(0)
                .get("actor").asText()).isEqualTo("bob");
    }

    @Test
    void housekeepingDeletesCallsOlderThanTheRetentionAndKeepsTheRest() throws Exception {
        aliceAndBob();
        CallRecordId old = call("alice", "201", "202", Optional.of("bob"), CallLog.Outcome.ANSWERED, 200);
        CallRecordId recent = call("bob", "202", "201", Optional.of("alice"), CallLog.Outcome.ANSWERED, 200);
        log().written(); // the steps are written behind; this test ages a row with its own SQL
        var config = server.atrium.config();
        try (var db = config.optional("db.url").isPresent()
                ? DriverManager.getConnection(config.string("db.url"), config.string("db.user"), "")
                : DriverManager.getConnection("jdbc:sqlite:" + server.dataDir.resolve("atrium.db"));
             var aged = db.prepareStatement("UPDATE voip_calls SET started_at = started_at - ? WHERE id = ?")) {
            aged.setLong(1, 366L * 86_400_000L); // voip.call-log-days is 365 by default
            aged.setLong(2, old.value());
            assertThat(aged.executeUpdate()).isEqualTo(1);
        }
        server.atrium.voip().purgeExpired();
        assertThat(admin.get("/api/v1/admin/voip/calls").json().get("items").findValuesAsText("id"))
                .containsExactly(Long.toString(recent.value()));
    }

    @Test
    void administratorsGetRegistrationsAndCallsLiveAndEachPartyOnlyTheirOwnHistoryChanging() throws Exception {
        String[] bobPhone = VoipRegistrarTest.userWithDevice(admin, "bob", "202");
        VoipRegistrarTest.userWithDevice(admin, "alice", "201");
        TestClient bob = signedIn("bob");
        TestClient carol = server.client();
        assertThat(admin.post("/api/v1/users", Map.of("login", "carol", "password", "Quiet-Harbor-5521")).status())
                .isEqualTo(201);
        carol.signIn("carol", "Quiet-Harbor-5521");
        try (WsClient adminWs = WsClient.subscribed(server, admin);
             WsClient bobWs = WsClient.subscribed(server, bob);
             WsClient carolWs = WsClient.subscribed(server, carol);
             SipPhone phone = new SipPhone(Protocol.UDP, server.atrium.voip().sip.orElseThrow().port(Protocol.UDP))) {
            assertThat(phone.withDigest(phone.register("202-1", List.of(phone.contact("b")), Optional.of(120)),
                    bobPhone[0], bobPhone[1]).status()).isEqualTo(200);
            JsonNode added = adminWs.nextOfType("voip.registration.added").get("data");
            assertThat(added.get("device").asText()).isEqualTo("202-1");
            assertThat(added.get("login").asText()).isEqualTo("bob");
            assertThat(added.get("transport").asText()).isEqualTo("udp");
            String bindingId = added.get("id").asText();
            assertThat(admin.get("/api/v1/admin/voip/registrations").json().get("items").get(0).get("id").asText())
                    .isEqualTo(bindingId);

            CallRecordId c = log().started(new CallLog.Start(party("alice", "201"), "202", Optional.of(id("bob")), "cid-1"));
            assertThat(adminWs.nextOfType("voip.call.started").get("data").get("id").asText())
                    .isEqualTo(Long.toString(c.value()));
            log().ended(c, CallLog.Outcome.NO_ANSWER, 480);
            JsonNode ended = adminWs.nextOfType("voip.call.ended").get("data");
            assertThat(ended.get("outcome").asText()).isEqualTo("no-answer");
            JsonNode changed = bobWs.nextMatching(f -> f.path("type").asText().equals("voip.history.changed")
                    && f.path("data").path("call").path("outcome").asText().equals("no-answer")).get("data");
            assertThat(changed.get("call").get("direction").asText()).isEqualTo("in");
            assertThat(changed.get("missed").asInt()).isEqualTo(1);

            // Resetting the phone's password drops its binding: the live view is told.
            assertThat(admin.post("/api/v1/admin/voip/devices/202-1/password", Map.of()).status()).isEqualTo(200);
            assertThat(adminWs.nextOfType("voip.registration.removed").get("data").get("id").asText())
                    .isEqualTo(bindingId);

            // Bob gets no administrators' event, Carol (no part in the call) nothing at all.
            assertThat(bobWs.drain()).extracting(f -> f.get("type").asText())
                    .allMatch(t -> !t.startsWith("voip.call.") && !t.startsWith("voip.registration."));
            assertThat(carolWs.drain()).extracting(f -> f.get("type").asText()).noneMatch(t -> t.startsWith("voip."));
        }
    }
}
