package atrium.server;

import static atrium.server.RealtimeTest.login;
import static atrium.server.RealtimeTest.person;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Chat through its REST API and real WebSocket clients on /ws, against a real server. */
class ChatTest {
    static final String API = "/api/v1/chat";
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("chat.rate-limit", "1000"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String group(TestClient owner, String name, TestClient... members) {
        List<String> logins = new ArrayList<>();
        for (TestClient m : members) {
            logins.add(login(m));
        }
        var r = owner.post(API + "/conversations", Map.of("kind", "group", "name", name, "members", logins));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    static JsonNode post(TestClient author, String conversation, String text) {
        var r = author.post(API + "/conversations/" + conversation + "/messages", Map.of("text", text));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json();
    }

    static boolean isChat(JsonNode f) {
        return f.path("type").asText().startsWith("chat.");
    }

    @Test
    void aMessageReachesEveryTabOfEveryMemberAndNobodyElse() {
        TestClient ana = person(server, "ana");
        TestClient bob = person(server, "bob");
        TestClient cy = person(server, "cy");
        try (WsClient ana1 = WsClient.subscribed(server, ana); WsClient ana2 = WsClient.subscribed(server, ana);
             WsClient bob1 = WsClient.subscribed(server, bob); WsClient cy1 = WsClient.subscribed(server, cy)) {
            String conv = group(ana, "Accounts <b>2025</b>", bob);
            for (WsClient tab : List.of(ana1, ana2, bob1)) {
                JsonNode created = tab.nextOfType("chat.conversation.created");
                assertThat(created.get("data").get("id").asText()).isEqualTo(conv);
                assertThat(created.get("data").get("name").asText()).isEqualTo("Accounts <b>2025</b>");
            }
            JsonNode sent = post(ana, conv, "Hello @" + login(bob) + " <script>alert(1)</script>");
            for (WsClient tab : List.of(ana1, ana2, bob1)) {
                JsonNode m = tab.nextOfType("chat.message.created").get("data");
                assertThat(m.get("id").asText()).isEqualTo(sent.get("id").asText());
                assertThat(m.get("text").asText()).isEqualTo("Hello @" + login(bob) + " <script>alert(1)</script>");
                assertThat(m.get("author").asText()).isEqualTo(login(ana));
            }
            assertThat(cy1.drain().stream().filter(ChatTest::isChat)).isEmpty();
            assertThat(ana1.drain().stream().filter(ChatTest::isChat)).isEmpty();
        }
    }

    @Test
    void aClientReconnectingWithSinceGetsExactlyWhatItMissedThenLiveMessagesOnce() {
        TestClient ana = person(server, "ana");
        TestClient bob = person(server, "bob");
        String conv = group(ana, "Reconnect", bob);
        String first;
        try (WsClient tab = WsClient.subscribed(server, bob)) {
            first = post(ana, conv, "one").get("id").asText();
            assertThat(tab.nextOfType("chat.message.created").get("data").get("id").asText()).isEqualTo(first);
        }
        // Offline: two new messages, and the first one edited.
        String second = post(ana, conv, "two").get("id").asText();
        String third = post(ana, conv, "three").get("id").asText();
        assertThat(ana.patch(API + "/conversations/" + conv + "/messages/" + first, Map.of("text", "one, edited")).status())
                .isEqualTo(200);
        try (WsClient tab = WsClient.open(server, bob)) {
            tab.send("{\"type\":\"subscribe\",\"since\":{\"chat\":\"" + first + "\"}}");
            List<JsonNode> caught = new ArrayList<>();
            JsonNode f;
            while (!(f = tab.next()).path("type").asText().equals("caught-up")) {
                if (isChat(f)) {
                    caught.add(f);
                }
            }
            assertThat(f.get("complete").asBoolean()).isTrue();
            assertThat(caught).extracting(c -> c.get("type").asText() + " " + c.get("data").get("id").asText())
                    .containsExactly("chat.message.updated " + first, "chat.message.created " + second,
                            "chat.message.created " + third);
            assertThat(caught.getFirst().get("data").get("text").asText()).isEqualTo("one, edited");
            assertThat(caught.getFirst().get("data").get("editedAt").isNull()).isFalse();

            String fourth = post(ana, conv, "four").get("id").asText();
            assertThat(tab.drain("chat.message.created")).extracting(c -> c.get("data").get("id").asText())
                    .containsExactly(fourth);
        }
        // The same through REST, for software without a WebSocket.
        var missed = bob.get(API + "/missed?since=" + second);
        assertThat(missed.json().get("items")).extracting(m -> m.get("text").asText()).contains("three", "four");
        assertThat(missed.json().get("complete").asBoolean()).isTrue();
    }

    @Test
    void aSubscribeWithABadCursorIsAnErrorFrameAndTheConnectionCanSubscribeAfter() {
        TestClient ana = person(server, "ana");
        try (WsClient tab = WsClient.open(server, ana)) {
            tab.send("{\"type\":\"subscribe\",\"since\":{\"chat\":\"yesterday\"}}");
            assertThat(tab.nextOfType("error").get("code").asText()).isEqualTo("invalid");
            tab.send("{\"type\":\"subscribe\",\"since\":{\"mail\":\"1\"}}");
            assertThat(tab.nextOfType("error").get("message").asText()).contains("mail");
            tab.send("{\"type\":\"subscribe\",\"since\":{\"chat\":\"0\"}}");
            assertThat(tab.nextOfType("caught-up").get("complete").asBoolean()).isTrue();
        }
    }

    @Test
    void aOneToOneConversationIsUniquePerPair() {
        TestClient ana = person(server, "ana");
        TestClient bob = person(server, "bob");
        var first = ana.post(API + "/conversations", Map.of("kind", "direct", "with", login(bob)));
        assertThat(first.status()).isEqualTo(201);
        var again = bob.post(API + "/conversations", Map.of("kind", "direct", "with", login(ana)));
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("id").asText()).isEqualTo(first.json().get("id").asText());
        assertThat(ana.post(API + "/conversations", Map.of("kind", "direct", "with", login(ana))).status()).isEqualTo(400);
        assertThat(ana.post(API + "/conversations", Map.of("kind", "direct", "with", "nobody-here")).status()).isEqualTo(400);
        String conv = first.json().get("id").asText();
        assertThat(ana.patch(API + "/conversations/" + conv, Map.of("name", "x")).status()).isEqualTo(409);
        var list = bob.get(API + "/conversations").json().get("items");
        assertThat(list).anySatisfy(c -> {
            assertThat(c.get("id").asText()).isEqualTo(conv);
            assertThat(c.get("with").asText()).isEqualTo(login(ana));
            assertThat(c.get("kind").asText()).isEqualTo("direct");
        });
    }

    @Test
    void aMessageOverTheLimitIs413WithAMessageInEnglishOrFrench() {
        TestClient ana = person(server, "ana");
        String conv = group(ana, "Long");
        String text = "é".repeat(32_001);
        var en = ana.post(API + "/conversations/" + conv + "/messages", Map.of("text", text));
        assertThat(en.status()).isEqualTo(413);
        assertThat(en.json().get("message").asText()).contains("32,001").contains("32,000");
        var fr = ana.send("POST", API + "/conversations/" + conv + "/messages", Map.of("text", text),
                Map.of("Accept-Language", "fr"));
        assertThat(fr.status()).isEqualTo(413);
        assertThat(fr.json().get("message").asText()).startsWith("Le message compte");
        assertThat(ana.post(API + "/conversations/" + conv + "/messages", Map.of("text", "é".repeat(32_000))).status())
                .isEqualTo(201);
        assertThat(ana.post(API + "/conversations/" + conv + "/messages", Map.of("text", "  ")).status()).isEqualTo(400);
    }

    @Test
    void postingFasterThanTheRateLimitIs429() {
        try (TestServer strict = TestServer.start(Map.of("chat.rate-limit", "3"))) {
            TestClient ana = person(strict, "ana");
            String conv = group(ana, "Fast");
            for (int i = 0; i < 3; i++) {
                post(ana, conv, "m" + i);
            }
            var r = ana.post(API + "/conversations/" + conv + "/messages", Map.of("text", "one too many"));
            assertThat(r.status()).isEqualTo(429);
            assertThat(r.json().get("message").asText()).contains("too fast");
            assertThat(r.header("Retry-After")).isPresent();
        }
    }

    @Test
    void aNonMemberGets403AnUnknownConversation404AndAStrangerWithoutCredentials401() {
        TestClient ana = person(server, "ana");
        TestClient eve = person(server, "eve");
        String conv = group(ana, "Private");
        String msg = post(ana, conv, "secret").get("id").asText();
        assertThat(eve.get(API + "/conversations/" + conv).status()).isEqualTo(403);
        assertThat(eve.get(API + "/conversations/" + conv + "/messages").status()).isEqualTo(403);
        assertThat(eve.post(API + "/conversations/" + conv + "/messages", Map.of("text", "hi")).status()).isEqualTo(403);
        assertThat(eve.put(API + "/conversations/" + conv + "/messages/" + msg + "/reactions/x").status()).isEqualTo(403);
        assertThat(eve.post(API + "/conversations/" + conv + "/members", Map.of("login", login(eve))).status()).isEqualTo(403);
        assertThat(eve.get(API + "/missed?since=0").json().get("items")).isEmpty();
        assertThat(eve.get(API + "/conversations/123456789").status()).isEqualTo(404);
        assertThat(eve.get(API + "/conversations/abc").status()).isEqualTo(404);
        assertThat(ana.get(API + "/conversations/" + conv + "/messages/999/").status()).isEqualTo(404);
        assertThat(server.client().get(API + "/conversations").status()).isEqualTo(401);
        // Typing in someone else's conversation is refused too.
        try (WsClient tab = WsClient.subscribed(server, eve)) {
            tab.send("{\"type\":\"typing\",\"conversation\":\"" + conv + "\"}");
            assertThat(tab.nextOfType("error").get("code").asText()).isEqualTo("forbidden");
        }
    }

    @Test
    void otherSoftwarePostsAndReadsWithAnAppPassword() {
        TestClient ana = person(server, "ana");
        String conv = group(ana, "Robots");
        String appPassword = ana.post("/api/v1/me/app-passwords", Map.of("name", "erp")).json().get("password").asText();
        TestClient erp = new TestClient(server.baseUrl()).basic(login(ana), appPassword);
        var r = erp.post(API + "/conversations/" + conv + "/messages", Map.of("text", "Invoice 42 paid"));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(erp.get(API + "/conversations/" + conv + "/messages").json().get("items"))
                .extracting(m -> m.get("text").asText()).containsExactly("Invoice 42 paid");
    }

    @Test
    void historyPagesBackwardsWithoutGapsOrRepeats() {
        TestClient ana = person(server, "ana");
        String conv = group(ana, "History");
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            sent.add(post(ana, conv, "n" + i).get("id").asText());
        }
        List<String> read = new ArrayList<>();
        String before = "";
        boolean more = true;
        int pages = 0;
        while (more) {
            var page = ana.get(API + "/conversations/" + conv + "/messages?limit=50" + before).json();
            List<String> ids = new ArrayList<>();
            page.get("items").forEach(m -> ids.add(m.get("id").asText()));
            read.addAll(0, ids);
            more = page.get("more").asBoolean();
            before = "&before=" + ids.getFirst();
            pages++;
        }
        assertThat(pages).isEqualTo(3);
        assertThat(read).isEqualTo(sent);
        assertThat(ana.get(API + "/conversations/" + conv + "/messages?limit=0").status()).isEqualTo(400);
    }

