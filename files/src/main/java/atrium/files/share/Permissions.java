package atrium.files.share;

/**
 * Nextcloud's share permission bits, and the WebDAV {@code oc:permissions} letters made of
 * them as Nextcloud 28's {@code DavUtil::getDavPermissions} makes them (docs/adr/0011).
 */
public final class Permissions {
    public static final int READ = 1;
    public static final int UPDATE = 2;
    public static final int CREATE = 4;
    public static final int DELETE = 8;
    public static final int SHARE = 16;
    public static final int ALL = 31;

    private Permissions() {
    }

    /**
     * @param shared    inside a share the caller received (S)
     * @param mountRoot the mount point itself, which its recipient may always rename or leave
     */
    public static String letters(int permissions, boolean shared, boolean folder, boolean mountRoot) {
        int p = mountRoot ? permissions | DELETE | UPDATE : permissions;
        StringBuilder out = new StringBuilder();
        if (shared) {
            out.append('S');
        }
        if ((p & SHARE) != 0) {
            out.append('R');
        }
        if ((p & READ) != 0) {
            out.append('G');
        }
        if ((p & DELETE) != 0) {
            out.append('D');
        }
        if ((p & UPDATE) != 0) {
            out.append("NV");
        }
        if (folder) {
            if ((p & CREATE) != 0) {
                out.append("CK");
            }
        } else if ((permissions & UPDATE) != 0) {
            // The root of a mount is renamable, but writable only when the share says so.
            out.append('W');
        }
        return out.toString();
    }

    /** What a share of a file may carry: a file has nothing to create or delete in it. */
    public static int forFile(int permissions) {
        return permissions & ~(CREATE | DELETE);
    }
}
