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
    LocalBlobStore previewBlobs;
    FileService files;
    Previews previews;
    StorageCheck check;

    abstract Database database();

    @BeforeEach
    void setUp() throws IOException {
        db = database();
        db.migrate("files");
        blobDir = Files.createTempDirectory("atrium-check-");
        MasterKey key = MasterKey.loadOrCreate(blobDir.resolve("master.key"));
        blobs = new LocalBlobStore(blobDir.resolve("blobs"), key);
        previewBlobs = new LocalBlobStore(blobDir.resolve("previews"), key);
        Ids ids = new Ids(Clock.systemUTC(), 7);
        files = new FileService(db, new FileStore(db.dialect()), blobs, ids, Clock.systemUTC(), owner -> Optional.empty());
        previews = new Previews(db, previewBlobs, files, Clock.systemUTC(),
                new Previews.Limits(10_000_000, 10_000_000, Duration.ofSeconds(30)));
        check = new StorageCheck(db, blobs, previewBlobs, ids, Clock.systemUTC(), owner -> "alice");
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
        put(path, content.getBytes(StandardCharsets.UTF_8));
    }

    void put(String path, byte[] bytes) {
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
        assertThat(StorageCheck.summary(r).text(Language.EN)).isEqualTo("6 nodes, 3 blobs and 0 thumbnails checked: no problem.");
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
        // The same in the thumbnail store, and a thumbnail whose blob is gone.
        BlobId previewBefore = blob(previewBlobs, "a thumbnail whose row never came");
        Files.setLastModifiedTime(previewBlobs.path(previewBefore), FileTime.from(Instant.now().minusSeconds(60)));
        Path previewTmp = Files.writeString(previewBlobs.temporaryDirectory().resolve("fedcba9876543210fedcba9876543210.tmp"), "x");
        Files.setLastModifiedTime(previewTmp, FileTime.from(Instant.now().minusSeconds(60)));
        Node picture = picture("pic.png");
        previews.preview(picture, 64);
        previews.preview(picture, 128);
        previewBlobs.delete(previewBlob(picture, 128));
        Instant start = Instant.now().minusSeconds(30);
        BlobId after = blob("an upload of this run, not committed yet");
        BlobId previewAfter = blob(previewBlobs, "a thumbnail of this run, its row not written yet");

        assertThat(check.sweepAfterCrash(start)).isEqualTo(new StorageCheck.Swept(1, 1, 2, 1));
        assertThat(blobs.exists(before)).isFalse();
        assertThat(blobs.exists(after)).isTrue();
        assertThat(tmp).doesNotExist();
        assertThat(previewBlobs.exists(previewBefore)).isFalse();
        assertThat(previewBlobs.exists(previewAfter)).isTrue();
        assertThat(previewTmp).doesNotExist();
        assertThat(previewBlobs.exists(previewBlob(picture, 64))).as("a whole thumbnail stays").isTrue();
        blobs.delete(after);
        previewBlobs.delete(previewAfter);
        assertThat(run(false).clean()).isTrue(); // the files' blobs and the whole thumbnail are untouched
    }

    @Test
    void orphanThumbnailsOldThumbnailTemporariesAndThumbnailsWithoutBlobAreFoundAndRepaired() throws IOException {
        Node picture = picture("pic.png");
        byte[] small = previews.preview(picture, 64).bytes();
        previews.preview(picture, 256);
        BlobId lost = previewBlob(picture, 256);
        previewBlobs.delete(lost);
        BlobId orphan = blob(previewBlobs, "a thumbnail nothing names");
        Files.setLastModifiedTime(previewBlobs.path(orphan), FileTime.from(Instant.now().minusSeconds(7200)));
        // Beside a running server, a young thumbnail blob may be one whose row is about to be written.
        BlobId young = blob(previewBlobs, "a thumbnail being kept");
        Path tmp = previewBlobs.temporaryDirectory();
        Path old = Files.writeString(tmp.resolve("0123456789abcdef0123456789abcdef.tmp"), "half a thumbnail");
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        Path writing = Files.writeString(tmp.resolve("fedcba9876543210fedcba9876543210.tmp"), "a thumbnail being written");

        var beside = check.run(StorageCheck.Options.olderThan(false, Duration.ofHours(1), Duration.ofHours(1), 20));
        assertThat(beside.counts()).containsOnly(java.util.Map.entry(StorageCheck.Kind.ORPHAN_PREVIEW, 1),
                java.util.Map.entry(StorageCheck.Kind.OLD_TEMPORARY, 1), java.util.Map.entry(StorageCheck.Kind.MISSING_PREVIEW, 1));
        assertThat(texts(beside)).containsExactlyInAnyOrder(
                "Thumbnail blob " + orphan.value() + " belongs to no thumbnail (orphan).",
                "Temporary file 0123456789abcdef0123456789abcdef.tmp of an interrupted thumbnail is more than an hour old.",
                "alice:/pic.png: its 256 px thumbnail refers to blob " + lost.value() + ", which is missing.");
        assertThat(StorageCheck.summary(beside).text(Language.EN))
                .isEqualTo("7 nodes, 4 blobs and 3 thumbnails checked: 3 problems.");
        // (French puts a no-break space before the colon.)
        assertThat(StorageCheck.summary(beside).text(Language.FR).replace('\u00a0', ' '))
                .isEqualTo("7 nœuds, 4 blobs et 3 vignettes vérifiés : 3 problèmes.");

        var r = run(true);
        assertThat(r.counts()).containsOnly(java.util.Map.entry(StorageCheck.Kind.ORPHAN_PREVIEW, 2),
                java.util.Map.entry(StorageCheck.Kind.OLD_TEMPORARY, 1), java.util.Map.entry(StorageCheck.Kind.MISSING_PREVIEW, 1));
        assertThat(r.repairs()).extracting(m -> m.text(Language.EN)).containsExactly("Deleted 2 orphan thumbnail blobs.",
                "Forgot 1 thumbnails whose blob is missing: they are made again when next asked for.",
                "Deleted 1 old temporary files.");
        assertThat(previewBlobs.exists(orphan)).isFalse();
        assertThat(previewBlobs.exists(young)).isFalse();
        assertThat(old).doesNotExist();
        assertThat(writing).exists();
        assertThat(run(false).clean()).isTrue();
        // The whole thumbnail is still served from its blob; the lost one is made again and kept.
        assertThat(previews.preview(picture, 64).bytes()).isEqualTo(small);
        previews.preview(picture, 256);
        assertThat(previewBlobs.exists(previewBlob(picture, 256))).isTrue();
        assertThat(run(false).clean()).isTrue();
    }

    /** A small PNG file of alice's. */
    Node picture(String path) throws IOException {
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(300, 200, java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(image, "png", png);
        put(path, png.toByteArray());
        return node(path);
    }

    /** The blob of a file's thumbnail at a size, as the database names it. */
    BlobId previewBlob(Node file, int size) {
        return db.jdbi().withHandle(h -> new atrium.files.db.PreviewStore().find(h, file.id(), file.etag(), size))
                .orElseThrow().blob();
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
                    if (m.group(2).matches("(?s).*\\bblob_id\\b.*")) {
                        found.add(m.group(1) + ".blob_id");
                    }
                }
            }
        }
        List<String> checked = new java.util.ArrayList<>(StorageCheck.BLOB_REFERENCES);
        checked.addAll(StorageCheck.PREVIEW_REFERENCES);
        assertThat(found).containsExactlyInAnyOrderElementsOf(checked);
    }

    BlobId blob(String content) {
        return blob(blobs, content);
    }

    static BlobId blob(LocalBlobStore store, String content) {
        try (BlobWriter w = store.create()) {
            w.stream().write(content.getBytes(StandardCharsets.UTF_8));
            return w.commit().id();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Runs statements that break the parent reference, which is a foreign key. */
    abstract void withoutForeignKeys(List<String> statements);
}
