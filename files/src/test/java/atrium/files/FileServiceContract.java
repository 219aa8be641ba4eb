package atrium.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import atrium.core.AtriumException;
import atrium.core.Ids;
import atrium.core.blob.LocalBlobStore;
import atrium.core.blob.MasterKey;
import atrium.core.db.Database;
import atrium.files.db.FileStore;
import atrium.files.db.SearchStore;
import atrium.identity.AccountId;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The file tree's behaviour, run on SQLite and on PostgreSQL. */
abstract class FileServiceContract {
    static final AccountId ALICE = new AccountId(1);
    static final AccountId BOB = new AccountId(2);

    Database db;
    Path blobDir;
    FileService files;
    final Map<AccountId, Long> quotas = new HashMap<>();

    abstract Database database();

    @BeforeEach
    void setUp() throws IOException {
        db = database();
        db.migrate("files");
        blobDir = Files.createTempDirectory("atrium-blobs-");
        var key = MasterKey.loadOrCreate(blobDir.resolve("master.key"));
        files = new FileService(db, new FileStore(db.dialect()), new LocalBlobStore(blobDir.resolve("blobs"), key),
                new Ids(Clock.systemUTC(), 7), Clock.systemUTC(), owner -> Optional.ofNullable(quotas.get(owner)));
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    static List<String> p(String path) {
        return path.isEmpty() ? List.of() : List.of(path.split("/"));
    }

    FileService.Written put(AccountId owner, String path, String content) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        return files.write(owner, p(path), new ByteArrayInputStream(bytes), bytes.length, FileService.Upload.plain());
    }