    @Test
    void unreadAndMentionCountsFollowMessagesAndTheReadMarker() {
        TestClient ana = person(server, "ana");
        TestClient bob = person(server, "bob");
        TestClient cy = person(server, "cy");
        String conv = group(ana, "Counts", bob, cy);
        post(ana, conv, "plain");
        post(ana, conv, "for you @" + login(bob) + ".");
        post(ana, conv, "mail ana@" + login(bob) + " is not a mention");
        String last = post(ana, conv, "@all meeting at 3").get("id").asText();
        JsonNode forBob = summary(bob, conv);
        assertThat(forBob.get("unread").asLong()).isEqualTo(4);
        assertThat(forBob.get("mentions").asLong()).isEqualTo(2);
        JsonNode forCy = summary(cy, conv);
        assertThat(forCy.get("mentions").asLong()).isEqualTo(1);
        assertThat(summary(ana, conv).get("unread").asLong()).isZero();

        try (WsClient anaTab = WsClient.subscribed(server, ana)) {
            assertThat(bob.post(API + "/conversations/" + conv + "/read", Map.of("messageId", last)).status()).isEqualTo(204);
            JsonNode read = anaTab.nextOfType("chat.read").get("data");
            assertThat(read.get("login").asText()).isEqualTo(login(bob));
            assertThat(read.get("messageId").asText()).isEqualTo(last);
        }
        assertThat(summary(bob, conv).get("unread").asLong()).isZero();
        assertThat(summary(bob, conv).get("mentions").asLong()).isZero();
    }

