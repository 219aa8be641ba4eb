package atrium.files.http;

import atrium.core.AtriumException;
import atrium.core.Language;
import atrium.core.Msg;
import atrium.core.http.HttpPlumbing;
import atrium.files.Checksums;
import atrium.files.ChunkedUploads;
import atrium.files.FileService;
import atrium.files.Node;
import atrium.files.UploadScanner;
import atrium.files.share.Permissions;
import atrium.files.share.PublicLinks;
import atrium.files.share.PublicLinks.Link;
import atrium.identity.http.Authentication;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * WebDAV of public links as Nextcloud's {@code publicremote.php} serves it:
 * {@code /public.php/dav/files/{token}/…} is the shared file or folder, and
 * {@code /public.php/dav/uploads/{token}/{transferId}/…} the chunked uploads into it (the
 * v2 protocol of {@code /remote.php/dav/uploads}, keyed to the link). The link's password
 * comes as the HTTP Basic password (any user name: the token or "anonymous") or as the
 * unlock cookie of the public page. A file drop lists nothing of what is there, and what is
 * dropped never replaces anything: a taken name becomes "name (2)".
 */
public final class PublicDav implements HttpService {
    private static final Logger LOG = Logger.getLogger(PublicDav.class.getName());
    static final String ROOT = "/public.php/dav";
    private static final String ALLOW = "OPTIONS, GET, HEAD, PROPFIND, PUT, MKCOL, DELETE, MOVE";
    private static final HeaderName DEPTH = HeaderNames.create("Depth");
    private static final HeaderName DESTINATION = HeaderNames.create("Destination");
    private static final HeaderName OC_CHECKSUM = HeaderNames.create("OC-Checksum");
    private static final HeaderName OC_TOTAL_LENGTH = HeaderNames.create("OC-Total-Length");
    private static final HeaderName OC_ETAG = HeaderNames.create("OC-ETag");
    private static final HeaderName OC_FILEID = HeaderNames.create("OC-FileId");
    /** Who is dropping files, as Nextcloud's file drop page sends it. */
    static final HeaderName NICKNAME = HeaderNames.create("X-NC-Nickname");

    private final PublicLinks links;
    private final FileService files;
    private final ChunkedUploads uploads;
    private final LockManager locks;
    private final String instanceId;

    public PublicDav(PublicLinks links, FileService files, ChunkedUploads uploads, LockManager locks, String instanceId) {
        this.links = links;
        this.files = files;
        this.uploads = uploads;
        this.locks = locks;
        this.instanceId = instanceId;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.any(ROOT, this::handle).any(ROOT + "/*", this::handle);
    }

    /** One request: the link, the visitor's right to it, then the path below the link's node. */
    private record Visit(ServerRequest req, ServerResponse res, String method, Link link, List<String> rest,
                         String address) {
        List<String> ownerPath() {
            List<String> p = new ArrayList<>(link.ownerPath());
            p.addAll(rest);
            return p;
        }

        void need(int permission) {
            if (!link.may(permission)) {
                throw new DavException(403, permission == Permissions.READ ? Msg.of("files.link.no-read")
                        : Msg.of("files.link.no-write"));
            }
        }

        /**
         * Who is uploading. Browsers can only send Latin-1 in a header, so the public page
         * percent-encodes the name as UTF-8 ("Am%C3%A9lie"); a plain name (a script's) is
         * taken as it is, "+" included.
         */
        String nickname() {
            String raw = req.headers().first(NICKNAME).orElse("");
            try {
                return java.net.URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return raw;
            }
        }

        UploadScanner.Sender sender() {
            return new UploadScanner.Sender("link " + link.share().id().value(), address, true);
        }
    }

