package atrium.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.text.Normalizer;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two-way sync with the real Nextcloud desktop client ({@code nextcloudcmd} 3.7.3) over
 * Atrium's own HTTPS listener (self-signed certificate, {@code --trust}). After every sync the
 * local folder and the server hold the same names and bytes, and a second sync with nothing
 * changed transfers nothing. Each test has its own account on one server.
 */
class NextcloudcmdSyncTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        Nextcloudcmd.assumeInstalled();
        server = TestServer.start();
        assertThat(server.baseUrl()).startsWith("https://");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theIssueTreeWithA200MegabyteFileGoesUpInChunksThenDownIntoAFreshFolder() throws Exception {
        try (Nextcloudcmd ncc = Nextcloudcmd.forNewUser(server, "tree")) {
            Path up = ncc.folder("up");
            Map<String, byte[]> tree = new LinkedHashMap<>();
            tree.put("Dossier/Sous dossier/" + Normalizer.normalize("été", Normalizer.Form.NFC) + ".txt", text("nfc"));
            tree.put("Dossier/" + Normalizer.normalize("ÉtÉ", Normalizer.Form.NFD) + ".txt", text("nfd"));
            tree.put("Dossier/Sous dossier/Plus bas/with space.txt", text("hello world\n"));
            tree.put("emoji \uD83D\uDE00 \uD83C\uDF89.txt", text("smile"));
            tree.put("empty.txt", new byte[0]);
            tree.put("Vide/", null);
            Nextcloudcmd.write(up, tree);
            writeRandom(up.resolve("Gros/deux cents.bin"), 200L * 1024 * 1024, 200);

            var run = ncc.sync(up);
            Map<String, String> uploaded = ncc.assertSameTrees(up);
            assertThat(uploaded).containsKeys("Dossier/" + Normalizer.normalize("ÉtÉ", Normalizer.Form.NFD) + ".txt",
                    "Dossier/Sous dossier/" + Normalizer.normalize("été", Normalizer.Form.NFC) + ".txt", "Vide/", "empty.txt");
            assertThat(run.requests()).as("the 200 MB file goes up in chunks, assembled by a MOVE of .file")
                    .anyMatch(r -> r.method().equals("MKCOL") && r.path().startsWith("/remote.php/dav/uploads/tree/"))
                    .anyMatch(r -> r.method().equals("MOVE") && r.path().endsWith("/.file") && r.status() == 201);
            assertThat(run.paths("PUT", "tree")).doesNotContain("Gros/deux cents.bin");
            ncc.assertSyncIsIdempotent(up);

            Path down = ncc.folder("down");
            var downRun = ncc.sync(down);
            assertThat(ncc.assertSameTrees(down)).isEqualTo(uploaded);
            assertThat(downRun.of("PUT")).as("a fresh folder only downloads").isEmpty();
            ncc.assertSyncIsIdempotent(down);
        }
    }

    @Test
    void newEditedDeletedAndMovedItemsOnTheServerSyncDownAndMovedFilesAreNotDownloadedAgain() throws Exception {
        try (Nextcloudcmd ncc = Nextcloudcmd.forNewUser(server, "serverside")) {
            Path local = ncc.folder("local");
            Map<String, Long> ids = syncStartingTree(ncc, local);

            assertThat(ncc.dav("PUT", "/Docs/new.txt", text("new on the server\n")).status()).isEqualTo(201);
            assertThat(ncc.dav("PUT", "/Docs/a.txt", text("a, edited on the server\n")).status()).isEqualTo(204);
            assertThat(ncc.dav("DELETE", "/Docs/b.txt", null).status()).isEqualTo(204);
            assertThat(ncc.dav("DELETE", "/Gone", null).status()).isEqualTo(204);
            assertThat(ncc.dav("MOVE", "/Old%20name", null, "Destination",
                    "/remote.php/dav/files/serverside/New%20name").status()).isEqualTo(201);
            assertThat(ncc.dav("MOVE", "/Move%20me", null, "Destination",
                    "/remote.php/dav/files/serverside/Target/Move%20me").status()).isEqualTo(201);

            var run = ncc.sync(local);
            ncc.assertSameTrees(local);
            assertThat(Files.readString(local.resolve("Docs/a.txt"))).isEqualTo("a, edited on the server\n");
            assertThat(Files.readString(local.resolve("Docs/new.txt"))).isEqualTo("new on the server\n");
            assertThat(local.resolve("Docs/b.txt")).doesNotExist();
            assertThat(local.resolve("Gone")).doesNotExist();
            assertThat(local.resolve("Old name")).doesNotExist();
            assertThat(Files.readString(local.resolve("New name/inner/c.txt"))).isEqualTo("c\n");
            assertThat(Files.readString(local.resolve("Target/Move me/d.txt"))).isEqualTo("d\n");
            assertThat(run.paths("GET", "serverside")).as("renamed and moved folders are renamed locally, not downloaded")
                    .containsExactlyInAnyOrder("Docs/a.txt", "Docs/new.txt");
            assertThat(run.transfers()).as("a down-sync changes nothing on the server")
                    .allMatch(r -> r.method().equals("GET"));
            assertThat(ncc.fileIds()).containsEntry("New name/inner/c.txt", ids.get("Old name/inner/c.txt"));
            ncc.assertSyncIsIdempotent(local);
        }
    }

    @Test
    void localRenamesMovesEditsDeletionsAndNewFilesSyncUpAndMovesKeepTheServersFileIds() throws Exception {
        try (Nextcloudcmd ncc = Nextcloudcmd.forNewUser(server, "clientside")) {
            Path local = ncc.folder("local");
            Map<String, Long> ids = syncStartingTree(ncc, local);

            // New items first: the client takes a new folder with the inode of a deleted one for a
            // rename of it, and the file system would hand a freed inode straight back.
            Nextcloudcmd.write(local, Map.of("Docs/new.txt", text("new on the client\n"),
                    "Fresh/sub/f.txt", text("f\n")));
            Files.writeString(local.resolve("Docs/a.txt"), "a, edited on the client\n");
            Files.move(local.resolve("Old name"), local.resolve("New name"));
            Files.move(local.resolve("Move me"), local.resolve("Target/Move me"));
            Files.move(local.resolve("top.txt"), local.resolve("Docs/top renamed.txt"));
            Files.delete(local.resolve("Docs/b.txt"));
            Nextcloudcmd.deleteTree(local.resolve("Gone"));

            var run = ncc.sync(local);
            ncc.assertSameTrees(local);
            assertThat(run.paths("MOVE", "clientside")).as("renames and moves go up as MOVE")
                    .containsExactlyInAnyOrder("Old name", "Move me", "top.txt");
            assertThat(run.paths("PUT", "clientside")).as("only new and edited files are uploaded")
                    .containsExactlyInAnyOrder("Docs/a.txt", "Docs/new.txt", "Fresh/sub/f.txt");
            assertThat(run.paths("DELETE", "clientside")).containsExactlyInAnyOrder("Docs/b.txt", "Gone");
            Map<String, Long> after = ncc.fileIds();
            assertThat(after).containsEntry("New name/", ids.get("Old name/"))
                    .containsEntry("New name/inner/c.txt", ids.get("Old name/inner/c.txt"))
                    .containsEntry("Target/Move me/", ids.get("Move me/"))
                    .containsEntry("Target/Move me/d.txt", ids.get("Move me/d.txt"))
                    .containsEntry("Docs/top renamed.txt", ids.get("top.txt"));
            ncc.assertSyncIsIdempotent(local);
        }
    }

    /**
     * The same file edited on both sides between two syncs: the client keeps the server's
     * version under the name and the local one as "name (conflicted copy DATE TIME).ext".
     * Atrium does not advertise the {@code uploadConflictFiles} capability, so 3.7 keeps the
     * copy on the local side only (it excludes conflict files from upload).
     */
    @Test
    void anEditOnBothSidesKeepsTheServerVersionAndALocalConflictedCopy() throws Exception {
        try (Nextcloudcmd ncc = Nextcloudcmd.forNewUser(server, "conflict")) {
            Path local = ncc.folder("local");
            Nextcloudcmd.write(local, Map.of("Notes/plan.txt", text("base\n")));
            ncc.sync(local);
            ncc.assertSameTrees(local);

            assertThat(ncc.dav("PUT", "/Notes/plan.txt", text("edited on the server\n")).status()).isEqualTo(204);
            Files.writeString(local.resolve("Notes/plan.txt"), "edited on the client, longer\n");
            Files.setLastModifiedTime(local.resolve("Notes/plan.txt"), FileTime.from(Instant.now().plusSeconds(5)));

            var run = ncc.sync(local);
            assertThat(Files.readString(local.resolve("Notes/plan.txt"))).isEqualTo("edited on the server\n");
            Map<String, String> localTree = Nextcloudcmd.localTree(local);
            Map<String, String> conflicts = new TreeMap<>(localTree);
            conflicts.keySet().removeIf(k -> !k.matches("Notes/plan \\(conflicted copy \\d{4}-\\d\\d-\\d\\d \\d{6}\\)\\.txt"));
            assertThat(conflicts).as("one conflicted copy holding the local edit, in " + localTree.keySet())
                    .hasSize(1)
                    .containsValue(Nextcloudcmd.sha256(text("edited on the client, longer\n")));
            assertThat(run.of("PUT")).as("the client uploads neither its edit nor the conflicted copy").isEmpty();
            Map<String, String> withoutCopy = new TreeMap<>(localTree);
            withoutCopy.keySet().removeAll(conflicts.keySet());
            assertThat(withoutCopy).isEqualTo(ncc.remoteTree());
            ncc.assertSyncIsIdempotent(local);
            assertThat(Nextcloudcmd.localTree(local)).containsAllEntriesOf(conflicts);
        }
    }

    /** Writes the starting tree into {@code local}, syncs it up, checks it and returns the server's file ids. */
    private static Map<String, Long> syncStartingTree(Nextcloudcmd ncc, Path local) throws Exception {
        Nextcloudcmd.write(local, startingTree());
        ncc.sync(local);
        ncc.assertSameTrees(local);
        return ncc.fileIds();
    }

    /** Folders and files the rename, move and delete scenarios start from. */
    private static Map<String, byte[]> startingTree() {
        Map<String, byte[]> t = new LinkedHashMap<>();
        t.put("Docs/a.txt", text("a\n"));
        t.put("Docs/b.txt", text("b\n"));
        t.put("Old name/inner/c.txt", text("c\n"));
        t.put("Move me/d.txt", text("d\n"));
        t.put("Target/", null);
        t.put("Gone/e.txt", text("e\n"));
        t.put("Gone/deeper/g.txt", text("g\n"));
        t.put("top.txt", text("top\n"));
        return t;
    }

    /** A file of pseudo-random bytes (seeded, so reruns are alike), written in blocks to keep the heap small. */
    private static void writeRandom(Path file, long size, long seed) throws IOException {
        Files.createDirectories(file.getParent());
        Random random = new Random(seed);
        byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = size; left > 0; left -= block.length) {
                random.nextBytes(block);
                out.write(block, 0, (int) Math.min(block.length, left));
            }
        }
    }
}
