package atrium.files.http;

import atrium.core.AtriumException;
import atrium.core.Msg;
import atrium.core.blob.BlobIntegrityException;
import atrium.files.FileService;
import atrium.files.Node;
import atrium.files.ZipWriter;
import atrium.files.share.Mount;
import atrium.files.share.ShareService;
import atrium.identity.Caller;
import atrium.identity.http.Authentication;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * {@code GET /api/v1/files/zip?path=/A&path=/b.txt}: the caller's files and folders as one zip,
 * streamed while the blobs are read (docs/api/files.md). Every path is resolved in the caller's
 * namespace (their own tree and the shares they received) before the first byte is sent, so a
 * bad path still gets a proper error.
 */
public final class ZipDownload implements HttpService {
    static final int MAX_PATHS = 1000;
    private static final Logger LOG = Logger.getLogger(ZipDownload.class.getName());

    private final Authentication auth;
    private final FileService files;
    private final ShareService shares;
    private final ZipWriter writer;

    public ZipDownload(Authentication auth, FileService files, ShareService shares) {
        this.auth = auth;
        this.files = files;
        this.shares = shares;
        this.writer = new ZipWriter(ZipWriter.of(files));
    }

    /** Mounted under /api/v1/files. */
    @Override
    public void routing(HttpRules rules) {
        rules.get("/zip", this::download);
    }

    private void download(ServerRequest req, ServerResponse res) {
        Caller caller = auth.require(req);
        List<String> paths = req.query().all("path", List::of);
        if (paths.isEmpty() || paths.size() > MAX_PATHS) {
            throw AtriumException.Invalid.field("path", Msg.of("files.zip.paths", MAX_PATHS));
        }
        List<Node> nodes = paths.stream().map(p -> RequestPaths.resolve(files, shares, caller.id(), p)).toList();
        String name = nodes.size() == 1 && !nodes.getFirst().isRoot() ? nodes.getFirst().name() + ".zip" : "download.zip";
        // The root itself: its content at the top of the archive rather than one unnamed folder.
        List<Node> entries = nodes.size() == 1 && nodes.getFirst().isRoot() ? rootEntries(caller, nodes.getFirst()) : nodes;
        stream(res, writer, name, entries);
    }

    /** What the caller sees at their root: their own entries, and the shares they received under their mount names. */
    private List<Node> rootEntries(Caller caller, Node root) {
        List<Mount> mounts = shares.mounts(caller.id());
        Set<String> mounted = mounts.stream().map(Mount::name).collect(Collectors.toSet());
        List<Node> out = new ArrayList<>();
        // A mount hides an own entry of the same name, as in every other view of the root.
        files.children(root).stream().filter(n -> !mounted.contains(n.name())).forEach(out::add);
        mounts.forEach(m -> out.add(m.node().named(m.name())));
        return out;
    }

    /** The entries as a zip download named {@code name}, streamed while the blobs are read. */
    static void stream(ServerResponse res, ZipWriter writer, String name, List<Node> entries) {
        res.header(HeaderNames.CONTENT_TYPE, "application/zip");
        res.header(HeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"" + name.replaceAll("[^\\x20-\\x7e]|[\"\\\\]", "_")
                + "\"; filename*=UTF-8''" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"));
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        try (OutputStream out = res.outputStream()) {
            writer.write(out, entries);
        } catch (IOException | UncheckedIOException e) {
            // Most often the browser went away (a cancelled download): nothing to report. A blob
            // that fails its integrity check is another matter. The blob streams are closed either way.
            boolean damaged = e.getCause() instanceof BlobIntegrityException;
            LOG.log(damaged ? Level.WARNING : Level.FINE, "zip download ended early", e);
        }
    }
}
