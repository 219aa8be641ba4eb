package atrium.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import atrium.sip.SipRequest;
import atrium.sip.SipResponse;
import atrium.sip.transport.Protocol;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Extensions, devices and the registrar over real sockets: the admin and user API, REGISTER with digest over UDP, TCP
 * and TLS (phones written with the sip library), AOR ownership, expiry bounds, un-registering, the per-address
 * throttle, OPTIONS and unsupported methods, and bindings that survive a restart.
 */
class VoipRegistrarTest {
    static final Map<String, String> VOIP = Map.of("voip.enabled", "true", "sip.bind", "127.0.0.1",
            "sip.udp-port", "0", "sip.tcp-port", "0", "sip.tls-port", "0", "sip.realm", "atrium.test",
            "sip.min-expires", "30", "sip.max-expires", "600");

    private TestServer server;
    private TestClient admin;

    @BeforeEach
    void start() {
        server = TestServer.start(with(Map.of("sip.block-after-failures", "4", "sip.free-failures", "1",
                "sip.delay-ms", "10")));
        admin = server.admin();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    static Map<String, String> with(Map<String, String> more) {
        Map<String, String> m = new HashMap<>(VOIP);
        m.putAll(more);
        return m;
    }

    /** Creates {@code login} with extension {@code number} and one device; returns the device's username and password. */
    static String[] userWithDevice(TestClient admin, String login, String number) {
        assertThat(admin.post("/api/v1/users", Map.of("login", login, "password", "Quiet-Harbor-5521")).status())
                .isEqualTo(201);
        assertThat(admin.send("PUT", "/api/v1/admin/voip/extensions/" + login, Map.of("number", number), Map.of())
                .status()).isEqualTo(200);
        var made = admin.post("/api/v1/admin/voip/extensions/" + login + "/devices", Map.of());
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        return new String[] {made.json().get("username").asText(), made.json().get("password").asText()};
    }

    int port(Protocol p) {
        return server.atrium.voip().sip.orElseThrow().port(p);
    }

    @Test
    void withASipDomainOnlyThatDomainAndTheServersAddressesMayBeRegistered() throws Exception {
        server.close();
        server = TestServer.start(with(Map.of("sip.domain", "atrium.test")));
        admin = server.admin();
        String[] dev = userWithDevice(admin, "alice", "1001");
        try (SipPhone phone = new SipPhone(Protocol.UDP, port(Protocol.UDP))) {
            List<String> contact = List.of(phone.contact(dev[0]));
            // Another domain in the Request-URI: not ours to serve and we relay nothing → 403, before any challenge.
            SipResponse foreign = phone.send(phone.register("other.example", dev[0] + "@other.example", contact,
                    Optional.empty()));
            assertThat(foreign.status()).isEqualTo(403);
            assertThat(foreign.header("WWW-Authenticate")).isEmpty();
            // Our domain asked, but the AOR (To) in another one → 404 (RFC 3261 §10.3 step 3).
            assertThat(phone.send(phone.register("atrium.test", dev[0] + "@other.example", contact, Optional.empty()))
                    .status()).isEqualTo(404);
            // A name that merely looks like ours, or an address not of this machine, is no better.
            assertThat(phone.send(phone.register("atrium.test.example", dev[0] + "@atrium.test", contact,
                    Optional.empty())).status()).isEqualTo(403);
            assertThat(phone.send(phone.register("192.0.2.1", dev[0] + "@atrium.test", contact, Optional.empty()))
                    .status()).isEqualTo(403);
            // The domain (any case) and the server's own address register.
            assertThat(phone.withDigest(phone.register("ATRIUM.test", dev[0] + "@atrium.test", contact, Optional.empty()),
                    dev[0], dev[1]).status()).isEqualTo(200);
            assertThat(phone.withDigest(phone.register(dev[0], contact, Optional.empty()), dev[0], dev[1]).status())
                    .isEqualTo(200);
        }
        // Without sip.domain (the other tests) any host is accepted, as phones configured with an IP or a name do.
        try (TestServer open = TestServer.start(VOIP); SipPhone phone = new SipPhone(Protocol.UDP,
                open.atrium.voip().sip.orElseThrow().port(Protocol.UDP))) {
            String[] other = userWithDevice(open.admin(), "bob", "1002");
            assertThat(phone.withDigest(phone.register("pbx.example", other[0] + "@pbx.example",
                    List.of(phone.contact(other[0])), Optional.empty()), other[0], other[1]).status()).isEqualTo(200);
        }
        assertThatThrownBy(() -> TestServer.start(with(Map.of("sip.domain", "sip:atrium.test"))))
                .hasMessageContaining("sip.domain");
    }

    @Test
    void anAdministratorGivesExtensionsAndDevicesAndThePasswordIsShownOnlyOnce() {
        String[] dev = userWithDevice(admin, "alice", "1001");
        assertThat(dev[0]).isEqualTo("1001-1");
        assertThat(dev[1]).hasSizeGreaterThan(16);
        var second = admin.post("/api/v1/admin/voip/extensions/alice/devices", Map.of("username", "alice-desk",
                "label", "Desk phone"));
        assertThat(second.status()).isEqualTo(201);
        assertThat(second.json().get("settings").get("ports").get("udp").asInt()).isEqualTo(port(Protocol.UDP));

        var list = admin.get("/api/v1/admin/voip/extensions");
        assertThat(list.status()).isEqualTo(200);
        JsonNode alice = list.json().get("items").get(0);
        assertThat(alice.get("number").asText()).isEqualTo("1001");
        assertThat(alice.get("devices")).extracting(d -> d.get("username").asText()).containsExactly("1001-1", "alice-desk");
        assertThat(list.body()).doesNotContain(dev[1]).doesNotContain("password").doesNotContain("ha1");

        // Refusals: digits only, length range, a number taken, a username taken, no extension yet.
        assertThat(admin.post("/api/v1/users", Map.of("login", "bob", "password", "Quiet-Harbor-5521")).status())
                .isEqualTo(201);
        assertThat(admin.send("PUT", "/api/v1/admin/voip/extensions/bob", Map.of("number", "12a4"), Map.of()).status())
                .isEqualTo(400);
        assertThat(admin.send("PUT", "/api/v1/admin/voip/extensions/bob", Map.of("number", "12"), Map.of()).body())
                .contains("between 3 and 6");
        assertThat(admin.send("PUT", "/api/v1/admin/voip/extensions/bob", Map.of("number", "1001"), Map.of()).status())
                .isEqualTo(409);
        assertThat(admin.post("/api/v1/admin/voip/extensions/bob/devices", Map.of()).status()).isEqualTo(409);
        assertThat(admin.send("PUT", "/api/v1/admin/voip/extensions/bob", Map.of("number", "1002"), Map.of()).status())
                .isEqualTo(200);
        assertThat(admin.post("/api/v1/admin/voip/extensions/bob/devices", Map.of("username", "alice-desk")).status())
                .isEqualTo(409);
        assertThat(admin.post("/api/v1/admin/voip/extensions/bob/devices", Map.of("username", "bad name")).status())
                .isEqualTo(400);

        // The user sees their own phone settings, never a password.
        TestClient alicePhone = server.client();
        alicePhone.signIn("alice", "Quiet-Harbor-5521");
        var mine = alicePhone.get("/api/v1/me/phone");
        assertThat(mine.status()).isEqualTo(200);
        assertThat(mine.json().get("extension").asText()).isEqualTo("1001");
        JsonNode settings = mine.json().get("devices").get(0).get("settings");
        assertThat(settings.get("username").asText()).isEqualTo("1001-1");
        assertThat(settings.get("realm").asText()).isEqualTo("atrium.test");
        assertThat(settings.get("server").asText()).isEqualTo("127.0.0.1");
        assertThat(settings.get("ports").get("tls").asInt()).isEqualTo(port(Protocol.TLS));
        assertThat(mine.body()).doesNotContain(dev[1]).doesNotContain("password");

        // Non-administrators get 403 on every admin endpoint, anonymous callers 401.
        assertThat(alicePhone.get("/api/v1/admin/voip/extensions").status()).isEqualTo(403);
        assertThat(alicePhone.get("/api/v1/admin/voip/registrations").status()).isEqualTo(403);
        assertThat(alicePhone.send("PUT", "/api/v1/admin/voip/extensions/alice", Map.of("number", "1999"), Map.of())
                .status()).isEqualTo(403);
        assertThat(alicePhone.post("/api/v1/admin/voip/extensions/alice/devices", Map.of()).status()).isEqualTo(403);
        assertThat(alicePhone.post("/api/v1/admin/voip/devices/1001-1/password", Map.of()).status()).isEqualTo(403);
        assertThat(alicePhone.delete("/api/v1/admin/voip/devices/1001-1").status()).isEqualTo(403);
        assertThat(server.client().get("/api/v1/me/phone").status()).isEqualTo(401);

        // A reset gives a new password, once; removal is audited.
        var reset = admin.post("/api/v1/admin/voip/devices/1001-1/password", Map.of());
        assertThat(reset.status()).isEqualTo(200);
        assertThat(reset.json().get("password").asText()).isNotEqualTo(dev[1]);
        assertThat(admin.delete("/api/v1/admin/voip/devices/alice-desk").status()).isEqualTo(204);
        assertThat(admin.delete("/api/v1/admin/voip/devices/alice-desk").status()).isEqualTo(404);
        var audit = admin.get("/api/v1/audit?action=voip-device-removed").json().get("items");
        assertThat(audit).hasSize(1);
        assertThat(audit.get(0).get("target").asText()).isEqualTo("alice");
        assertThat(admin.get("/api/v1/audit?action=voip-device-password-reset").json().get("items")).hasSize(1);
        JsonNode paths = server.client().get("/api/v1/openapi.json").json().get("paths");
        assertThat(paths.has("/admin/voip/registrations") && paths.has("/me/phone")).isTrue();
    }

    @ParameterizedTest
    @EnumSource(value = Protocol.class, names = {"UDP", "TCP", "TLS"})
    void aPhoneRegistersWithDigestAndIsListedWhereItReallyIs(Protocol protocol) throws Exception {
        String[] dev = userWithDevice(admin, "alice", "1001");
        try (SipPhone phone = new SipPhone(protocol, port(protocol))) {
            // The Contact names a private address the server cannot reach: the source is what counts (NAT).
            String contact = "<sip:1001-1@192.168.1.20:5062;transport=" + protocol.name().toLowerCase() + ">;+sip.instance=\"<urn:uuid:1>\"";
            SipResponse ok = phone.withDigest(phone.register("1001-1", List.of(contact), Optional.of(120)), dev[0], dev[1]);
            assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
            assertThat(ok.headers().all("Contact")).hasSize(1);
            assertThat(ok.headers().all("Contact").getFirst())
                    .startsWith("<sip:1001-1@192.168.1.20:5062;transport=" + protocol.name().toLowerCase() + ">")
                    .contains("expires=120").contains("+sip.instance");

            JsonNode items = admin.get("/api/v1/admin/voip/registrations").json().get("items");
            assertThat(items).hasSize(1);
            JsonNode reg = items.get(0);
            assertThat(reg.get("device").asText()).isEqualTo("1001-1");
            assertThat(reg.get("extension").asText()).isEqualTo("1001");
            assertThat(reg.get("login").asText()).isEqualTo("alice");
            assertThat(reg.get("transport").asText()).isEqualTo(protocol.name().toLowerCase());
            assertThat(reg.get("userAgent").asText()).isEqualTo("Atrium test phone");
            assertThat(reg.get("contact").asText()).contains("192.168.1.20:5062");
            assertThat(reg.get("source").asText()).startsWith("127.0.0.1:");
            assertThat(reg.get("reachAt").asText()).contains("@127.0.0.1:").endsWith(";transport=" + protocol.name().toLowerCase());
            assertThat(reg.get("connected").asBoolean()).isTrue();
            assertThat(reg.get("expiresAt").asLong()).isBetween(System.currentTimeMillis() + 100_000,
                    System.currentTimeMillis() + 121_000);
            if (protocol != Protocol.UDP) {
                // The flow is kept: the source is this phone's own connection, and CRLF keep-alives get their pong.
                assertThat(reg.get("source").asText()).isEqualTo("127.0.0.1:" + phoneSidePort(phone));
                phone.transports.ping(phone.server).get(5, TimeUnit.SECONDS);
            }
        }
    }

    /** The local port of the phone's connection to the server, as the server sees it. */
    private int phoneSidePort(SipPhone phone) throws Exception {
        var items = admin.get("/api/v1/admin/voip/registrations").json().get("items");
        String source = items.get(0).get("source").asText();
        int port = Integer.parseInt(source.substring(source.lastIndexOf(':') + 1));
        assertThat(port).isNotEqualTo(phone.localPort()); // a connection's ephemeral port, not the phone's listener
        return port;
    }

    @Test
    void aDeviceMayRegisterOnlyItsOwnAddressOfRecordOrItsExtension() throws Exception {
        String[] alice = userWithDevice(admin, "alice", "1001");
        userWithDevice(admin, "bob", "1002");
        try (SipPhone phone = new SipPhone(Protocol.UDP, port(Protocol.UDP))) {
            SipResponse other = phone.withDigest(phone.register("1002-1", List.of(phone.contact("x")), Optional.of(60)),
                    alice[0], alice[1]);
            assertThat(other.status()).isEqualTo(403);
            SipResponse otherNumber = phone.withDigest(phone.register("1002", List.of(phone.contact("x")), Optional.of(60)),
                    alice[0], alice[1]);
            assertThat(otherNumber.status()).isEqualTo(403);
            assertThat(admin.get("/api/v1/admin/voip/registrations").json().get("items")).isEmpty();
            SipResponse ownNumber = phone.withDigest(phone.register("1001", List.of(phone.contact("x")), Optional.of(60)),
                    alice[0], alice[1]);
            assertThat(ownNumber.status()).isEqualTo(200);
        }
        assertThat(admin.get("/api/v1/audit?action=sip-register-forbidden").json().get("items")).hasSize(2);
    }

    @Test
    void theNumberOfADeletedAccountCanBeGivenAgainAndItsDevicesAreGone() throws Exception {
        String[] dev = userWithDevice(admin, "alice", "1001");
        userWithDevice(admin, "carol", "1003");
        assertThat(admin.delete("/api/v1/users/alice").status()).isEqualTo(204);
        try (SipPhone phone = new SipPhone(Protocol.UDP, port(Protocol.UDP))) {
            assertThat(phone.withDigest(phone.register("1001-1", List.of(phone.contact("a")), Optional.of(60)),
                    dev[0], dev[1]).status()).isEqualTo(401);
        }
        assertThat(admin.post("/api/v1/users", Map.of("login", "bob", "password", "Quiet-Harbor-5521")).status())
                .isEqualTo(201);
        assertThat(admin.send("PUT", "/api/v1/admin/voip/extensions/bob", Map.of("number", "1001"), Map.of()).status())
                .isEqualTo(200);
        assertThat(admin.post("/api/v1/admin/voip/extensions/bob/devices", Map.of()).json().get("username").asText())
                .isEqualTo("1001-1");
        // Housekeeping drops the others (here carol's, once deleted).
        assertThat(admin.delete("/api/v1/users/carol").status()).isEqualTo(204);
        assertThat(server.atrium.voip().phones.dropOrphans()).isEqualTo(1);
        assertThat(admin.get("/api/v1/admin/voip/extensions").json().get("items")).extracting(e -> e.get("login").asText())
                .containsExactly("bob");
        assertThat(admin.get("/api/v1/audit?action=voip-extension-removed").json().get("items")).hasSize(2);
    }

    @Test
    void theDevicesOfADisabledAccountCannotRegister() throws Exception {
        String[] dev = userWithDevice(admin, "alice", "1001");
        assertThat(admin.patch("/api/v1/users/alice", Map.of("enabled", false)).status()).isEqualTo(200);
        try (SipPhone phone = new SipPhone(Protocol.UDP, port(Protocol.UDP))) {
            assertThat(phone.withDigest(phone.register("1001-1", List.of(phone.contact("a")), Optional.of(60)),
                    dev[0], dev[1]).status()).isEqualTo(401);
            assertThat(admin.patch("/api/v1/users/alice", Map.of("enabled", true)).status()).isEqualTo(200);
            assertThat(phone.withDigest(phone.register("1001-1", List.of(phone.contact("a")), Optional.of(60)),
                    dev[0], dev[1]).status()).isEqualTo(200);
        }
    }

    @Test
    void expiryIsBoundedSeveralContactsAreKeptAndTheyUnregister() throws Exception {
        String[] dev = userWithDevice(admin, "alice", "1001");
        try (SipPhone phone = new SipPhone(Protocol.UDP, port(Protocol.UDP))) {
            SipResponse brief = phone.withDigest(phone.register("1001-1", List.of(phone.contact("a")), Optional.of(10)),
                    dev[0], dev[1]);
            assertThat(brief.status()).isEqualTo(423);
            assertThat(brief.header("Min-Expires")).hasValue("30");

            SipResponse two = phone.withDigest(phone.register("1001-1",
                    List.of(phone.contact("a"), "<sip:b@127.0.0.1:7777>;expires=9999"), Optional.of(60)), dev[0], dev[1]);
            assertThat(two.status()).isEqualTo(200);
            assertThat(two.headers().all("Contact")).hasSize(2)
                    .anySatisfy(c -> assertThat(c).contains("sip:b@127.0.0.1:7777").contains("expires=600"))
                    .anySatisfy(c -> assertThat(c).contains(";transport=udp>").contains("expires=60"));

            // A REGISTER without Contact lists the bindings; expires=0 removes one; * removes the rest.
            SipResponse fetch = phone.withDigest(phone.register("1001-1", List.of(), Optional.empty()), dev[0], dev[1]);
            assertThat(fetch.headers().all("Contact")).hasSize(2);
            SipResponse one = phone.withDigest(phone.register("1001-1", List.of("<sip:b@127.0.0.1:7777>;expires=0"),
                    Optional.empty()), dev[0], dev[1]);
            assertThat(one.headers().all("Contact")).hasSize(1);
            assertThat(admin.get("/api/v1/admin/voip/registrations").json().get("items")).hasSize(1);
            SipResponse starWithoutZero = phone.withDigest(phone.register("1001-1", List.of("*"), Optional.of(60)),
                    dev[0], dev[1]);
            assertThat(starWithoutZero.status()).isEqualTo(400);
            SipResponse star = phone.withDigest(phone.register("1001-1", List.of("*"), Optional.of(0)), dev[0], dev[1]);
            assertThat(star.status()).isEqualTo(200);
            assertThat(star.headers().all("Contact")).isEmpty();
            assertThat(admin.get("/api/v1/admin/voip/registrations").json().get("items")).isEmpty();
        }
    }

    @Test
    void wrongPasswordsAre401ThenSlowedThenTheAddressIsBlockedAndAudited() throws Exception {
        String[] dev = userWithDevice(admin, "alice", "1001");
        try (SipPhone phone = new SipPhone(Protocol.UDP, port(Protocol.UDP))) {
            for (int i = 0; i < 3; i++) {
                SipResponse wrong = phone.withDigest(phone.register("1001-1", List.of(phone.contact("a")), Optional.of(60)),
                        dev[0], "not-the-password");
                assertThat(wrong.status()).isEqualTo(401);
            }
            // An unknown username gets the same answer as a wrong password: nothing to enumerate.
            SipResponse unknown = phone.withDigest(phone.register("9999-1", List.of(phone.contact("a")), Optional.of(60)),
                    "9999-1", "whatever");
            assertThat(unknown.status()).isEqualTo(403); // the 4th failure: blocked from now on
            SipResponse right = phone.withDigest(phone.register("1001-1", List.of(phone.contact("a")), Optional.of(60)),
                    dev[0], dev[1]);
            assertThat(right.status()).as("blocked even with the right password").isEqualTo(403);
            assertThat(phone.send(SipRequest.create("OPTIONS", "sip:127.0.0.1", atrium.sip.NameAddr.parse(
                    "<sip:x@127.0.0.1>").withTag("o"), atrium.sip.NameAddr.parse("<sip:127.0.0.1>"), "o1", 1)).status())
                    .isEqualTo(403);
        }
        assertThat(admin.get("/api/v1/audit?action=sip-auth-failed").json().get("items")).hasSize(4);
        JsonNode blocked = admin.get("/api/v1/audit?action=sip-address-blocked").json().get("items");
        assertThat(blocked).hasSize(1);
        assertThat(blocked.get(0).get("address").asText()).isEqualTo("127.0.0.1");
    }

    @Test
    void scannersAreRefusedAndCounted() throws Exception {
        try (SipPhone phone = new SipPhone(Protocol.UDP, port(Protocol.UDP))) {
            SipRequest scan = phone.register("100", List.of(phone.contact("100")), Optional.of(60))
                    .withHeaders(phone.register("100", List.of(), Optional.empty()).headers().with("User-Agent",
                            "friendly-scanner"));
            assertThat(phone.send(scan).status()).isEqualTo(403);
        }
        assertThat(admin.get("/api/v1/audit?action=sip-auth-failed").json().get("items").get(0).get("detail").asText())
                .contains("friendly-scanner");
    }

    @Test
    void optionsIsAnsweredWithAllowAndUnsupportedMethodsAre405Or501() throws Exception {
        try (SipPhone phone = new SipPhone(Protocol.TCP, port(Protocol.TCP))) {
            var from = atrium.sip.NameAddr.parse("<sip:x@127.0.0.1>").withTag("o");
            var to = atrium.sip.NameAddr.parse("<sip:127.0.0.1>");
            SipResponse options = phone.send(SipRequest.create("OPTIONS", "sip:127.0.0.1", from, to, "o1", 1));
            assertThat(options.status()).isEqualTo(200);
            assertThat(options.header("Allow")).hasValue("INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, UPDATE, NOTIFY, REFER, REGISTER");
            SipResponse message = phone.send(SipRequest.create("MESSAGE", "sip:1001@127.0.0.1", from, to, "o2", 1));
            assertThat(message.status()).isEqualTo(405);
            assertThat(message.header("Allow")).hasValue("INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, UPDATE, NOTIFY, REFER, REGISTER");
            assertThat(phone.send(SipRequest.create("FOO", "sip:127.0.0.1", from, to, "o3", 1)).status()).isEqualTo(501);
        }
    }

    @Test
    void withoutVoipEnabledNothingListensForSipButExtensionsCanBePrepared() {
        server.close();
        server = TestServer.start();
        assertThat(server.atrium.voip().sip).isEmpty();
        admin = server.admin();
        userWithDevice(admin, "alice", "1001");
        TestClient alice = server.client();
        alice.signIn("alice", "Quiet-Harbor-5521");
        JsonNode mine = alice.get("/api/v1/me/phone").json();
        assertThat(mine.get("enabled").asBoolean()).isFalse();
        assertThat(mine.get("devices").get(0).get("settings").get("ports")).isEmpty();
        assertThat(admin.get("/api/v1/admin/voip/registrations").json().get("items")).isEmpty();
    }

    @Test
    void aSipPortInUseStopsStartUpNamingTheKey() {
        String taken = Integer.toString(port(Protocol.TCP));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestServer.start(with(Map.of("sip.tcp-port", taken))))
                .isInstanceOf(atrium.core.ConfigException.class).hasMessageContaining("sip.tcp-port")
                .hasMessageContaining(taken);
    }

