package atrium.files;

import atrium.core.AtriumException;
import atrium.core.Msg;
import atrium.core.Ids;
import atrium.core.blob.Blob;
import atrium.core.blob.BlobId;
import atrium.core.blob.BlobStore;
import atrium.core.blob.BlobWriter;
import atrium.core.db.Database;
import atrium.files.db.FileStore;
import atrium.identity.AccountId;
import atrium.identity.Caller;
import java.io.InputStream;
import java.net.URLConnection;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The file tree of every account. A body is streamed into a new blob and becomes visible
 * only in the transaction that points the node at it, after it arrived whole (and matched
 * its checksum): a dropped connection or a crash never leaves a partial file. Every change
 * gives the node and all its ancestors a new etag in that same transaction.
 */
public final class FileService {
    /** Where a path leads in an owner's tree: its folder (if it exists), its last name, what is there now. */
    public record Target(List<String> path, Optional<Node> parent, String name, Optional<Node> node) {
    }

    public record Written(Node node, boolean created) {
    }

    /**
     * What a client sends with a body: modification time, checksum, conditions on the current
     * node; and who sends it, for the virus scanner.
     */
    public record Upload(Optional<Long> mtimeMillis, Optional<Checksums.Expected> checksum,
                         Consumer<Optional<Node>> precondition, UploadScanner.Sender sender) {
        /** Sent by the server itself. */
        public Upload(Optional<Long> mtimeMillis, Optional<Checksums.Expected> checksum,
                      Consumer<Optional<Node>> precondition) {
            this(mtimeMillis, checksum, precondition, UploadScanner.Sender.SERVER);
        }

        public static Upload plain() {
            return new Upload(Optional.empty(), Optional.empty(), n -> { });
        }

        public Upload from(Caller caller) {
            return new Upload(mtimeMillis, checksum, precondition, UploadScanner.Sender.of(caller));
        }
    }


    private final Jdbi jdbi;
    private final FileStore store;
    private final BlobStore blobs;
    private final Ids ids;
    private final Clock clock;
    private final Function<AccountId, Optional<Long>> quotaOf;
    private final int trashDays;
    private final int maxVersions;
    private final DiskSpace disk;
    private final UploadScanner scanner;

    /** With the default retention (30 days of trash, at most 50 versions per file) and no disk reserve. */
    public FileService(Database db, FileStore store, BlobStore blobs, Ids ids, Clock clock,
                       Function<AccountId, Optional<Long>> quotaOf) {
        this(db, store, blobs, ids, clock, quotaOf, 30, 50, DiskSpace.unchecked());
    }

    /**
     * @param trashDays   how long a deleted node stays in the trash ({@link #purgeTrash})
     * @param maxVersions the most old versions kept per file
     * @param disk        the blob store's disk, whose reserve no write may take
     */
    public FileService(Database db, FileStore store, BlobStore blobs, Ids ids, Clock clock,
                       Function<AccountId, Optional<Long>> quotaOf, int trashDays, int maxVersions, DiskSpace disk) {
        this(db, store, blobs, ids, clock, quotaOf, trashDays, maxVersions, disk, UploadScanner.NONE);
    }

    /** @param scanner what every uploaded body goes through before it may become a file */
    public FileService(Database db, FileStore store, BlobStore blobs, Ids ids, Clock clock,
                       Function<AccountId, Optional<Long>> quotaOf, int trashDays, int maxVersions, DiskSpace disk,
                       UploadScanner scanner) {
        this.disk = disk;
        this.scanner = scanner;
        this.trashDays = trashDays;
        this.maxVersions = maxVersions;
        this.jdbi = db.jdbi();
        this.store = store;
        this.blobs = blobs;
        this.ids = ids;
        this.clock = clock;
        this.quotaOf = quotaOf;
    }

    private String newEtag() {
        return Long.toHexString(ids.next());
    }

    // ---- reading

    public Node root(AccountId owner) {
        Optional<Node> found = jdbi.withHandle(h -> store.root(h, owner));
        if (found.isPresent()) {
            return found.get();
        }
        long now = clock.millis();
        Node root = new Node(new NodeId(ids.next()), owner, Optional.empty(), "", true, 0, now, newEtag(),
                Optional.empty(), Optional.empty(), Optional.empty(), now);
        try {
            jdbi.useTransaction(h -> store.insert(h, root));
            return root;
        } catch (RuntimeException e) {
            // Two first requests raced; the other one created it.
            return jdbi.withHandle(h -> store.root(h, owner)).orElseThrow(() -> e);
        }
    }