    static JsonNode summary(TestClient who, String conv) {
        for (JsonNode c : who.get(API + "/conversations").json().get("items")) {
            if (c.get("id").asText().equals(conv)) {
                return c;
            }
        }
        throw new AssertionError("conversation " + conv + " not in the list");
    }

    @Test
    void ownersAndModeratorsRunTheGroupMembersLeaveAndTheOwnerDeletesIt() {
        TestClient ana = person(server, "ana");
        TestClient bob = person(server, "bob");
        TestClient cy = person(server, "cy");
        String conv = group(ana, "Team", bob);
        String path = API + "/conversations/" + conv;
        assertThat(bob.patch(path, Map.of("name", "Mine")).status()).isEqualTo(403);
        assertThat(bob.post(path + "/members", Map.of("login", login(cy))).status()).isEqualTo(403);
        assertThat(ana.patch(path + "/members/" + login(bob), Map.of("role", "moderator")).status()).isEqualTo(200);
        var renamed = bob.patch(path, Map.of("name", "Team 2", "readOnly", true));
        assertThat(renamed.status()).as(renamed.body()).isEqualTo(200);
        assertThat(renamed.json().get("name").asText()).isEqualTo("Team 2");
        assertThat(renamed.json().get("readOnly").asBoolean()).isTrue();
        assertThat(bob.post(path + "/members", Map.of("login", login(cy))).status()).isEqualTo(200);

        try (WsClient cyTab = WsClient.subscribed(server, cy)) {
            var locked = cy.post(path + "/messages", Map.of("text", "may I?"));
            assertThat(locked.status()).isEqualTo(403);
            assertThat(locked.json().get("error").asText()).isEqualTo("read-only");
            post(bob, conv, "moderators may");
            assertThat(cyTab.nextOfType("chat.message.created").get("data").get("text").asText()).isEqualTo("moderators may");

            assertThat(bob.delete(path + "/members/" + login(ana)).status()).isEqualTo(403);
            assertThat(cy.delete(path + "/members/" + login(cy)).status()).isEqualTo(204);
            assertThat(cyTab.nextOfType("chat.member.removed").get("data").get("login").asText()).isEqualTo(login(cy));
            assertThat(cy.get(path).status()).isEqualTo(403);
            post(bob, conv, "after cy left");
            assertThat(cyTab.drain().stream().filter(ChatTest::isChat)).isEmpty();
        }
        assertThat(ana.patch(path + "/members/" + login(ana), Map.of("role", "member")).status()).isEqualTo(409);
        assertThat(bob.delete(path).status()).isEqualTo(403);
        try (WsClient bobTab = WsClient.subscribed(server, bob)) {
            assertThat(ana.delete(path).status()).isEqualTo(204);
            assertThat(bobTab.nextOfType("chat.conversation.deleted").get("data").get("conversation").asText()).isEqualTo(conv);
        }
        assertThat(ana.get(path).status()).isEqualTo(404);
    }

