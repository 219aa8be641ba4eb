package atrium.files;

import atrium.core.Ids;
import atrium.core.Msg;
import atrium.core.blob.BlobId;
import atrium.core.blob.LocalBlobStore;
import atrium.core.db.Database;
import atrium.files.db.FileStore;
import atrium.files.db.PreviewStore;
import atrium.identity.AccountId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The consistency check of the file storage ({@code ./atrium cli files check}): every blob a
 * node refers to exists with the node's size, no blob is left that nothing refers to, folder
 * sizes are the sums of their contents, every node hangs below its owner's root, and no
 * temporary file of a dead writer lingers. The thumbnail store ({@code <data>/previews}) is
 * checked alike: no orphan thumbnail blob, no old temporary file, no thumbnail row whose blob
 * is gone. With repair it fixes what needs no judgement: deletes orphan blobs and old
 * temporary files, forgets thumbnails whose blob is gone (they are made again when asked for),
 * recomputes folder sizes (with new etags, so sync clients look again). Missing or
 * wrong-sized blobs of files and broken parents are only reported.
 *
 * <p>Safe beside a running server when given ages: a blob younger than {@code orphanMinAge}
 * may belong to an upload whose transaction has not committed yet, and a temporary file
 * younger than {@code temporaryMinAge} may still be written.
 */
public final class StorageCheck {
    /**
     * Every column that refers to a blob. A table added with a blob column must be added
     * here, or its blobs would be taken for orphans (StorageCheckContract reads the migrations).
     */
    public static final List<String> BLOB_REFERENCES = List.of("files_nodes.blob_id", "files_upload_chunks.blob_id",
            "files_versions.blob_id", "files_quarantine.blob_id");
    /** Every column that refers to a blob of the thumbnail store. */
    public static final List<String> PREVIEW_REFERENCES = List.of("files_previews.blob_id");

    public enum Kind {
        MISSING_BLOB, WRONG_SIZE, UNREADABLE_BLOB, ORPHAN_BLOB, FOLDER_SIZE, NO_PARENT, CYCLE, OLD_TEMPORARY, ORPHAN_PREVIEW,
        MISSING_PREVIEW
    }

    public record Problem(Kind kind, Msg message) {
    }

    /** The name of a kind of problem, for a report's counts. */
    public static Msg label(Kind kind) {
        return switch (kind) {
            case MISSING_BLOB -> Msg.of("files.check.kind.missing-blob");
            case WRONG_SIZE -> Msg.of("files.check.kind.wrong-size");
            case UNREADABLE_BLOB -> Msg.of("files.check.kind.unreadable-blob");
            case ORPHAN_BLOB -> Msg.of("files.check.kind.orphan-blob");
            case FOLDER_SIZE -> Msg.of("files.check.kind.folder-size");
            case NO_PARENT -> Msg.of("files.check.kind.no-parent");
            case CYCLE -> Msg.of("files.check.kind.cycle");
            case OLD_TEMPORARY -> Msg.of("files.check.kind.old-temporary");
            case ORPHAN_PREVIEW -> Msg.of("files.check.kind.orphan-preview");
            case MISSING_PREVIEW -> Msg.of("files.check.kind.missing-preview");
        };
    }

    /** The report's first line. */
    public static Msg summary(Report r) {
        return r.clean() ? Msg.of("files.check.clean", r.nodes(), r.blobs(), r.previews())
                : Msg.of("files.check.problems", r.nodes(), r.blobs(), r.previews(), r.problemCount());
    }

    /** Blobs written before orphansBefore and temporary files last written before temporaryBefore count. */
    public record Options(boolean repair, Instant orphansBefore, Instant temporaryBefore, int limit) {
        /** With the ages an operator means: "older than". */
        public static Options olderThan(boolean repair, Duration orphanAge, Duration temporaryAge, int limit) {
            Instant now = Instant.now();
            return new Options(repair, now.minus(orphanAge), now.minus(temporaryAge), limit);
        }
    }

    /** What was found (counts of every problem, the first {@code limit} in detail) and, with repair, what was done. */
    public record Report(int nodes, int blobs, int previews, Map<Kind, Integer> counts, List<Problem> problems, List<Msg> repairs) {
        public boolean clean() {
            return counts.isEmpty();
        }

