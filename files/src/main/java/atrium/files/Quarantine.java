package atrium.files;

import atrium.core.AtriumException;
import atrium.core.Msg;
import atrium.core.blob.Blob;
import atrium.core.blob.BlobId;
import atrium.core.blob.BlobStore;
import atrium.core.db.Database;
import atrium.identity.AccountId;
import atrium.identity.AccountService;
import atrium.identity.AuditLog;
import atrium.identity.Caller;
import java.util.List;
import java.util.function.Function;
import org.jdbi.v3.core.Jdbi;

/**
 * The infected uploads kept when {@code antivirus.infected = quarantine} (docs/antivirus.md):
 * administrators list them, release one to where it was uploaded (they judge the scanner
 * wrong) or delete it for good. Both are in the audit log with the scanner's finding.
 */
public final class Quarantine {
    /** An infected upload kept for the administrators; path is in the owner's tree. */
    public record Item(long id, AccountId owner, String path, String signature, BlobId blob, long size, String sender,
                       String address, long createdAt) {
    }

    private final Jdbi jdbi;
    private final FileService files;
    private final BlobStore blobs;
    private final AuditLog audit;
    private final Function<AccountId, String> loginOf;

    public Quarantine(Database db, FileService files, BlobStore blobs, AuditLog audit, Function<AccountId, String> loginOf) {
        this.jdbi = db.jdbi();
        this.files = files;
        this.blobs = blobs;
        this.audit = audit;
        this.loginOf = loginOf;
    }

    /** Newest first; readable whether or not a scanner is configured now. */
    public List<Item> list(Caller caller) {
        AccountService.requireAdmin(caller);
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM files_quarantine ORDER BY created_at DESC, id DESC")
                .map((rs, ctx) -> item(rs)).list());
    }

    private static Item item(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Item(rs.getLong("id"), new AccountId(rs.getLong("owner_id")), rs.getString("path"),
                rs.getString("signature"), new BlobId(rs.getString("blob_id")), rs.getLong("size"), rs.getString("sender"),
                rs.getString("address"), rs.getLong("created_at"));
    }

    private Item find(long id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM files_quarantine WHERE id = :id").bind("id", id)
                        .map((rs, ctx) -> item(rs)).findOne())
                .orElseThrow(() -> new AtriumException.NotFound(Msg.of("files.quarantine.not-found", Long.toString(id))));
    }

    /**
     * Puts the file where it was uploaded, under "name (2).ext"… when that name is taken now,
     * in the owner's root when the folder is gone; it counts against the owner's quota (507
     * when it does not fit, and it stays in quarantine). Not scanned again.
     *
     * @return the file and its path in the owner's tree
     */
    public Released release(Caller caller, long id) {
        AccountService.requireAdmin(caller);
        Item q = find(id);
        Node node = files.place(q.owner(), List.of(q.path().split("/")), new Blob(q.blob(), q.size()), h -> {
            // Another administrator may have released or deleted it a moment ago.
            if (h.createUpdate("DELETE FROM files_quarantine WHERE id = :id").bind("id", id).execute() == 0) {
                throw new AtriumException.NotFound(Msg.of("files.quarantine.not-found", Long.toString(id)));
            }
        });
        String path = String.join("/", files.pathOf(node));
        audit.record(caller, "quarantine-released", loginOf.apply(q.owner()) + ":/" + path, finding(q)
                + (path.equals(q.path()) ? "" : "; uploaded as /" + q.path()));
        return new Released(node, path);
    }

    /** A released file and where it is now in its owner's tree. */
    public record Released(Node node, String path) {
    }

    /** Deletes the file for good, its content with it. */
    public void delete(Caller caller, long id) {
        AccountService.requireAdmin(caller);
        Item q = find(id);
        if (jdbi.withHandle(h -> h.createUpdate("DELETE FROM files_quarantine WHERE id = :id").bind("id", id).execute()) == 0) {
            throw new AtriumException.NotFound(Msg.of("files.quarantine.not-found", Long.toString(id)));
        }
        blobs.delete(q.blob());
        audit.record(caller, "quarantine-deleted", loginOf.apply(q.owner()) + ":/" + q.path(), finding(q));
    }

    /** What the scanner found and who sent it, for the audit log. */
    private String finding(Item q) {
        String sender = q.sender().isEmpty() ? loginOf.apply(q.owner()) : q.sender();
        return "#" + q.id() + ", " + q.signature() + " found by the scanner; uploaded by " + sender
                + (q.address().isEmpty() ? "" : " from " + q.address());
    }

}
