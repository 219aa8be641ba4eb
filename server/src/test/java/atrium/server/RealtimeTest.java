package atrium.server;

import static org.assertj.core.api.Assertions.assertThat;

import atrium.core.bus.Audience;
import atrium.core.bus.Event;
import atrium.core.http.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The /ws WebSocket against a real server: who may connect, bad frames, a slow reader, presence. */
class RealtimeTest {
    static TestServer server;
    private static int people;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("realtime.max-frame-bytes", "2048", "realtime.queue-frames", "64",
                "realtime.presence-heartbeat-seconds", "0.2"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A new account, signed in through the browser API; its login is {@code name} plus a number. */
    static TestClient person(TestServer on, String name) {
        String login = name + (++people);
        String password = passwordOf(login);
        var created = on.admin().post("/api/v1/users", Map.of("login", login, "password", password));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        TestClient c = on.client();
        assertThat(c.signIn(login, password).status()).isEqualTo(200);
        return c;
    }

    static String passwordOf(String login) {
        return "Lantern-Orchid-" + Integer.toHexString(login.hashCode() * 31 + 7) + "-" + login.length();
    }

    static String login(TestClient c) {
        return c.get("/api/v1/me").json().path("login").asText();
    }

    static long accountId(TestServer on, TestClient c) {
        return on.atrium.identity().accounts.byLogin(login(c)).orElseThrow().id().value();
    }

    @Test
    void aConnectionWithoutASignedInSessionIsClosedWith4401() {
        try (WsClient none = WsClient.raw(server, Map.of());
             WsClient forged = WsClient.raw(server, Map.of("Cookie", "atrium_session=not-a-session-token-at-all-000"))) {
            assertThat(none.awaitClose()).isEqualTo(4401);
            assertThat(forged.awaitClose()).isEqualTo(4401);
            assertThat(none.frames).isEmpty();
        }
    }

    @Test
    void aConnectionTheServerFailsToOpenIsClosedWith1011AndAShortReason() throws Exception {
        try (TestServer own = TestServer.start()) {
            TestClient ana = person(own, "ana");
            String cookie = "atrium_session=" + ana.cookie("atrium_session").orElseThrow().getValue();
            // A real failure where the session is looked up (as when no database connection comes
            // in time, which the chat bench hit): the table is gone. Its error text is far longer
            // than a close frame's 125 bytes.
            try (var db = java.sql.DriverManager.getConnection("jdbc:sqlite:" + own.dataDir.resolve("atrium.db"));
                 var st = db.createStatement()) {
                st.execute("ALTER TABLE identity_sessions RENAME TO identity_sessions_away");
            }
            try (WsClient c = WsClient.raw(own, Map.of("Cookie", cookie))) {
                assertThat(c.awaitClose()).isEqualTo(1011);
                assertThat(c.frames).isEmpty();
            }
        }
    }

    @Test
    void aConnectionFromAnotherSitesPageIsRefused() {
        TestClient ana = person(server, "ana");
        try (WsClient own = WsClient.raw(server, Map.of("Origin", server.baseUrl(),
                "Cookie", "atrium_session=" + ana.cookie("atrium_session").orElseThrow().getValue()))) {
            assertThat(own.next().get("type").asText()).isEqualTo("hello");
        }
        // Helidon refuses the handshake itself when the Origin does not name the Host.
        assertThat(WsClient.refusedHandshake(server, Map.of("Origin", "https://evil.example",
                "Cookie", "atrium_session=" + ana.cookie("atrium_session").orElseThrow().getValue()))).isEqualTo(403);
    }

    @Test
    void invalidJsonAnOversizeFrameAndAnUnknownTypeGetErrorFramesAndTheConnectionStaysUsable() {
        TestClient bob = person(server, "bob");
        try (WsClient ws = WsClient.open(server, bob)) {
            ws.send("{not json");
            JsonNode e1 = ws.next();
            assertThat(e1.get("type").asText()).isEqualTo("error");
            assertThat(e1.get("code").asText()).isEqualTo("invalid-json");
            assertThat(e1.get("message").asText()).contains("JSON");

            ws.send("[1,2]");
            assertThat(ws.next().get("code").asText()).isEqualTo("invalid-json");

            ws.send("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(3000) + "\"}");
            JsonNode e2 = ws.next();
            assertThat(e2.get("code").asText()).isEqualTo("frame-too-large");
            assertThat(e2.get("message").asText()).contains("2,048");

            ws.send("{\"type\":\"teleport\",\"id\":7}");
            JsonNode e3 = ws.next();
            assertThat(e3.get("code").asText()).isEqualTo("unknown-type");
            assertThat(e3.get("re").asInt()).isEqualTo(7);

            ws.send("{\"type\":\"ping\",\"id\":\"p1\"}");
            JsonNode pong = ws.next();
            assertThat(pong.get("type").asText()).isEqualTo("pong");
            assertThat(pong.get("re").asText()).isEqualTo("p1");
        }
    }

    @Test
    void eventsFlowOnlyAfterSubscribeAndOnlyToTheirAudience() {
        TestClient cy = person(server, "cy");
        TestClient dee = person(server, "dee");
        long cyId = accountId(server, cy);
        try (WsClient cyTab = WsClient.open(server, cy); WsClient deeTab = WsClient.subscribed(server, dee)) {
            server.atrium.bus().publish(new Event("test.note", Audience.of(java.util.List.of(cyId)),
                    Json.MAPPER.createObjectNode().put("n", 1)));
            assertThat(cyTab.drain("test.note")).isEmpty();
            cyTab.send("{\"type\":\"subscribe\"}");
            cyTab.nextOfType("caught-up");
            server.atrium.bus().publish(new Event("test.note", Audience.of(java.util.List.of(cyId)),
                    Json.MAPPER.createObjectNode().put("n", 2)));
            assertThat(cyTab.nextOfType("test.note").get("data").get("n").asInt()).isEqualTo(2);
            assertThat(deeTab.drain("test.note")).isEmpty();
            cyTab.send("{\"type\":\"subscribe\"}");
            assertThat(cyTab.nextOfType("error").get("code").asText()).isEqualTo("conflict");
        }
    }

    @Test
    void aClientThatStopsReadingIsDroppedWithoutSlowingItsOtherTab() {
        TestClient eve = person(server, "eve");
        long id = accountId(server, eve);
        String pad = "y".repeat(16_000);
        try (WsClient fast = WsClient.subscribed(server, eve); WsClient slow = WsClient.nonReading(server, eve)) {
            slow.send("{\"type\":\"subscribe\"}");
            // In rounds the reading tab keeps up with (its queue holds 64 frames); the other falls behind.
            int sent = 0;
            for (int round = 0; round < 60; round++) {
                for (int i = 0; i < 32; i++, sent++) {
                    server.atrium.bus().publish(new Event("test.flood", Audience.of(java.util.List.of(id)),
                            Json.MAPPER.createObjectNode().put("i", sent).put("pad", pad)));
                }
                for (int i = sent - 32; i < sent; i++) {
                    assertThat(fast.nextOfType("test.flood").get("data").get("i").asInt()).isEqualTo(i);
                }
            }
            // Reading again, the slow tab finds a part of the flood and then its end: 4429 when the
            // close frame got through, 1006 when the server had to cut the socket.
            slow.resumeReading();
            assertThat(slow.awaitClose()).isIn(4429, 1006);
            assertThat(slow.frames.stream().filter(f -> f.path("type").asText().equals("test.flood")).count())
                    .isLessThan(sent);
        }
        // The person reconnects and is served as before.
        try (WsClient again = WsClient.subscribed(server, eve)) {
            server.atrium.bus().publish(new Event("test.flood", Audience.of(java.util.List.of(id)),
                    Json.MAPPER.createObjectNode().put("i", -1)));
            assertThat(again.nextOfType("test.flood").get("data").get("i").asInt()).isEqualTo(-1);
        }
    }

    @Test
    void presenceFollowsConnectionsAndTheChosenStatus() {
        TestClient watcher = person(server, "watcher");
        TestClient fay = person(server, "fay");
        String fayLogin = login(fay);
        try (WsClient w = WsClient.subscribed(server, watcher)) {
            WsClient tab1 = WsClient.open(server, fay);
            WsClient tab2 = WsClient.open(server, fay);
            assertThat(w.nextPresenceOf(fayLogin)).isEqualTo("online");
            assertThat(presenceOf(watcher, fayLogin)).isEqualTo("online");

            tab1.send("{\"type\":\"presence\",\"status\":\"dnd\"}");
            assertThat(w.nextPresenceOf(fayLogin)).isEqualTo("dnd");
            tab1.send("{\"type\":\"presence\",\"status\":\"sleeping\"}");
            assertThat(tab1.nextOfType("error").get("code").asText()).isEqualTo("invalid");

            tab1.close();
            assertThat(tab2.drain()).isNotNull();
            assertThat(presenceOf(watcher, fayLogin)).isEqualTo("dnd");
            tab2.close();
            assertThat(w.nextPresenceOf(fayLogin)).isEqualTo("offline");
            assertThat(presenceOf(watcher, fayLogin)).isEqualTo("offline");
        }
        assertThat(server.client().get("/api/v1/presence").status()).isEqualTo(401);
    }

    @Test
    void thePeopleOfANodeThatFallsSilentGoOfflineAfterThreeHeartbeats() {
        TestClient watcher = person(server, "watcher");
        TestClient gus = person(server, "gus");
        String gusLogin = login(gus);
        try (WsClient w = WsClient.subscribed(server, watcher)) {
            // What another node says once, as it would just before crashing.
            server.atrium.bus().publish(new Event("presence.node", Audience.nobody(), Json.MAPPER.createObjectNode()
                    .put("node", "a-node-that-crashes").put("account", accountId(server, gus)).put("login", gusLogin)
                    .put("status", "online")));
            assertThat(w.nextPresenceOf(gusLogin)).isEqualTo("online");
            assertThat(w.nextPresenceOf(gusLogin)).isEqualTo("offline");
            assertThat(presenceOf(watcher, gusLogin)).isEqualTo("offline");
        }
    }

    static String presenceOf(TestClient asker, String login) {
        var r = asker.get("/api/v1/presence");
        assertThat(r.status()).isEqualTo(200);
        for (JsonNode u : r.json().get("users")) {
            if (u.get("login").asText().equals(login)) {
                return u.get("status").asText();
            }
        }
        return "offline";
    }

    /** Another browser of the same person: a session of its own. */
    private static TestClient again(String login, String password) {
        TestClient c = server.client();
        assertThat(c.signIn(login, password).status()).isEqualTo(200);
        return c;
    }

    @Test
    void theSocketsOfASessionThatEndsAreClosedWith4401AndTheOtherSessionsKeepTheirs() {
        TestClient hal = person(server, "hal");
        String halLogin = login(hal);
        String password = passwordOf(halLogin);
        TestClient second = again(halLogin, password);
        TestClient third = again(halLogin, password);
        try (WsClient first1 = WsClient.subscribed(server, hal); WsClient first2 = WsClient.subscribed(server, hal);
             WsClient secondTab = WsClient.subscribed(server, second); WsClient thirdTab = WsClient.subscribed(server, third)) {
            // Signing out closes that session's tabs only.
            assertThat(hal.delete("/api/v1/session").status()).isEqualTo(204);
            assertThat(first1.awaitClose()).isEqualTo(4401);
            assertThat(first2.awaitClose()).isEqualTo(4401);
            secondTab.send("{\"type\":\"ping\",\"id\":\"still\"}");
            assertThat(secondTab.nextOfType("pong").get("re").asText()).isEqualTo("still");

            // A password change keeps the session that made it and ends the others.
            String next = password + "-next";
            var changed = second.post("/api/v1/me/password", Map.of("currentPassword", password, "newPassword", next));
            assertThat(changed.status()).as(changed.body()).isEqualTo(204);
            assertThat(thirdTab.awaitClose()).isEqualTo(4401);
            secondTab.send("{\"type\":\"ping\",\"id\":\"kept\"}");
            assertThat(secondTab.nextOfType("pong").get("re").asText()).isEqualTo("kept");

            // An administrator disabling the account ends every session.
            var disabled = server.admin().patch("/api/v1/users/" + halLogin, Map.of("enabled", false));
            assertThat(disabled.status()).as(disabled.body()).isEqualTo(200);
            assertThat(secondTab.awaitClose()).isEqualTo(4401);
        }
    }

    @Test
    void revokingASessionFromTheSessionsListClosesItsSockets() {
        TestClient ida = person(server, "ida");
        String idaLogin = login(ida);
        TestClient other = again(idaLogin, passwordOf(idaLogin));
        try (WsClient otherTab = WsClient.subscribed(server, other); WsClient mine = WsClient.subscribed(server, ida)) {
            String revoke = null;
            for (JsonNode s : ida.get("/api/v1/me/sessions").json()) {
                if (!s.get("current").asBoolean()) {
                    revoke = s.get("id").asText();
                }
            }
            assertThat(revoke).isNotNull();
            assertThat(ida.delete("/api/v1/me/sessions/" + revoke).status()).isEqualTo(204);
            assertThat(otherTab.awaitClose()).isEqualTo(4401);
            mine.send("{\"type\":\"ping\",\"id\":\"mine\"}");
            assertThat(mine.nextOfType("pong").get("re").asText()).isEqualTo("mine");
        }
    }

    static JsonNode nextPresenceChange(WsClient w, String login) {
        return w.nextMatching(f -> f.path("type").asText().equals("presence.changed")
                && f.path("data").path("login").asText().equals(login)).get("data");
    }

    static String presenceTextOf(TestClient asker, String login) {
        for (JsonNode u : asker.get("/api/v1/presence").json().get("users")) {
            if (u.get("login").asText().equals(login)) {
                return u.get("text").asText();
            }
        }
        return "";
    }

    @Test
    void aStatusTextIsShownToOthersWithThePresenceUntilClearedAndBadOnesAreRefused() {
        TestClient watcher = person(server, "watcher");
        TestClient jo = person(server, "jo");
        String joLogin = login(jo);
        try (WsClient w = WsClient.subscribed(server, watcher); WsClient tab = WsClient.subscribed(server, jo)) {
            assertThat(w.nextPresenceOf(joLogin)).isEqualTo("online");
            tab.send("{\"type\":\"presence\",\"status\":\"dnd\",\"text\":\"  En réunion jusqu’à 15 h 📅 \"}");
            JsonNode changed = nextPresenceChange(w, joLogin);
            assertThat(changed.get("status").asText()).isEqualTo("dnd");
            assertThat(changed.get("text").asText()).isEqualTo("En réunion jusqu’à 15 h 📅");
            assertThat(presenceTextOf(watcher, joLogin)).isEqualTo("En réunion jusqu’à 15 h 📅");

            // The text alone: the status stays.
            tab.send("{\"type\":\"presence\",\"text\":\"Back at 3\"}");
            changed = nextPresenceChange(w, joLogin);
            assertThat(changed.get("status").asText() + " / " + changed.get("text").asText()).isEqualTo("dnd / Back at 3");

            tab.send("{\"type\":\"presence\",\"text\":\"" + "🙂".repeat(101) + "\",\"id\":1}");
            JsonNode tooLong = tab.nextOfType("error");
            assertThat(tooLong.get("code").asText()).isEqualTo("invalid");
            assertThat(tooLong.get("message").asText()).contains("100");
            tab.send("{\"type\":\"presence\",\"text\":\"two\\nlines\"}");
            assertThat(tab.nextOfType("error").get("code").asText()).isEqualTo("invalid");
            tab.send("{\"type\":\"presence\"}");
            assertThat(tab.nextOfType("error").get("code").asText()).isEqualTo("invalid");
            assertThat(presenceTextOf(watcher, joLogin)).isEqualTo("Back at 3");

            tab.send("{\"type\":\"presence\",\"status\":\"online\",\"text\":\"\"}");
            changed = nextPresenceChange(w, joLogin);
            assertThat(changed.get("status").asText() + " / " + changed.get("text").asText()).isEqualTo("online / ");
            assertThat(presenceTextOf(watcher, joLogin)).isEmpty();
        }
    }
}
