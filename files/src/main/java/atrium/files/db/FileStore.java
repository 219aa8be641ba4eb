package atrium.files.db;

import atrium.core.blob.BlobId;
import atrium.core.db.Database;
import atrium.files.DeadProperty;
import atrium.files.Node;
import atrium.files.NodeId;
import atrium.identity.AccountId;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/**
 * The node tree in SQL. Every method takes the caller's handle, so the file service can
 * make one transaction of a change and its etag propagation.
 */
public final class FileStore {
    private final Database.Dialect dialect;

    public FileStore(Database.Dialect dialect) {
        this.dialect = dialect;
    }

    /**
     * Takes the row lock of a folder for the rest of the transaction, so two changes inside
     * one folder happen one after the other. SQLite needs none: its write transactions
     * (IMMEDIATE) already run one at a time, and it has no FOR UPDATE.
     */
    public void lock(Handle h, NodeId id) {
        if (dialect == Database.Dialect.POSTGRES) {
            h.createQuery("SELECT id FROM files_nodes WHERE id = :id FOR UPDATE").bind("id", id.value())
                    .mapTo(Long.class).findOne();
        }
    }

    private static final String ANCESTORS = """
            WITH RECURSIVE anc(id, parent_id) AS (
                SELECT id, parent_id FROM files_nodes WHERE id = :id
                UNION ALL
                SELECT n.id, n.parent_id FROM files_nodes n JOIN anc a ON n.id = a.parent_id)
            """;
    private static final String SUBTREE = """
            WITH RECURSIVE sub(id, depth) AS (
                SELECT id, 0 FROM files_nodes WHERE id = :id
                UNION ALL
                SELECT n.id, s.depth + 1 FROM files_nodes n JOIN sub s ON n.parent_id = s.id WHERE s.depth < :maxDepth)
            """;

    /** The columns {@link #map} reads, in its order (by index, not name), from {@code files_nodes n}. */
    public static final String NODE_COLUMNS = "n.id, n.owner_id, n.parent_id, n.name, n.folder, n.size, n.mtime, n.etag,"
            + " n.blob_id, n.content_type, n.checksums, n.created_at";
    private static final String NODE = "SELECT " + NODE_COLUMNS + " FROM files_nodes n";

    /** A node from a row that starts with {@link #NODE_COLUMNS}. */
    public Node map(ResultSet rs) throws SQLException {
        long parent = rs.getLong(3);
        Optional<NodeId> parentId = rs.wasNull() ? Optional.empty() : Optional.of(new NodeId(parent));
        return new Node(new NodeId(rs.getLong(1)), new AccountId(rs.getLong(2)), parentId,
                text(rs, 4), rs.getBoolean(5), rs.getLong(6), rs.getLong(7), text(rs, 8),
                Optional.ofNullable(text(rs, 9)).map(BlobId::new), Optional.ofNullable(text(rs, 10)),
                Optional.ofNullable(text(rs, 11)), rs.getLong(12));
    }

