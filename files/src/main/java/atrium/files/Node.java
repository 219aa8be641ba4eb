package atrium.files;

import atrium.core.blob.BlobId;
import atrium.identity.AccountId;
import java.util.Optional;

/**
 * A file or folder. Folders carry the recursive size of their content; the etag changes
 * whenever the node or anything below it changes. The id never changes, moves included.
 */
public record Node(
        NodeId id,
        AccountId owner,
        Optional<NodeId> parent,
        String name,
        boolean folder,
        long size,
        long mtime,
        String etag,
        Optional<BlobId> blob,
        Optional<String> contentType,
        Optional<String> checksums,
        long createdAt) {

    public boolean isRoot() {
        return parent.isEmpty();
    }

    /** The same node under another name: a share's node as its recipient sees it, under the mount's name. */
    public Node named(String otherName) {
        return new Node(id, owner, parent, otherName, folder, size, mtime, etag, blob, contentType, checksums, createdAt);
    }
}
