package atrium.server;

import static atrium.server.RealtimeTest.login;
import static atrium.server.RealtimeTest.presenceOf;
import static org.assertj.core.api.Assertions.assertThat;

import atrium.core.Config;
import atrium.core.TestRedis;
import atrium.core.db.TestDatabases;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two Atrium nodes in one JVM on one PostgreSQL database (ATRIUM_TEST_PG) and one Redis
 * (ATRIUM_TEST_REDIS, under a channel prefix of this run's own): what happens on one node
 * reaches the WebSocket clients of the other.
 */
class ClusterTest {
    static TestServer nodeA;
    static TestServer nodeB;
    static Map<String, String> shared;

    @BeforeAll
    static void start() {
        Assumptions.assumeTrue(TestDatabases.postgresUrl().isPresent(),
                "ATRIUM_TEST_PG is not set; the cluster test needs a PostgreSQL both nodes share");
        Config pg = TestDatabases.postgresConfig();
        shared = new HashMap<>(TestRedis.cluster(TestRedis.uniquePrefix()));
        shared.put("db.url", pg.string("db.url"));
        shared.put("db.user", pg.string("db.user"));
        shared.put("db.pool-size", "4");
        nodeA = node(1);
        nodeB = node(2);
    }

    static TestServer node(int id) {
        Map<String, String> settings = new HashMap<>(shared);
        settings.put("cluster.node-id", Integer.toString(id));
        return TestServer.start(settings);
    }

    @AfterAll
    static void stop() {
        if (nodeB != null) {
            nodeB.close();
        }
        if (nodeA != null) {
            nodeA.close();
        }
    }

    /** Signed in on the given node; the account is made on node A (the database is the same). */
    static TestClient person(String name, TestServer on) {
        TestClient made = RealtimeTest.person(nodeA, name);
        if (on == nodeA) {
            return made;
        }
        TestClient c = on.client();
        String login = login(made);
        var r = c.signIn(login, RealtimeTest.passwordOf(login));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return c;
    }

    static void await(String what, BooleanSupplier condition) {
        long end = System.nanoTime() + WsClient.WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + WsClient.WAIT + ": " + what);
            }
            Thread.onSpinWait();
        }
    }

    @Test
    void aMessagePostedOnNodeAReachesAWebSocketClientOnNodeBAndNotANonMember() {
        TestClient ana = person("ana", nodeA);
        TestClient bob = person("bob", nodeB);
        TestClient cy = person("cy", nodeB);
        try (WsClient bobTab = WsClient.subscribed(nodeB, bob); WsClient cyTab = WsClient.subscribed(nodeB, cy);
             WsClient anaTab = WsClient.subscribed(nodeA, ana)) {
            String conv = ChatTest.group(ana, "Across nodes", bob);
            assertThat(bobTab.nextOfType("chat.conversation.created").get("data").get("id").asText()).isEqualTo(conv);
            JsonNode sent = ChatTest.post(ana, conv, "from A");
            JsonNode got = bobTab.nextOfType("chat.message.created").get("data");
            assertThat(got.get("id").asText()).isEqualTo(sent.get("id").asText());
            assertThat(got.get("text").asText()).isEqualTo("from A");
            // The author's own tab on A gets it once, not a second time back from Redis.
            assertThat(anaTab.drain("chat.message.created")).hasSize(1);
            assertThat(cyTab.drain().stream().filter(ChatTest::isChat)).isEmpty();

            // And back: Bob answers through node B.
            ChatTest.post(bob, conv, "from B");
            assertThat(anaTab.nextOfType("chat.message.created").get("data").get("text").asText()).isEqualTo("from B");
        }
    }

    @Test
    void presenceOfAPersonConnectedOnlyToNodeBIsRightOnNodeAAndOnANodeStartedLater() {
        TestClient watcher = person("watcher", nodeA);
        TestClient dee = person("dee", nodeB);
        String deeLogin = login(dee);
        try (WsClient w = WsClient.subscribed(nodeA, watcher)) {
            assertThat(presenceOf(watcher, deeLogin)).isEqualTo("offline");
            WsClient deeTab = WsClient.open(nodeB, dee);
            assertThat(w.nextPresenceOf(deeLogin)).isEqualTo("online");
            assertThat(presenceOf(watcher, deeLogin)).isEqualTo("online");

            // A node that starts now asks the others who is connected; when it stops, its people go offline.
            TestClient eli = RealtimeTest.person(nodeA, "eli");
            String eliLogin = login(eli);
            WsClient eliTab;
            try (TestServer nodeC = node(3)) {
                TestClient onC = nodeC.client();
                onC.signIn(login(watcher), RealtimeTest.passwordOf(login(watcher)));
                await("node C sees dee online", () -> presenceOf(onC, deeLogin).equals("online"));
                TestClient eliOnC = nodeC.client();
                eliOnC.signIn(eliLogin, RealtimeTest.passwordOf(eliLogin));
                eliTab = WsClient.open(nodeC, eliOnC);
                assertThat(w.nextPresenceOf(eliLogin)).isEqualTo("online");
            }
            assertThat(w.nextPresenceOf(eliLogin)).isEqualTo("offline");
            eliTab.close();

            deeTab.close();
            assertThat(w.nextPresenceOf(deeLogin)).isEqualTo("offline");
            assertThat(presenceOf(watcher, deeLogin)).isEqualTo("offline");
        }
    }
}
