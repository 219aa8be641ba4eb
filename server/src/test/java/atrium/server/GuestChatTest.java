package atrium.server;

import static atrium.server.ChatTest.API;
import static atrium.server.ChatTest.group;
import static atrium.server.ChatTest.post;
import static atrium.server.RealtimeTest.login;
import static atrium.server.RealtimeTest.person;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Guests joining a public conversation through its link, against a real server. */
class GuestChatTest {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("chat.rate-limit", "1000", "login.block-after-failures", "3"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String share(TestClient owner, String conv, Map<String, ?> body) {
        var r = owner.send("PUT", API + "/conversations/" + conv + "/link", body, Map.of());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("path").asText()).isEqualTo("/chat/join/" + r.json().get("token").asText());
        return r.json().get("token").asText();
    }

    /** A guest's /ws connection, subscribed, by the guest cookie. */
    static WsClient guestSocket(TestClient guest) {
        WsClient c = WsClient.raw(server, Map.of("Cookie",
                "atrium_chat_guest=" + guest.cookie("atrium_chat_guest").orElseThrow().getValue()));
        JsonNode hello = c.next();
        assertThat(hello.get("type").asText()).isEqualTo("hello");
        assertThat(hello.get("login").isNull()).isTrue();
        c.send("{\"type\":\"subscribe\"}");
        c.nextOfType("caught-up");
        return c;
    }

    @Test
    void aGuestJoinsByLinkReadsPostsAndReactsAndMembersSeeAGuest() {
        TestClient ana = person(server, "ana");
        TestClient bob = person(server, "bob");
        String conv = group(ana, "Client Dupont", bob);
        String earlier = post(ana, conv, "Welcome").get("id").asText();
        assertThat(bob.send("PUT", API + "/conversations/" + conv + "/link", Map.of(), Map.of()).status()).isEqualTo(403);
        String token = share(ana, conv, Map.of());
        assertThat(token.length()).isGreaterThanOrEqualTo(32);

        TestClient guest = server.client();
        assertThat(guest.get(API + "/guest").status()).isEqualTo(401);
        try (WsClient anaTab = WsClient.subscribed(server, ana)) {
            var joined = guest.post(API + "/join/" + token, Map.of("name", "M. Dupont <b>"));
            assertThat(joined.status()).as(joined.body()).isEqualTo(201);
            assertThat(joined.json().get("guest").get("name").asText()).isEqualTo("M. Dupont <b>");
            assertThat(joined.json().get("conversation").get("name").asText()).isEqualTo("Client Dupont");
            JsonNode seen = anaTab.nextOfType("chat.conversation.updated").get("data");
            assertThat(seen.get("guests")).extracting(g -> g.get("name").asText()).containsExactly("M. Dupont <b>");
            assertThat(seen.get("public").asBoolean()).isTrue();

            // Live, over /ws: what members write reaches the guest.
            try (WsClient guestTab = guestSocket(guest)) {
                post(bob, conv, "Live for the guest");
                assertThat(guestTab.nextOfType("chat.message.created").get("data").get("text").asText())
                        .isEqualTo("Live for the guest");
                anaTab.nextOfType("chat.message.created");
            }

            var history = guest.get(API + "/guest/messages");
            assertThat(history.status()).isEqualTo(200);
            assertThat(history.json().get("items")).extracting(m -> m.get("text").asText()).containsExactly("Welcome", "Live for the guest");

            var sent = guest.post(API + "/guest/messages", Map.of("text", "Bonjour @" + login(bob)));
            assertThat(sent.status()).as(sent.body()).isEqualTo(201);
            JsonNode live = anaTab.nextOfType("chat.message.created").get("data");
            assertThat(live.get("author").isNull()).isTrue();
            assertThat(live.get("guest").asText()).isEqualTo("M. Dupont <b>");
            assertThat(ChatTest.summary(bob, conv).get("mentions").asLong()).isEqualTo(1);

            String thumbs = URLEncoder.encode("👍", StandardCharsets.UTF_8);
            var reacted = guest.put(API + "/guest/messages/" + earlier + "/reactions/" + thumbs);
            assertThat(reacted.status()).as(reacted.body()).isEqualTo(200);
            assertThat(reacted.json().get("reactions").get(0).get("guests")).extracting(JsonNode::asText)
                    .containsExactly("M. Dupont <b>");
            assertThat(anaTab.nextOfType("chat.message.reactions").get("data").get("reactions").get(0)
                    .get("guests").get(0).asText()).isEqualTo("M. Dupont <b>");
        }
        // Members' history shows the guest's message as a guest's.
        JsonNode last = ana.get(API + "/conversations/" + conv + "/messages").json().get("items").get(2);
        assertThat(last.get("guest").asText()).isEqualTo("M. Dupont <b>");
    }

