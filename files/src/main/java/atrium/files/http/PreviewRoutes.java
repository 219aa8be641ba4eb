package atrium.files.http;

import atrium.core.AtriumException;
import atrium.core.Msg;
import atrium.files.FileService;
import atrium.files.Node;
import atrium.files.NodeId;
import atrium.files.Previews;
import atrium.files.Thumbnails;
import atrium.files.share.Permissions;
import atrium.files.share.ShareService;
import atrium.identity.Caller;
import atrium.identity.http.Authentication;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Thumbnails at Nextcloud's URLs, so the mobile apps show them too (docs/api/files.md):
 * {@code /index.php/core/preview?fileId=…&x=…&y=…} and {@code /index.php/core/preview.png?file=/path&x=…&y=…}
 * (also without {@code /index.php}, as with Nextcloud's pretty URLs), for the caller's files and
 * those of the shares they received (their path under the mount, or the file's id). Anything without a
 * thumbnail answers 404, which the clients take as "show the file type's icon".
 */
public final class PreviewRoutes implements HttpService {
    static final int MAX_SIDE = 4096;

    private final Authentication auth;
    private final FileService files;
    private final ShareService shares;
    private final Previews previews;

    public PreviewRoutes(Authentication auth, FileService files, ShareService shares, Previews previews) {
        this.auth = auth;
        this.files = files;
        this.shares = shares;
        this.previews = previews;
    }

    /** Mounted at the server root. */
    @Override
    public void routing(HttpRules rules) {
        for (String prefix : new String[] {"/index.php", ""}) {
            rules.get(prefix + "/core/preview", this::byId)
                    .get(prefix + "/core/preview.png", this::byPath);
        }
    }

    private void byId(ServerRequest req, ServerResponse res) {
        Caller caller = auth.require(req);
        String raw = req.query().first("fileId").asOptional().orElse("");
        long id;
        try {
            id = Long.parseLong(raw.strip());
        } catch (NumberFormatException e) {
            throw AtriumException.Invalid.field("fileId", Msg.of("files.preview.file-id", raw));
        }
        // Someone else's file id is answered exactly like one that does not exist, unless a share lets the caller read it.
        NodeId fileId = new NodeId(id);
        Node node = files.liveById(caller.id(), fileId)
                .or(() -> files.byId(fileId).filter(n -> !n.owner().equals(caller.id())
                        && (shares.access(caller.id(), n) & Permissions.READ) != 0))
                .orElseThrow(() -> new AtriumException.NotFound(Msg.of("files.preview.no-file", raw)));
        send(req, res, node);
    }

    private void byPath(ServerRequest req, ServerResponse res) {
        Caller caller = auth.require(req);
        String path = req.query().first("file").asOptional().orElse("");
        send(req, res, RequestPaths.resolve(files, shares, caller.id(), path));
    }

    /** The thumbnail of a node the caller has checked access to (public links and chat attachments use it too). */
    public void send(ServerRequest req, ServerResponse res, Node node) {
        var q = req.query();
        int x = RequestPaths.intParam(q.first("x").asOptional(), 256, 1, MAX_SIDE, "x");
        int y = RequestPaths.intParam(q.first("y").asOptional(), 256, 1, MAX_SIDE, "y");
        int size = Previews.sizeFor(x, y);
        String etag = "\"" + node.etag() + "-" + size + "\"";
        // The URL does not name the content unless the client adds its etag as c= (Nextcloud's
        // web does): then the picture may be kept; otherwise it is checked again each time.
        boolean versioned = q.first("c").asOptional().map(c -> c.replace("\"", "").equals(node.etag())).orElse(false);
        res.header(HeaderNames.CACHE_CONTROL, versioned ? "private, max-age=31536000, immutable" : "private, no-cache");
        res.header(HeaderNames.ETAG, etag);
        if (req.headers().first(HeaderNames.IF_NONE_MATCH).map(v -> v.contains(etag)).orElse(false)) {
            res.status(Status.NOT_MODIFIED_304).send();
            return;
        }
        Thumbnails.Image image = previews.preview(node, size);
        res.header(HeaderNames.CONTENT_TYPE, image.contentType());
        res.send(image.bytes());
    }
}
