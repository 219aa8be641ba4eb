package atrium.server;

import static org.assertj.core.api.Assertions.assertThat;

import atrium.core.TestClamd;
import atrium.core.mail.TestMail;
import atrium.server.DavClient.Res;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Notifications end to end (docs/api/notifications.md): made by real shares and uploads,
 * read through the REST API, and mailed to a real SMTP server (GreenMail).
 */
class NotificationsTest {
    private static final String OCS = "/ocs/v2.php/apps/files_sharing/api/v1/shares";
    private static final String PUBLIC_URL = "https://atrium.example.com";
    private static final String NC = "/ocs/v2.php/apps/notifications/api/v2/notifications";

    static TestMail smtp;
    static TestServer server;
    static int users;

    @BeforeAll
    static void start() {
        smtp = new TestMail();
        var keys = new HashMap<>(smtp.config());
        keys.put("proxy.enabled", "true");
        keys.put("http.public-url", PUBLIC_URL);
        keys.put("notify.file-drop-mail-delay-seconds", "3");
        keys.put("chat.mention-mail-delay-seconds", "2");
        server = TestServer.start(keys);
    }

    @AfterAll
    static void stop() {
        server.close();
        smtp.close();
    }

    record User(String login, String password, String email) {
        Optional<String> auth() {
            return Optional.of(login + ":" + password);
        }
    }

    private static User user(TestServer on, String name, String language) {
        String login = name.toLowerCase() + (++users);
        String email = login + "@example.com";
        var created = on.admin().post("/api/v1/users", Map.of("login", login, "password", "Juniper-Notice-" + (5000 + users),
                "displayName", name + " Martin", "email", email, "language", language));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        TestClient c = on.client();
        c.signIn(login, "Juniper-Notice-" + (5000 + users));
        // An app password, as the clients hold: WebDAV and OCS take no account password.
        return new User(login, c.post("/api/v1/me/app-passwords", Map.of("name", "test")).json().get("password").asText(), email);
    }

    private static Res dav(TestServer on, User u, String method, String path, Object body) {
        return DavClient.send(on.baseUrl(), u.auth(), method, "/remote.php/dav/files/" + u.login() + path, body);
    }

    private static JsonNode share(TestServer on, User owner, String... form) {
        Res r = DavClient.send(on.baseUrl(), owner.auth(), "POST", OCS + "?format=json", ShareTest.form(form),
                "OCS-APIREQUEST", "true", "Content-Type", "application/x-www-form-urlencoded");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return ShareTest.json(r).at("/ocs/data");
    }

    private static TestClient.Response api(User u, String method, String path) {
        return server.client().basic(u.login(), u.password()).send(method, path, null, Map.of());
    }

