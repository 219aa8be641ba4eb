package atrium.files.db;

import atrium.core.blob.BlobId;
import atrium.files.NodeId;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** Which blob of the preview store holds the thumbnail of a file's content at a size. */
public final class PreviewStore {
    public record Row(NodeId node, String etag, int size, BlobId blob, String contentType) {
    }

    public Optional<Row> find(Handle h, NodeId node, String etag, int size) {
        return h.createQuery("SELECT * FROM files_previews WHERE node_id = :n AND etag = :e AND size = :s")
                .bind("n", node.value()).bind("e", etag).bind("s", size)
                .map((rs, ctx) -> new Row(node, etag, size, new BlobId(rs.getString("blob_id")), rs.getString("content_type")))
                .findOne();
    }

    public void insert(Handle h, Row r, long now) {
        h.createUpdate("""
                        INSERT INTO files_previews (node_id, etag, size, blob_id, content_type, created_at)
                        VALUES (:n, :e, :s, :b, :t, :now)""")
                .bind("n", r.node().value()).bind("e", r.etag()).bind("s", r.size()).bind("b", r.blob().value())
                .bind("t", r.contentType()).bind("now", now).execute();
    }

    /** Removes the thumbnails of contents a file no longer has, or of files that are gone; returns their blobs. */
    public List<BlobId> removeStale(Handle h) {
        List<String> blobs = h.createQuery("""
                        SELECT p.blob_id FROM files_previews p WHERE NOT EXISTS (
                            SELECT 1 FROM files_nodes n WHERE n.id = p.node_id AND n.etag = p.etag AND n.trashed_at IS NULL)""")
                .mapTo(String.class).list();
        for (int i = 0; i < blobs.size(); i += 500) {
            h.createUpdate("DELETE FROM files_previews WHERE blob_id IN (<b>)")
                    .bindList("b", blobs.subList(i, Math.min(blobs.size(), i + 500))).execute();
        }
        return blobs.stream().map(BlobId::new).toList();
    }

    /** Removes a file's thumbnails of other contents than this etag; returns their blobs. */
    public List<BlobId> removeOthers(Handle h, NodeId node, String etag) {
        List<BlobId> blobs = h.createQuery("SELECT blob_id FROM files_previews WHERE node_id = :n AND etag <> :e")
                .bind("n", node.value()).bind("e", etag).mapTo(String.class).map(BlobId::new).list();
        h.createUpdate("DELETE FROM files_previews WHERE node_id = :n AND etag <> :e").bind("n", node.value()).bind("e", etag)
                .execute();
        return blobs;
    }
}