    @Test
    void bindingsSurviveARestartUntilTheyExpire() throws Exception {
        Path dir = server.dataDir;
        String[] dev = userWithDevice(admin, "alice", "1001");
        try (SipPhone phone = new SipPhone(Protocol.UDP, port(Protocol.UDP))) {
            assertThat(phone.withDigest(phone.register("1001-1", List.of(phone.contact("a")), Optional.of(300)),
                    dev[0], dev[1]).status()).isEqualTo(200);
        }
        long expiresAt = admin.get("/api/v1/admin/voip/registrations").json().get("items").get(0).get("expiresAt").asLong();
        atrium.sip.DigestChallenge before;
        try (SipPhone phone = new SipPhone(Protocol.UDP, port(Protocol.UDP))) {
            before = atrium.sip.DigestChallenge.parse(phone.send(phone.register("1001-1", List.of(phone.contact("b")),
                    Optional.of(300))).header("WWW-Authenticate").orElseThrow());
        }
        server.close();
        server = null;
        assertThat(Files.exists(dir.resolve("atrium.db"))).isTrue();
        server = TestServer.startIn(dir, VOIP);
        JsonNode items = server.admin().get("/api/v1/admin/voip/registrations").json().get("items");
        assertThat(items).hasSize(1);
        assertThat(items.get(0).get("device").asText()).isEqualTo("1001-1");
        assertThat(items.get(0).get("expiresAt").asLong()).isEqualTo(expiresAt);
        // A nonce issued before the restart is still good: its key comes from the master key, not from the process.
        try (SipPhone phone = new SipPhone(Protocol.UDP, port(Protocol.UDP))) {
            SipResponse ok = phone.answering(phone.register("1001-1", List.of(phone.contact("b")), Optional.of(300)),
                    before, dev[0], dev[1]);
            assertThat(ok.status()).isEqualTo(200);
            assertThat(ok.headers().all("Contact")).hasSize(2);
        }
    }
}