    String read(AccountId owner, String path) throws IOException {
        Node n = files.resolve(owner, p(path)).orElseThrow();
        try (InputStream in = files.read(n, 0, -1)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    String etag(AccountId owner, String path) {
        return files.resolve(owner, p(path)).orElseThrow().etag();
    }

    @Test
    void aFileWrittenIsReadBackWholeAndInRanges() throws IOException {
        files.mkdir(ALICE, p("Docs"));
        var w = put(ALICE, "Docs/bilan 2025 é.txt", "Bonjour le monde");
        assertThat(w.created()).isTrue();
        assertThat(read(ALICE, "Docs/bilan 2025 é.txt")).isEqualTo("Bonjour le monde");
        try (InputStream in = files.read(w.node(), 8, 2)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("le");
        }
        assertThat(w.node().checksums().orElseThrow()).startsWith("SHA1:");
        assertThat(files.resolve(ALICE, p("Docs")).orElseThrow().size()).isEqualTo(16);
        assertThat(files.used(ALICE)).isEqualTo(16);
    }

    @Test
    void everyChangeGivesTheNodeAndEveryAncestorANewEtagButNotTheSiblings() {
        files.mkdir(ALICE, p("a"));
        files.mkdir(ALICE, p("a/b"));
        files.mkdir(ALICE, p("other"));
        put(ALICE, "a/b/f.txt", "1");
        String root = etag(ALICE, ""), a = etag(ALICE, "a"), b = etag(ALICE, "a/b"), other = etag(ALICE, "other");
        put(ALICE, "a/b/f.txt", "22");
        assertThat(etag(ALICE, "")).isNotEqualTo(root);
        assertThat(etag(ALICE, "a")).isNotEqualTo(a);
        assertThat(etag(ALICE, "a/b")).isNotEqualTo(b);
        assertThat(etag(ALICE, "other")).isEqualTo(other);
        assertThat(files.resolve(ALICE, p("a")).orElseThrow().size()).isEqualTo(2);
    }

    @Test
    void namesInNfcAndNfdAreTwoDifferentFiles() throws IOException {
        String nfc = "caf\u00e9.txt";
        String nfd = "cafe\u0301.txt";
        put(ALICE, nfc, "nfc");
        put(ALICE, nfd, "nfd");
        assertThat(read(ALICE, nfc)).isEqualTo("nfc");
        assertThat(read(ALICE, nfd)).isEqualTo("nfd");
        assertThat(files.children(files.root(ALICE))).extracting(Node::name).containsExactlyInAnyOrder(nfc, nfd);
    }

    @Test
    void aMoveKeepsTheIdAndUpdatesSizesOnBothSides() {
        files.mkdir(ALICE, p("src"));
        files.mkdir(ALICE, p("dst"));
        Node f = put(ALICE, "src/report.pdf", "12345").node();
        String dstEtag = etag(ALICE, "dst");
        Node moved = files.move(f, p("dst/rapport.pdf"), false);
        assertThat(moved.id()).isEqualTo(f.id());
        assertThat(files.resolve(ALICE, p("src/report.pdf"))).isEmpty();
        assertThat(files.resolve(ALICE, p("src")).orElseThrow().size()).isZero();
        assertThat(files.resolve(ALICE, p("dst")).orElseThrow().size()).isEqualTo(5);
        assertThat(etag(ALICE, "dst")).isNotEqualTo(dstEtag);
    }

    @Test
    void aMovedFileOrFolderKeepsItsOwnEtagWhileBothParentChainsGetNewOnes() {
        files.mkdir(ALICE, p("src"));
        files.mkdir(ALICE, p("src/folder"));
        files.mkdir(ALICE, p("dst"));
        put(ALICE, "src/folder/inside.txt", "in");
        Node f = put(ALICE, "src/file.txt", "12345").node();
        Node folder = files.resolve(ALICE, p("src/folder")).orElseThrow();
        String root = etag(ALICE, "");
        String src = etag(ALICE, "src");
        String dst = etag(ALICE, "dst");
        String inside = etag(ALICE, "src/folder/inside.txt");

        files.move(f, p("dst/renamed.txt"), false);
        files.move(folder, p("dst/folder"), false);

        assertThat(etag(ALICE, "dst/renamed.txt")).isEqualTo(f.etag());
        assertThat(etag(ALICE, "dst/folder")).isEqualTo(folder.etag());
        assertThat(etag(ALICE, "dst/folder/inside.txt")).isEqualTo(inside);
        assertThat(etag(ALICE, "src")).isNotEqualTo(src);
        assertThat(etag(ALICE, "dst")).isNotEqualTo(dst);
        assertThat(etag(ALICE, "")).isNotEqualTo(root);
    }

    @Test
    void aFolderCannotMoveIntoItselfNorOntoAnExistingNameWithoutOverwrite() {
        files.mkdir(ALICE, p("a"));
        files.mkdir(ALICE, p("a/b"));
        put(ALICE, "x.txt", "x");
        put(ALICE, "y.txt", "y");
        Node a = files.resolve(ALICE, p("a")).orElseThrow();
        assertThatThrownBy(() -> files.move(a, p("a/b/a"), false)).isInstanceOf(AtriumException.Forbidden.class);
        Node x = files.resolve(ALICE, p("x.txt")).orElseThrow();
        assertThatThrownBy(() -> files.move(x, p("y.txt"), false)).isInstanceOf(AtriumException.Conflict.class);
        files.move(x, p("y.txt"), true);
        assertThat(files.resolve(ALICE, p("x.txt"))).isEmpty();
        assertThat(files.used(ALICE)).isEqualTo(1);
    }

    @Test
    void aCopySharesContentAndDeletingOneKeepsTheOther() throws IOException {
        files.mkdir(ALICE, p("d"));
        put(ALICE, "d/one.txt", "same content");
        Node d = files.resolve(ALICE, p("d")).orElseThrow();
        files.copy(d, p("d2"), false, Integer.MAX_VALUE);
        assertThat(read(ALICE, "d2/one.txt")).isEqualTo("same content");
        assertThat(files.used(ALICE)).isEqualTo(24);
        files.delete(files.resolve(ALICE, p("d")).orElseThrow());
        assertThat(read(ALICE, "d2/one.txt")).isEqualTo("same content");
        assertThat(files.used(ALICE)).as("the trash counts").isEqualTo(24);
        assertThat(files.root(ALICE).size()).isEqualTo(12);
        files.delete(files.resolve(ALICE, p("d2")).orElseThrow());
        assertThat(files.used(ALICE)).isEqualTo(24);
        files.emptyTrash(ALICE);
        assertThat(files.used(ALICE)).isZero();
        try (var blobs = Files.walk(blobDir.resolve("blobs"))) {
            assertThat(blobs.filter(Files::isRegularFile).filter(f -> !f.getParent().getFileName().toString().equals("tmp"))
                    .filter(f -> !f.getFileName().toString().equals("key-check"))).as("no blob left behind").isEmpty();
        }
    }

    @Test
    void aWriteOverTheQuotaIsRefusedAndLeavesNothing() {
        quotas.put(ALICE, 10L);
        put(ALICE, "small.txt", "12345");
        assertThatThrownBy(() -> put(ALICE, "big.txt", "123456789"))
                .isInstanceOf(AtriumException.QuotaExceeded.class).hasMessageContaining("quota");
        // Without a declared length, the limit is enforced while streaming.
        assertThatThrownBy(() -> files.write(ALICE, p("stream.txt"), new ByteArrayInputStream(new byte[20]), -1,
                FileService.Upload.plain())).isInstanceOf(AtriumException.QuotaExceeded.class);
        assertThat(files.resolve(ALICE, p("big.txt"))).isEmpty();
        assertThat(files.resolve(ALICE, p("stream.txt"))).isEmpty();
        assertThat(files.used(ALICE)).isEqualTo(5);
    }

    @Test
    void anUploadThatBreaksOffChangesNothing() throws IOException {
        put(ALICE, "keep.txt", "old content");
        InputStream broken = new InputStream() {
            int n;

            @Override
            public int read() throws IOException {
                if (n++ > 1000) {
                    throw new IOException("connection reset");
                }
                return 'x';
            }
        };
        assertThatThrownBy(() -> files.write(ALICE, p("keep.txt"), broken, 5000, FileService.Upload.plain()))
                .isInstanceOf(RuntimeException.class);
        assertThat(read(ALICE, "keep.txt")).isEqualTo("old content");
        var shortBody = new ByteArrayInputStream("abc".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> files.write(ALICE, p("keep.txt"), shortBody, 10, FileService.Upload.plain()))
                .isInstanceOf(AtriumException.Invalid.class).hasMessageContaining("3 of 10");
        assertThat(read(ALICE, "keep.txt")).isEqualTo("old content");
    }

    /** Hands out odd-sized pieces, as a socket does. */
    static InputStream trickling(byte[] body) {
        return new FilterInputStream(new ByteArrayInputStream(body)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, 7_777));
            }
        };
    }

    @Test
    void aLargeBodyIsStoredWholeWithItsChecksums() throws Exception {
        // Past a megabyte the checksums run on a thread of their own: same bytes, same sums.
        byte[] body = new byte[(5 << 20) + 123];
        new Random(5).nextBytes(body);
        String sha1 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(body));
        String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body));
        var upload = new FileService.Upload(Optional.empty(), Checksums.Expected.parse(Optional.of("MD5:" + md5)), n -> { });
        Node n = files.write(ALICE, p("large.bin"), trickling(body), body.length, upload).node();
        assertThat(n.checksums().orElseThrow()).isEqualTo("SHA1:" + sha1 + " MD5:" + md5);
        try (InputStream in = files.read(n, 0, -1)) {
            assertThat(in.readAllBytes()).isEqualTo(body);
        }
        var wrong = new FileService.Upload(Optional.empty(), Checksums.Expected.parse(Optional.of("SHA1:" + md5)), x -> { });
        assertThatThrownBy(() -> files.write(ALICE, p("other.bin"), trickling(body), body.length, wrong))
                .isInstanceOf(AtriumException.Invalid.class);
        assertThat(files.resolve(ALICE, p("other.bin"))).isEmpty();
    }

    @Test
    void aLargeBodyOverTheQuotaStopsWhileStreamingAndLeavesNothing() {
        quotas.put(ALICE, 3L << 20);
        assertThatThrownBy(() -> files.write(ALICE, p("large.bin"), trickling(new byte[5 << 20]), -1,
                FileService.Upload.plain())).isInstanceOf(AtriumException.QuotaExceeded.class);
        assertThat(files.resolve(ALICE, p("large.bin"))).isEmpty();
        assertThat(files.used(ALICE)).isZero();
    }

    @Test
    void aWrongChecksumIsRefusedAndARightOneKept() throws IOException {
        var bad = new FileService.Upload(Optional.empty(), Checksums.Expected.parse(Optional.of("SHA1:0000")), n -> { });
        assertThatThrownBy(() -> files.write(ALICE, p("c.txt"), new ByteArrayInputStream("abc".getBytes()), 3, bad))
                .isInstanceOf(AtriumException.Invalid.class);
        assertThat(files.resolve(ALICE, p("c.txt"))).isEmpty();
        var good = new FileService.Upload(Optional.of(1_700_000_000_000L),
                Checksums.Expected.parse(Optional.of("SHA1:a9993e364706816aba3e25717850c26c9cd0d89d")), n -> { });
        Node n = files.write(ALICE, p("c.txt"), new ByteArrayInputStream("abc".getBytes()), 3, good).node();
        assertThat(n.mtime()).isEqualTo(1_700_000_000_000L);
        assertThat(n.checksums().orElseThrow()).contains("SHA1:a9993e364706816aba3e25717850c26c9cd0d89d");
    }

    @Test
    void concurrentWritesToOnePathLeaveOneCompleteContent() throws Exception {
        List<String> contents = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            contents.add(String.valueOf((char) ('a' + i)).repeat(100_000 + i));
        }
        List<java.util.concurrent.Future<FileService.Written>> done = new ArrayList<>();
        try (var pool = Executors.newFixedThreadPool(8)) {
            for (String c : contents) {
                done.add(pool.submit(() -> put(ALICE, "race.bin", c)));
            }
        }
        for (var f : done) {
            f.get();
        }
        String result = read(ALICE, "race.bin");
        assertThat(contents).contains(result);
        assertThat(files.root(ALICE).size()).isEqualTo(result.length());
        var versions = files.versions(files.resolve(ALICE, p("race.bin")).orElseThrow());
        assertThat(versions).hasSize(7);
        assertThat(files.used(ALICE)).isEqualTo(contents.stream().mapToLong(String::length).sum());
    }

    // ---- trash

    @Test
    void aDeleteMovesTheSubtreeToTheTrashAndARestorePutsItBack() throws IOException {
        files.mkdir(ALICE, p("d"));
        put(ALICE, "d/a.txt", "abc");
        String rootEtag = files.root(ALICE).etag();
        files.delete(files.resolve(ALICE, p("d")).orElseThrow());
        assertThat(files.resolve(ALICE, p("d"))).isEmpty();
        assertThat(files.root(ALICE).size()).isZero();
        assertThat(files.root(ALICE).etag()).isNotEqualTo(rootEtag);
        assertThat(files.used(ALICE)).as("trashed content counts against the quota").isEqualTo(3);
        var trash = files.trash(ALICE);
        assertThat(trash).hasSize(1);
        assertThat(trash.get(0).originalLocation()).isEqualTo("d");
        assertThat(trash.get(0).itemName()).matches("d\\.d[0-9]+");
        assertThat(files.trash(BOB)).isEmpty();
        Node restored = files.restore(ALICE, trash.get(0).itemName());
        assertThat(restored.name()).isEqualTo("d");
        assertThat(read(ALICE, "d/a.txt")).isEqualTo("abc");
        assertThat(files.root(ALICE).size()).isEqualTo(3);
        assertThat(files.trash(ALICE)).isEmpty();
        assertThat(files.used(ALICE)).isEqualTo(3);
    }

    @Test
    void aRestoreTakesAnotherNameWhenTakenAndTheRootWhenTheFolderIsGone() throws IOException {
        put(ALICE, "a.txt", "first");
        files.delete(files.resolve(ALICE, p("a.txt")).orElseThrow());
        put(ALICE, "a.txt", "second");
        files.restore(ALICE, files.trash(ALICE).get(0).itemName());
        assertThat(read(ALICE, "a (restored).txt")).isEqualTo("first");
        assertThat(read(ALICE, "a.txt")).isEqualTo("second");
        files.mkdir(ALICE, p("f"));
        put(ALICE, "f/b.txt", "bee");
        files.delete(files.resolve(ALICE, p("f/b.txt")).orElseThrow());
        files.delete(files.resolve(ALICE, p("f")).orElseThrow());
        var item = files.trash(ALICE).stream().filter(i -> i.originalLocation().equals("f/b.txt")).findFirst().orElseThrow();
        files.restore(ALICE, item.itemName());
        assertThat(read(ALICE, "b.txt")).isEqualTo("bee");
        assertThat(files.root(ALICE).size()).isEqualTo("first".length() + "second".length() + 3);
    }

    @Test
    void deletingForGoodFreesTheBlobsOfTheFileAndItsVersions() throws IOException {
        put(ALICE, "x.txt", "one");
        put(ALICE, "x.txt", "two");
        files.delete(files.resolve(ALICE, p("x.txt")).orElseThrow());
        assertThat(files.used(ALICE)).isEqualTo(6);
        files.deleteForGood(ALICE, files.trash(ALICE).get(0).itemName());
        assertThat(files.used(ALICE)).isZero();
        try (var blobs = Files.walk(blobDir.resolve("blobs"))) {
            assertThat(blobs.filter(Files::isRegularFile).filter(f -> !f.getParent().getFileName().toString().equals("tmp"))
                    .filter(f -> !f.getFileName().toString().equals("key-check"))).as("no blob left behind").isEmpty();
        }
    }

    // ---- versions

    @Test
    void anOverwriteKeepsTheOldContentAsAVersionAndARestoreSwapsThem() throws IOException {
        put(ALICE, "v.txt", "one");
        put(ALICE, "v.txt", "two");
        put(ALICE, "v.txt", "three");
        Node file = files.resolve(ALICE, p("v.txt")).orElseThrow();
        var versions = files.versions(file);
        assertThat(versions).extracting(v -> v.size()).containsExactly(3L, 3L);
        assertThat(new String(files.readVersion(versions.get(1), 0, -1).readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("one");
        assertThat(new String(files.readVersion(versions.get(0), 0, -1).readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("two");
        assertThat(files.used(ALICE)).isEqualTo(11);
        String etag = files.root(ALICE).etag();
        files.restoreVersion(file, versions.get(1).id());
        assertThat(read(ALICE, "v.txt")).isEqualTo("one");
        assertThat(files.root(ALICE).etag()).isNotEqualTo(etag);
        var after = files.versions(file);
        assertThat(after).hasSize(2);
        assertThat(after.stream().map(v -> {
            try (InputStream in = files.readVersion(v, 0, -1)) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        })).containsExactlyInAnyOrder("two", "three");
        assertThat(files.used(ALICE)).isEqualTo(11);
    }

    @Test
    void versionsGiveWayWhenAWriteNeedsTheQuota() throws IOException {
        quotas.put(ALICE, 10L);
        put(ALICE, "q.txt", "12345");
        put(ALICE, "q.txt", "123456");
        assertThat(read(ALICE, "q.txt")).isEqualTo("123456");
        assertThat(files.versions(files.resolve(ALICE, p("q.txt")).orElseThrow())).isEmpty();
        assertThat(files.used(ALICE)).isEqualTo(6);
        put(ALICE, "q.txt", "1234");
        assertThat(files.used(ALICE)).isEqualTo(10);
    }

    @Test
    void atMostMaxVersionsAreKept() {
        FileService two = new FileService(db, new FileStore(db.dialect()), new LocalBlobStore(blobDir.resolve("blobs"),
                MasterKey.loadOrCreate(blobDir.resolve("master.key"))), new Ids(Clock.systemUTC(), 8), Clock.systemUTC(),
                owner -> Optional.empty(), 30, 2, DiskSpace.unchecked());
        for (int i = 0; i < 5; i++) {
            byte[] b = ("content " + i).getBytes(StandardCharsets.UTF_8);
            two.write(ALICE, p("m.txt"), new ByteArrayInputStream(b), b.length, FileService.Upload.plain());
        }
        assertThat(two.versions(two.resolve(ALICE, p("m.txt")).orElseThrow())).hasSize(2);
    }

    @Test
    void accountsHaveSeparateTrees() {
        put(ALICE, "mine.txt", "a");
        assertThat(files.resolve(BOB, p("mine.txt"))).isEmpty();
        assertThat(files.root(ALICE).id()).isNotEqualTo(files.root(BOB).id());
    }

    @Test
    void deadPropertiesAreKeptChangedAndCopied() {
        Node n = put(ALICE, "p.txt", "x").node();
        files.changeProperties(n, List.of(new FileService.PropertyChange("http://example.com/ns", "colour", Optional.of("<x:colour xmlns:x=\"http://example.com/ns\">blue</x:colour>")),
                new FileService.PropertyChange("http://example.com/ns", "size", Optional.of("<x:size xmlns:x=\"http://example.com/ns\">3</x:size>"))));
        files.changeProperties(n, List.of(new FileService.PropertyChange("http://example.com/ns", "size", Optional.empty())));
        assertThat(files.properties(n)).extracting(DeadProperty::name).containsExactly("colour");
        Node copy = files.copy(n, p("q.txt"), false, 0);
        assertThat(files.properties(List.of(copy)).get(copy.id())).extracting(DeadProperty::name).containsExactly("colour");
    }

    @Test
    void aDeepListingIsBounded() {
        files.mkdir(ALICE, p("big"));
        for (int i = 0; i < 12; i++) {
            put(ALICE, "big/f" + i, "x");
        }
        Node big = files.resolve(ALICE, p("big")).orElseThrow();
        assertThat(files.subtree(big, Integer.MAX_VALUE, 20)).hasSize(13);
        assertThatThrownBy(() -> files.subtree(big, Integer.MAX_VALUE, 10)).isInstanceOf(AtriumException.TooLarge.class);
    }

    @Test
    void aNodeQueryFindsTheOwnersLiveMatchesBelowItsScopeInItsOrderAPageAtATime() {
        for (String folder : List.of("a", "a/b", "gone")) {
            files.mkdir(ALICE, p(folder));
        }
        files.mkdir(BOB, p("a"));
        put(ALICE, "a/photo.jpg", "1");
        put(ALICE, "a/b/clip.mpg", "22");
        put(ALICE, "a/b/Été.txt", "333");
        put(ALICE, "top.png", "4444");
        put(ALICE, "gone/old.jpg", "55555");
        files.delete(files.resolve(ALICE, p("gone")).orElseThrow());
        put(BOB, "a/bob.jpg", "666666");
        FileSearch search = new FileSearch(db);
        List<Node> root = List.of(files.root(ALICE));
        List<Node> a = List.of(files.resolve(ALICE, p("a")).orElseThrow());
        NodeQuery.Condition media = new NodeQuery.Or(List.of(new NodeQuery.Like(NodeQuery.Field.CONTENT_TYPE, "image/%"),
                new NodeQuery.Like(NodeQuery.Field.CONTENT_TYPE, "video/%")));
        List<NodeQuery.Order> bigFirst = List.of(new NodeQuery.Order(NodeQuery.Field.SIZE, true));
        assertThat(search.find(new NodeQuery(root, List.of(), true, media, bigFirst, 0, 10)))
                .extracting(h -> h.folderPath() + "/" + h.node().name()).containsExactly("/top.png", "/a/b/clip.mpg", "/a/photo.jpg");
        assertThat(search.find(new NodeQuery(a, List.of(), false, media, bigFirst, 0, 10)))
                .extracting(h -> h.node().name()).containsExactly("photo.jpg");
        List<NodeQuery.Order> smallFirst = List.of(new NodeQuery.Order(NodeQuery.Field.SIZE, false));
        assertThat(search.find(new NodeQuery(a, List.of(), true, media, smallFirst, 1, 1)))
                .extracting(h -> h.folderPath() + "/" + h.node().name()).containsExactly("/b/clip.mpg");
        assertThat(search.find(new NodeQuery(root, List.of(), true, new NodeQuery.Like(NodeQuery.Field.NAME, "%ETE%"), List.of(), 0, 10)))
                .extracting(h -> h.node().name()).containsExactly("Été.txt");
        Node photo = files.resolve(ALICE, p("a/photo.jpg")).orElseThrow();
        files.changeProperties(photo, List.of(new FileService.PropertyChange("http://owncloud.org/ns", "favorite",
                Optional.of("<oc:favorite xmlns:oc=\"http://owncloud.org/ns\">1</oc:favorite>"))));
        assertThat(search.find(new NodeQuery(root, List.of(), true, new NodeQuery.Favorite(true), List.of(), 0, 10)))
                .extracting(h -> h.node().name()).containsExactly("photo.jpg");
        NodeQuery.Condition plainFiles = new NodeQuery.And(List.of(new NodeQuery.Not(new NodeQuery.IsFolder()),
                new NodeQuery.Not(new NodeQuery.Favorite(true)),
                new NodeQuery.Compare(NodeQuery.Field.SIZE, NodeQuery.Op.GTE, 2L)));
        assertThat(search.find(new NodeQuery(root, List.of(), true, plainFiles, List.of(new NodeQuery.Order(NodeQuery.Field.NAME, false)),
                0, 10))).extracting(h -> h.node().name()).containsExactly("clip.mpg", "Été.txt", "top.png");
    }

    @Test
    void aNodeQueryOverARootAndSharedFoldersPagesOverAllAndMatchesMountPointsByTheirMountName() {
        files.mkdir(ALICE, p("shared"));
        files.mkdir(ALICE, p("private"));
        put(ALICE, "shared/a.jpg", "1");
        put(ALICE, "shared/c.jpg", "333");
        put(ALICE, "private/b.jpg", "22");
        files.mkdir(BOB, p("mine"));
        put(BOB, "mine/b.jpg", "4444");
        put(BOB, "d.jpg", "55555");
        FileSearch search = new FileSearch(db);
        Node shared = files.resolve(ALICE, p("shared")).orElseThrow();
        List<Node> tops = List.of(files.root(BOB), shared);
        List<NodeQuery.MountPoint> mounts = List.of(new NodeQuery.MountPoint(shared, "From Alice"));
        List<NodeQuery.Order> byName = List.of(new NodeQuery.Order(NodeQuery.Field.NAME, false));
        NodeQuery.Condition jpegs = new NodeQuery.Like(NodeQuery.Field.NAME, "%.jpg");
        List<String> all = search.find(new NodeQuery(tops, mounts, true, jpegs, byName, 0, 10)).stream()
                .map(h -> h.top() + h.folderPath() + "/" + h.node().name()).toList();
        long bobRoot = files.root(BOB).id().value();
        long sharedId = shared.id().value();
        // Alice's private b.jpg is not below anything searched; Bob's b.jpg and Alice's shared files are.
        assertThat(all).containsExactly(sharedId + "/a.jpg", bobRoot + "/mine/b.jpg", sharedId + "/c.jpg", bobRoot + "/d.jpg");
        List<String> paged = new ArrayList<>();
        for (int offset = 0; offset < 5; offset += 3) {
            search.find(new NodeQuery(tops, mounts, true, jpegs, byName, offset, 3))
                    .forEach(h -> paged.add(h.top() + h.folderPath() + "/" + h.node().name()));
        }
        assertThat(paged).isEqualTo(all);
        // The mount point is matched under its mount name, not the owner's, and ordered with the rest.
        NodeQuery.Condition named = new NodeQuery.Or(List.of(new NodeQuery.Like(NodeQuery.Field.NAME, "%alice%"),
                new NodeQuery.Like(NodeQuery.Field.NAME, "d.%")));
        assertThat(search.find(new NodeQuery(tops, mounts, true, named, byName, 0, 10)))
                .extracting(h -> h.node().name(), SearchStore.Hit::top).containsExactly(tuple("d.jpg", bobRoot),
                        tuple("From Alice", sharedId));
        assertThat(search.find(new NodeQuery(tops, mounts, true, new NodeQuery.Like(NodeQuery.Field.NAME, "shared"), byName,
                0, 10))).isEmpty();
        // Depth 1 at the root: its children and the mount points, not what is inside them.
        assertThat(search.find(new NodeQuery(List.of(files.root(BOB)), mounts, false, new NodeQuery.Constant(true), byName, 0,
                10))).extracting(h -> h.node().name()).containsExactly("d.jpg", "From Alice", "mine");
    }
}