    private void handle(ServerRequest req, ServerResponse res) {
        String method = req.prologue().method().text();
        Language lang = HttpPlumbing.language(req);
        try {
            if (method.equals("OPTIONS")) {
                res.header(HeaderNames.create("DAV"), "1");
                res.header(HeaderNames.ALLOW, ALLOW);
                res.status(Status.OK_200).send();
                return;
            }
            List<String> s = DavPath.parse(req.prologue().uriPath().rawPath()).segments();
            if (s.size() < 4 || !(s.get(2).equals("files") || s.get(2).equals("uploads"))) {
                throw new DavException(404, Msg.of("files.link.not-found"));
            }
            Visit v = open(req, res, method, s.get(3), s.subList(4, s.size()));
            if (s.get(2).equals("uploads")) {
                upload(v);
            } else {
                files(v);
            }
        } catch (DavException e) {
            DavRoutes.error(req, res, method, e.status(), e.msg().text(lang), e.condition().orElse(""));
        } catch (AtriumException e) {
            if (e instanceof AtriumException.TooManyRequests t && !res.isSent()) {
                res.header(HeaderNames.RETRY_AFTER, Long.toString(t.retryAfterSeconds()));
            }
            DavRoutes.error(req, res, method, e.status(), e.msg().text(lang), "");
        } catch (DavRoutes.ClientGone e) {
            DavRoutes.error(req, res, method, 400, Msg.of("files.dav.broken-off").text(lang), "");
        } catch (RuntimeException e) {
            if (e.getCause() instanceof DavRoutes.ClientGone.Reading) {
                DavRoutes.error(req, res, method, 400, Msg.of("files.dav.broken-off").text(lang), "");
                return;
            }
            String id = HttpPlumbing.info(req).id();
            LOG.log(Level.SEVERE, "request " + id + " failed", e);
            DavRoutes.error(req, res, method, 500, Msg.of("core.internal", id).text(lang), "");
        }
    }

    /** The link and the visitor's right to it: Basic password, else the page's unlock cookie (with its CSRF check for writes). */
    private Visit open(ServerRequest req, ServerResponse res, String method, String token, List<String> rest) {
        String address = HttpPlumbing.info(req).clientAddress();
        Link link = links.open(token, address);
        Optional<String> password = basicPassword(req);
        Optional<String> cookie = password.isPresent() ? Optional.empty()
                : Authentication.cookie(req, PublicLinks.cookieName(token));
        links.authorize(link, password, cookie, address);
        if (cookie.isPresent() && link.passwordProtected() && !Set.of("GET", "HEAD", "PROPFIND").contains(method)) {
            Authentication.checkCsrf(req);
        }
        return new Visit(req, res, method, link, rest, address);
    }

    static Optional<String> basicPassword(ServerRequest req) {
        return req.headers().first(HeaderNames.AUTHORIZATION).filter(a -> a.regionMatches(true, 0, "Basic ", 0, 6))
                .map(a -> {
                    try {
                        String pair = new String(Base64.getDecoder().decode(a.substring(6).strip()), StandardCharsets.UTF_8);
                        int colon = pair.indexOf(':');
                        return colon < 0 ? "" : pair.substring(colon + 1);
                    } catch (IllegalArgumentException e) {
                        return "";
                    }
                }).filter(p -> !p.isEmpty());
    }

    // ---- the shared file or folder

    private void files(Visit v) {
        if (!v.link().node().folder() && !v.rest().isEmpty()) {
            throw new DavException(404, Msg.of("files.dav.not-found", "/" + String.join("/", v.rest())));
        }
        switch (v.method()) {
            case "PROPFIND" -> propfind(v);
            case "GET", "HEAD" -> get(v, v.method().equals("HEAD"));
            case "PUT" -> put(v);
            case "MKCOL" -> mkcol(v);
            case "DELETE" -> delete(v);
            default -> throw new DavException(405, Msg.of("files.dav.method-not-allowed", v.method()));
        }
    }

    private Node existing(Visit v) {
        return files.resolve(v.link().share().owner(), v.ownerPath())
                .orElseThrow(() -> new DavException(404, Msg.of("files.dav.not-found", "/" + String.join("/", v.rest()))));
    }