    public Optional<Node> resolve(AccountId owner, List<String> path) {
        Node root = root(owner);
        return jdbi.withHandle(h -> walk(h, root, path));
    }

    private Optional<Node> walk(Handle h, Node root, List<String> path) {
        Node current = root;
        for (String segment : path) {
            if (!current.folder()) {
                return Optional.empty();
            }
            Optional<Node> next = store.child(h, current.id(), segment);
            if (next.isEmpty()) {
                return Optional.empty();
            }
            current = next.get();
        }
        return Optional.of(current);
    }

    /** The parent and node a path names, for the protocol layer's precondition checks. */
    public Target target(AccountId owner, List<String> path) {
        if (path.isEmpty()) {
            return new Target(List.of(), Optional.empty(), "", Optional.of(root(owner)));
        }
        Optional<Node> parent = resolve(owner, path.subList(0, path.size() - 1)).filter(Node::folder);
        String name = path.getLast();
        Optional<Node> node = parent.flatMap(p -> jdbi.withHandle(h -> store.child(h, p.id(), name)));
        return new Target(List.copyOf(path), parent, name, node);
    }

    public Optional<Node> byId(NodeId id) {
        return jdbi.withHandle(h -> store.byId(h, id));
    }

    public List<Node> children(Node folder) {
        return jdbi.withHandle(h -> store.children(h, folder.id()));
    }

    /** The node and its descendants to maxDepth; more than limit nodes → TooLarge (the client should ask less deep). */
    public List<Node> subtree(Node node, int maxDepth, int limit) {
        List<Node> nodes = jdbi.withHandle(h -> store.subtree(h, node.id(), maxDepth, limit + 1));
        if (nodes.size() > limit) {
            throw new AtriumException.TooLarge(Msg.of("files.listing.too-large", limit));
        }
        return nodes;
    }

    /** The path segments of a node below its owner's root. */
    public List<String> pathOf(Node node) {
        return jdbi.withHandle(h -> pathOf(h, node));
    }

    private List<String> pathOf(Handle h, Node node) {
        List<String> out = new ArrayList<>();
        Node current = node;
        while (current.parent().isPresent()) {
            out.addFirst(current.name());
            current = store.byId(h, current.parent().get()).orElseThrow();
        }
        return out;
    }

    /**
     * The path of a node below its owner's root, when it is in the live tree; empty when
     * it, or a folder above it, is in the trash (a trashed node has no parent).
     */
    public Optional<List<String>> livePath(NodeId id) {
        return jdbi.withHandle(h -> {
            Optional<Node> node = store.byId(h, id);
            if (node.isEmpty()) {
                return Optional.empty();
            }
            List<String> out = new ArrayList<>();
            Node current = node.get();
            while (current.parent().isPresent()) {
                out.addFirst(current.name());
                current = store.byId(h, current.parent().get()).orElseThrow();
            }
            Optional<Node> root = store.root(h, current.owner());
            return root.isPresent() && root.get().id().equals(current.id()) ? Optional.of(out) : Optional.empty();
        });
    }

    /** A node of the owner's live tree (not in the trash) by id. */
    public Optional<Node> liveById(AccountId owner, NodeId id) {
        Node root = root(owner);
        return jdbi.withHandle(h -> {
            Optional<Node> found = store.byId(h, id).filter(n -> n.owner().equals(owner));
            Node current = found.orElse(null);
            while (current != null && current.parent().isPresent()) {
                current = store.byId(h, current.parent().get()).orElse(null);
            }
            return current != null && current.id().equals(root.id()) ? found : Optional.empty();
        });
    }

    public InputStream read(Node file, long offset, long length) {
        if (file.folder() || file.blob().isEmpty()) {
            throw new AtriumException.Conflict(Msg.of("files.is-folder-not-file", file.name()));
        }
        return blobs.open(file.blob().get(), offset, length);
    }