    /**
     * A text column. SQLite's driver builds each string through a JNI direct buffer, which
     * was about a third of a 2,000-entry listing's query; its bytes come as one array copy
     * (the database is UTF-8). PostgreSQL's driver has no such cost.
     */
    private String text(ResultSet rs, int column) throws SQLException {
        if (dialect != Database.Dialect.SQLITE) {
            return rs.getString(column);
        }
        byte[] b = rs.getBytes(column);
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    public void insert(Handle h, Node n) {
        h.createUpdate("""
                        INSERT INTO files_nodes (id, owner_id, parent_id, name, folder, size, mtime, etag, blob_id,
                            content_type, checksums, created_at, search_name)
                        VALUES (:id, :owner, :parent, :name, :folder, :size, :mtime, :etag, :blob, :type, :sums, :created,
                            :search)""")
                .bind("id", n.id().value()).bind("owner", n.owner().value())
                .bind("parent", n.parent().map(NodeId::value).orElse(null)).bind("name", n.name())
                .bind("search", SearchStore.fold(n.name()))
                .bind("folder", n.folder()).bind("size", n.size()).bind("mtime", n.mtime()).bind("etag", n.etag())
                .bind("blob", n.blob().map(BlobId::value).orElse(null)).bind("type", n.contentType().orElse(null))
                .bind("sums", n.checksums().orElse(null)).bind("created", n.createdAt())
                .execute();
    }

    public Optional<Node> root(Handle h, AccountId owner) {
        return h.createQuery(NODE + " WHERE n.owner_id = :o AND n.parent_id IS NULL AND n.trashed_at IS NULL")
                .bind("o", owner.value()).map((rs, ctx) -> map(rs)).findOne();
    }

    public Optional<Node> byId(Handle h, NodeId id) {
        return h.createQuery(NODE + " WHERE n.id = :id").bind("id", id.value())
                .map((rs, ctx) -> map(rs)).findOne();
    }

    public Optional<Node> child(Handle h, NodeId parent, String name) {
        return h.createQuery(NODE + " WHERE n.parent_id = :p AND n.name = :n")
                .bind("p", parent.value()).bind("n", name).map((rs, ctx) -> map(rs)).findOne();
    }

    public List<Node> children(Handle h, NodeId parent) {
        return h.createQuery(NODE + " WHERE n.parent_id = :p ORDER BY n.name")
                .bind("p", parent.value()).map((rs, ctx) -> map(rs)).list();
    }

    /** The node and everything below it down to maxDepth, at most limit rows (the caller checks). */
    public List<Node> subtree(Handle h, NodeId id, int maxDepth, int limit) {
        return h.createQuery(SUBTREE + NODE + " JOIN sub s ON s.id = n.id ORDER BY s.depth, n.name LIMIT :limit")
                .bind("id", id.value()).bind("maxDepth", maxDepth).bind("limit", limit)
                .map((rs, ctx) -> map(rs)).list();
    }

    /** Gives the node and all its ancestors a new etag, and adds sizeDelta to the ancestors' sizes. */
    public void propagate(Handle h, NodeId from, String etag, long sizeDelta) {
        h.createUpdate(ANCESTORS + " UPDATE files_nodes SET etag = :etag, size = size + (CASE WHEN folder THEN :delta ELSE 0 END)"
                        + " WHERE id IN (SELECT id FROM anc)")
                .bind("id", from.value()).bind("etag", etag).bind("delta", sizeDelta).execute();
    }

    public void setMtime(Handle h, NodeId id, long mtime) {
        h.createUpdate("UPDATE files_nodes SET mtime = :m WHERE id = :id").bind("id", id.value()).bind("m", mtime).execute();
    }

    public void updateContent(Handle h, NodeId id, long size, long mtime, BlobId blob, Optional<String> contentType,
                              Optional<String> checksums) {
        h.createUpdate("""
                        UPDATE files_nodes SET size = :size, mtime = :mtime, blob_id = :blob, content_type = :type,
                            checksums = :sums WHERE id = :id""")
                .bind("id", id.value()).bind("size", size).bind("mtime", mtime).bind("blob", blob.value())
                .bind("type", contentType.orElse(null)).bind("sums", checksums.orElse(null)).execute();
    }

    public void move(Handle h, NodeId id, NodeId newParent, String newName) {
        h.createUpdate("UPDATE files_nodes SET parent_id = :p, name = :n, search_name = :search WHERE id = :id")
                .bind("id", id.value()).bind("p", newParent.value()).bind("n", newName)
                .bind("search", SearchStore.fold(newName)).execute();
    }

    /** Deletes the node and everything below it, with their versions; returns the blobs they referenced. */
    public List<BlobId> deleteSubtree(Handle h, NodeId id) {
        List<BlobId> blobs = new java.util.ArrayList<>(h.createQuery(SUBTREE + " SELECT n.blob_id FROM files_nodes n JOIN sub s ON s.id = n.id"
                        + " WHERE n.blob_id IS NOT NULL")
                .bind("id", id.value()).bind("maxDepth", Integer.MAX_VALUE).mapTo(String.class).map(BlobId::new).list());
        blobs.addAll(h.createQuery(SUBTREE + " SELECT v.blob_id FROM files_versions v JOIN sub s ON s.id = v.node_id")
                .bind("id", id.value()).bind("maxDepth", Integer.MAX_VALUE).mapTo(String.class).map(BlobId::new).list());
        h.createUpdate(SUBTREE + " DELETE FROM files_versions WHERE node_id IN (SELECT id FROM sub)")
                .bind("id", id.value()).bind("maxDepth", Integer.MAX_VALUE).execute();
        h.createUpdate("DELETE FROM files_trash WHERE node_id = :id").bind("id", id.value()).execute();
        // Children first, so the parent reference never dangles even where the check is per row.
        h.createUpdate(SUBTREE + " DELETE FROM files_props WHERE node_id IN (SELECT id FROM sub)")
                .bind("id", id.value()).bind("maxDepth", Integer.MAX_VALUE).execute();
        List<Long> ids = h.createQuery(SUBTREE + " SELECT id FROM sub ORDER BY depth DESC")
                .bind("id", id.value()).bind("maxDepth", Integer.MAX_VALUE).mapTo(Long.class).list();
        for (int i = 0; i < ids.size(); i += 500) {
            h.createUpdate("DELETE FROM files_nodes WHERE id IN (<ids>)").bindList("ids", ids.subList(i, Math.min(ids.size(), i + 500)))
                    .execute();
        }
        return blobs;
    }

    public boolean blobInUse(Handle h, BlobId blob) {
        return h.createQuery("SELECT (SELECT COUNT(*) FROM files_nodes WHERE blob_id = :b)"
                        + " + (SELECT COUNT(*) FROM files_versions WHERE blob_id = :b)").bind("b", blob.value())
                .mapTo(Integer.class).one() > 0;
    }

    /** What counts against the quota: the live tree, the trash and the old versions. */
    public long used(Handle h, AccountId owner) {
        return h.createQuery("""
                        SELECT CAST(COALESCE((SELECT size FROM files_nodes WHERE owner_id = :o AND parent_id IS NULL
                                                  AND trashed_at IS NULL), 0)
                            + COALESCE((SELECT SUM(n.size) FROM files_trash t JOIN files_nodes n ON n.id = t.node_id
                                        WHERE t.owner_id = :o), 0)
                            + COALESCE((SELECT SUM(size) FROM files_versions WHERE owner_id = :o), 0) AS BIGINT)""")
                .bind("o", owner.value()).mapTo(Long.class).one();
    }

    // ---- trash

    /** A trashed node: the top of a detached subtree. */
    public record TrashRow(NodeId node, AccountId owner, String itemName, String originalPath, long deletedAt) {
    }

    private static TrashRow trashRow(ResultSet rs) throws SQLException {
        return new TrashRow(new NodeId(rs.getLong("node_id")), new AccountId(rs.getLong("owner_id")), rs.getString("item_name"),
                rs.getString("original_path"), rs.getLong("deleted_at"));
    }

    /** Detaches a node from the tree and records it in its owner's trash. */
    public void trash(Handle h, TrashRow row) {
        h.createUpdate("UPDATE files_nodes SET parent_id = NULL, trashed_at = :t WHERE id = :id")
                .bind("id", row.node().value()).bind("t", row.deletedAt()).execute();
        h.createUpdate("""
                        INSERT INTO files_trash (node_id, owner_id, item_name, original_path, deleted_at)
                        VALUES (:n, :o, :item, :path, :t)""")
                .bind("n", row.node().value()).bind("o", row.owner().value()).bind("item", row.itemName())
                .bind("path", row.originalPath()).bind("t", row.deletedAt()).execute();
    }

    /** Puts a trashed node back into the tree under a (live) folder. */
    public void untrash(Handle h, NodeId id, NodeId parent, String name) {
        h.createUpdate("DELETE FROM files_trash WHERE node_id = :id").bind("id", id.value()).execute();
        h.createUpdate("UPDATE files_nodes SET parent_id = :p, name = :n, search_name = :search, trashed_at = NULL WHERE id = :id")
                .bind("id", id.value()).bind("p", parent.value()).bind("n", name).bind("search", SearchStore.fold(name)).execute();
    }

    public List<TrashRow> trashOf(Handle h, AccountId owner) {
        return h.createQuery("SELECT * FROM files_trash WHERE owner_id = :o ORDER BY deleted_at DESC, item_name")
                .bind("o", owner.value()).map((rs, ctx) -> trashRow(rs)).list();
    }

    public Optional<TrashRow> trashItem(Handle h, AccountId owner, String itemName) {
        return h.createQuery("SELECT * FROM files_trash WHERE owner_id = :o AND item_name = :i")
                .bind("o", owner.value()).bind("i", itemName).map((rs, ctx) -> trashRow(rs)).findOne();
    }

    public List<TrashRow> trashedBefore(Handle h, long time) {
        return h.createQuery("SELECT * FROM files_trash WHERE deleted_at < :t ORDER BY deleted_at")
                .bind("t", time).map((rs, ctx) -> trashRow(rs)).list();
    }

    // ---- versions

    /** A previous content of a file. */
    public record VersionRow(long id, AccountId owner, NodeId node, BlobId blob, long size, long mtime, String etag,
                             Optional<String> contentType, Optional<String> checksums, long createdAt) {
    }

    private static VersionRow versionRow(ResultSet rs) throws SQLException {
        return new VersionRow(rs.getLong("id"), new AccountId(rs.getLong("owner_id")), new NodeId(rs.getLong("node_id")),
                new BlobId(rs.getString("blob_id")), rs.getLong("size"), rs.getLong("mtime"), rs.getString("etag"),
                Optional.ofNullable(rs.getString("content_type")), Optional.ofNullable(rs.getString("checksums")),
                rs.getLong("created_at"));
    }

    public void insertVersion(Handle h, VersionRow v) {
        h.createUpdate("""
                        INSERT INTO files_versions (id, owner_id, node_id, blob_id, size, mtime, etag, content_type, checksums,
                            created_at)
                        VALUES (:id, :o, :n, :b, :size, :mtime, :etag, :type, :sums, :created)""")
                .bind("id", v.id()).bind("o", v.owner().value()).bind("n", v.node().value()).bind("b", v.blob().value())
                .bind("size", v.size()).bind("mtime", v.mtime()).bind("etag", v.etag())
                .bind("type", v.contentType().orElse(null)).bind("sums", v.checksums().orElse(null))
                .bind("created", v.createdAt()).execute();
    }

    /** The versions of a file, newest first. */
    public List<VersionRow> versionsOf(Handle h, NodeId node) {
        return h.createQuery("SELECT * FROM files_versions WHERE node_id = :n ORDER BY created_at DESC, id DESC")
                .bind("n", node.value()).map((rs, ctx) -> versionRow(rs)).list();
    }

    /** Every version of an owner, oldest first. */
    public List<VersionRow> versionsOfOwner(Handle h, AccountId owner) {
        return h.createQuery("SELECT * FROM files_versions WHERE owner_id = :o ORDER BY created_at, id")
                .bind("o", owner.value()).map((rs, ctx) -> versionRow(rs)).list();
    }

    public void deleteVersion(Handle h, long id) {
        h.createUpdate("DELETE FROM files_versions WHERE id = :id").bind("id", id).execute();
    }

    public List<DeadProperty> props(Handle h, NodeId id) {
        return h.createQuery("SELECT ns, name, value FROM files_props WHERE node_id = :id ORDER BY ns, name")
                .bind("id", id.value())
                .map((rs, ctx) -> new DeadProperty(rs.getString(1), rs.getString(2), rs.getString(3))).list();
    }

    /** Dead properties of a folder and its children in one query (a Depth 1 PROPFIND). */
    public java.util.Map<NodeId, List<DeadProperty>> propsOfFolderAndChildren(Handle h, NodeId folder) {
        java.util.Map<NodeId, List<DeadProperty>> out = new java.util.HashMap<>();
        addProps(h.createQuery("""
                        SELECT node_id, ns, name, value FROM files_props WHERE node_id = :f
                        UNION ALL
                        SELECT p.node_id, p.ns, p.name, p.value FROM files_props p JOIN files_nodes n ON n.id = p.node_id
                            WHERE n.parent_id = :f
                        ORDER BY 2, 3""").bind("f", folder.value()), out);
        return out;
    }

    /** Adds the rows (node_id, ns, name, value) of a query to a map by node. */
    private static void addProps(Query q, java.util.Map<NodeId, List<DeadProperty>> out) {
        q.map((rs, ctx) -> java.util.Map.entry(new NodeId(rs.getLong(1)),
                        new DeadProperty(rs.getString(2), rs.getString(3), rs.getString(4))))
                .forEach(e -> out.computeIfAbsent(e.getKey(), k -> new java.util.ArrayList<>()).add(e.getValue()));
    }

    /** Dead properties of many nodes in one query per 500 nodes (a PROPFIND listing). */
    public java.util.Map<NodeId, List<DeadProperty>> propsOf(Handle h, List<NodeId> ids) {
        java.util.Map<NodeId, List<DeadProperty>> out = new java.util.HashMap<>();
        for (int i = 0; i < ids.size(); i += 500) {
            List<Long> chunk = ids.subList(i, Math.min(ids.size(), i + 500)).stream().map(NodeId::value).toList();
            addProps(h.createQuery("SELECT node_id, ns, name, value FROM files_props WHERE node_id IN (<ids>) ORDER BY ns, name")
                    .bindList("ids", chunk), out);
        }
        return out;
    }

    public void setProp(Handle h, NodeId id, DeadProperty p) {
        removeProp(h, id, p.namespace(), p.name());
        h.createUpdate("INSERT INTO files_props (node_id, ns, name, value) VALUES (:id, :ns, :name, :value)")
                .bind("id", id.value()).bind("ns", p.namespace()).bind("name", p.name()).bind("value", p.value()).execute();
    }

    public void removeProp(Handle h, NodeId id, String ns, String name) {
        h.createUpdate("DELETE FROM files_props WHERE node_id = :id AND ns = :ns AND name = :name")
                .bind("id", id.value()).bind("ns", ns).bind("name", name).execute();
    }
}
