package atrium.files;

import static org.assertj.core.api.Assertions.assertThat;

import atrium.core.Ids;
import atrium.core.Language;
import atrium.core.blob.BlobId;
import atrium.core.blob.BlobWriter;
import atrium.core.blob.LocalBlobStore;
import atrium.core.blob.MasterKey;
import atrium.core.db.Database;
import atrium.files.db.FileStore;
import atrium.identity.AccountId;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each kind of damage planted in the storage, found by the check, and repaired where that is safe. */
abstract class StorageCheckContract {
    static final AccountId ALICE = new AccountId(1);

    Database db;
    Path blobDir;
    LocalBlobStore blobs;
    FileService files;
    StorageCheck check;

    abstract Database database();

    @BeforeEach
    void setUp() throws IOException {
        db = database();
        db.migrate("files");
        blobDir = Files.createTempDirectory("atrium-check-");
        blobs = new LocalBlobStore(blobDir.resolve("blobs"), MasterKey.loadOrCreate(blobDir.resolve("master.key")));
        Ids ids = new Ids(Clock.systemUTC(), 7);
        files = new FileService(db, new FileStore(db.dialect()), blobs, ids, Clock.systemUTC(), owner -> Optional.empty());
        check = new StorageCheck(db, blobs, ids, Clock.systemUTC(), owner -> "alice");
        files.mkdir(ALICE, List.of("Docs"));
        files.mkdir(ALICE, List.of("Docs", "Old"));
        put("Docs/a.txt", "alpha");
        put("Docs/Old/b.txt", "bravo bravo");
        put("c.txt", "charlie");
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    void put(String path, String content) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        files.write(ALICE, List.of(path.split("/")), new ByteArrayInputStream(bytes), bytes.length, FileService.Upload.plain());
    }

    Node node(String path) {
        return files.resolve(ALICE, List.of(path.split("/"))).orElseThrow();
    }

    StorageCheck.Report run(boolean repair) {
        return check.run(StorageCheck.Options.olderThan(repair, Duration.ZERO, Duration.ofHours(1), 20));
    }

    static List<String> texts(StorageCheck.Report r) {
        return r.problems().stream().map(p -> p.message().text(Language.EN)).toList();
    }

    void sql(String statement) {
        db.jdbi().useHandle(h -> h.execute(statement));
    }

    @Test
    void aHealthyStoreIsClean() {
        var r = run(false);
        assertThat(r.clean()).as(texts(r).toString()).isTrue();
        assertThat(r.nodes()).isEqualTo(6);
        assertThat(r.blobs()).isEqualTo(3);
        assertThat(StorageCheck.summary(r).text(Language.EN)).isEqualTo("6 nodes and 3 blobs checked: no problem.");
    }

    @Test
    void aMissingBlobAndAWrongSizeAreFoundAndLeftForAPerson() {
        blobs.delete(node("Docs/a.txt").blob().orElseThrow());
        sql("UPDATE files_nodes SET size = 3 WHERE name = 'c.txt'");
        var r = run(true);
        assertThat(r.counts()).containsEntry(StorageCheck.Kind.MISSING_BLOB, 1).containsEntry(StorageCheck.Kind.WRONG_SIZE, 1);
        assertThat(texts(r)).anyMatch(t -> t.startsWith("alice:/Docs/a.txt: its blob") && t.endsWith("is missing."))
                .contains("alice:/c.txt: the node says 3 bytes, its blob holds 7.");
        assertThat(r.repairs()).extracting(m -> m.text(Language.EN)).anyMatch(t -> t.startsWith("2 problems need a person"));
        // The root's size now disagrees with c.txt's (planted) size: recomputed by the repair.
        assertThat(run(false).counts()).containsOnlyKeys(StorageCheck.Kind.MISSING_BLOB, StorageCheck.Kind.WRONG_SIZE);
    }

    @Test
    void orphanBlobsAreFoundAndDeletedButBlobsOfUploadsInProgressAreNot() throws IOException {
        BlobId orphan = blob("nobody's");
        BlobId chunk = blob("a chunk of an upload");
        db.jdbi().useHandle(h -> {
            h.execute("INSERT INTO files_uploads (id, owner_id, transfer_id, created_at) VALUES (1, 1, 't1', 0)");
            h.execute("INSERT INTO files_upload_chunks (upload_id, name, blob_id, size) VALUES (1, '1', ?, 20)", chunk.value());
        });
        // A young blob beside a running server may be an upload about to commit: not an orphan yet.
        BlobId young = blob("being committed");
        Files.setLastModifiedTime(blobs.path(orphan), FileTime.from(Instant.now().minusSeconds(7200)));
        var beside = check.run(StorageCheck.Options.olderThan(false, Duration.ofHours(1), Duration.ofHours(1), 20));
        assertThat(beside.counts()).containsOnly(java.util.Map.entry(StorageCheck.Kind.ORPHAN_BLOB, 1));
        assertThat(texts(beside)).containsExactly("Blob " + orphan.value() + " belongs to no file (orphan).");

        var r = run(true);
        assertThat(r.counts()).containsOnly(java.util.Map.entry(StorageCheck.Kind.ORPHAN_BLOB, 2));
        assertThat(r.repairs()).extracting(m -> m.text(Language.EN)).containsExactly("Deleted 2 orphan blobs.");
        assertThat(blobs.exists(orphan)).isFalse();
        assertThat(blobs.exists(young)).isFalse();
        assertThat(blobs.exists(chunk)).isTrue();
        assertThat(run(false).clean()).isTrue();
    }