    private static JsonNode list(User u) {
        var r = api(u, "GET", "/api/v1/notifications");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private static List<MimeMessage> mailTo(String address, int count) {
        long deadline = System.currentTimeMillis() + 10_000;
        while (true) {
            List<MimeMessage> mine = smtp.await(0).stream().filter(m -> recipient(m).equals(address)).toList();
            if (mine.size() >= count || System.currentTimeMillis() > deadline) {
                return mine;
            }
            smtp.server.waitForIncomingEmail(200, smtp.server.getReceivedMessages().length + 1);
        }
    }

    private static String recipient(MimeMessage m) {
        try {
            return m.getAllRecipients()[0].toString();
        } catch (jakarta.mail.MessagingException e) {
            throw new AssertionError(e);
        }
    }

    static String text(MimeMessage m) throws Exception {
        return (String) ((Multipart) m.getContent()).getBodyPart(0).getContent();
    }

    @Test
    void aUserShareNotifiesTheRecipientInTheAppAndByMailInTheirOwnLanguage() throws Exception {
        User alice = user(server, "Alice", "en");
        User bob = user(server, "Bob", "fr");
        assertThat(dav(server, alice, "MKCOL", "/Devis%202026", null).status()).isEqualTo(201);
        share(server, alice, "path", "/Devis 2026", "shareType", "0", "shareWith", bob.login());

        JsonNode items = list(bob).get("items");
        assertThat(items).hasSize(1);
        assertThat(items.get(0).get("kind").asText()).isEqualTo("share-received");
        assertThat(items.get(0).get("title").asText()).isEqualTo("Alice Martin a partagé «\u00A0Devis 2026\u00A0» avec vous");
        assertThat(items.get(0).get("read").asBoolean()).isFalse();
        assertThat(list(bob).get("unread").asInt()).isEqualTo(1);
        assertThat(list(alice).get("items")).isEmpty();

        MimeMessage mail = mailTo(bob.email(), 1).getFirst();
        assertThat(mail.getSubject()).isEqualTo("Alice Martin a partagé «\u00A0Devis 2026\u00A0» avec vous");
        assertThat(text(mail)).contains("Ouvrir\u00A0: " + PUBLIC_URL + "/files-shared");
    }

    @Test
    void nobodyReadsMarksOrDeletesAnotherPersonsNotifications() {
        User alice = user(server, "Alice", "en");
        User bob = user(server, "Bob", "en");
        User eve = user(server, "Eve", "en");
        assertThat(dav(server, alice, "MKCOL", "/A", null).status()).isEqualTo(201);
        assertThat(dav(server, alice, "MKCOL", "/B", null).status()).isEqualTo(201);
        share(server, alice, "path", "/A", "shareType", "0", "shareWith", bob.login());
        share(server, alice, "path", "/B", "shareType", "0", "shareWith", bob.login());
        JsonNode items = list(bob).get("items");
        assertThat(items).extracting(n -> n.get("title").asText())
                .containsExactly("Alice Martin shared 'B' with you", "Alice Martin shared 'A' with you");
        String id = items.get(1).get("id").asText();

        assertThat(list(eve).get("items")).isEmpty();
        assertThat(api(eve, "POST", "/api/v1/notifications/" + id + "/read").status()).isEqualTo(404);
        assertThat(api(eve, "DELETE", "/api/v1/notifications/" + id).status()).isEqualTo(404);
        assertThat(api(eve, "POST", "/api/v1/notifications/read-all").status()).isEqualTo(204);
        assertThat(list(bob).get("unread").asInt()).isEqualTo(2);
        assertThat(server.client().get("/api/v1/notifications").status()).isEqualTo(401);

        assertThat(api(bob, "POST", "/api/v1/notifications/" + id + "/read").status()).isEqualTo(204);
        assertThat(list(bob).get("unread").asInt()).isEqualTo(1);
        assertThat(api(bob, "GET", "/api/v1/notifications?limit=1&offset=1").json().get("items"))
                .extracting(n -> n.get("read").asBoolean()).containsExactly(true);
        assertThat(api(bob, "POST", "/api/v1/notifications/read-all").status()).isEqualTo(204);
        assertThat(list(bob).get("unread").asInt()).isZero();
        assertThat(api(bob, "DELETE", "/api/v1/notifications/" + id).status()).isEqualTo(204);
        assertThat(list(bob).get("total").asInt()).isEqualTo(1);
        assertThat(api(bob, "GET", "/api/v1/notifications?limit=0").status()).isEqualTo(400);
    }

    @Test
    void aGroupShareNotifiesEveryMemberButTheSharer() {
        User alice = user(server, "Alice", "en");
        User bob = user(server, "Bob", "en");
        User carol = user(server, "Carol", "en");
        String group = "team" + users;
        var admin = server.admin();
        assertThat(admin.post("/api/v1/groups", Map.of("name", group)).status()).isEqualTo(201);
        for (User u : List.of(alice, bob, carol)) {
            assertThat(admin.put("/api/v1/groups/" + group + "/members/" + u.login()).status()).isEqualTo(204);
        }
        assertThat(dav(server, alice, "MKCOL", "/Team", null).status()).isEqualTo(201);
        share(server, alice, "path", "/Team", "shareType", "1", "shareWith", group);
        assertThat(list(bob).get("items")).extracting(n -> n.get("title").asText())
                .containsExactly("Alice Martin shared 'Team' with you");
        assertThat(list(carol).get("items")).hasSize(1);
        assertThat(list(alice).get("items")).isEmpty();
    }

    @Test
    void anEmailShareMailsTheLinkAndThenThePasswordInASeparateMessage() throws Exception {
        User alice = user(server, "Alice", "fr");
        assertThat(dav(server, alice, "MKCOL", "/Plans", null).status()).isEqualTo(201);
        String guest = "guest" + users + "@client.example";
        JsonNode made = share(server, alice, "path", "/Plans", "shareType", "4", "shareWith", guest,
                "password", "Blue-Orchid-2024");
        String url = made.get("url").asText();
        assertThat(url).startsWith(PUBLIC_URL + "/s/");

        List<MimeMessage> mails = mailTo(guest, 2);
        assertThat(mails).hasSize(2);
        MimeMessage link = mails.stream().filter(m -> subject(m).contains("a partagé")).findFirst().orElseThrow();
        MimeMessage password = mails.stream().filter(m -> subject(m).startsWith("Mot de passe")).findFirst().orElseThrow();
        assertThat(link.getSubject()).isEqualTo("Alice Martin a partagé «\u00A0Plans\u00A0» avec vous");
        assertThat(text(link)).contains(url).contains("message séparé").doesNotContain("Blue-Orchid-2024");
        assertThat(text(password)).contains("Blue-Orchid-2024").doesNotContain(url);

        String other = "other" + users + "@client.example";
        share(server, alice, "path", "/Plans", "shareType", "4", "shareWith", other);
        assertThat(mailTo(other, 1)).hasSize(1);
        assertThat(text(mailTo(other, 1).getFirst())).doesNotContain("mot de passe");
    }

    private static String subject(MimeMessage m) {
        try {
            return m.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void anUploadThroughAFileDropNotifiesTheOwnerWithTheNicknameAndTheFileName() throws Exception {
        User owner = user(server, "Olivia", "en");
        assertThat(dav(server, owner, "MKCOL", "/Inbox", null).status()).isEqualTo(201);
        String token = share(server, owner, "path", "/Inbox", "shareType", "3", "permissions", "4").get("token").asText();
        Res put = DavClient.send(server.baseUrl(), Optional.empty(), "PUT", "/public.php/dav/files/" + token + "/scan.pdf",
                "pdf", "X-NC-Nickname", "Ren%C3%A9e%20Co");
        assertThat(put.status()).as(put.text()).isEqualTo(201);

        JsonNode n = list(owner).get("items").get(0);
        assertThat(n.get("kind").asText()).isEqualTo("file-drop-upload");
        assertThat(n.get("title").asText()).isEqualTo("Renée Co uploaded 'scan.pdf' to 'Inbox'");
        assertThat(n.get("link").asText()).isEqualTo("/files/Inbox");
        MimeMessage mail = mailTo(owner.email(), 1).getFirst();
        assertThat(mail.getSubject()).isEqualTo("Renée Co uploaded 'scan.pdf' to 'Inbox'");
        assertThat(text(mail)).contains("Open: " + PUBLIC_URL + "/files/Inbox");
    }

    private static Res nc(User u, String method, String path, String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = "OCS-APIREQUEST";
        all[1] = "true";
        System.arraycopy(headers, 0, all, 2, headers.length);
        return DavClient.send(server.baseUrl(), u.auth(), method, path, null, all);
    }

    @Test
    void nextcloudClientsListGetAndDeleteNotificationsBy32BitIdsWithAnEtagThatSaysWhenNothingChanged() throws Exception {
        User alice = user(server, "Alice", "en");
        User bob = user(server, "Bob", "en");
        User eve = user(server, "Eve", "en");
        for (String folder : List.of("/One", "/Two", "/Three")) {
            assertThat(dav(server, alice, "MKCOL", folder, null).status()).isEqualTo(201);
        }
        share(server, alice, "path", "/One", "shareType", "0", "shareWith", bob.login());
        share(server, alice, "path", "/Two", "shareType", "0", "shareWith", bob.login());

        Res list = nc(bob, "GET", NC + "?format=json");
        assertThat(list.status()).as(list.text()).isEqualTo(200);
        JsonNode data = ShareTest.json(list).at("/ocs/data");
        assertThat(data).extracting(n -> n.get("notification_id").asInt()).containsExactly(2, 1);
        assertThat(data.get(0).get("notification_id").isInt()).isTrue();
        JsonNode two = data.get(0);
        assertThat(two.get("subject").asText()).isEqualTo("Alice Martin shared 'Two' with you");
        assertThat(two.get("app").asText()).isEqualTo("files_sharing");
        assertThat(two.get("user").asText()).isEqualTo(bob.login());
        assertThat(two.get("link").asText()).isEqualTo(PUBLIC_URL + "/files-shared");
        assertThat(two.get("datetime").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\+00:00");
        assertThat(two.get("actions").isArray()).isTrue();
        assertThat(two.get("message").asText()).isEmpty();

        String etag = list.header("ETag").orElseThrow();
        Res same = nc(bob, "GET", NC + "?format=json", "If-None-Match", etag);
        assertThat(same.status()).isEqualTo(304);
        assertThat(same.body()).isEmpty();
        share(server, alice, "path", "/Three", "shareType", "0", "shareWith", bob.login());
        Res changed = nc(bob, "GET", NC + "?format=json", "If-None-Match", etag);
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.header("ETag").orElseThrow()).isNotEqualTo(etag);

        JsonNode one = ShareTest.json(nc(bob, "GET", NC + "/1?format=json")).at("/ocs/data");
        assertThat(one.get("subject").asText()).isEqualTo("Alice Martin shared 'One' with you");
        // Ids are per account: Eve has no notification 1, and never reaches Bob's.
        assertThat(nc(eve, "GET", NC + "/1?format=json").status()).isEqualTo(404);
        assertThat(nc(eve, "DELETE", NC + "/1?format=json").status()).isEqualTo(404);
        assertThat(nc(bob, "GET", NC + "/99999999999?format=json").status()).isEqualTo(404);
        assertThat(DavClient.send(server.baseUrl(), Optional.empty(), "GET", NC + "?format=json", null,
                "OCS-APIREQUEST", "true").status()).isEqualTo(401);

        assertThat(nc(bob, "DELETE", NC + "/1?format=json").status()).isEqualTo(200);
        assertThat(list(bob).get("items")).extracting(n -> n.get("title").asText())
                .containsExactly("Alice Martin shared 'Three' with you", "Alice Martin shared 'Two' with you");
        // OCS v1, XML (Nextcloud's default): status 100 inside, the same ids.
        Res xml = nc(bob, "GET", "/ocs/v1.php/apps/notifications/api/v2/notifications");
        assertThat(xml.status()).isEqualTo(200);
        assertThat(xml.text()).contains("<statuscode>100</statuscode>").contains("<notification_id>3</notification_id>")
                .contains("<notification_id>2</notification_id>").doesNotContain("<notification_id>1</notification_id>");

        assertThat(nc(bob, "DELETE", NC + "?format=json").status()).isEqualTo(200);
        assertThat(list(bob).get("total").asInt()).isZero();
        // A number is never given twice, even once its notification is gone.
        assertThat(dav(server, alice, "MKCOL", "/Four", null).status()).isEqualTo(201);
        share(server, alice, "path", "/Four", "shareType", "0", "shareWith", bob.login());
        assertThat(ShareTest.json(nc(bob, "GET", NC + "?format=json")).at("/ocs/data/0/notification_id").asInt()).isEqualTo(4);

        JsonNode caps = ShareTest.json(nc(bob, "GET", "/ocs/v2.php/cloud/capabilities?format=json"))
                .at("/ocs/data/capabilities/notifications/ocs-endpoints");
        assertThat(caps).extracting(JsonNode::asText).contains("list", "get", "delete", "delete-all");
    }

    private static Res drop(String token, String name, String nickname) {
        Res put = DavClient.send(server.baseUrl(), Optional.empty(), "PUT", "/public.php/dav/files/" + token + "/" + name,
                "content of " + name, "X-NC-Nickname", nickname);
        assertThat(put.status()).as(put.text()).isEqualTo(201);
        return put;
    }

    @Test
    void uploadsThroughOneFileDropCloseTogetherMakeOneNotificationAndOneMailListingEveryFile() throws Exception {
        User owner = user(server, "Olivia", "fr");
        assertThat(dav(server, owner, "MKCOL", "/Depot", null).status()).isEqualTo(201);
        String token = share(server, owner, "path", "/Depot", "shareType", "3", "permissions", "4").get("token").asText();
        drop(token, "a.pdf", "Ann");
        drop(token, "b.pdf", "Ben");
        drop(token, "c.pdf", "Ann");

        JsonNode items = list(owner).get("items");
        assertThat(items).hasSize(1);
        assertThat(items.get(0).get("count").asInt()).isEqualTo(3);
        assertThat(items.get(0).get("title").asText()).isEqualTo("3 fichiers déposés dans «\u00A0Depot\u00A0»");
        assertThat(list(owner).get("unread").asInt()).isEqualTo(1);

        List<MimeMessage> mails = mailTo(owner.email(), 1);
        assertThat(mails).hasSize(1);
        assertThat(mails.getFirst().getSubject()).isEqualTo("3 fichiers déposés dans «\u00A0Depot\u00A0»");
        assertThat(text(mails.getFirst())).contains("- a.pdf, par Ann", "- b.pdf, par Ben", "- c.pdf, par Ann",
                "Ouvrir\u00A0: " + PUBLIC_URL + "/files/Depot");

        // The burst's e-mail went: the next upload starts another, with its own e-mail.
        drop(token, "d.pdf", "Dan");
        assertThat(list(owner).get("items")).extracting(n -> n.get("count").asInt()).containsExactly(1, 3);
        List<MimeMessage> after = mailTo(owner.email(), 2);
        assertThat(after).hasSize(2);
        assertThat(after.get(1).getSubject()).isEqualTo("Dan a déposé «\u00A0d.pdf\u00A0» dans «\u00A0Depot\u00A0»");
    }

    @Test
    void aFileDropMailStillPendingWhenTheServerStopsIsSentAfterItStartsAgain() throws Exception {
        var keys = new HashMap<>(smtp.config());
        keys.put("proxy.enabled", "true");
        keys.put("notify.file-drop-mail-delay-seconds", "6");
        TestServer first = TestServer.start(keys);
        User owner;
        try (first) {
            owner = user(first, "Oscar", "en");
            assertThat(dav(first, owner, "MKCOL", "/Drop", null).status()).isEqualTo(201);
            String token = share(first, owner, "path", "/Drop", "shareType", "3", "permissions", "4").get("token").asText();
            Res put = DavClient.send(first.baseUrl(), Optional.empty(), "PUT", "/public.php/dav/files/" + token + "/late.pdf",
                    "x", "X-NC-Nickname", "Lea");
            assertThat(put.status()).isEqualTo(201);
        }
        assertThat(mailTo(owner.email(), 0)).as("not mailed before the quiet period ended").isEmpty();
        try (TestServer again = TestServer.startIn(first.dataDir, keys)) {
            List<MimeMessage> mails = mailTo(owner.email(), 1);
            assertThat(mails).extracting(NotificationsTest::subject).containsExactly("Lea uploaded 'late.pdf' to 'Drop'");
        }
    }

    @Test
    void eachPersonChoosesWhichKindsAreAlsoMailedAndTheAppStillShowsThemAll() throws Exception {
        User alice = user(server, "Alice", "en");
        User bob = user(server, "Bob", "en");
        JsonNode settings = api(bob, "GET", "/api/v1/me/notification-settings").json();
        assertThat(settings.get("mailEnabled").asBoolean()).isTrue();
        assertThat(settings.get("email").asText()).isEqualTo(bob.email());
        assertThat(settings.get("kinds")).extracting(k -> k.get("kind").asText() + "=" + k.get("mail").asBoolean()
                + (k.get("default").asBoolean() ? " (default)" : ""))
                .containsExactly("share-received=true (default)", "file-drop-upload=true (default)",
                        "infected-upload=true (default)", "chat-mention=true (default)", "chat-message=true (default)");

        var off = server.client().basic(bob.login(), bob.password()).send("PUT", "/api/v1/me/notification-settings",
                Map.of("share-received", false), Map.of());
        assertThat(off.status()).as(off.body()).isEqualTo(200);
        assertThat(off.json().get("kinds").get(0).get("mail").asBoolean()).isFalse();
        assertThat(off.json().get("kinds").get(0).get("default").asBoolean()).isFalse();
        assertThat(dav(server, alice, "MKCOL", "/Quiet", null).status()).isEqualTo(201);
        share(server, alice, "path", "/Quiet", "shareType", "0", "shareWith", bob.login());
        assertThat(list(bob).get("items")).hasSize(1);

        var on = server.client().basic(bob.login(), bob.password()).send("PUT", "/api/v1/me/notification-settings",
                Map.of("share-received", true), Map.of());
        assertThat(on.status()).isEqualTo(200);
        assertThat(dav(server, alice, "MKCOL", "/Loud", null).status()).isEqualTo(201);
        share(server, alice, "path", "/Loud", "shareType", "0", "shareWith", bob.login());
        // One queue sends in order: once the second share's mail is in, the first one's would be too.
        List<MimeMessage> mails = mailTo(bob.email(), 1);
        assertThat(mails).extracting(NotificationsTest::subject).containsExactly("Alice Martin shared 'Loud' with you");

        var client = server.client().basic(bob.login(), bob.password());
        var unknown = client.send("PUT", "/api/v1/me/notification-settings", Map.of("chat-typing", true), Map.of());
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body()).contains("share-received");
        assertThat(client.send("PUT", "/api/v1/me/notification-settings", Map.of("share-received", "yes"), Map.of()).status())
                .isEqualTo(400);
        assertThat(server.client().get("/api/v1/me/notification-settings").status()).isEqualTo(401);
    }

    @Test
    void anSmtpServerThatIsDownDoesNotFailTheShareAndTheNotificationIsStillKept() throws Exception {
        int deadPort;
        try (var s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        var keys = new HashMap<>(TestMail.config(deadPort));
        keys.put("proxy.enabled", "true");
        try (TestServer down = TestServer.start(keys)) {
            User alice = user(down, "Alice", "en");
            User bob = user(down, "Bob", "en");
            assertThat(dav(down, alice, "MKCOL", "/Docs", null).status()).isEqualTo(201);
            long t0 = System.nanoTime();
            share(down, alice, "path", "/Docs", "shareType", "0", "shareWith", bob.login());
            share(down, alice, "path", "/Docs", "shareType", "4", "shareWith", "x@client.example", "password", "Blue-Orchid-2024");
            assertThat((System.nanoTime() - t0) / 1_000_000).as("the shares do not wait for the mail").isLessThan(5_000);
            var r = down.client().basic(bob.login(), bob.password()).get("/api/v1/notifications");
            assertThat(r.json().get("items")).hasSize(1);
        }
    }

    /** Needs clamd (TestClamd skips without it, unless ATRIUM_TEST_CLAMAV=required). */
    @Test
    void anInfectedUploadIsToldToEveryAdministrator() throws Exception {
        try (TestClamd clamd = TestClamd.start(1 << 20);
             TestServer scanned = TestServer.start(Map.of("antivirus.clamd", clamd.address(), "antivirus.timeout-seconds", "5",
                     "proxy.enabled", "true"))) {
            User bob = user(scanned, "Bob", "en");
            assertThat(dav(scanned, bob, "PUT", "/invoice.pdf", TestClamd.eicar()).status()).isEqualTo(415);
            var admin = scanned.admin();
            JsonNode items = admin.get("/api/v1/notifications").json().get("items");
            assertThat(items).extracting(n -> n.get("title").asText()).containsExactly("Infected file stopped: 'invoice.pdf'");
            assertThat(items.get(0).get("params").toString()).contains(TestClamd.SIGNATURE, bob.login());
            assertThat(scanned.client().basic(bob.login(), bob.password()).get("/api/v1/notifications").json().get("items"))
                    .isEmpty();
        }
    }

    private static String chat(User u, String method, String path, Object body) {
        var r = server.client().basic(u.login(), u.password()).send(method, "/api/v1/chat" + path, body, Map.of());
        assertThat(r.status()).as(r.body()).isBetween(200, 204);
        return r.body().isEmpty() ? "" : r.json().path("id").asText();
    }

    @Test
    void aMentionNotifiesInTheAppThenByMailWhenStillUnreadButNotThoseWhoMutedTheConversation() throws Exception {
        User ana = user(server, "Ana", "fr");
        User bob = user(server, "Bob", "en");
        User cy = user(server, "Cy", "en");
        String conv = chat(ana, "POST", "/conversations", Map.of("kind", "group", "name", "Plans",
                "members", List.of(bob.login(), cy.login())));
        chat(cy, "PATCH", "/conversations/" + conv + "/me", Map.of("muted", true));
        String first = chat(ana, "POST", "/conversations/" + conv + "/messages",
                Map.of("text", "@" + bob.login() + " and @" + cy.login() + ": the plans are ready"));
        chat(ana, "POST", "/conversations/" + conv + "/messages", Map.of("text", "no mention here"));
        chat(ana, "POST", "/conversations/" + conv + "/messages", Map.of("text", "@all\nmeeting at 3"));

        JsonNode items = list(bob).get("items");
        assertThat(items).hasSize(1);
        assertThat(items.get(0).get("kind").asText()).isEqualTo("chat-mention");
        assertThat(items.get(0).get("count").asInt()).isEqualTo(2);
        assertThat(items.get(0).get("title").asText()).isEqualTo("2 mentions of you in 'Plans'");
        assertThat(items.get(0).get("link").asText()).isEqualTo("/chat/" + conv + "?m=" + first);
        assertThat(list(cy).get("items")).as("Cy muted the conversation").isEmpty();
        assertThat(list(ana).get("items")).as("nobody is told of their own messages").isEmpty();

        List<MimeMessage> mails = mailTo(bob.email(), 1);
        assertThat(mails).extracting(NotificationsTest::subject).containsExactly("2 mentions of you in 'Plans'");
        assertThat(text(mails.getFirst())).contains("You were mentioned 2 times in 'Plans':",
                "- Ana Martin: @" + bob.login() + " and @" + cy.login() + ": the plans are ready",
                "- Ana Martin: @all meeting at 3", "Open: " + PUBLIC_URL + "/chat/" + conv + "?m=" + first);

        // Once mailed, the notification is closed: the next mention starts another. Reading the
        // conversation to its end marks both read.
        String last = chat(ana, "POST", "/conversations/" + conv + "/messages", Map.of("text", "@" + bob.login() + " ping"));
        assertThat(list(bob).get("items")).extracting(n -> n.get("count").asInt()).containsExactly(1, 2);
        assertThat(list(bob).get("unread").asInt()).isEqualTo(2);
        chat(bob, "POST", "/conversations/" + conv + "/read", Map.of("messageId", last));
        assertThat(list(bob).get("unread").asInt()).isZero();
        assertThat(mailTo(cy.email(), 0)).isEmpty();
    }

    @Test
    void aOneToOneMessageReadBeforeTheDelayIsNotMailedOneLeftUnreadIs() throws Exception {
        User ana = user(server, "Ana", "en");
        User dan = user(server, "Dan", "fr");
        String conv = chat(ana, "POST", "/conversations", Map.of("kind", "direct", "with", dan.login()));
        String hello = chat(ana, "POST", "/conversations/" + conv + "/messages", Map.of("text", "Hello, read at once"));
        JsonNode items = list(dan).get("items");
        assertThat(items).extracting(n -> n.get("kind").asText() + ": " + n.get("title").asText())
                .containsExactly("chat-message: Ana Martin vous a envoyé un message");
        chat(dan, "POST", "/conversations/" + conv + "/read", Map.of("messageId", hello));
        assertThat(list(dan).get("unread").asInt()).isZero();

        // The next message starts a new notification; left unread, it is mailed. E-mails go in the
        // order they fall due, so once this one is in, the first would be too had it been kept.
        chat(ana, "POST", "/conversations/" + conv + "/messages", Map.of("text", "Still there?"));
        assertThat(list(dan).get("unread").asInt()).isEqualTo(1);
        List<MimeMessage> mails = mailTo(dan.email(), 1);
        assertThat(mails).extracting(NotificationsTest::subject).containsExactly("Ana Martin vous a envoyé un message");
        assertThat(text(mails.getFirst())).contains("Ana Martin vous a écrit\u00A0:", "Still there?")
                .doesNotContain("Hello, read at once");
    }

    @Test
    void aMentionMailStillPendingWhenTheServerStopsIsSentAfterItStartsAgain() throws Exception {
        var keys = new HashMap<>(smtp.config());
        keys.put("chat.mention-mail-delay-seconds", "4");
        TestServer first = TestServer.start(keys);
        User ana;
        User bob;
        try (first) {
            ana = user(first, "Ana", "en");
            bob = user(first, "Bob", "en");
            var c = first.client().basic(ana.login(), ana.password());
            String conv = c.post("/api/v1/chat/conversations", Map.of("kind", "direct", "with", bob.login())).json()
                    .get("id").asText();
            assertThat(c.post("/api/v1/chat/conversations/" + conv + "/messages", Map.of("text", "before the stop")).status())
                    .isEqualTo(201);
        }
        assertThat(mailTo(bob.email(), 0)).as("not mailed before the delay").isEmpty();
        try (TestServer again = TestServer.startIn(first.dataDir, keys)) {
            assertThat(mailTo(bob.email(), 1)).extracting(NotificationsTest::subject)
                    .containsExactly("Ana Martin sent you a message");
        }
    }
}