    /** What counts against the quota: the files, the trash and the old versions. */
    public long used(AccountId owner) {
        root(owner);
        return jdbi.withHandle(h -> store.used(h, owner));
    }

    public Optional<Long> quota(AccountId owner) {
        return quotaOf.apply(owner);
    }

    DiskSpace disk() {
        return disk;
    }

    // ---- writing

    /** Streams a body into the file at path, creating or replacing it. */
    public Written write(AccountId owner, List<String> path, InputStream body, long declaredLength, Upload upload) {
        if (path.isEmpty()) {
            throw new AtriumException.Conflict(Msg.of("files.root.not-a-file"));
        }
        return write(owner, target(owner, path), body, declaredLength, upload);
    }

    /**
     * As {@link #write(AccountId, List, InputStream, long, Upload)}, at a target the caller
     * has just looked up (saves resolving the path twice); the commit checks it again.
     */
    public Written write(AccountId owner, Target t, InputStream body, long declaredLength, Upload upload) {
        Node parent = t.parent().orElseThrow(() -> new AtriumException.Conflict(Msg.of("files.parent.missing", t.name())));
        if (t.node().map(Node::folder).orElse(false)) {
            throw new AtriumException.Conflict(Msg.of("files.is-folder", t.name()));
        }
        upload.precondition().accept(t.node());
        Optional<Long> quota = quotaOf.apply(owner);
        // The previous content becomes a version; versions give way, oldest first, when space runs out.
        long existingSize = t.node().map(Node::size).orElse(0L);
        long versionBytes = quota.isPresent() ? jdbi.withHandle(h -> store.versionsOfOwner(h, owner)).stream()
                .mapToLong(FileStore.VersionRow::size).sum() : 0;
        long quotaAllowed = quota.map(q -> q - used(owner) + existingSize + versionBytes).orElse(Long.MAX_VALUE);
        // The old content stays (as a version) until the new one is committed: the disk must hold both.
        DiskSpace.Limit limit = disk.limit(quotaAllowed, () -> quotaExceeded(quota.orElseThrow()));
        limit.check(declaredLength);
        record Stored(Blob blob, String checksums) {
        }
        Stored stored = disk.guard(() -> {
            try (BlobWriter writer = blobs.create();
                 UploadScanner.Scan scan = scanner.start(owner, t.path(), upload.sender(), declaredLength)) {
                Checksums sums = Checksums.start(upload.checksum());
                long n = LimitedCopy.copy(body, writer.stream(), limit.bytes(), (b, off, len) -> {
                    sums.update(b, off, len);
                    scan.update(b, off, len);
                }, limit.exceeded());
                if (declaredLength >= 0 && n != declaredLength) {
                    throw new AtriumException.Invalid(Msg.of("files.upload.short", n, declaredLength));
                }
                String checksums = sums.finish(upload.checksum());
                // The verdict is awaited here, before anything is committed.
                return new Stored(scan.settle(writer), checksums);
            }
        });
        Blob blob = stored.blob();
        String checksums = stored.checksums();
        Written result;
        try {
            result = disk.guard(() -> jdbi.inTransaction(h -> commitWrite(h, owner, parent, t.name(), blob, checksums, upload)));
        } catch (RuntimeException e) {
            blobs.delete(blob.id());
            throw e;
        }
        return result;
    }

