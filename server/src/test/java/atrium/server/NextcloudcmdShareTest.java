package atrium.server;

import static org.assertj.core.api.Assertions.assertThat;

import atrium.server.DavClient.Res;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The Nextcloud desktop client (nextcloudcmd 3.7.3) syncing folders another user shared with
 * its account: the read-only one comes down and local edits in it never reach the owner;
 * the editable one carries a local change up into the owner's files, and a file moved out of it
 * into the recipient's own folder.
 */
class NextcloudcmdShareTest {
    @Test
    void aReadOnlyShareSyncsDownAndStaysUnchangedWhileAnEditShareCarriesChangesToTheOwner() throws Exception {
        Nextcloudcmd.assumeInstalled();
        try (TestServer server = TestServer.start(Map.of("proxy.enabled", "true"));
             Nextcloudcmd ncc = Nextcloudcmd.forNewUser(server, "recipient")) {
            String alicePassword = DavTest.userWithAppPassword(server, "owner", "Juniper-Falcon-7781");
            Optional<String> alice = Optional.of("owner:" + alicePassword);
            String base = server.baseUrl();
            String root = "/remote.php/dav/files/owner";
            for (String folder : new String[] {"/Reports", "/Drafts"}) {
                assertThat(DavClient.send(base, alice, "MKCOL", root + folder, null).status()).isEqualTo(201);
            }
            assertThat(DavClient.send(base, alice, "PUT", root + "/Reports/q1.txt", "figures").status()).isEqualTo(201);
            assertThat(DavClient.send(base, alice, "PUT", root + "/Drafts/plan.txt", "draft").status()).isEqualTo(201);
            share(base, alice, "/Reports", 1);
            share(base, alice, "/Drafts", 31);

            Path local = ncc.folder("sync");
            ncc.sync(local);
            assertThat(ncc.assertSameTrees(local)).containsOnlyKeys("Reports/", "Reports/q1.txt", "Drafts/", "Drafts/plan.txt");
            ncc.assertSyncIsIdempotent(local);

            // Local edits: in the read-only share, and in the editable one.
            Files.writeString(local.resolve("Reports/q1.txt"), "tampered", StandardCharsets.UTF_8);
            Files.writeString(local.resolve("Drafts/plan.txt"), "final version", StandardCharsets.UTF_8);
            Files.writeString(local.resolve("Drafts/added.txt"), "new", StandardCharsets.UTF_8);
            var run = ncc.sync(local);
            assertThat(run.requests()).as("no write was sent into the read-only share")
                    .noneMatch(r -> r.path().contains("/Reports/") && !r.method().equals("PROPFIND") && !r.method().equals("GET"));
            assertThat(DavClient.send(base, alice, "GET", root + "/Reports/q1.txt", null).text()).isEqualTo("figures");
            assertThat(DavClient.send(base, alice, "GET", root + "/Drafts/plan.txt", null).text()).isEqualTo("final version");
            assertThat(DavClient.send(base, alice, "GET", root + "/Drafts/added.txt", null).text()).isEqualTo("new");
            // The client put the server's version of the read-only file back.
            assertThat(Files.readString(local.resolve("Reports/q1.txt"))).isEqualTo("figures");
            ncc.assertSyncIsIdempotent(local);

            // A file moved on the client out of the editable share into the recipient's own folder
            // (docs/adr/0017): it lands in their files, and leaves the owner's folder for her trash.
            Files.createDirectories(local.resolve("Mine"));
            Files.move(local.resolve("Drafts/added.txt"), local.resolve("Mine/added.txt"));
            var moved = ncc.sync(local);
            assertThat(moved.requests()).as("the client moves it on the server rather than uploading it again")
                    .anyMatch(r -> r.method().equals("MOVE") && r.path().endsWith("/Drafts/added.txt") && r.status() == 201)
                    .noneMatch(r -> r.method().equals("PUT"));
            assertThat(ncc.remoteTree()).containsOnlyKeys("Reports/", "Reports/q1.txt", "Drafts/", "Drafts/plan.txt",
                    "Mine/", "Mine/added.txt");
            assertThat(Files.readString(local.resolve("Mine/added.txt"))).isEqualTo("new");
            assertThat(DavClient.send(base, alice, "GET", root + "/Drafts/added.txt", null).status()).isEqualTo(404);
            Res trash = DavClient.send(base, alice, "PROPFIND", "/remote.php/dav/trashbin/owner/trash/", null, "Depth", "1");
            assertThat(trash.text()).contains("added.txt");
            ncc.assertSyncIsIdempotent(local);
        }
    }

    private static void share(String base, Optional<String> owner, String path, int permissions) {
        Res r = DavClient.send(base, owner, "POST", "/ocs/v2.php/apps/files_sharing/api/v1/shares?format=json",
                "path=" + path + "&shareType=0&shareWith=recipient&permissions=" + permissions,
                "OCS-APIREQUEST", "true", "Content-Type", "application/x-www-form-urlencoded");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
    }
}
