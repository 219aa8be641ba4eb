package atrium.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The Nextcloud desktop client's command-line sync behind a reverse proxy (plain HTTP, proxy
 * mode): a tree with a chunked 30 MB file syncs up, then a change made on the server down,
 * then a local edit of the big file up in chunks again.
 * The HTTPS scenarios (renames, moves, deletions, conflicts, 200 MB) are in
 * {@link NextcloudcmdSyncTest}. Skipped when nextcloudcmd is not installed, unless
 * ATRIUM_TEST_NEXTCLOUDCMD=required.
 */
class NextcloudcmdTest {
    @Test
    void aTreeSyncsUpByteForByteAndAServerChangeSyncsDown() throws Exception {
        Nextcloudcmd.assumeInstalled();
        try (TestServer server = TestServer.start(Map.of("proxy.enabled", "true"));
             Nextcloudcmd ncc = Nextcloudcmd.forNewUser(server, "desk")) {
            assertThat(server.baseUrl()).startsWith("http://");
            Path local = ncc.folder("sync");
            Map<String, byte[]> tree = new TreeMap<>();
            tree.put("Dossier/Sous dossier/" + Normalizer.normalize("été", Normalizer.Form.NFC) + ".txt", bytes("nfc"));
            tree.put("Dossier/" + Normalizer.normalize("ÉtÉ", Normalizer.Form.NFD) + ".txt", bytes("nfd"));
            tree.put("with space.txt", bytes("hello world\n"));
            tree.put("emoji \uD83D\uDE00.txt", bytes("smile"));
            tree.put("empty.txt", new byte[0]);
            byte[] big = new byte[30 * 1024 * 1024];
            new Random(30).nextBytes(big);
            tree.put("Big/thirty.bin", big);
            Nextcloudcmd.write(local, tree);

            ncc.sync(local);
            Map<String, String> remote = ncc.assertSameTrees(local);
            assertThat(remote).containsEntry("Big/thirty.bin", Nextcloudcmd.sha256(big));
            ncc.assertSyncIsIdempotent(local);

            // A change on the server side, then a sync down.
            byte[] changed = bytes("changed on the server\n");
            byte[] added = bytes("new on the server\n");
            assertThat(ncc.dav("PUT", "/with%20space.txt", changed).status()).isEqualTo(204);
            assertThat(ncc.dav("PUT", "/Dossier/from%20server.txt", added).status()).isEqualTo(201);
            ncc.sync(local);
            assertThat(ncc.assertSameTrees(local)).containsEntry("with space.txt", Nextcloudcmd.sha256(changed))
                    .containsEntry("Dossier/from server.txt", Nextcloudcmd.sha256(added))
                    .containsEntry("Big/thirty.bin", Nextcloudcmd.sha256(big));
            ncc.assertSyncIsIdempotent(local);

            // A local edit of the big file goes up in chunks again, replacing the file (If: on the MOVE of .file).
            long bigId = ncc.fileIds().get("Big/thirty.bin");
            big[12345] ^= 1;
            big = Arrays.copyOf(big, big.length + 7);
            Nextcloudcmd.write(local, Map.of("Big/thirty.bin", big));
            var run = ncc.sync(local);
            assertThat(run.requests()).as("an update in chunks ends with a MOVE of .file that replaces the file")
                    .anyMatch(r -> r.method().equals("MOVE") && r.path().endsWith("/.file") && r.status() == 204);
            assertThat(ncc.assertSameTrees(local)).containsEntry("Big/thirty.bin", Nextcloudcmd.sha256(big));
            assertThat(ncc.fileIds()).containsEntry("Big/thirty.bin", bigId);
            ncc.assertSyncIsIdempotent(local);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