    private Written commitWrite(Handle h, AccountId owner, Node parentSeen, String name, Blob blob, String checksums,
                                Upload upload) {
        store.lock(h, parentSeen.id());
        Node parent = store.byId(h, parentSeen.id()).orElseThrow(() -> new AtriumException.Conflict(Msg.of("files.parent.removed-during-upload")));
        Optional<Node> existing = store.child(h, parent.id(), name);
        if (existing.map(Node::folder).orElse(false)) {
            throw new AtriumException.Conflict(Msg.of("files.is-folder", name));
        }
        upload.precondition().accept(existing);
        long delta = blob.size() - existing.map(Node::size).orElse(0L);
        long now = clock.millis();
        List<BlobId> dropped = new ArrayList<>();
        if (existing.isPresent() && existing.get().blob().isPresent()) {
            keepAsVersion(h, existing.get(), now);
        }
        Optional<Long> quota = quotaOf.apply(owner);
        if (quota.isPresent()) {
            makeRoom(h, owner, blob.size() - existing.map(Node::size).orElse(0L), quota.get(), dropped);
        }
        long mtime = upload.mtimeMillis().orElse(now);
        String etag = newEtag();
        Optional<String> type = Optional.of(contentType(name));
        Node node;
        if (existing.isPresent()) {
            Node old = existing.get();
            store.updateContent(h, old.id(), blob.size(), mtime, blob.id(), type, Optional.of(checksums));
            store.propagate(h, old.id(), etag, delta);
            node = new Node(old.id(), owner, old.parent(), name, false, blob.size(), mtime, etag, Optional.of(blob.id()),
                    type, Optional.of(checksums), old.createdAt());
            dropped.addAll(thin(h, old.id(), now));
        } else {
            node = new Node(new NodeId(ids.next()), owner, Optional.of(parent.id()), name, false, blob.size(), mtime, etag,
                    Optional.of(blob.id()), type, Optional.of(checksums), now);
            store.insert(h, node);
            store.propagate(h, parent.id(), etag, blob.size());
            store.setMtime(h, parent.id(), now);
        }
        afterCommit(h, dropped);
        return new Written(node, existing.isEmpty());
    }

    /** Removes blobs nothing points at any more, once the transaction that dropped them has committed. */
    private void afterCommit(Handle h, List<BlobId> maybeUnused) {
        if (!maybeUnused.isEmpty()) {
            List<BlobId> copy = List.copyOf(maybeUnused);
            h.afterCommit(() -> deleteIfUnused(copy));
        }
    }

    /** Records the current content of a file as a version of it. */
    private void keepAsVersion(Handle h, Node file, long now) {
        store.insertVersion(h, new FileStore.VersionRow(ids.next(), file.owner(), file.id(), file.blob().orElseThrow(),
                file.size(), file.mtime(), file.etag(), file.contentType(), file.checksums(), now));
    }

    /**
     * Makes the quota hold growth more bytes: drops the owner's versions, oldest first, as
     * long as it does not; refuses (quota exceeded) when that is not enough.
     */
    private void makeRoom(Handle h, AccountId owner, long growth, long quota, List<BlobId> dropped) {
        // The previous content is a version already; the tree changes by growth.
        long over = store.used(h, owner) + growth - quota;
        if (over <= 0) {
            return;
        }
        for (FileStore.VersionRow v : store.versionsOfOwner(h, owner)) {
            store.deleteVersion(h, v.id());
            dropped.add(v.blob());
            over -= v.size();
            if (over <= 0) {
                return;
            }
        }
        if (growth > 0) {
            throw quotaExceeded(quota);
        }
    }

    private void deleteIfUnused(List<BlobId> candidates) {
        for (BlobId b : candidates) {
            if (!jdbi.withHandle(h -> store.blobInUse(h, b))) {
                blobs.delete(b);
            }
        }
    }

    static AtriumException quotaExceeded(long quota) {
        return new AtriumException.QuotaExceeded(Msg.of("files.quota.exceeded", atrium.identity.AccountRules.formatQuota(Optional.of(quota))));
    }

    static String contentType(String name) {
        String t = URLConnection.getFileNameMap().getContentTypeFor(name);
        return t == null ? "application/octet-stream" : t;
    }

    public Node mkdir(AccountId owner, List<String> path) {
        if (path.isEmpty()) {
            throw new AtriumException.Conflict(Msg.of("files.root.exists"));
        }
        Target t = target(owner, path);
        Node parentSeen = t.parent().orElseThrow(() -> new AtriumException.Conflict(Msg.of("files.parent.missing-for-folder", path.getLast())));
        return jdbi.inTransaction(h -> {
            store.lock(h, parentSeen.id());
            Node parent = store.byId(h, parentSeen.id()).orElseThrow(() -> new AtriumException.Conflict(Msg.of("files.parent.gone")));
            if (store.child(h, parent.id(), t.name()).isPresent()) {
                throw new AtriumException.Conflict(Msg.of("files.exists", t.name()));
            }
            long now = clock.millis();
            String etag = newEtag();
            Node folder = new Node(new NodeId(ids.next()), owner, Optional.of(parent.id()), t.name(), true, 0, now, etag,
                    Optional.empty(), Optional.empty(), Optional.empty(), now);
            store.insert(h, folder);
            store.propagate(h, parent.id(), etag, 0);
            store.setMtime(h, parent.id(), now);
            return folder;
        });
    }

