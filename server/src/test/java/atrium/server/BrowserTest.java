package atrium.server;

import static org.assertj.core.api.Assertions.assertThat;

import atrium.core.TestClamd;
import atrium.identity.db.AuditStore;
import atrium.voip.CallLog;
import atrium.voip.CallRecordId;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Headless Chromium, driven by playwright-core (web/e2e/*.mjs), against a fresh server each.
 * CI sets ATRIUM_TEST_BROWSER=required so a missing browser fails instead of skipping.
 */
class BrowserTest {
    /** admin-flow.mjs signs in as admin, enrols TOTP with oathtool, creates a user, signs out and signs in as that user. */
    @Test
    void anAdminEnrolsTwoFactorCreatesAUserAndThatUserSignsIn() throws Exception {
        try (TestServer server = TestServer.start()) {
            runScript("admin-flow.mjs", server);
            // The admin has 2FA now, so read the audit log directly rather than through a new sign-in.
            assertThat(audit(server, Optional.empty(), "user-created")).anySatisfy(e -> assertThat(e.target()).hasValue("camille"));
            assertThat(audit(server, Optional.of("camille"), "sign-in")).isNotEmpty();
        }
    }

    /** login-flow.mjs: a client starts Login Flow v2, the browser signs in and grants, the client collects the password. */
    @Test
    void aNextcloudClientGetsAnAppPasswordThroughTheBrowser() throws Exception {
        try (TestServer server = TestServer.start()) {
            runScript("login-flow.mjs", server);
            assertThat(audit(server, Optional.of("admin"), "login-flow-granted")).hasSize(1);
            assertThat(audit(server, Optional.of("admin"), "login-flow-delivered")).hasSize(1);
            assertThat(audit(server, Optional.of("admin"), "login-flow-cancelled")).hasSize(1);
            var names = server.admin().get("/api/v1/me/app-passwords").json().findValuesAsText("name");
            assertThat(names).singleElement().asString().contains("mirall/3.7.3git (atrium-e2e");
        }
    }

    /**
     * files-flow.mjs: the Files app over WebDAV — new folder, uploads with accented names,
     * rename, move through the picker, download compared byte for byte, delete, quota bar;
     * then multi-select: three notes selected (keyboard, Shift-click, Ctrl-click) download as
     * one zip of exactly them, two move into a folder together, the third goes to the trash;
     * copied back out where one already is, the other is copied and the clash listed.
     */
    @Test
    void theFilesAppManagesFoldersAndFilesThroughWebDav() throws Exception {
        try (TestServer server = TestServer.start()) {
            runScript("files-flow.mjs", server);
            var admin = server.atrium.identity().accounts.find("admin");
            var files = server.atrium.files().files;
            var root = files.root(admin.id());
            assertThat(files.children(root)).extracting(atrium.files.Node::name).contains("Rapports 2026", "Tri 2026");
            var sorting = files.resolve(admin.id(), List.of("Tri 2026")).orElseThrow();
            // note-1 and note-2 copied back out, note-1 first alone, then both (note-1 clashed).
            assertThat(files.children(sorting)).extracting(atrium.files.Node::name)
                    .containsExactlyInAnyOrder("Archivé", "note-1.txt", "note-2.txt");
            var archived = files.resolve(admin.id(), List.of("Tri 2026", "Archivé")).orElseThrow();
            assertThat(files.children(archived)).extracting(atrium.files.Node::name).containsExactlyInAnyOrder("note-1.txt", "note-2.txt");
            assertThat(files.trash(admin.id())).extracting(t -> t.node().name()).contains("note-3.txt");
        }
    }

    /**
     * antivirus-flow.mjs: with clamd scanning, an EICAR file uploaded in the Files app is
     * refused and the upload panel says why, in English then in French; a clean file right
     * after goes up. Needs clamd (skips without it, unless ATRIUM_TEST_CLAMAV=required).
     */
    @Test
    void anInfectedUploadInTheFilesAppIsRefusedWithTheScannersReason() throws Exception {
        try (TestClamd clamd = TestClamd.start(1 << 20);
             TestServer server = TestServer.start(Map.of("antivirus.clamd", clamd.address(), "antivirus.timeout-seconds", "5"))) {
            // Handed over in a file: no virus signature sits in the repository's scripts.
            Path eicar = Files.createTempFile("atrium-e2e-eicar-", ".bin");
            try {
                Files.write(eicar, TestClamd.eicar());
                runScript("antivirus-flow.mjs", server,
                        Map.of("ATRIUM_EICAR_FILE", eicar.toString(), "ATRIUM_EICAR_SIGNATURE", TestClamd.SIGNATURE), 120);
            } finally {
                Files.deleteIfExists(eicar);
            }
            var admin = server.atrium.identity().accounts.find("admin");
            var root = server.atrium.files().files.root(admin.id());
            assertThat(server.atrium.files().files.children(root)).extracting(atrium.files.Node::name)
                    .contains("minutes.txt").doesNotContain("invoice.pdf", "facture.pdf");
        }
    }

    /**
     * trash-flow.mjs: versions (replace an upload, list, download, restore) and the trash
     * (delete, list with the original location, restore into the folder) in the Files app.
     */
    @Test
    void theFilesAppRestoresVersionsAndTrashedFiles() throws Exception {
        try (TestServer server = TestServer.start()) {
            runScript("trash-flow.mjs", server);
            var admin = server.atrium.identity().accounts.find("admin");
            var root = server.atrium.files().files.root(admin.id());
            assertThat(server.atrium.files().files.children(root)).extracting(atrium.files.Node::name).contains("Archives 2026");
        }
    }

    /**
     * share-flow.mjs: alice shares one folder with bob read-only and one with every right
     * through the share dialog and makes a link with a password; she makes a second link and
     * edits it — a password and a download limit of 2, proven over HTTP (password asked, the
     * third download 410), then both removed (the link opens and downloads again); bob finds
     * both folders, cannot change the first and uploads into the second, which lands in
     * alice's folder; he copies a file out of the first and moves it into the second with the folder picker.
     */
    @Test
    void sharesMadeInTheDialogReachTheRecipientWithTheirRights() throws Exception {
        try (TestServer server = TestServer.start()) {
            String password = "Share-Flow-Password-42";
            for (String login : List.of("alice", "bob")) {
                var created = server.admin().post("/api/v1/users", Map.of("login", login, "password", password));
                assertThat(created.status()).as(created.body()).isEqualTo(201);
            }
            runScript("share-flow.mjs", server, Map.of("ATRIUM_ALICE_PASSWORD", password, "ATRIUM_BOB_PASSWORD", password));
            var files = server.atrium.files().files;
            var alice = server.atrium.identity().accounts.find("alice");
            var team = files.children(files.root(alice.id())).stream().filter(n -> n.name().equals("Équipe")).findFirst().orElseThrow();
            assertThat(files.children(team)).extracting(atrium.files.Node::name)
                    .containsExactlyInAnyOrder("de bob (été).txt", "bilan.txt");
            // What bob copied out of the read-only share and then moved into "Équipe" is alice's now;
            // his copy went to his trash, her file stayed where it was.
            var bob = server.atrium.identity().accounts.find("bob");
            assertThat(files.trash(bob.id())).extracting(t -> t.node().name()).containsExactly("bilan.txt");
            assertThat(files.resolve(alice.id(), List.of("Lecture seule", "bilan.txt"))).isPresent();
            assertThat(audit(server, Optional.of("alice"), "files-share-created")).hasSize(4);
            // The two edits, each an OCS update and a files_downloadlimit call.
            assertThat(audit(server, Optional.of("alice"), "files-share-changed")).extracting(e -> e.detail().orElse(""))
                    .hasSize(4)
                    .anySatisfy(d -> assertThat(d).contains("password set"))
                    .anySatisfy(d -> assertThat(d).isEqualTo("download limit 2"))
                    .anySatisfy(d -> assertThat(d).contains("password removed"))
                    .anySatisfy(d -> assertThat(d).isEqualTo("download limit removed"));
        }
    }

    /**
     * bell-flow.mjs: bob received two shares from alice; the bell's badge counts them, the
     * panel shows their text and link, marking one read and opening the other clears the
     * badge; in his settings bob turns off the e-mail for shares received, and the server has it.
     */
    @Test
    void theBellCountsSharesReceivedAndShowsThemAndTheEmailSwitchIsKept() throws Exception {
        try (var smtp = new atrium.core.mail.TestMail(); TestServer server = TestServer.start(smtp.config())) {
            String password = "Bell-Flow-Password-42";
            for (String login : List.of("alice", "bob")) {
                var created = server.admin().post("/api/v1/users", Map.of("login", login, "password", password,
                        "displayName", login.equals("alice") ? "Alice Martin" : "Bob Durand", "email", login + "@example.com",
                        "language", "en"));
                assertThat(created.status()).as(created.body()).isEqualTo(201);
            }
            TestClient alice = server.client();
            alice.signIn("alice", password);
            String appPassword = alice.post("/api/v1/me/app-passwords", Map.of("name", "test")).json().get("password").asText();
            Optional<String> auth = Optional.of("alice:" + appPassword);
            for (String folder : List.of("Plans", "Budget")) {
                assertThat(DavClient.send(server.baseUrl(), auth, "MKCOL", "/remote.php/dav/files/alice/" + folder, null).status())
                        .isEqualTo(201);
                var shared = DavClient.send(server.baseUrl(), auth, "POST", OCS + "?format=json",
                        ShareTest.form("path", "/" + folder, "shareType", "0", "shareWith", "bob"),
                        "OCS-APIREQUEST", "true", "Content-Type", "application/x-www-form-urlencoded");
                assertThat(shared.status()).as(shared.text()).isEqualTo(200);
            }
            runScript("bell-flow.mjs", server, Map.of("ATRIUM_BOB_PASSWORD", password));
            TestClient bob = server.client();
            bob.signIn("bob", password);
            assertThat(bob.get("/api/v1/notifications").json().get("unread").asInt()).isZero();
            assertThat(bob.get("/api/v1/me/notification-settings").json().get("kinds")).extracting(k -> k.get("kind").asText()
                    + "=" + k.get("mail").asBoolean()).contains("share-received=false", "file-drop-upload=true");
        }
    }

    /**
     * chat-flow.mjs: alice and bob, each in a browser of their own (bob on a 360 px screen):
     * alice starts a conversation with bob and writes; bob's list shows the unread badge live,
     * opening the conversation clears it, his answer reaches alice live, and a message holding
     * HTML shows as text with no dialog; bob's reaction, alice's edit and deletion reach the
     * other live; a Markdown message with a mention picked from the completion shows formatted
     * (its javascript: link as text), bob reacts from the emoji picker, his "do not disturb"
     * reaches alice's dots, and a group is renamed, locked, given a moderator and deleted
     * through its settings. The server then has the five messages in one conversation, read by
     * both, with the edit, the deletion and the reaction.
     */
    @Test
    void twoPeopleChatLiveAndAMessageHoldingHtmlShowsAsText() throws Exception {
        try (TestServer server = TestServer.start()) {
            String password = "Chat-Flow-Password-42";
            aliceAndBob(server, password);
            runScript("chat-flow.mjs", server, Map.of("ATRIUM_ALICE_PASSWORD", password, "ATRIUM_BOB_PASSWORD", password));
            for (String login : List.of("alice", "bob")) {
                TestClient client = server.client();
                client.signIn(login, password);
                var items = client.get("/api/v1/chat/conversations").json().get("items");
                assertThat(items).as(login).hasSize(1);
                assertThat(items.get(0).get("unread").asInt()).as(login + "'s unread").isZero();
                String id = items.get(0).get("id").asText();
                var messages = client.get("/api/v1/chat/conversations/" + id + "/messages").json().get("items");
                assertThat(messages).extracting(m -> m.get("author").asText() + ": " + m.get("text").asText()
                        + (m.get("editedAt").isNull() ? "" : " (edited)") + (m.get("deleted").asBoolean() ? "(deleted)" : ""))
                        .containsExactly("alice: Bonjour Bob, le bilan est prêt (v2). (edited)", "bob: Merci Alice !",
                                "alice: (deleted)", "alice: <img src=x onerror=alert(1)>",
                                "alice: @bob **gras** et `code` [lien](https://example.org) [x](javascript:alert(1))");
                assertThat(messages.get(0).get("reactions").toString()).isEqualTo("[{\"emoji\":\"👍\",\"logins\":[\"bob\"]}]");
            }
        }
    }

    /**
     * chat-attach-flow.mjs: alice drops an image and a 24 MiB PDF onto a group conversation and
     * sees each sent with a progress bar; bob sees the image's thumbnail and the PDF's card live
     * and downloads the PDF byte for byte. The server then has both files in alice's Talk
     * folder and two messages carrying them.
     */
    @Test
    void filesDroppedInAConversationReachTheOtherMemberWithAPreviewAndDownloadWhole() throws Exception {
        try (TestServer server = TestServer.start()) {
            String password = "Attach-Flow-Password-42";
            aliceAndBob(server, password);
            TestClient alice = server.client();
            assertThat(alice.signIn("alice", password).status()).isEqualTo(200);
            var conv = alice.post("/api/v1/chat/conversations", Map.of("kind", "group", "name", "Chantier", "members", List.of("bob")));
            assertThat(conv.status()).as(conv.body()).isEqualTo(201);
            runScript("chat-attach-flow.mjs", server, Map.of("ATRIUM_ALICE_PASSWORD", password, "ATRIUM_BOB_PASSWORD", password));
            var messages = alice.get("/api/v1/chat/conversations/" + conv.json().get("id").asText() + "/messages").json().get("items");
            assertThat(messages).extracting(m -> m.get("attachment").get("name").asText() + " " + m.get("attachment").get("contentType").asText()
                    + " preview=" + m.get("attachment").get("preview").asBoolean())
                    .containsExactlyInAnyOrder("chantier.png image/png preview=true", "devis <b>2026.pdf application/pdf preview=true");
            assertThat(messages.findValues("attachment")).filteredOn(a -> a.get("name").asText().endsWith(".pdf"))
                    .extracting(a -> a.get("size").asLong()).containsExactly(24L << 20);
            var owner = server.atrium.identity().accounts.byLogin("alice").orElseThrow().id();
            for (String name : List.of("chantier.png", "devis <b>2026.pdf")) {
                assertThat(server.atrium.files().files.resolve(owner, List.of("Talk", name))).as(name).isPresent();
            }
        }
    }

    /**
     * chat-list-flow.mjs: on a phone screen, alice filters her conversations (accents ignored,
     * unread only, favourites only), makes one a favourite, mutes one (its mention badge goes)
     * and archives one, each seen in her other tab at once; a message she writes in the archived
     * one brings it back. The server then has her settings, and nobody else's changed.
     */
    @Test
    void aMemberFavouritesMutesAndArchivesConversationsAndTheListShowsIt() throws Exception {
        try (TestServer server = TestServer.start()) {
            String password = "Chat-List-Password-42";
            TestClient alice = server.client();
            TestClient bob = server.client();
            for (var person : Map.of("alice", alice, "bob", bob).entrySet()) {
                var created = server.admin().post("/api/v1/users", Map.of("login", person.getKey(), "password", password, "language", "en"));
                assertThat(created.status()).as(created.body()).isEqualTo(201);
                assertThat(person.getValue().signIn(person.getKey(), password).status()).isEqualTo(200);
            }
            String chat = "/api/v1/chat/conversations";
            // Oldest first: "Projet Tunis" is last in alice's list until she makes it a favourite.
            String projet = alice.post(chat, Map.of("kind", "group", "name", "Projet Tunis", "members", List.of("bob"))).json().get("id").asText();
            assertThat(alice.post(chat + "/" + projet + "/messages", Map.of("text", "Ordre du jour")).status()).isEqualTo(201);
            String direct = bob.post(chat, Map.of("kind", "direct", "with", "alice")).json().get("id").asText();
            assertThat(bob.post(chat + "/" + direct + "/messages", Map.of("text", "@alice regarde le devis")).status()).isEqualTo(201);
            String equipe = bob.post(chat, Map.of("kind", "group", "name", "Équipe Sfax", "members", List.of("alice"))).json().get("id").asText();
            assertThat(bob.post(chat + "/" + equipe + "/messages", Map.of("text", "Réunion demain")).status()).isEqualTo(201);

            runScript("chat-list-flow.mjs", server, Map.of("ATRIUM_ALICE_PASSWORD", password));

            assertThat(alice.get(chat).json().get("items")).extracting(c -> (c.path("with").isTextual() ? c.get("with").asText() : c.get("name").asText())
                    + (c.get("favourite").asBoolean() ? " favourite" : "") + (c.get("muted").asBoolean() ? " muted" : "")
                    + (c.get("archived").asBoolean() ? " archived" : "") + " mentions=" + c.get("mentions").asInt())
                    .containsExactly("Projet Tunis favourite mentions=0", "Équipe Sfax mentions=0", "bob muted mentions=0");
            assertThat(bob.get(chat).json().get("items")).allSatisfy(c -> assertThat(c.get("favourite").asBoolean()
                    || c.get("muted").asBoolean() || c.get("archived").asBoolean()).isFalse());
            assertThat(alice.get(chat + "/" + equipe + "/messages").json().get("items")).extracting(m -> m.get("text").asText())
                    .containsExactly("Réunion demain", "Je reprends ce sujet");
        }
    }

    /**
     * chat-link-flow.mjs: alice makes a group's guest link with a password in its settings and
     * copies it; a guest (phone screen) is refused a wrong password, joins, pages back through 60
     * notes, reacts, types, replies; alice sees it all live, reacts to the reply, then removes the
     * guest, whose page says the access has ended. The server then has the reply (with what it
     * answers), both reactions, the link with its password, and no guest.
     */
    @Test
    void anOwnerMakesAGuestLinkWithAPasswordAndAGuestJoinsReactsRepliesAndIsRemoved() throws Exception {
        try (TestServer server = TestServer.start(Map.of("chat.rate-limit", "1000"))) {
            String password = "Chat-Link-Password-42";
            assertThat(server.admin().post("/api/v1/users", Map.of("login", "alice", "password", password, "language", "en"))
                    .status()).isEqualTo(201);
            TestClient alice = server.client();
            assertThat(alice.signIn("alice", password).status()).isEqualTo(200);
            String chat = "/api/v1/chat/conversations";
            String id = alice.post(chat, Map.of("kind", "group", "name", "Dossier Dupont", "members", List.of())).json().get("id").asText();
            for (int i = 1; i <= 60; i++) {
                assertThat(alice.post(chat + "/" + id + "/messages", Map.of("text", "Note " + i)).status()).isEqualTo(201);
            }

            runScript("chat-link-flow.mjs", server, Map.of("ATRIUM_ALICE_PASSWORD", password));

            var items = alice.get(chat + "/" + id + "/messages?limit=3").json().get("items");
            assertThat(items).extracting(m -> m.get("text").asText()).containsExactly("Note 59", "Note 60", "Bien reçu, merci");
            assertThat(items.get(2).get("guest").asText()).isEqualTo("Mme Leïla Ben Salah");
            assertThat(items.get(2).get("replyTo").asText()).isEqualTo(items.get(0).get("id").asText());
            assertThat(items.get(1).get("reactions").toString()).isEqualTo("[{\"emoji\":\"👍\",\"logins\":[],\"guests\":[\"Mme Leïla Ben Salah\"]}]");
            assertThat(items.get(2).get("reactions").toString()).isEqualTo("[{\"emoji\":\"❤️\",\"logins\":[\"alice\"]}]");
            assertThat(alice.get(chat + "/" + id + "/link").json().get("password").asBoolean()).isTrue();
            assertThat(alice.get(chat + "/" + id).json().get("guests")).isEmpty();
        }
    }

    /**
     * chat-search-flow.mjs: alice finds a message of a long conversation by searching without
     * accents, opens the conversation at it (highlighted, on screen), pages forward to the newest,
     * sets and clears a status text, and writes from there; the server then has her answer after
     * the 120 messages.
     */
    @Test
    void aSearchHitOpensTheConversationAtThatMessage() throws Exception {
        try (TestServer server = TestServer.start(Map.of("chat.rate-limit", "1000"))) {
            String password = "Chat-Search-Password-42";
            aliceAndBob(server, password);
            TestClient bob = server.client();
            assertThat(bob.signIn("bob", password).status()).isEqualTo(200);
            String id = bob.post("/api/v1/chat/conversations", Map.of("kind", "group", "name", "Plans", "members", List.of("alice")))
                    .json().get("id").asText();
            for (int i = 1; i <= 120; i++) {
                var r = bob.post("/api/v1/chat/conversations/" + id + "/messages",
                        Map.of("text", i == 5 ? "Réunion d'été lundi" : "message " + i));
                assertThat(r.status()).as(r.body()).isEqualTo(201);
            }
            runScript("chat-search-flow.mjs", server, Map.of("ATRIUM_ALICE_PASSWORD", password));
            var last = bob.get("/api/v1/chat/conversations/" + id + "/messages?limit=2").json().get("items");
            assertThat(last).extracting(m -> m.get("author").asText() + ": " + m.get("text").asText())
                    .containsExactly("bob: message 120", "alice: Found it, thanks");
        }
    }

    /**
     * chat-three-flow.mjs, issue 5's "done when": alice and bob, each in a browser, and a guest in
     * a third. alice makes a group with bob and its guest link with a password in the UI; the
     * guest joins by the link; messages (HTML among them, shown as text) reach the two others
     * live; bob reacts to the guest's message and the guest to alice's, seen live; alice drops an
     * image that bob and the guest see as a thumbnail and download byte for byte; while bob is on
     * Files his Chat entry counts alice's and the guest's messages, alice's @bob puts a mention in
     * his bell, and opening the conversation clears the badges and the bell. The server then has
     * the seven messages, both reactions, the file, bob's conversation read and his notification
     * read.
     */
    @Test
    void twoPeopleAndAGuestExchangeMessagesReactionsAndAFileWithBadgesAndTheBellRight() throws Exception {
        try (TestServer server = TestServer.start()) {
            String password = "Chat-Three-Password-42";
            aliceAndBob(server, password);
            runScript("chat-three-flow.mjs", server, Map.of("ATRIUM_ALICE_PASSWORD", password, "ATRIUM_BOB_PASSWORD", password));

            TestClient bob = server.client();
            assertThat(bob.signIn("bob", password).status()).isEqualTo(200);
            var list = bob.get("/api/v1/chat/conversations").json().get("items");
            assertThat(list).extracting(c -> c.get("name").asText() + " unread=" + c.get("unread").asInt() + " mentions="
                    + c.get("mentions").asInt()).containsExactly("Cabinet Dupont unread=0 mentions=0");
            String id = list.get(0).get("id").asText();
            var messages = bob.get("/api/v1/chat/conversations/" + id + "/messages").json().get("items");
            assertThat(messages).extracting(m -> (m.get("author").isNull() ? m.get("guest").asText() + " (guest)" : m.get("author").asText())
                    + ": " + m.get("text").asText() + (m.get("attachment").isNull() ? "" : "[" + m.get("attachment").get("name").asText() + "]"))
                    .containsExactly("alice: Bonjour à tous, bienvenue.", "bob: <img src=x onerror=alert(1)> Bonjour",
                            "Mme <i>Dupont</i> (guest): Merci <b>beaucoup</b> !", "alice: [plan du bureau.png]",
                            "alice: Le dossier est complet.", "Mme <i>Dupont</i> (guest): Parfait, merci.",
                            "alice: @bob peux-tu vérifier ?");
            assertThat(messages.get(0).get("reactions").toString())
                    .isEqualTo("[{\"emoji\":\"❤️\",\"logins\":[],\"guests\":[\"Mme <i>Dupont</i>\"]}]");
            assertThat(messages.get(2).get("reactions").toString()).isEqualTo("[{\"emoji\":\"👍\",\"logins\":[\"bob\"]}]");
            var notifications = bob.get("/api/v1/notifications").json();
            assertThat(notifications.get("unread").asInt()).isZero();
            assertThat(notifications.get("items")).extracting(n -> n.get("kind").asText()).containsExactly("chat-mention");
            var owner = server.atrium.identity().accounts.byLogin("alice").orElseThrow().id();
            assertThat(server.atrium.files().files.resolve(owner, List.of("Talk", "plan du bureau.png"))).isPresent();
        }
    }

    /**
     * A guest joins a public conversation through its link in the browser, gets a member's
     * message live and answers; names and text holding HTML are shown as text (guest-flow.mjs).
     */
    @Test
    void aGuestJoinsByLinkReadsLiveAndAnswers() throws Exception {
        try (TestServer server = TestServer.start()) {
            String password = "Guest-Flow-Password-42";
            assertThat(server.admin().post("/api/v1/users", Map.of("login", "alice", "password", password, "language", "en"))
                    .status()).isEqualTo(201);
            TestClient alice = server.client();
            assertThat(alice.signIn("alice", password).status()).isEqualTo(200);
            var conv = alice.post("/api/v1/chat/conversations", Map.of("kind", "group", "name", "Clients", "members", List.of()));
            String id = conv.json().get("id").asText();
            assertThat(alice.post("/api/v1/chat/conversations/" + id + "/messages", Map.of("text", "Welcome to our clients"))
                    .status()).isEqualTo(201);
            var link = alice.send("PUT", "/api/v1/chat/conversations/" + id + "/link", Map.of(), Map.of());
            assertThat(link.status()).as(link.body()).isEqualTo(200);
            // Once the guest is in, Alice writes: the guest's page must show it without a reload.
            Thread poster = Thread.ofVirtual().start(() -> {
                long until = System.currentTimeMillis() + 60_000;
                while (System.currentTimeMillis() < until
                        && alice.get("/api/v1/chat/conversations/" + id).json().get("guests").isEmpty()) {
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                try {
                    Thread.sleep(1000); // the page subscribes right after joining
                } catch (InterruptedException e) {
                    return;
                }
                alice.post("/api/v1/chat/conversations/" + id + "/messages", Map.of("text", "Live from Alice"));
            });
            runScript("guest-flow.mjs", server, Map.of("ATRIUM_GUEST_PATH", link.json().get("path").asText()));
            poster.join();
            var messages = alice.get("/api/v1/chat/conversations/" + id + "/messages").json().get("items");
            assertThat(messages).extracting(m -> (m.get("author").isNull() ? m.get("guest").asText() + " (guest)"
                    : m.get("author").asText()) + ": " + m.get("text").asText())
                    .containsExactly("alice: Welcome to our clients", "alice: Live from Alice",
                            "Client <b>Dupont</b> (guest): <img src=x onerror=alert(1)> merci");
        }
    }

    /**
     * public-link-flow.mjs: a guest with no account opens alice's password-protected file-drop
     * link, types a wrong then the right password and a name, and uploads a 300 MiB file in
     * chunks; alice then has it byte for byte and the link's activity names the guest. The
     * guest also browses a view link of a folder and downloads it as a zip.
     */
    @Test
    void aGuestUploadsThroughAFileDropLinkAndBrowsesAFolderLink() throws Exception {
        try (TestServer server = TestServer.start(Map.of("instance.name", "Cabinet Martin"))) {
            String alice = "alice";
            String password = DavTest.userWithAppPassword(server, alice, "Public-Flow-Password-42");
            Optional<String> auth = Optional.of(alice + ":" + password);
            String root = "/remote.php/dav/files/" + alice;
            for (String folder : List.of("/Dépôt client", "/Dossier 2026", "/Dossier 2026/Annexes")) {
                assertThat(DavClient.send(server.baseUrl(), auth, "MKCOL", root + enc(folder), null).status())
                        .isEqualTo(201);
            }
            for (String file : List.of("/Dossier 2026/bilan.txt", "/Dossier 2026/Annexes/détail.txt")) {
                var put = DavClient.send(server.baseUrl(), auth, "PUT", root + enc(file), "Contenu de " + file);
                assertThat(put.status()).isEqualTo(201);
            }
            String linkPassword = "Lien-Depot-2026!";
            // Permissions 4 alone: publicUpload=true would make it read-write (15), as in Nextcloud.
            String drop = link(server, auth, "/Dépôt client", "permissions", "4", "password", linkPassword);
            String view = link(server, auth, "/Dossier 2026", "permissions", "1");

            // 300 MiB that differ everywhere, so that a chunk out of place changes the digest.
            Path big = Files.createTempFile("atrium-e2e-", ".bin");
            try {
                MessageDigest sent = MessageDigest.getInstance("SHA-256");
                var random = new java.util.Random(42);
                byte[] block = new byte[1 << 20];
                try (var out = Files.newOutputStream(big)) {
                    for (int i = 0; i < 300; i++) {
                        random.nextBytes(block);
                        sent.update(block);
                        out.write(block);
                    }
                }
                long started = System.nanoTime();
                runScript("public-link-flow.mjs", server, Map.of("ATRIUM_DROP_TOKEN", drop, "ATRIUM_DROP_PASSWORD", linkPassword,
                        "ATRIUM_VIEW_TOKEN", view, "ATRIUM_BIG_FILE", big.toString(), "ATRIUM_INSTANCE_NAME", "Cabinet Martin"), 420);
                System.out.printf("public-link-flow.mjs took %.1f s%n", (System.nanoTime() - started) / 1e9);

                var got = DavClient.open(server.baseUrl(), auth, "GET", root + enc("/Dépôt client/" + big.getFileName()));
                assertThat(got.statusCode()).isEqualTo(200);
                MessageDigest received = MessageDigest.getInstance("SHA-256");
                try (InputStream in = got.body()) {
                    in.transferTo(new java.security.DigestOutputStream(OutputStream.nullOutputStream(), received));
                }
                assertThat(HexFormat.of().formatHex(received.digest())).isEqualTo(HexFormat.of().formatHex(sent.digest()));
            } finally {
                Files.deleteIfExists(big);
            }
            var shares = DavClient.send(server.baseUrl(), auth, "GET", OCS + "?format=json", null, "OCS-APIREQUEST", "true");
            String dropId = null;
            for (var share : ShareTest.json(shares).at("/ocs/data")) {
                if (share.get("token").asText().equals(drop)) {
                    dropId = share.get("id").asText();
                }
            }
            var activity = DavClient.send(server.baseUrl(), auth, "GET", "/api/v1/files/shares/" + dropId + "/activity", null);
            assertThat(activity.status()).isEqualTo(200);
            assertThat(activity.text()).contains("upload", "(Amélie Client)", "wrong-password", big.getFileName().toString());
        }
    }

    /**
     * public-antivirus-flow.mjs: with clamd scanning, a guest drops an EICAR file on alice's
     * file-drop page and the page says why it is refused, in English then (the page's switch)
     * in French; a clean file right after goes up, and only it reaches alice. Needs clamd
     * (skips without it, unless ATRIUM_TEST_CLAMAV=required).
     */
    @Test
    void anInfectedFileDroppedOnThePublicPageIsRefusedWithTheScannersReason() throws Exception {
        try (TestClamd clamd = TestClamd.start(1 << 20);
             TestServer server = TestServer.start(Map.of("antivirus.clamd", clamd.address(), "antivirus.timeout-seconds", "5"))) {
            String alice = "alice";
            Optional<String> auth = Optional.of(alice + ":" + DavTest.userWithAppPassword(server, alice, "Public-Av-Password-42"));
            String folder = "/remote.php/dav/files/" + alice + enc("/Dépôt client");
            assertThat(DavClient.send(server.baseUrl(), auth, "MKCOL", folder, null).status()).isEqualTo(201);
            String drop = link(server, auth, "/Dépôt client", "permissions", "4");
            Path eicar = Files.createTempFile("atrium-e2e-eicar-", ".bin");
            try {
                Files.write(eicar, TestClamd.eicar());
                runScript("public-antivirus-flow.mjs", server, Map.of("ATRIUM_DROP_TOKEN", drop,
                        "ATRIUM_EICAR_FILE", eicar.toString(), "ATRIUM_EICAR_SIGNATURE", TestClamd.SIGNATURE), 120);
            } finally {
                Files.deleteIfExists(eicar);
            }
            var files = server.atrium.files().files;
            var account = server.atrium.identity().accounts.find(alice);
            var dropFolder = files.children(files.root(account.id())).stream()
                    .filter(n -> n.name().equals("Dépôt client")).findFirst().orElseThrow();
            assertThat(files.children(dropFolder)).extracting(atrium.files.Node::name).containsExactly("releve.txt");
        }
    }

    /**
     * settings-flow.mjs: admin sets the link rules, the firm's name and a logo (a bad one
     * refused with the reason) in the console; the share dialog follows the rules; the
     * sign-in page and a guest's public page show the logo; admin releases one quarantined
     * file and deletes another. Needs clamd for the quarantine (skips without it, unless
     * ATRIUM_TEST_CLAMAV=required).
     */
    @Test
    void anAdminSetsLinkRulesAndALogoThatGuestsSeeAndReleasesAQuarantinedFile() throws Exception {
        try (TestClamd clamd = TestClamd.start(1 << 20);
             TestServer server = TestServer.start(Map.of("antivirus.clamd", clamd.address(), "antivirus.timeout-seconds", "5",
                     "antivirus.infected", "quarantine"))) {
            var admin = server.admin();
            Optional<String> auth = Optional.of("admin:"
                    + admin.post("/api/v1/me/app-passwords", Map.of("name", "setup")).json().get("password").asText());
            String root = "/remote.php/dav/files/admin";
            for (String folder : List.of("/Dossier client", "/Audit")) {
                assertThat(DavClient.send(server.baseUrl(), auth, "MKCOL", root + enc(folder), null).status()).isEqualTo(201);
            }
            for (String file : List.of("/Audit/scan.pdf", "/macro.xls")) {
                assertThat(DavClient.send(server.baseUrl(), auth, "PUT", root + enc(file), TestClamd.eicar()).status()).isEqualTo(415);
            }
            Path logo = Files.createTempFile("atrium-e2e-logo-", ".png");
            try {
                var image = new java.awt.image.BufferedImage(240, 60, java.awt.image.BufferedImage.TYPE_INT_ARGB);
                var g = image.createGraphics();
                g.setColor(new java.awt.Color(0x1f4e79));
                g.fillRect(0, 0, 120, 60);
                g.dispose();
                javax.imageio.ImageIO.write(image, "png", logo.toFile());
                runScript("settings-flow.mjs", server, Map.of("ATRIUM_LOGO_FILE", logo.toString(), "ATRIUM_FOLDER", "Dossier client",
                        "ATRIUM_RELEASE", "Audit/scan.pdf", "ATRIUM_DELETE", "macro.xls"));
            } finally {
                Files.deleteIfExists(logo);
            }
            var policy = admin.get("/api/v1/admin/sharing").json();
            assertThat(policy.get("maxExpiryDays").asInt()).isEqualTo(10);
            assertThat(policy.get("defaultExpiryDays").asInt()).isEqualTo(5);
            assertThat(policy.get("passwordEnforced").asBoolean()).isTrue();
            assertThat(server.client().get("/api/v1/branding").json().get("name").asText()).isEqualTo("Cabinet Martin & Associés");
            var released = DavClient.send(server.baseUrl(), auth, "GET", root + "/Audit/scan.pdf", null);
            assertThat(released.body()).isEqualTo(TestClamd.eicar());
            assertThat(admin.get("/api/v1/admin/quarantine").json().get("items")).isEmpty();
            assertThat(audit(server, Optional.of("admin"), "quarantine-released")).hasSize(1);
            assertThat(audit(server, Optional.of("admin"), "quarantine-deleted")).hasSize(1);
        }
    }

    private static final String OCS = "/ocs/v2.php/apps/files_sharing/api/v1/shares";

    /** A decoded path as an URL path, each segment percent-encoded. */
    private static String enc(String path) {
        return java.util.Arrays.stream(path.split("/", -1))
                .map(s -> java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20"))
                .collect(java.util.stream.Collectors.joining("/"));
    }

    /** A public link made through the OCS API as the Nextcloud clients make it; its token. */
    private static String link(TestServer server, Optional<String> auth, String path, String... more) {
        List<String> pairs = new java.util.ArrayList<>(List.of("path", path, "shareType", "3"));
        pairs.addAll(List.of(more));
        var r = DavClient.send(server.baseUrl(), auth, "POST", OCS + "?format=json", ShareTest.form(pairs.toArray(String[]::new)),
                "OCS-APIREQUEST", "true", "Content-Type", "application/x-www-form-urlencoded");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return ShareTest.json(r).at("/ocs/data/token").asText();
    }

    private static List<atrium.identity.AuditEntry> audit(TestServer server, Optional<String> actor, String action) {
        return server.atrium.identity().audit.search(new AuditStore.Filter(actor, Optional.of(action), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), 50));
    }

    /**
     * phone-flow.mjs: an administrator gives bob extension 201 and a phone (its password, settings and QR code shown
     * once), sees a ringing call live, filters the call log and downloads it as CSV; bob on a phone screen sees his
     * missed-call badge, his Phone page with the settings, QR code and history with call-back links, the badge going
     * once seen, and makes a new password for his phone. The calls are written through the call log's Java API.
     */
    @Test
    void anAdministratorGivesBobAPhoneAndBobSeesItWithHisMissedCalls() throws Exception {
        try (TestServer server = TestServer.start(VoipRegistrarTest.VOIP)) {
            String password = "Phone-Flow-Password-42";
            TestClient admin = server.admin();
            assertThat(admin.post("/api/v1/users", Map.of("login", "bob", "password", password, "language", "en"))
                    .status()).isEqualTo(201);
            VoipRegistrarTest.userWithDevice(admin, "alice", "202");
            var accounts = server.atrium.identity().accounts;
            var bob = accounts.byLogin("bob").orElseThrow().id();
            var alice = accounts.byLogin("alice").orElseThrow().id();
            var aliceDevice = server.atrium.voip().phones.devicesOf(alice).getFirst().id();
            CallLog log = server.atrium.voip().callLog;
            CallLog.Party fromAlice = CallLog.Party.ours(alice, aliceDevice, "202", "Alice");
            for (CallLog.Outcome missed : List.of(CallLog.Outcome.NO_ANSWER, CallLog.Outcome.CANCELLED)) {
                CallRecordId c = log.started(new CallLog.Start(fromAlice, "201", Optional.of(bob), "e2e-" + missed));
                log.ringing(c);
                log.ended(c, missed, missed == CallLog.Outcome.NO_ANSWER ? 480 : 487);
            }
            CallRecordId out = log.started(new CallLog.Start(new CallLog.Party(Optional.of(bob), Optional.empty(), "201",
                    "Bob"), "202", Optional.of(alice), "e2e-out"));
            log.answered(out, aliceDevice);
            log.ended(out, CallLog.Outcome.ANSWERED, 200);
            log.ringing(log.started(new CallLog.Start(fromAlice, "201", Optional.of(bob), "e2e-ringing")));

            runScript("phone-flow.mjs", server, Map.of("ATRIUM_BOB_PASSWORD", password));

            TestClient bobClient = server.client();
            bobClient.signIn("bob", password);
            assertThat(bobClient.get("/api/v1/me/phone/calls").json().get("missed").asInt()).as("missed after seen").isZero();
            assertThat(audit(server, Optional.of("admin"), "voip-calls-exported")).singleElement()
                    .satisfies(e -> assertThat(e.detail()).hasValue("login=bob direction=in outcome=no-answer"));
            assertThat(audit(server, Optional.of("bob"), "voip-device-password-reset")).hasSize(1);
        }
    }

    /** The two people of a two-browser flow (chat-flow, chat-attach-flow, chat-search-flow): no 2FA, English. */
    private static void aliceAndBob(TestServer server, String password) {
        for (String login : List.of("alice", "bob")) {
            var created = server.admin().post("/api/v1/users", Map.of("login", login, "password", password, "language", "en"));
            assertThat(created.status()).as(created.body()).isEqualTo(201);
        }
    }

    private static void runScript(String name, TestServer server) throws Exception {
        runScript(name, server, Map.of());
    }

    private static void runScript(String name, TestServer server, Map<String, String> env) throws Exception {
        runScript(name, server, env, 180);
    }

    private static void runScript(String name, TestServer server, Map<String, String> env, int seconds) throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        Path script = Path.of("..", "web", "e2e", name).toAbsolutePath().normalize();
        boolean required = "required".equals(System.getenv("ATRIUM_TEST_BROWSER"));
        if (!required) {
            Assumptions.assumeTrue(Files.isExecutable(chromium), "Chromium is not installed (apt-get install chromium)");
        }
        assertThat(chromium).as("Debian's chromium is needed for the browser test").isExecutable();
        assertThat(script).exists();
        assertThat(Path.of("..", "web", "node_modules", "playwright-core")).as("run npm ci in web/").exists();
        assertThat(Path.of("target", "classes", "web", "index.html")).as("the web console must be built first").exists();

        Path out = Files.createTempDirectory("atrium-e2e-");
        ProcessBuilder pb = new ProcessBuilder("node", script.toString()).redirectErrorStream(true)
                .directory(script.getParent().getParent().toFile());
        pb.environment().put("ATRIUM_URL", server.baseUrl());
        pb.environment().put("ATRIUM_ADMIN_PASSWORD", TestServer.ADMIN_PASSWORD);
        pb.environment().put("ATRIUM_E2E_OUT", out.toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(seconds, TimeUnit.SECONDS)).as(name + " finished").isTrue();
        assertThat(p.exitValue()).as(name + " output:\n" + log + "\nscreenshots in " + out).isZero();
        System.out.print(log); // the steps and their timings, in the test's output
    }
}
