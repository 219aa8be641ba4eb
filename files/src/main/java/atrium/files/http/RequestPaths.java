package atrium.files.http;

import atrium.core.AtriumException;
import atrium.core.Msg;
import atrium.files.FileService;
import atrium.files.Node;
import atrium.identity.AccountId;
import java.util.ArrayList;
import java.util.List;

/** Paths given in query parameters of the files API ("/Docs/a b.txt", decoded), confined to the caller's tree. */
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

    /** The caller's node at a path, or 404 (the same answer whether it never existed or is not theirs). */
    static Node resolve(FileService files, AccountId owner, String path) {
        return files.resolve(owner, segments(path))
                .orElseThrow(() -> new AtriumException.NotFound(Msg.of("files.path.not-found", path)));
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
