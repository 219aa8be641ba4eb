package atrium.files.http;

import atrium.core.AtriumException;
import atrium.core.Msg;
import atrium.files.FileService;
import atrium.files.Node;
import atrium.files.share.Location;
import atrium.files.share.ShareService;
import atrium.identity.AccountId;
import java.util.ArrayList;
import java.util.List;

/** Paths given in query parameters of the files API ("/Docs/a b.txt", decoded), confined to the caller's namespace. */
final class RequestPaths {
    private RequestPaths() {
    }

    /**
     * The names of a path. "." and ".." are refused rather than interpreted: the tree is only
     * ever walked down from the caller's root, by name, and no name may be one of them.
     */
    static List<String> segments(String path) {
        List<String> out = new ArrayList<>();
        for (String s : path.split("/", -1)) {
            if (s.isEmpty()) {
                continue;
            }
            if (s.equals(".") || s.equals("..") || s.indexOf('\0') >= 0) {
                throw AtriumException.Invalid.field("path", Msg.of("files.path.invalid", path));
            }
            out.add(s);
        }
        return out;
    }

    /**
     * The node at a path of the caller's namespace — their own tree and the shares mounted at its
     * root (a mount point under its mount name) — or 404, the same answer whether it never existed
     * or is not theirs to see. A share is mounted only while it lets its recipient read.
     */
    static Node resolve(FileService files, ShareService shares, AccountId caller, String path) {
        Location where = shares.locate(caller, segments(path));
        Node node = files.resolve(where.owner(), where.path())
                .orElseThrow(() -> new AtriumException.NotFound(Msg.of("files.path.not-found", path)));
        return where.mountRoot() ? node.named(where.mount().orElseThrow().name()) : node;
    }

    static int intParam(java.util.Optional<String> value, int dflt, int min, int max, String name) {
        if (value.isEmpty() || value.get().isBlank()) {
            return dflt;
        }
        try {
            int v = Integer.parseInt(value.get().strip());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw AtriumException.Invalid.field(name, Msg.of("files.param.range", name, min, max));
    }
}