    private void propfind(Visit v) {
        Link link = v.link();
        boolean drop = link.fileDrop();
        if (drop && !v.rest().isEmpty()) {
            // Nothing below a file drop is shown, not even whether a name is taken.
            throw new DavException(404, Msg.of("files.dav.not-found", "/" + String.join("/", v.rest())));
        }
        if (!drop) {
            v.need(Permissions.READ);
        }
        Depth depth = v.req().headers().first(DEPTH).map(Depth::parse).orElse(Depth.ONE);
        if (depth == Depth.INFINITY) {
            throw new DavException(403, Msg.of("files.listing.too-large", 1), "<d:propfind-finite-depth/>");
        }
        DavXml.Propfind request = DavXml.propfind(v.req().content().hasEntity() ? v.req().content().inputStream()
                : InputStream.nullInputStream());
        Node node = existing(v);
        if (drop) {
            // The drop folder as an empty folder: its size and etag would tell what arrived.
            node = new Node(node.id(), node.owner(), node.parent(), node.name(), true, 0, link.share().createdAt(),
                    Long.toHexString(link.share().id().value()), Optional.empty(), Optional.empty(), Optional.empty(),
                    link.share().createdAt());
        }
        List<Node> nodes = new ArrayList<>();
        nodes.add(node);
        if (!drop && node.folder() && depth == Depth.ONE) {
            nodes.addAll(files.children(node));
        }
        // Nothing about the owner's storage: the quota figures are those of the shared node only.
        Node shown = node;
        LiveProperties live = new LiveProperties(instanceId,
                () -> new LiveProperties.Quota(shown.size(), shown.size(), Optional.empty()));
        int permissions = link.node().folder() ? link.share().permissions() : Permissions.forFile(link.share().permissions());
        LiveProperties.Owner owner = new LiveProperties.Owner("", link.ownerName());
        String base = ROOT + "/files/" + DavPath.encodeSegment(link.token());
        DavPath at = DavPath.of(v.rest());
        Map<atrium.files.NodeId, List<atrium.files.DeadProperty>> dead = drop ? Map.of() : files.properties(nodes);
        try (Multistatus out = Multistatus.open(v.res())) {
            for (Node n : nodes) {
                DavPath p = n == node ? at : at.child(n.name());
                LiveProperties.Access access = new LiveProperties.Access(
                        Permissions.letters(permissions & ~Permissions.SHARE, false, n.folder(), false), Set::of, () -> owner);
                LiveProperties.Resource r = new LiveProperties.Resource(n, () -> "", access);
                DavRoutes.describe(out, p.href(base, n.folder()), request, live, r, dead.getOrDefault(n.id(), List.of()));
            }
        }
    }

    private void get(Visit v, boolean head) {
        v.need(Permissions.READ);
        PublicLinks.requireDownloadable(v.link());
        Node node = existing(v);
        identify(v, node);
        if (node.folder()) {
            v.res().header(HeaderNames.CONTENT_LENGTH, "0");
            v.res().status(Status.OK_200).send();
            return;
        }
        if (!head && FileResponse.fromStart(v.req(), node)) {
            links.countDownload(v.link(), v.address(), "/" + String.join("/", v.rest()));
        }
        FileResponse.send(v.req(), v.res(), files, node, head);
    }

    /** The file a body is written to: in a file drop always a new one, else the one named (created or replaced). */
    private List<String> target(Visit v, List<String> ownerPath) {
        if (ownerPath.size() <= v.link().ownerPath().size()) {
            throw new DavException(405, Msg.of("files.is-folder", "/"));
        }
        FileService.Target t = files.target(v.link().share().owner(), ownerPath);
        if (t.parent().isEmpty()) {
            throw new DavException(409, Msg.of("files.parent.missing", ownerPath.getLast()));
        }
        if (v.link().fileDrop()) {
            v.need(Permissions.CREATE);
            return links.freeName(v.link(), ownerPath);
        }
        if (t.node().map(Node::folder).orElse(false)) {
            throw new DavException(405, Msg.of("files.is-folder", ownerPath.getLast()));
        }
        v.need(t.node().isPresent() ? Permissions.UPDATE : Permissions.CREATE);
        if (!locks.unsatisfied("/" + v.link().share().owner().value() + "/" + String.join("/", ownerPath), Set.of(), "")
                .isEmpty()) {
            throw new DavException(423, Msg.of("files.link.locked", ownerPath.getLast()));
        }
        return ownerPath;
    }