    @Test
    void wrongFolderSizesAreRecomputedWithNewEtagsUpToTheRoot() {
        String rootEtag = files.root(ALICE).etag();
        sql("UPDATE files_nodes SET size = 999 WHERE name = 'Old'");
        sql("UPDATE files_nodes SET size = 5 WHERE parent_id IS NULL");
        var r = run(true);
        assertThat(r.counts()).containsOnly(java.util.Map.entry(StorageCheck.Kind.FOLDER_SIZE, 2));
        assertThat(texts(r)).containsExactly("Root of alice: its size is 5 bytes, its content adds up to 23.",
                "alice:/Docs/Old: the folder size is 999 bytes, its content adds up to 11.");
        assertThat(r.repairs()).extracting(m -> m.text(Language.EN))
                .containsExactly("Recomputed the size of 2 folders and gave them new etags.");
        assertThat(node("Docs/Old").size()).isEqualTo(11);
        assertThat(files.root(ALICE).size()).isEqualTo(23);
        assertThat(files.root(ALICE).etag()).isNotEqualTo(rootEtag);
        assertThat(run(false).clean()).isTrue();
    }

    @Test
    void aNodeWithoutParentAndACycleAreFound() {
        long old = node("Docs/Old").id().value();
        long docs = node("Docs").id().value();
        withoutForeignKeys(List.of("UPDATE files_nodes SET parent_id = 424242 WHERE name = 'c.txt'",
                "UPDATE files_nodes SET parent_id = " + old + " WHERE id = " + docs));
        var r = run(true);
        assertThat(r.counts()).containsEntry(StorageCheck.Kind.NO_PARENT, 1).containsEntry(StorageCheck.Kind.CYCLE, 1);
        assertThat(texts(r)).anyMatch(t -> t.matches("Node \\d+ \\(\"c.txt\"\\) refers to a parent 424242 that does not exist."))
                .anyMatch(t -> t.startsWith("Nodes ") && t.contains(Long.toString(docs)) && t.contains(Long.toString(old))
                        && t.endsWith("are their own ancestors (a cycle)."));
    }

    @Test
    void oldTemporaryFilesAreFoundAndDeletedYoungOnesAreLeft() throws IOException {
        Path tmp = blobs.temporaryDirectory();
        Path old = Files.writeString(tmp.resolve("0123456789abcdef0123456789abcdef.tmp"), "half an upload");
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        Path young = Files.writeString(tmp.resolve("fedcba9876543210fedcba9876543210.tmp"), "an upload going on");
        var r = run(true);
        assertThat(r.counts()).containsOnly(java.util.Map.entry(StorageCheck.Kind.OLD_TEMPORARY, 1));
        assertThat(texts(r)).containsExactly("Temporary file 0123456789abcdef0123456789abcdef.tmp of an interrupted upload"
                + " is more than an hour old.");
        assertThat(old).doesNotExist();
        assertThat(young).exists();
    }

    @Test
    void theSweepAtStartUpRemovesOnlyWhatPredatesTheStart() throws IOException {
        BlobId before = blob("left by a crash");
        Files.setLastModifiedTime(blobs.path(before), FileTime.from(Instant.now().minusSeconds(60)));
        Path tmp = Files.writeString(blobs.temporaryDirectory().resolve("0123456789abcdef0123456789abcdef.tmp"), "x");
        Files.setLastModifiedTime(tmp, FileTime.from(Instant.now().minusSeconds(60)));
        Instant start = Instant.now().minusSeconds(30);
        BlobId after = blob("an upload of this run, not committed yet");
        assertThat(check.sweepAfterCrash(start)).containsExactly(1, 1);
        assertThat(blobs.exists(before)).isFalse();
        assertThat(blobs.exists(after)).isTrue();
        assertThat(tmp).doesNotExist();
        blobs.delete(after);
        assertThat(run(false).clean()).isTrue(); // the files' blobs are untouched
    }

    /** The list of blob columns is complete: every migration column named blob_id is in it. */
    @Test
    void everyBlobColumnOfTheMigrationsIsChecked() throws IOException {
        Pattern table = Pattern.compile("CREATE TABLE (\\w+) \\(([^;]*)\\);", Pattern.DOTALL);
        List<String> found = new java.util.ArrayList<>();
        try (Stream<Path> sqls = Files.list(Path.of("src/main/resources/db/files"))) {
            for (Path p : sqls.toList()) {
                Matcher m = table.matcher(Files.readString(p));
                while (m.find()) {
                    // files_previews names blobs of the thumbnail store (<data>/previews), not of this one.
                    if (m.group(2).matches("(?s).*\\bblob_id\\b.*") && !m.group(1).equals("files_previews")) {
                        found.add(m.group(1) + ".blob_id");
                    }
                }
            }
        }
        assertThat(found).containsExactlyInAnyOrderElementsOf(StorageCheck.BLOB_REFERENCES);
    }

    BlobId blob(String content) {
        try (BlobWriter w = blobs.create()) {
            w.stream().write(content.getBytes(StandardCharsets.UTF_8));
            return w.commit().id();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Runs statements that break the parent reference, which is a foreign key. */
    abstract void withoutForeignKeys(List<String> statements);
}