    /**
     * Moves a node with everything below it to its owner's trash: it leaves the tree (the
     * parent folders shrink and get new etags) but still counts against the quota until it
     * is restored, deleted for good or purged after the retention period.
     */
    public void delete(Node node) {
        if (node.isRoot()) {
            throw new AtriumException.Forbidden(Msg.of("files.root.no-delete"));
        }
        jdbi.useTransaction(h -> {
            node.parent().ifPresent(p -> store.lock(h, p));
            Node current = store.byId(h, node.id()).filter(n -> n.parent().isPresent())
                    .orElseThrow(() -> new AtriumException.NotFound(Msg.of("files.deleted-already")));
            long now = clock.millis();
            String path = String.join("/", pathOf(h, current));
            long seconds = now / 1000;
            while (store.trashItem(h, current.owner(), current.name() + ".d" + seconds).isPresent()) {
                seconds++;
            }
            NodeId parent = current.parent().orElseThrow();
            store.propagate(h, parent, newEtag(), -current.size());
            store.setMtime(h, parent, now);
            store.trash(h, new FileStore.TrashRow(current.id(), current.owner(), current.name() + ".d" + seconds, path, now));
        });
    }

    // ---- trash

    /** A deleted node in its owner's trash, under its Nextcloud item name {@code <name>.d<deletion seconds>}. */
    public record TrashItem(String itemName, Node node, String originalLocation, long deletedAt) {
    }

    public List<TrashItem> trash(AccountId owner) {
        return jdbi.withHandle(h -> store.trashOf(h, owner).stream()
                .map(r -> new TrashItem(r.itemName(), store.byId(h, r.node()).orElseThrow(), r.originalPath(), r.deletedAt()))
                .toList());
    }

    public Optional<TrashItem> trashItem(AccountId owner, String itemName) {
        return jdbi.withHandle(h -> store.trashItem(h, owner, itemName)
                .map(r -> new TrashItem(r.itemName(), store.byId(h, r.node()).orElseThrow(), r.originalPath(), r.deletedAt())));
    }

    /**
     * Puts a trashed node back where it was; into the root when that folder is gone, and
     * under "name (restored).ext" (then "(restored 2)", …) when the name is taken.
     */
    public Node restore(AccountId owner, String itemName) {
        TrashItem item = trashItem(owner, itemName)
                .orElseThrow(() -> new AtriumException.NotFound(Msg.of("files.trash.not-found", itemName)));
        List<String> original = item.originalLocation().isEmpty() ? List.of() : List.of(item.originalLocation().split("/"));
        Node parentSeen = original.size() > 1
                ? resolve(owner, original.subList(0, original.size() - 1)).filter(Node::folder).orElseGet(() -> root(owner))
                : root(owner);
        return jdbi.inTransaction(h -> {
            store.lock(h, parentSeen.id());
            Node parent = store.byId(h, parentSeen.id())
                    .orElseThrow(() -> new AtriumException.Conflict(Msg.of("files.parent.gone")));
            FileStore.TrashRow row = store.trashItem(h, owner, itemName)
                    .orElseThrow(() -> new AtriumException.NotFound(Msg.of("files.trash.not-found", itemName)));
            Node node = store.byId(h, row.node()).orElseThrow();
            String name = node.name();
            for (int i = 1; store.child(h, parent.id(), name).isPresent(); i++) {
                name = restoredName(node.name(), node.folder(), i);
            }
            store.untrash(h, node.id(), parent.id(), name);
            String etag = newEtag();
            store.propagate(h, node.id(), etag, 0);
            store.propagate(h, parent.id(), etag, node.size());
            store.setMtime(h, parent.id(), clock.millis());
            return store.byId(h, node.id()).orElseThrow();
        });
    }