    private void put(Visit v) {
        if (v.req().headers().first(HeaderNames.CONTENT_RANGE).isPresent()) {
            throw new DavException(400, Msg.of("files.dav.content-range"));
        }
        List<String> path = target(v, v.ownerPath());
        FileService.Upload upload = new FileService.Upload(Optional.empty(),
                Checksums.Expected.parse(v.req().headers().first(OC_CHECKSUM)), n -> { }, v.sender());
        long declared = v.req().headers().contentLength().orElse(-1L);
        InputStream body = body(v);
        FileService.Written written = files.write(v.link().share().owner(), path, body, declared, upload);
        links.uploaded(v.link(), path, v.address(), v.nickname());
        identify(v, written.node());
        v.res().status(written.created() ? Status.CREATED_201 : Status.NO_CONTENT_204).send();
    }

    private void mkcol(Visit v) {
        if (v.link().fileDrop()) {
            throw new DavException(403, Msg.of("files.link.drop-files-only"));
        }
        v.need(Permissions.CREATE);
        if (v.rest().isEmpty() || files.resolve(v.link().share().owner(), v.ownerPath()).isPresent()) {
            throw new DavException(405, Msg.of("files.dav.exists-already"));
        }
        files.mkdir(v.link().share().owner(), v.ownerPath());
        v.res().status(Status.CREATED_201).send();
    }

    private void delete(Visit v) {
        v.need(Permissions.DELETE);
        if (v.rest().isEmpty()) {
            throw new DavException(403, Msg.of("files.root.no-delete"));
        }
        files.delete(existing(v));
        links.record(v.link(), "delete", v.address(), "/" + String.join("/", v.rest()));
        v.res().status(Status.NO_CONTENT_204).send();
    }

    private static InputStream body(Visit v) {
        return v.req().content().hasEntity() ? DavRoutes.clientStream(v.req().content().inputStream())
                : InputStream.nullInputStream();
    }

    private void identify(Visit v, Node node) {
        String etag = LiveProperties.quoted(node.etag());
        v.res().header(HeaderNames.ETAG, etag);
        v.res().header(OC_ETAG, etag);
        v.res().header(OC_FILEID, LiveProperties.ocId(node.id(), instanceId));
    }

    // ---- chunked uploads into the link

    /**
     * {@code /public.php/dav/uploads/{token}/{transferId}[/{n}|/.file]}: MKCOL (Destination,
     * OC-Total-Length), PUT of chunks 1…10000, PROPFIND to resume, MOVE of {@code .file} to
     * assemble, DELETE to cancel. The upload belongs to the link's owner, whose quota holds
     * the chunks, under a transfer id that names the link, so no other link or user reaches it.
     */
    private void upload(Visit v) {
        if (!v.link().may(Permissions.CREATE) && !v.link().may(Permissions.UPDATE)) {
            v.need(Permissions.CREATE);
        }
        List<String> rest = v.rest();
        if (rest.isEmpty() || rest.size() > 2) {
            throw new DavException(rest.isEmpty() ? 405 : 404, rest.isEmpty()
                    ? Msg.of("files.dav.method-not-allowed", v.method()) : Msg.of("files.dav.not-found", String.join("/", rest)));
        }
        String transferId = rest.getFirst();
        String key = "link-" + v.link().share().id().value() + "/" + transferId;
        var owner = v.link().share().owner();
        Optional<ChunkedUploads.Transfer> transfer = uploads.find(owner, key);
        String folderHref = ROOT + "/uploads/" + DavPath.encodeSegment(v.link().token()) + "/"
                + DavPath.encodeSegment(transferId) + "/";
        if (rest.size() == 1) {
            switch (v.method()) {
                case "MKCOL" -> {
                    if (transfer.isPresent()) {
                        throw new DavException(405, Msg.of("files.upload.exists", transferId));
                    }
                    Optional<String> destination = v.req().headers().first(DESTINATION);
                    destination.ifPresent(d -> destination(v, d));
                    uploads.create(owner, key, destination, totalLength(v), 0);
                    v.res().status(Status.CREATED_201).send();
                }
                case "PROPFIND" -> listing(v, folderHref, need(transfer, transferId));
                case "DELETE" -> {
                    uploads.cancel(need(transfer, transferId));
                    v.res().status(Status.NO_CONTENT_204).send();
                }
                default -> throw new DavException(405, Msg.of("files.dav.method-not-allowed", v.method()));
            }
            return;
        }
        ChunkedUploads.Transfer t = need(transfer, transferId);
        String name = rest.get(1);
        if (name.equals(".file")) {
            if (!v.method().equals("MOVE")) {
                throw new DavException(405, Msg.of("files.dav.method-not-allowed", v.method()));
            }
            assemble(v, t);
            return;
        }
        switch (v.method()) {
            case "PUT" -> {
                Optional<Long> number = ChunkedUploads.chunkNumber(name);
                if (number.isEmpty() || number.get() < 1 || number.get() > ChunkedUploads.MAX_V2_CHUNK) {
                    throw new DavException(400, Msg.of("files.upload.chunk-name"));
                }
                InputStream body = body(v);
                boolean created = uploads.putChunk(t, name, body, v.req().headers().contentLength().orElse(-1L));
                v.res().status(created ? Status.CREATED_201 : Status.NO_CONTENT_204).send();
            }
            case "DELETE" -> {
                if (!uploads.deleteChunk(t, name)) {
                    throw new DavException(404, Msg.of("files.dav.not-found", name));
                }
                v.res().status(Status.NO_CONTENT_204).send();
            }
            default -> throw new DavException(405, Msg.of("files.dav.method-not-allowed", v.method()));
        }
    }