    @Test
    void aGuestReachesNothingElse() {
        TestClient ana = person(server, "ana");
        String conv = group(ana, "Public");
        String other = group(ana, "Private");
        String token = share(ana, conv, Map.of());
        TestClient guest = server.client();
        assertThat(guest.post(API + "/join/" + token, Map.of("name", "  ")).status()).isEqualTo(400);
        assertThat(guest.post(API + "/join/" + token, Map.of("name", "Visitor", "admin", true)).status()).isEqualTo(400);
        assertThat(guest.post(API + "/join/" + token, Map.of("name", "Visitor")).status()).isEqualTo(201);
        for (String path : List.of(API + "/conversations", API + "/conversations/" + other,
                API + "/conversations/" + conv, API + "/conversations/" + other + "/messages", "/api/v1/users",
                "/api/v1/me", "/api/v1/groups", "/api/v1/presence", "/api/v1/admin/settings", "/api/v1/audit")) {
            assertThat(guest.get(path).status()).as(path).isEqualTo(401);
        }
        assertThat(guest.post(API + "/conversations/" + other + "/messages", Map.of("text", "hi")).status()).isEqualTo(401);
        assertThat(guest.get("/remote.php/dav/files/" + login(ana) + "/").status()).isEqualTo(401);
        try (WsClient ws = guestSocket(guest)) {
            // Nothing of other conversations, nobody's presence.
            post(ana, other, "private");
            try (WsClient anaTab = WsClient.subscribed(server, ana)) {
                anaTab.send("{\"type\":\"presence\",\"status\":\"away\"}");
                post(ana, conv, "public");
                assertThat(ws.nextOfType("chat.message.created").get("data").get("text").asText()).isEqualTo("public");
            }
            assertThat(ws.drain()).extracting(f -> f.get("type").asText()).doesNotContain("presence.changed")
                    .doesNotContain("chat.message.created");
            ws.send("{\"type\":\"presence\",\"status\":\"away\"}");
            assertThat(ws.nextOfType("error").get("code").asText()).isEqualTo("forbidden");
        }
        // A message to a locked conversation is refused to a guest as to a member.
        assertThat(ana.patch(API + "/conversations/" + conv, Map.of("readOnly", true)).status()).isEqualTo(200);
        assertThat(guest.post(API + "/guest/messages", Map.of("text", "hi")).status()).isEqualTo(403);
    }

    @Test
    void aPasswordIsNeededWrongOnesAreThrottledAndUnknownTokensAre404() {
        TestClient ana = person(server, "ana");
        String conv = group(ana, "Locked");
        String token = share(ana, conv, Map.of("password", "Sesame-Open-42"));
        var link = ana.get(API + "/conversations/" + conv + "/link");
        assertThat(link.json().get("password").asBoolean()).isTrue();
        TestClient guest = server.client();
        assertThat(guest.post(API + "/join/" + token, Map.of("name", "Eve")).status()).isEqualTo(401);
        for (int i = 0; i < 3; i++) {
            var wrong = guest.post(API + "/join/" + token, Map.of("name", "Eve", "password", "guess" + i));
            assertThat(wrong.status()).isEqualTo(401);
            assertThat(wrong.json().get("error").asText()).isEqualTo("link_password_wrong");
        }
        var blocked = guest.post(API + "/join/" + token, Map.of("name", "Eve", "password", "Sesame-Open-42"));
        assertThat(blocked.status()).isEqualTo(429);
        assertThat(guest.post(API + "/join/" + "x".repeat(32), Map.of("name", "Eve")).status()).isEqualTo(404);
    }