    /**
     * Makes a committed blob a new file of the owner's: at path, under "name (2).ext"… when
     * the name is taken (as a file drop does), in the root when the folder is gone (as a
     * restore does). The content is not scanned: the caller vouches for it (an administrator
     * releasing a file from the quarantine). {@code alsoInTransaction} runs first in the same
     * transaction, so that the blob's other reference goes exactly when the file appears.
     */
    public Node place(AccountId owner, List<String> path, Blob blob, Consumer<Handle> alsoInTransaction) {
        Checksums sums = Checksums.start(Optional.empty());
        try (InputStream in = blobs.open(blob.id(), 0, -1)) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sums.update(buffer, 0, n);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        String checksums = sums.finish(Optional.empty());
        Node parentSeen = path.size() > 1
                ? resolve(owner, path.subList(0, path.size() - 1)).filter(Node::folder).orElseGet(() -> root(owner))
                : root(owner);
        String wanted = path.getLast();
        return jdbi.inTransaction(h -> {
            alsoInTransaction.accept(h);
            store.lock(h, parentSeen.id());
            Node parent = store.byId(h, parentSeen.id())
                    .orElseThrow(() -> new AtriumException.Conflict(Msg.of("files.parent.gone")));
            String name = wanted;
            for (int i = 2; store.child(h, parent.id(), name).isPresent(); i++) {
                name = numbered(wanted, i);
            }
            List<BlobId> dropped = new ArrayList<>();
            Optional<Long> quota = quotaOf.apply(owner);
            if (quota.isPresent()) {
                makeRoom(h, owner, blob.size(), quota.get(), dropped);
            }
            long now = clock.millis();
            String etag = newEtag();
            Node node = new Node(new NodeId(ids.next()), owner, Optional.of(parent.id()), name, false, blob.size(), now, etag,
                    Optional.of(blob.id()), Optional.of(contentType(name)), Optional.of(checksums), now);
            store.insert(h, node);
            store.propagate(h, parent.id(), etag, blob.size());
            store.setMtime(h, parent.id(), now);
            afterCommit(h, dropped);
            return node;
        });
    }