    private static ChunkedUploads.Transfer need(Optional<ChunkedUploads.Transfer> t, String transferId) {
        return t.orElseThrow(() -> new DavException(404, Msg.of("files.upload.not-found", transferId)));
    }

    /** A Destination as the owner's path: it must name a place under this same link. */
    private static List<String> destination(Visit v, String header) {
        DavPath prefix = DavPath.of(List.of("public.php", "dav", "files", v.link().token()));
        DavPath named = DavPath.parse(DavPath.rawPathOf(header)).relativeTo(prefix)
                .orElseThrow(() -> new DavException(403, Msg.of("files.link.destination-elsewhere")));
        List<String> p = new ArrayList<>(v.link().ownerPath());
        p.addAll(named.segments());
        return p;
    }

    private static Optional<Long> totalLength(Visit v) {
        return v.req().headers().first(OC_TOTAL_LENGTH).map(s -> {
            try {
                long n = Long.parseLong(s.strip());
                if (n < 0) {
                    throw new NumberFormatException(s);
                }
                return n;
            } catch (NumberFormatException e) {
                throw new DavException(400, Msg.of("files.upload.total-length-invalid"));
            }
        });
    }

    private void listing(Visit v, String folderHref, ChunkedUploads.Transfer t) {
        Depth depth = v.req().headers().first(DEPTH).map(Depth::parse).orElse(Depth.ONE);
        DavXml.Propfind request = DavXml.propfind(v.req().content().hasEntity() ? v.req().content().inputStream()
                : InputStream.nullInputStream());
        List<ChunkedUploads.Chunk> chunks = uploads.chunks(t);
                try (Multistatus out = Multistatus.open(v.res())) {
            DavRoutes.describeUploadEntry(out, folderHref, request, true,
                    chunks.stream().mapToLong(ChunkedUploads.Chunk::size).sum(), t.createdAt(), t.id() + "-" + chunks.size());
            if (depth != Depth.ZERO) {
                for (ChunkedUploads.Chunk ch : chunks) {
                    DavRoutes.describeUploadEntry(out, folderHref + DavPath.encodeSegment(ch.name()), request, false,
                            ch.size(), t.createdAt(), t.id() + "-" + ch.blob().value());
                }
            }
        }
    }

    private void assemble(Visit v, ChunkedUploads.Transfer t) {
        String header = v.req().headers().first(DESTINATION).or(t::destination)
                .orElseThrow(() -> new DavException(400, Msg.of("files.dav.destination-missing")));
        List<String> path = target(v, destination(v, header));
        FileService.Upload upload = new FileService.Upload(Optional.empty(),
                Checksums.Expected.parse(v.req().headers().first(OC_CHECKSUM)), n -> { }, v.sender());
        FileService.Written written = uploads.assemble(t, v.link().share().owner(), path, totalLength(v), upload);
        links.uploaded(v.link(), path, v.address(), v.nickname());
        identify(v, written.node());
        v.res().status(written.created() ? Status.CREATED_201 : Status.NO_CONTENT_204).send();
    }
}