    @Test
    void aModeratorAddsEveryoneInAGroupAtOnce() {
        TestClient ana = person(server, "ana");
        TestClient bob = person(server, "bob");
        TestClient cy = person(server, "cy");
        TestClient admin = server.admin();
        String groupName = "Tunis " + login(ana);
        assertThat(admin.post("/api/v1/groups", Map.of("name", groupName)).status()).isEqualTo(201);
        for (TestClient m : List.of(bob, cy)) {
            assertThat(admin.put("/api/v1/groups/" + groupName.replace(" ", "%20") + "/members/" + login(m)).status())
                    .isBetween(200, 204);
        }
        String conv = group(ana, "Tunis office");
        var r = ana.post(API + "/conversations/" + conv + "/members", Map.of("group", groupName));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("members")).extracting(m -> m.get("login").asText())
                .containsExactlyInAnyOrder(login(ana), login(bob), login(cy));
        assertThat(ana.post(API + "/conversations/" + conv + "/members", Map.of("group", "no such group")).status())
                .isEqualTo(404);
        assertThat(bob.post(API + "/conversations/" + conv + "/members", Map.of("group", groupName)).status())
                .isEqualTo(403);
    }

    @Test
    void repliesEditsDeletionsReactionsAndTypingReachTheMembers() {
        TestClient ana = person(server, "ana");
        TestClient bob = person(server, "bob");
        String conv = group(ana, "Edits", bob);
        String path = API + "/conversations/" + conv + "/messages/";
        String q = post(ana, conv, "Lunch?").get("id").asText();
        try (WsClient anaTab = WsClient.subscribed(server, ana)) {
            var reply = bob.post(API + "/conversations/" + conv + "/messages", Map.of("text", "Yes", "replyTo", q));
            assertThat(reply.status()).isEqualTo(201);
            assertThat(anaTab.nextOfType("chat.message.created").get("data").get("replyTo").asText()).isEqualTo(q);
            String r = reply.json().get("id").asText();

            assertThat(ana.patch(path + r, Map.of("text", "No")).status()).isEqualTo(403);
            assertThat(bob.patch(path + r, Map.of("text", "Yes, at noon")).status()).isEqualTo(200);
            JsonNode edited = anaTab.nextOfType("chat.message.edited").get("data");
            assertThat(edited.get("text").asText()).isEqualTo("Yes, at noon");
            assertThat(edited.get("editedAt").isNull()).isFalse();

            String thumbs = URLEncoder.encode("👍", StandardCharsets.UTF_8);
            assertThat(bob.put(path + q + "/reactions/" + thumbs).status()).isEqualTo(200);
            JsonNode reacted = anaTab.nextOfType("chat.message.reactions").get("data");
            assertThat(reacted.get("reactions").get(0).get("emoji").asText()).isEqualTo("👍");
            assertThat(reacted.get("reactions").get(0).get("logins").get(0).asText()).isEqualTo(login(bob));
            assertThat(bob.put(path + q + "/reactions/a%20b").status())
                    .isEqualTo(400);
            assertThat(bob.delete(path + q + "/reactions/" + thumbs).json().get("reactions")).isEmpty();
            anaTab.nextOfType("chat.message.reactions");

            // Ana owns the group: she may delete Bob's message; it keeps its place, emptied.
            var deleted = ana.delete(path + r);
            assertThat(deleted.status()).isEqualTo(200);
            JsonNode gone = anaTab.nextOfType("chat.message.deleted").get("data");
            assertThat(gone.get("deleted").asBoolean()).isTrue();
            assertThat(gone.get("text").asText()).isEmpty();
            assertThat(bob.patch(path + r, Map.of("text", "again")).status()).isEqualTo(409);
            assertThat(ana.get(API + "/conversations/" + conv + "/messages").json().get("items")).hasSize(2);

            try (WsClient bobTab = WsClient.subscribed(server, bob)) {
                // Three keystrokes in a row make one typing event.
                for (int i = 0; i < 3; i++) {
                    bobTab.send("{\"type\":\"typing\",\"conversation\":\"" + conv + "\"}");
                }
                bobTab.drain();
                assertThat(anaTab.drain("chat.typing")).extracting(f -> f.get("data").get("login").asText())
                        .containsExactly(login(bob));
            }
        }
    }

    @Test
    void aConversationFollowingAGroupTakesInWhoJoinsItAndLetsGoWhoLeavesIt() {
        TestClient ana = person(server, "ana");
        TestClient bob = person(server, "bob");
        TestClient cy = person(server, "cy");
        TestClient dan = person(server, "dan");
        TestClient admin = server.admin();
        String sales = "Sales " + login(ana);
        String sfax = "Sfax " + login(ana);
        for (String g : List.of(sales, sfax)) {
            assertThat(admin.post("/api/v1/groups", Map.of("name", g)).status()).isEqualTo(201);
        }
        String salesPath = "/api/v1/groups/" + sales.replace(" ", "%20") + "/members/";
        String sfaxPath = "/api/v1/groups/" + sfax.replace(" ", "%20") + "/members/";
        assertThat(admin.put(salesPath + login(bob)).status()).isEqualTo(204);
        String conv = group(ana, "Sales team");
        String path = API + "/conversations/" + conv;
        var linked = ana.post(path + "/members", Map.of("group", sales));
        assertThat(linked.status()).as(linked.body()).isEqualTo(200);
        assertThat(linked.json().get("groups")).extracting(JsonNode::asText).containsExactly(sales);
        assertThat(linked.json().get("members")).extracting(m -> m.get("login").asText())
                .containsExactlyInAnyOrder(login(ana), login(bob));

        try (WsClient cyTab = WsClient.subscribed(server, cy); WsClient bobTab = WsClient.subscribed(server, bob)) {
            // Joining the group is joining the conversation, live.
            assertThat(admin.put(salesPath + login(cy)).status()).isEqualTo(204);
            JsonNode joined = cyTab.nextOfType("chat.conversation.updated").get("data");
            assertThat(joined.get("id").asText()).isEqualTo(conv);
            assertThat(joined.get("members")).extracting(m -> m.get("login").asText()).contains(login(cy));
            assertThat(cy.get(path).status()).isEqualTo(200);

            // Leaving the group is leaving the conversation.
            assertThat(admin.delete(salesPath + login(bob)).status()).isEqualTo(204);
            assertThat(bobTab.nextOfType("chat.member.removed").get("data").get("login").asText()).isEqualTo(login(bob));
            assertThat(bob.get(path).status()).isEqualTo(403);

            // Groups set on the account (the users API) count too.
            var back = admin.patch("/api/v1/users/" + login(bob), Map.of("groups", List.of(sales)));
            assertThat(back.status()).as(back.body()).isEqualTo(200);
            assertThat(bob.get(path).status()).isEqualTo(200);
        }

        // Someone still in another followed group stays; the owner stays whatever her groups.
        assertThat(ana.post(path + "/members", Map.of("group", sfax)).status()).isEqualTo(200);
        assertThat(admin.put(sfaxPath + login(cy)).status()).isEqualTo(204);
        assertThat(admin.delete(salesPath + login(cy)).status()).isEqualTo(204);
        assertThat(cy.get(path).status()).isEqualTo(200);
        assertThat(admin.put(salesPath + login(ana)).status()).isEqualTo(204);
        assertThat(admin.delete(salesPath + login(ana)).status()).isEqualTo(204);
        assertThat(ana.get(path).status()).isEqualTo(200);

        // Unlinked, the group no longer brings people in; its members stay.
        assertThat(bob.delete(path + "/groups/" + sales.replace(" ", "%20")).status()).isEqualTo(403);
        var unlinked = ana.delete(path + "/groups/" + sales.replace(" ", "%20"));
        assertThat(unlinked.status()).as(unlinked.body()).isEqualTo(200);
        assertThat(unlinked.json().get("groups")).extracting(JsonNode::asText).containsExactly(sfax);
        assertThat(ana.delete(path + "/groups/" + sales.replace(" ", "%20")).status()).isEqualTo(404);
        assertThat(admin.put(salesPath + login(dan)).status()).isEqualTo(204);
        assertThat(dan.get(path).status()).isEqualTo(403);
        assertThat(bob.get(path).status()).isEqualTo(200);
    }

    @Test
    void eachPersonMutesFavouritesAndArchivesTheirOwnConversations() {
        TestClient ana = person(server, "ana");
        TestClient bob = person(server, "bob");
        TestClient cy = person(server, "cy");
        String older = group(ana, "Older", bob);
        String newer = group(ana, "Newer", bob);
        post(ana, newer, "latest");
        assertThat(bob.get(API + "/conversations").json().get("items").get(0).get("id").asText()).isEqualTo(newer);

        try (WsClient bobTab = WsClient.subscribed(server, bob); WsClient anaTab = WsClient.subscribed(server, ana)) {
            var fav = bob.patch(API + "/conversations/" + older + "/me", Map.of("favourite", true));
            assertThat(fav.status()).as(fav.body()).isEqualTo(200);
            assertThat(fav.json().get("favourite").asBoolean()).isTrue();
            assertThat(fav.json().get("muted").asBoolean()).isFalse();
            JsonNode told = bobTab.nextOfType("chat.conversation.personal").get("data");
            assertThat(told.get("conversation").asText()).isEqualTo(older);
            assertThat(told.get("favourite").asBoolean()).isTrue();
            assertThat(anaTab.drain("chat.conversation.personal")).isEmpty();
        }
        // Favourites first; Ana's own list is untouched.
        assertThat(bob.get(API + "/conversations").json().get("items").get(0).get("id").asText()).isEqualTo(older);
        assertThat(summary(bob, older).get("favourite").asBoolean()).isTrue();
        assertThat(summary(ana, older).get("favourite").asBoolean()).isFalse();

        // Muted: mentions give no badge, unread still counts; unmuted, the mention shows again.
        assertThat(bob.patch(API + "/conversations/" + newer + "/me", Map.of("muted", true)).status()).isEqualTo(200);
        post(ana, newer, "@" + login(bob) + " look");
        JsonNode muted = summary(bob, newer);
        assertThat(muted.get("muted").asBoolean()).isTrue();
        assertThat(muted.get("mentions").asLong()).isZero();
        assertThat(muted.get("unread").asLong()).isEqualTo(2);
        assertThat(bob.patch(API + "/conversations/" + newer + "/me", Map.of("muted", false)).status()).isEqualTo(200);
        assertThat(summary(bob, newer).get("mentions").asLong()).isEqualTo(1);

        // Archived until the next message.
        assertThat(bob.patch(API + "/conversations/" + older + "/me", Map.of("archived", true)).status()).isEqualTo(200);
        JsonNode archived = summary(bob, older);
        assertThat(archived.get("archived").asBoolean()).isTrue();
        assertThat(archived.get("favourite").asBoolean()).isTrue();
        post(ana, older, "back again");
        assertThat(summary(bob, older).get("archived").asBoolean()).isFalse();

        assertThat(bob.patch(API + "/conversations/" + older + "/me", Map.of("muted", "yes")).status()).isEqualTo(400);
        assertThat(bob.patch(API + "/conversations/" + older + "/me", Map.of("pinned", true)).status()).isEqualTo(400);
        assertThat(cy.patch(API + "/conversations/" + older + "/me", Map.of("muted", true)).status()).isEqualTo(403);
        assertThat(cy.patch(API + "/conversations/999/me", Map.of("muted", true)).status()).isEqualTo(404);
    }

    @Test
    void searchFindsMessagesOfTheCallersConversationsOnlyWithASnippetAndOpensThemInContext() {
        TestClient ana = person(server, "ana");
        TestClient bob = person(server, "bob");
        TestClient cy = person(server, "cy");
        String conv = group(ana, "Plans", bob);
        String other = group(ana, "Secret", cy);
        String first = post(ana, conv, "Réunion d'ÉTÉ lundi").get("id").asText();
        List<String> filler = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            filler.add(post(bob, conv, "filler " + i).get("id").asText());
        }
        String long1 = post(bob, conv, "x ".repeat(60) + "la reunion d'ete est deplacee au mardi\net voila " + "y ".repeat(100))
                .get("id").asText();
        post(ana, other, "réunion d'été secrète");
        String gone = post(ana, conv, "réunion d'été annulée").get("id").asText();
        assertThat(ana.delete(API + "/conversations/" + conv + "/messages/" + gone).status()).isEqualTo(200);
        String edited = post(bob, conv, "nothing to see").get("id").asText();
        assertThat(bob.patch(API + "/conversations/" + conv + "/messages/" + edited, Map.of("text", "Été: la RÉUNION")).status())
                .isEqualTo(200);

        JsonNode hits = bob.get(API + "/search?q=" + enc("reunion  ete")).json();
        assertThat(ids(hits.get("items"), "message")).containsExactly(edited, long1, first);
        assertThat(hits.get("more").asBoolean()).isFalse();
        JsonNode top = hits.get("items").get(0);
        assertThat(top.get("conversation").get("id").asText()).isEqualTo(conv);
        assertThat(top.get("conversation").get("name").asText()).isEqualTo("Plans");
        assertThat(top.get("message").get("text").asText()).isEqualTo("Été: la RÉUNION");
        // The snippet of a long message is cut around the first word found, on one line, marked.
        JsonNode snippet = hits.get("items").get(1).get("snippet");
        String text = snippet.get("text").asText();
        assertThat(text).startsWith("…").endsWith("…").doesNotContain("\n").contains("deplacee au mardi et voila");
        assertThat(text.substring(snippet.get("start").asInt(), snippet.get("end").asInt())).isEqualTo("reunion");
        JsonNode accented = hits.get("items").get(2).get("snippet");
        assertThat(accented.get("text").asText().substring(accented.get("start").asInt(), accented.get("end").asInt()))
                .isEqualTo("Réunion");

        // Paged, newest first.
        JsonNode page1 = bob.get(API + "/search?q=reunion&limit=2").json();
        assertThat(ids(page1.get("items"), "message")).containsExactly(edited, long1);
        assertThat(page1.get("more").asBoolean()).isTrue();
        JsonNode page2 = bob.get(API + "/search?q=reunion&limit=2&before=" + long1).json();
        assertThat(ids(page2.get("items"), "message")).containsExactly(first);
        assertThat(page2.get("more").asBoolean()).isFalse();

        // Ana is in both; Cy only finds the other conversation's; nobody finds a deleted message.
        assertThat(ids(ana.get(API + "/search?q=" + enc("été")).json().get("items"), "message")).hasSize(4).doesNotContain(gone);
        assertThat(cy.get(API + "/search?q=reunion").json().get("items")).hasSize(1);
        assertThat(cy.get(API + "/search?q=reunion").json().get("items").get(0).get("conversation").get("id").asText())
                .isEqualTo(other);

        var empty = bob.send("GET", API + "/search?q=%20", null, Map.of("Accept-Language", "fr"));
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.json().get("message").asText()).isEqualTo("Saisissez ce que vous cherchez.");
        assertThat(bob.get(API + "/search?q=" + "a".repeat(201)).status()).isEqualTo(400);
        assertThat(bob.get(API + "/search?q=x&limit=51").status()).isEqualTo(400);
        assertThat(server.client().get(API + "/search?q=reunion").status()).isEqualTo(401);

        // Opening a hit: the message with some before and after, and whether more remain either side.
        JsonNode around = bob.get(API + "/conversations/" + conv + "/messages?around=" + filler.get(15) + "&limit=10").json();
        assertThat(ids(around.get("items"), null)).containsExactlyElementsOf(filler.subList(10, 20));
        assertThat(around.get("more").asBoolean()).isTrue();
        assertThat(around.get("newer").asBoolean()).isTrue();
        JsonNode atStart = bob.get(API + "/conversations/" + conv + "/messages?around=" + first + "&limit=4").json();
        assertThat(ids(atStart.get("items"), null)).containsExactly(first, filler.get(0), filler.get(1), filler.get(2));
        assertThat(atStart.get("more").asBoolean()).isFalse();
        JsonNode next = bob.get(API + "/conversations/" + conv + "/messages?after=" + filler.get(27) + "&limit=3").json();
        assertThat(ids(next.get("items"), null)).containsExactly(filler.get(28), filler.get(29), long1);
        assertThat(next.get("newer").asBoolean()).isTrue();
        JsonNode end = bob.get(API + "/conversations/" + conv + "/messages?around=" + edited + "&limit=10").json();
        assertThat(ids(end.get("items"), null).getLast()).isEqualTo(edited);
        assertThat(end.get("newer").asBoolean()).isFalse();
        assertThat(bob.get(API + "/conversations/" + conv + "/messages?around=123").status())
                .isEqualTo(404);
        assertThat(cy.get(API + "/conversations/" + conv + "/messages?around=" + first).status()).isEqualTo(403);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** The message ids of a list of messages, or of search hits ({@code field} "message"). */
    private static List<String> ids(JsonNode items, String field) {
        List<String> out = new ArrayList<>();
        items.forEach(i -> out.add((field == null ? i : i.get(field)).get("id").asText()));
        return out;
    }
}