    /** "a.txt" → "a (2).txt" for n = 2; a dot file or a name without extension gets the number at the end. */
    public static String numbered(String name, int n) {
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) + " (" + n + ")" + name.substring(dot) : name + " (" + n + ")";
    }

    /** "a.txt" → "a (restored).txt", then "a (restored 2).txt"; folders and dot files keep their whole name. */
    static String restoredName(String name, boolean folder, int attempt) {
        String suffix = attempt == 1 ? " (restored)" : " (restored " + attempt + ")";
        int dot = name.lastIndexOf('.');
        if (folder || dot <= 0) {
            return name + suffix;
        }
        return name.substring(0, dot) + suffix + name.substring(dot);
    }

    /** Deletes a trash item for good, with its versions; blobs nothing else uses are freed. */
    public void deleteForGood(AccountId owner, String itemName) {
        List<BlobId> freed = jdbi.inTransaction(h -> {
            FileStore.TrashRow row = store.trashItem(h, owner, itemName)
                    .orElseThrow(() -> new AtriumException.NotFound(Msg.of("files.trash.not-found", itemName)));
            return store.deleteSubtree(h, row.node());
        });
        deleteIfUnused(freed);
    }

    /** Deletes everything in the owner's trash for good. */
    public void emptyTrash(AccountId owner) {
        for (TrashItem item : trash(owner)) {
            try {
                deleteForGood(owner, item.itemName());
            } catch (AtriumException.NotFound e) {
                // Deleted meanwhile.
            }
        }
    }

    /** Deletes for good what has been in any trash longer than the retention period; returns how many items. */
    public int purgeTrash() {
        long before = clock.millis() - trashDays * 86_400_000L;
        List<FileStore.TrashRow> old = jdbi.withHandle(h -> store.trashedBefore(h, before));
        int n = 0;
        for (FileStore.TrashRow row : old) {
            try {
                deleteForGood(row.owner(), row.itemName());
                n++;
            } catch (AtriumException.NotFound e) {
                // Restored or deleted meanwhile.
            }
        }
        return n;
    }

    // ---- versions

    /** The previous contents of a file, newest first. */
    public List<FileStore.VersionRow> versions(Node file) {
        return jdbi.withHandle(h -> store.versionsOf(h, file.id()));
    }

    public Optional<FileStore.VersionRow> version(Node file, long versionId) {
        return versions(file).stream().filter(v -> v.id() == versionId).findFirst();
    }

    public InputStream readVersion(FileStore.VersionRow v, long offset, long length) {
        return blobs.open(v.blob(), offset, length);
    }

    /**
     * Makes a version the current content of its file again; the current content becomes a
     * version itself, so nothing is lost.
     */
    public Node restoreVersion(Node file, long versionId) {
        return jdbi.inTransaction(h -> {
            file.parent().ifPresent(p -> store.lock(h, p));
            Node current = store.byId(h, file.id()).filter(n -> !n.folder())
                    .orElseThrow(() -> new AtriumException.NotFound(Msg.of("files.source.gone")));
            FileStore.VersionRow v = store.versionsOf(h, current.id()).stream().filter(x -> x.id() == versionId).findFirst()
                    .orElseThrow(() -> new AtriumException.NotFound(Msg.of("files.version.not-found", versionId)));
            long now = clock.millis();
            if (current.blob().isPresent()) {
                keepAsVersion(h, current, now);
            }
            store.deleteVersion(h, v.id());
            store.updateContent(h, current.id(), v.size(), v.mtime(), v.blob(), v.contentType(), v.checksums());
            store.propagate(h, current.id(), newEtag(), v.size() - current.size());
            afterCommit(h, thin(h, current.id(), now));
            return store.byId(h, current.id()).orElseThrow();
        });
    }

    /**
     * The retention rule, applied after each new version: every version of the last 24
     * hours is kept, then the newest one of each day for 30 days, then the newest one of
     * each week; and at most maxVersions in all (the newest). Returns the blobs dropped.
     */
    private List<BlobId> thin(Handle h, NodeId file, long now) {
        long day = 86_400_000L;
        java.util.Set<String> buckets = new java.util.HashSet<>();
        List<BlobId> dropped = new ArrayList<>();
        int kept = 0;
        for (FileStore.VersionRow v : store.versionsOf(h, file)) {
            long age = Math.max(0, now - v.createdAt());
            boolean keep;
            if (age < day) {
                keep = true;
            } else if (age < 30 * day) {
                keep = buckets.add("d" + age / day);
            } else {
                keep = buckets.add("w" + age / (7 * day));
            }
            if (keep && kept < maxVersions) {
                kept++;
            } else {
                store.deleteVersion(h, v.id());
                dropped.add(v.blob());
            }
        }
        return dropped;
    }

    /**
     * Moves (or renames) a node; the id stays, so sync clients see a rename. An existing
     * destination is replaced only with overwrite.
     */
    public Node move(Node source, List<String> destination, boolean overwrite) {
        return relocate(source, destination, overwrite, true, Integer.MAX_VALUE);
    }

    /** Copies a node (depth 0 copies a folder without its content); blobs are shared, not duplicated. */
    public Node copy(Node source, List<String> destination, boolean overwrite, int depth) {
        return relocate(source, destination, overwrite, false, depth);
    }

    private Node relocate(Node source, List<String> destination, boolean overwrite, boolean move, int depth) {
        if (source.isRoot()) {
            throw new AtriumException.Forbidden(Msg.of("files.root.no-move"));
        }
        if (destination.isEmpty()) {
            throw new AtriumException.Forbidden(Msg.of("files.root.no-replace"));
        }
        AccountId owner = source.owner();
        Target t = target(owner, destination);
        Node destParentSeen = t.parent().orElseThrow(() -> new AtriumException.Conflict(Msg.of("files.destination.missing")));
        List<BlobId> freed = new ArrayList<>();
        Node result = jdbi.inTransaction(h -> {
            // Both folders, lower id first, so two opposite moves cannot deadlock.
            long a = source.parent().orElseThrow().value();
            long b = destParentSeen.id().value();
            store.lock(h, new NodeId(Math.min(a, b)));
            store.lock(h, new NodeId(Math.max(a, b)));
            Node src = store.byId(h, source.id()).orElseThrow(() -> new AtriumException.NotFound(Msg.of("files.source.gone")));
            Node destParent = store.byId(h, destParentSeen.id()).orElseThrow(() -> new AtriumException.Conflict(Msg.of("files.destination.gone")));
            if (isSelfOrBelow(h, destParent, src)) {
                throw new AtriumException.Forbidden(Msg.of("files.into-itself"));
            }
            Optional<Node> existing = store.child(h, destParent.id(), t.name());
            if (existing.isPresent() && existing.get().id().equals(src.id())) {
                throw new AtriumException.Forbidden(Msg.of("files.same-source-destination"));
            }
            long copiedSize = move ? src.size() : (src.folder() && depth == 0 ? 0 : src.size());
            if (!move) {
                Optional<Long> quota = quotaOf.apply(owner);
                long freedByOverwrite = existing.map(Node::size).orElse(0L);
                if (quota.isPresent() && store.used(h, owner) + copiedSize - freedByOverwrite > quota.get()) {
                    throw quotaExceeded(quota.get());
                }
            }
            if (existing.isPresent()) {
                if (!overwrite) {
                    throw new AtriumException.Conflict(Msg.of("files.destination.exists", t.name()));
                }
                freed.addAll(store.deleteSubtree(h, existing.get().id()));
                store.propagate(h, destParent.id(), newEtag(), -existing.get().size());
            }
            long now = clock.millis();
            Node out;
            if (move) {
                store.propagate(h, src.parent().orElseThrow(), newEtag(), -src.size());
                store.setMtime(h, src.parent().orElseThrow(), now);
                store.move(h, src.id(), destParent.id(), t.name());
                // The moved node keeps its etag, as on Nextcloud: its content did not change, and the
                // desktop client, which keeps the etag it had after its own MOVE, would otherwise
                // download a file it has just renamed (or list a folder it has just renamed) again.
                store.propagate(h, destParent.id(), newEtag(), src.size());
                out = store.byId(h, src.id()).orElseThrow();
            } else {
                out = copyTree(h, src, destParent.id(), t.name(), depth, now);
                store.propagate(h, destParent.id(), newEtag(), copiedSize);
            }
            store.setMtime(h, destParent.id(), now);
            return out;
        });
        deleteIfUnused(freed);
        return result;
    }

    private boolean isSelfOrBelow(Handle h, Node candidate, Node ancestor) {
        Node current = candidate;
        while (true) {
            if (current.id().equals(ancestor.id())) {
                return true;
            }
            if (current.parent().isEmpty()) {
                return false;
            }
            current = store.byId(h, current.parent().get()).orElseThrow();
        }
    }

    private Node copyTree(Handle h, Node src, NodeId newParent, String name, int depth, long now) {
        String etag = newEtag();
        long size = src.folder() && depth == 0 ? 0 : src.size();
        Node copy = new Node(new NodeId(ids.next()), src.owner(), Optional.of(newParent), name, src.folder(), size,
                src.mtime(), etag, src.blob(), src.contentType(), src.checksums(), now);
        store.insert(h, copy);
        for (DeadProperty p : store.props(h, src.id())) {
            store.setProp(h, copy.id(), p);
        }
        if (src.folder() && depth > 0) {
            for (Node child : store.children(h, src.id())) {
                copyTree(h, child, copy.id(), child.name(), depth - 1, now);
            }
        }
        return copy;
    }

    // ---- dead properties

    public List<DeadProperty> properties(Node node) {
        return jdbi.withHandle(h -> store.props(h, node.id()));
    }

    public Map<NodeId, List<DeadProperty>> properties(List<Node> nodes) {
        return jdbi.withHandle(h -> store.propsOf(h, nodes.stream().map(Node::id).toList()));
    }

    /** The dead properties of a folder and its children, as {@link #properties} but in one query. */
    public Map<NodeId, List<DeadProperty>> propertiesOfFolderAndChildren(Node folder) {
        return jdbi.withHandle(h -> store.propsOfFolderAndChildren(h, folder.id()));
    }

    /** One PROPPATCH instruction: set (value present) or remove (value empty). */
    public record PropertyChange(String namespace, String name, Optional<String> value) {
    }

    /** Applies all changes in one transaction, in order (RFC 4918: all or nothing). */
    public void changeProperties(Node node, List<PropertyChange> changes) {
        jdbi.useTransaction(h -> {
            for (PropertyChange c : changes) {
                if (c.value().isPresent()) {
                    store.setProp(h, node.id(), new DeadProperty(c.namespace(), c.name(), c.value().get()));
                } else {
                    store.removeProp(h, node.id(), c.namespace(), c.name());
                }
            }
        });
    }
}