    @Test
    void anOwnerRemovesAGuestOrRevokesTheLinkAndTheGuestSessionsEnd() {
        TestClient ana = person(server, "ana");
        String conv = group(ana, "Temporary");
        String token = share(ana, conv, Map.of());
        TestClient first = server.client();
        TestClient second = server.client();
        var j1 = first.post(API + "/join/" + token, Map.of("name", "One"));
        assertThat(second.post(API + "/join/" + token, Map.of("name", "Two")).status()).isEqualTo(201);
        String firstId = j1.json().get("guest").get("id").asText();
        assertThat(ana.delete(API + "/conversations/" + conv + "/guests/" + firstId).status()).isEqualTo(204);
        assertThat(first.get(API + "/guest/messages").status()).isEqualTo(401);
        assertThat(second.get(API + "/guest/messages").status()).isEqualTo(200);
        assertThat(ana.get(API + "/conversations/" + conv).json().get("guests")).extracting(g -> g.get("name").asText())
                .containsExactly("Two");

        try (WsClient secondTab = guestSocket(second)) {
            assertThat(ana.delete(API + "/conversations/" + conv + "/link").status()).isEqualTo(204);
            assertThat(secondTab.awaitClose()).isEqualTo(4401);
        }
        assertThat(second.get(API + "/guest/messages").status()).isEqualTo(401);
        assertThat(second.post(API + "/join/" + token, Map.of("name", "Two")).status()).isEqualTo(404);
        assertThat(ana.get(API + "/conversations/" + conv + "/link").status()).isEqualTo(404);
        assertThat(ana.get(API + "/conversations/" + conv).json().get("public").asBoolean()).isFalse();
    }

    @Test
    void aGuestAndTheMembersSeeEachOtherTypingAndAGuestTypesOnlyInItsConversation() {
        TestClient ana = person(server, "ana");
        String conv = group(ana, "Typing");
        String other = group(ana, "Elsewhere");
        TestClient guest = server.client();
        var joined = guest.post(API + "/join/" + share(ana, conv, Map.of()), Map.of("name", "M. Typo"));
        assertThat(joined.status()).as(joined.body()).isEqualTo(201);
        String guestId = joined.json().get("guest").get("id").asText();
        try (WsClient anaTab = WsClient.subscribed(server, ana); WsClient guestTab = guestSocket(guest)) {
            guestTab.send("{\"type\":\"typing\",\"conversation\":\"" + conv + "\"}");
            JsonNode seen = anaTab.nextOfType("chat.typing").get("data");
            assertThat(seen.get("conversation").asText()).isEqualTo(conv);
            assertThat(seen.get("login").isNull()).isTrue();
            assertThat(seen.get("guest").asText()).isEqualTo("M. Typo");
            assertThat(seen.get("guestId").asText()).isEqualTo(guestId);

            anaTab.send("{\"type\":\"typing\",\"conversation\":\"" + conv + "\"}");
            assertThat(guestTab.nextMatching(f -> f.path("type").asText().equals("chat.typing")
                    && f.path("data").path("login").asText().equals(login(ana))).get("data").get("conversation").asText())
                    .isEqualTo(conv);

            guestTab.send("{\"type\":\"typing\",\"conversation\":\"" + other + "\"}");
            assertThat(guestTab.nextOfType("error").get("code").asText()).isEqualTo("forbidden");
            // Ana is a member of the other conversation: nothing of the refused frame reached her.
            assertThat(anaTab.drain("chat.typing")).extracting(f -> f.get("data").get("conversation").asText())
                    .doesNotContain(other);
        }
    }
}
