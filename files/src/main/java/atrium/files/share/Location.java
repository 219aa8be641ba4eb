package atrium.files.share;

import atrium.core.AtriumException;
import atrium.core.Msg;
import atrium.identity.AccountId;
import java.util.List;
import java.util.Optional;

/**
 * Where a path of someone's namespace (their own tree and the shares mounted at its root)
 * points: whose tree, which path in it, and what the caller may do there.
 */
public record Location(AccountId owner, List<String> path, int permissions, Optional<Mount> mount) {

    public boolean shared() {
        return mount.isPresent();
    }

    /** The mount point itself, which its recipient renames or leaves rather than changes. */
    public boolean mountRoot() {
        return mount.isPresent() && path.size() == mount.get().ownerPath().size();
    }

    public boolean may(int permission) {
        return (permissions & permission) == permission;
    }

    /** 403 with a message naming what the share does not allow. */
    public void require(int permission) {
        if (!may(permission)) {
            String name = mount.map(Mount::name).orElse("");
            Msg msg = switch (permission) {
                case Permissions.READ -> Msg.of("files.share.denied.read", name);
                case Permissions.UPDATE -> Msg.of("files.share.denied.update", name);
                case Permissions.CREATE -> Msg.of("files.share.denied.create", name);
                case Permissions.DELETE -> Msg.of("files.share.denied.delete", name);
                default -> Msg.of("files.share.denied.share", name);
            };
            throw new AtriumException.Forbidden("share_permission", msg);
        }
    }
}