        public int problemCount() {
            return counts.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /** What the start-up sweep removed. */
    public record Swept(int orphanBlobs, int orphanPreviews, int temporaryFiles, int previewsWithoutBlob) {
    }

    private record Row(long id, long owner, Long parent, String name, boolean folder, long size, String blob) {
    }

    /** A blob store and the columns that refer to its blobs. */
    private record Area(LocalBlobStore store, List<String> references) {
        Set<BlobId> onDisk() {
            try (Stream<BlobId> s = store.list()) {
                return new HashSet<>(s.toList());
            }
        }

        /** Blobs on disk that no column names, last written before the cutoff. */
        List<BlobId> orphans(Set<BlobId> onDisk, Set<String> referenced, Instant cutoff) {
            return onDisk.stream().filter(b -> !referenced.contains(b.value()) && before(store.path(b), cutoff)).sorted(
                    java.util.Comparator.comparing(BlobId::value)).toList();
        }
    }

    private final Jdbi jdbi;
    private final Database.Dialect dialect;
    private final FileStore store;
    private final PreviewStore previewRows = new PreviewStore();
    private final LocalBlobStore blobs;
    private final Area files;
    private final Area previews;
    private final Ids ids;
    private final Clock clock;
    private final Function<AccountId, String> ownerName;

    public StorageCheck(Database db, LocalBlobStore blobs, LocalBlobStore previews, Ids ids, Clock clock,
            Function<AccountId, String> ownerName) {
        this.jdbi = db.jdbi();
        this.dialect = db.dialect();
        this.store = new FileStore(db.dialect());
        this.blobs = blobs;
        this.files = new Area(blobs, BLOB_REFERENCES);
        this.previews = new Area(previews, PREVIEW_REFERENCES);
        this.ids = ids;
        this.clock = clock;
        this.ownerName = ownerName;
    }

    /**
     * What a crash leaves, removed at start-up: blobs of either store that nothing refers to
     * and temporary files, written before this process started, so by a process that is gone;
     * and thumbnail rows whose blob is gone (a thumbnail's blob is written before its row and
     * deleted after it, so no running writer leaves such a row, even for a moment).
     */
    public Swept sweepAfterCrash(Instant startedAt) {
        int orphanBlobs = deleteOrphans(files, orphans(files, startedAt));
        int orphanPreviews = deleteOrphans(previews, orphans(previews, startedAt));
        List<Path> temporary = new ArrayList<>(oldTemporaryFiles(files.store(), startedAt));
        temporary.addAll(oldTemporaryFiles(previews.store(), startedAt));
        return new Swept(orphanBlobs, orphanPreviews, deleteTemporary(temporary), forget(previewsWithoutBlob()));
    }

    private List<BlobId> orphans(Area area, Instant cutoff) {
        Set<BlobId> onDisk = area.onDisk();
        return area.orphans(onDisk, jdbi.withHandle(h -> referencedBlobs(h, area.references())), cutoff);
    }

    public Report run(Options options) {
        Map<Kind, Integer> counts = new EnumMap<>(Kind.class);
        List<Problem> problems = new ArrayList<>();
        List<Msg> repairs = new ArrayList<>();
        java.util.function.Consumer<Problem> found = p -> {
            counts.merge(p.kind(), 1, Integer::sum);
            if (problems.size() < options.limit()) {
                problems.add(p);
            }
        };

        // Blobs on disk first, references after: a blob committed meanwhile is then seen as referenced.
        Set<BlobId> onDisk = files.onDisk();
        Set<BlobId> previewsOnDisk = previews.onDisk();
        Map<Long, Row> nodes = jdbi.withHandle(StorageCheck::loadNodes);
        Set<String> referenced = jdbi.withHandle(h -> referencedBlobs(h, BLOB_REFERENCES));
        Set<String> previewsReferenced = jdbi.withHandle(h -> referencedBlobs(h, PREVIEW_REFERENCES));
        Tree tree = new Tree(nodes);

        // (a) every blob a node refers to exists, with the node's size
        for (Row n : nodes.values()) {
            if (n.folder() || n.blob() == null) {
                continue;
            }
            BlobId b = new BlobId(n.blob());
            if (!blobs.exists(b)) {
                found.accept(new Problem(Kind.MISSING_BLOB, Msg.of("files.check.missing-blob", tree.where(n), b.value())));
                continue;
            }
            try {
                long size = blobs.size(b);
                if (size != n.size()) {
                    found.accept(new Problem(Kind.WRONG_SIZE, Msg.of("files.check.wrong-size", tree.where(n), n.size(), size)));
                }
            } catch (RuntimeException e) {
                found.accept(new Problem(Kind.UNREADABLE_BLOB,
                        Msg.of("files.check.unreadable-blob", tree.where(n), b.value(), String.valueOf(e.getMessage()))));
            }
        }

        // (b) orphan blobs, old enough not to belong to an upload about to commit
        List<BlobId> orphans = files.orphans(onDisk, referenced, options.orphansBefore());
        for (BlobId b : orphans) {
            found.accept(new Problem(Kind.ORPHAN_BLOB, Msg.of("files.check.orphan-blob", b.value())));
        }

        // (d) every node below its owner's root, no cycle
        for (Row n : tree.dangling) {
            found.accept(new Problem(Kind.NO_PARENT, Msg.of("files.check.no-parent", n.name(), String.valueOf(n.id()), String.valueOf(n.parent()))));
        }
        for (List<Long> cycle : tree.cycles) {
            found.accept(new Problem(Kind.CYCLE, Msg.of("files.check.cycle", cycle.stream().map(String::valueOf).toList())));
        }

        // (c) folder sizes are the sums of their contents; a root's is its owner's total
        Map<Long, Long> wrongSizes = tree.wrongFolderSizes();
        for (var e : wrongSizes.entrySet()) {
            Row f = nodes.get(e.getKey());
            found.accept(new Problem(Kind.FOLDER_SIZE, f.parent() == null
                    ? Msg.of("files.check.root-size", owner(f), f.size(), e.getValue())
                    : Msg.of("files.check.folder-size", tree.where(f), f.size(), e.getValue())));
        }

        // (e) temporary files of writers that are gone
        List<Path> oldTemporary = new ArrayList<>(oldTemporaryFiles(files.store(), options.temporaryBefore()));
        for (Path p : oldTemporary) {
            found.accept(new Problem(Kind.OLD_TEMPORARY, Msg.of("files.check.old-temporary", p.getFileName().toString())));
        }

        // (f) the thumbnail store: orphan blobs, temporary files, rows whose blob is gone (such a
        // thumbnail would be made again on every request, its row never replaced)
        List<BlobId> orphanPreviews = previews.orphans(previewsOnDisk, previewsReferenced, options.orphansBefore());
        for (BlobId b : orphanPreviews) {
            found.accept(new Problem(Kind.ORPHAN_PREVIEW, Msg.of("files.check.orphan-preview", b.value())));
        }
        for (Path p : oldTemporaryFiles(previews.store(), options.temporaryBefore())) {
            oldTemporary.add(p);
            found.accept(new Problem(Kind.OLD_TEMPORARY, Msg.of("files.check.old-temporary-preview", p.getFileName().toString())));
        }
        List<PreviewStore.Row> withoutBlob = previewsWithoutBlob();
        for (PreviewStore.Row p : withoutBlob) {
            Row n = nodes.get(p.node().value());
            found.accept(new Problem(Kind.MISSING_PREVIEW, Msg.of("files.check.missing-preview",
                    n == null ? "#" + p.node().value() : tree.where(n), String.valueOf(p.size()), p.blob().value())));
        }

        if (options.repair()) {
            if (!orphanPreviews.isEmpty()) {
                repairs.add(Msg.of("files.check.repair.orphan-previews", deleteOrphans(previews, orphanPreviews)));
            }
            if (!withoutBlob.isEmpty()) {
                repairs.add(Msg.of("files.check.repair.missing-previews", forget(withoutBlob)));
            }
            repair(orphans, oldTemporary, !wrongSizes.isEmpty(), repairs);
            int unrepaired = counts.getOrDefault(Kind.MISSING_BLOB, 0) + counts.getOrDefault(Kind.WRONG_SIZE, 0)
                    + counts.getOrDefault(Kind.UNREADABLE_BLOB, 0) + counts.getOrDefault(Kind.NO_PARENT, 0)
                    + counts.getOrDefault(Kind.CYCLE, 0);
            if (unrepaired > 0) {
                repairs.add(Msg.of("files.check.repair.left", unrepaired));
            }
        }
        return new Report(nodes.size(), onDisk.size(), previewsOnDisk.size(), counts, problems, repairs);
    }

    private void repair(List<BlobId> orphans, List<Path> oldTemporary, boolean sizes, List<Msg> repairs) {
        if (!orphans.isEmpty()) {
            repairs.add(Msg.of("files.check.repair.orphans", deleteOrphans(files, orphans)));
        }
        if (!oldTemporary.isEmpty()) {
            repairs.add(Msg.of("files.check.repair.temporary", deleteTemporary(oldTemporary)));
        }
        if (sizes) {
            int fixed = jdbi.inTransaction(h -> {
                if (dialect == Database.Dialect.POSTGRES) {
                    // Writers wait while the sizes are recomputed; readers carry on.
                    h.execute("LOCK TABLE files_nodes IN EXCLUSIVE MODE");
                }
                Map<Long, Long> wrong = new Tree(loadNodes(h)).wrongFolderSizes();
                for (var e : wrong.entrySet()) {
                    h.createUpdate("UPDATE files_nodes SET size = :s WHERE id = :id")
                            .bind("s", e.getValue()).bind("id", e.getKey()).execute();
                    // A new etag on the folder and its ancestors: sync clients look at them again.
                    store.propagate(h, new NodeId(e.getKey()), Long.toHexString(ids.next()), 0);
                }
                return wrong.size();
            });
            repairs.add(Msg.of("files.check.repair.sizes", fixed));
        }
    }

    private int deleteOrphans(Area area, List<BlobId> orphans) {
        int deleted = 0;
        for (BlobId b : orphans) {
            // Asked again one by one: a copy may have started to share it since the listing.
            boolean used = jdbi.withHandle(h -> {
                for (String ref : area.references()) {
                    String[] tc = ref.split("\\.");
                    if (h.createQuery("SELECT COUNT(*) FROM " + tc[0] + " WHERE " + tc[1] + " = :b").bind("b", b.value())
                            .mapTo(Integer.class).one() > 0) {
                        return true;
                    }
                }
                return false;
            });
            if (!used) {
                area.store().delete(b);
                deleted++;
            }
        }
        return deleted;
    }

    /** Thumbnail rows whose blob is not in the thumbnail store. */
    private List<PreviewStore.Row> previewsWithoutBlob() {
        return jdbi.withHandle(previewRows::all).stream().filter(p -> !previews.store().exists(p.blob())).toList();
    }

    /** Deletes thumbnail rows (each only while it still names the same blob); returns how many went. */
    private int forget(List<PreviewStore.Row> rows) {
        return jdbi.withHandle(h -> {
            int gone = 0;
            for (PreviewStore.Row p : rows) {
                gone += previewRows.remove(h, p) ? 1 : 0;
            }
            return gone;
        });
    }

    private static int deleteTemporary(List<Path> files) {
        int deleted = 0;
        for (Path p : files) {
            try {
                if (Files.deleteIfExists(p)) {
                    deleted++;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete " + p + ": " + e.getMessage(), e);
            }
        }
        return deleted;
    }

    private String owner(Row n) {
        return ownerName.apply(new AccountId(n.owner()));
    }

    private static boolean before(Path p, Instant cutoff) {
        try {
            return Files.getLastModifiedTime(p).toInstant().isBefore(cutoff);
        } catch (NoSuchFileException gone) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> oldTemporaryFiles(LocalBlobStore store, Instant cutoff) {
        List<Path> out = new ArrayList<>();
        Path dir = store.temporaryDirectory();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path p : files) {
                if (Files.isRegularFile(p) && before(p, cutoff)) {
                    out.add(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        out.sort(null);
        return out;
    }

    private static Map<Long, Row> loadNodes(Handle h) {
        Map<Long, Row> out = new HashMap<>();
        h.createQuery("SELECT id, owner_id, parent_id, name, folder, size, blob_id FROM files_nodes")
                .map((rs, ctx) -> {
                    long parent = rs.getLong("parent_id");
                    Long p = rs.wasNull() ? null : parent;
                    return new Row(rs.getLong("id"), rs.getLong("owner_id"), p, rs.getString("name"), rs.getBoolean("folder"),
                            rs.getLong("size"), rs.getString("blob_id"));
                })
                .forEach(r -> out.put(r.id(), r));
        return out;
    }

    private static Set<String> referencedBlobs(Handle h, List<String> references) {
        Set<String> out = new HashSet<>();
        for (String ref : references) {
            String[] tc = ref.split("\\.");
            out.addAll(h.createQuery("SELECT DISTINCT " + tc[1] + " FROM " + tc[0] + " WHERE " + tc[1] + " IS NOT NULL")
                    .mapTo(String.class).list());
        }
        return out;
    }

    /** The nodes as a tree: paths, nodes whose parent is missing, cycles, recursive folder sizes. */
    private final class Tree {
        final Map<Long, Row> nodes;
        final Map<Long, List<Row>> children = new HashMap<>();
        final List<Row> dangling = new ArrayList<>();
        final List<List<Long>> cycles = new ArrayList<>();
        /** Nodes that reach a root by their parents. */
        final Set<Long> reachable = new HashSet<>();

        Tree(Map<Long, Row> nodes) {
            this.nodes = nodes;
            for (Row n : nodes.values()) {
                if (n.parent() != null) {
                    children.computeIfAbsent(n.parent(), k -> new ArrayList<>()).add(n);
                    if (!nodes.containsKey(n.parent())) {
                        dangling.add(n);
                    }
                }
            }
            dangling.sort(java.util.Comparator.comparingLong(Row::id));
            Map<Long, Integer> state = new HashMap<>(); // 1: on the current walk, 2: done
            for (Row start : nodes.values()) {
                LinkedHashSet<Long> walk = new LinkedHashSet<>();
                Row cur = start;
                boolean reaches = false;
                while (cur != null && !state.containsKey(cur.id())) {
                    if (!walk.add(cur.id())) {
                        List<Long> onWalk = new ArrayList<>(walk);
                        cycles.add(List.copyOf(onWalk.subList(onWalk.indexOf(cur.id()), onWalk.size())));
                        break;
                    }
                    if (cur.parent() == null) {
                        reaches = true;
                        break;
                    }
                    cur = nodes.get(cur.parent());
                }
                if (cur != null && state.containsKey(cur.id())) {
                    reaches = reachable.contains(cur.id());
                }
                for (Long id : walk) {
                    state.put(id, 2);
                    if (reaches) {
                        reachable.add(id);
                    }
                }
            }
        }

        /** "owner:/a/b" for a node below a root, "node 123 (name)" otherwise. */
        String where(Row n) {
            if (!reachable.contains(n.id())) {
                return "#" + n.id() + " (" + n.name() + ")";
            }
            List<String> names = new ArrayList<>();
            Row cur = n;
            while (cur.parent() != null) {
                names.addFirst(cur.name());
                cur = nodes.get(cur.parent());
            }
            return owner(cur) + ":/" + String.join("/", names);
        }

        /** Folder id → the size it should have, for every folder below a root whose stored size differs. */
        Map<Long, Long> wrongFolderSizes() {
            Map<Long, Long> expected = new HashMap<>();
            Map<Long, Long> wrong = new java.util.TreeMap<>();
            for (Row n : nodes.values()) {
                if (n.parent() == null && n.folder()) {
                    sum(n, expected);
                }
            }
            for (var e : expected.entrySet()) {
                Row f = nodes.get(e.getKey());
                if (f.folder() && f.size() != e.getValue()) {
                    wrong.put(f.id(), e.getValue());
                }
            }
            return wrong;
        }

        /** Iterative post-order, so a deep tree does not overflow the stack. */
        private void sum(Row root, Map<Long, Long> expected) {
            List<Row> order = new ArrayList<>();
            List<Row> stack = new ArrayList<>(List.of(root));
            Set<Long> seen = new HashSet<>();
            while (!stack.isEmpty()) {
                Row n = stack.removeLast();
                if (!seen.add(n.id())) {
                    continue;
                }
                order.add(n);
                if (n.folder()) {
                    stack.addAll(children.getOrDefault(n.id(), List.of()));
                }
            }
            for (Row n : order.reversed()) {
                if (!n.folder()) {
                    expected.put(n.id(), n.size());
                    continue;
                }
                long total = 0;
                for (Row c : children.getOrDefault(n.id(), List.of())) {
                    total += Optional.ofNullable(expected.get(c.id())).orElse(c.size());
                }
                expected.put(n.id(), total);
            }
        }
    }
}
