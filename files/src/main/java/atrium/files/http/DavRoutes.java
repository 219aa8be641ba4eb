package atrium.files.http;

import atrium.core.AtriumException;
import atrium.core.Language;
import atrium.core.Msg;
import atrium.core.http.HttpPlumbing;
import atrium.files.Checksums;
import atrium.files.ChunkedUploads;
import atrium.files.DeadProperty;
import atrium.files.FileSearch;
import atrium.files.FileService;
import atrium.files.Node;
import atrium.files.NodeId;
import atrium.files.share.Location;
import atrium.files.share.Permissions;
import atrium.files.share.ShareService;
import atrium.identity.AccountId;
import atrium.identity.Caller;
import atrium.identity.http.Authentication;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.xml.namespace.QName;

/**
 * The WebDAV files API (RFC 4918 classes 1 and 2) as the Nextcloud clients and litmus speak
 * it: {@code /remote.php/dav/files/{login}/…} and the legacy {@code /remote.php/webdav/…},
 * both the caller's own files. Errors are answered with the Sabre-style XML body the
 * clients show ({@link Multistatus#errorBody}), never with the JSON of the REST API.
 *
 * <p>Paths are taken from the raw request line and decoded by {@link DavPath}, never from
 * the server's decoded path. Locks are kept by {@link LockManager} under the key
 * {@code /{account id}/{path}}, so both mounts see the same locks.
 */
public final class DavRoutes implements HttpService {
    private static final Logger LOG = Logger.getLogger(DavRoutes.class.getName());
    static final String DAV_ROOT = "/remote.php/dav";
    static final String WEBDAV_ROOT = "/remote.php/webdav";
    private static final DavPath DAV_PREFIX = DavPath.parse(DAV_ROOT);
    private static final DavPath WEBDAV_PREFIX = DavPath.parse(WEBDAV_ROOT);
    private static final DavPath UPLOADS_PREFIX = DavPath.parse(DAV_ROOT + "/uploads");
    private static final DavPath TRASHBIN_PREFIX = DavPath.parse(DAV_ROOT + "/trashbin");
    private static final DavPath VERSIONS_PREFIX = DavPath.parse(DAV_ROOT + "/versions");
    static final String ALLOW = "OPTIONS, GET, HEAD, DELETE, PROPFIND, PUT, PROPPATCH, COPY, MOVE, MKCOL, LOCK, UNLOCK, SEARCH, REPORT";
    private static final String CHALLENGE = "Basic realm=\"Atrium\", charset=\"UTF-8\"";
    private static final HeaderName DAV_HEADER = HeaderNames.create("DAV");
    private static final HeaderName MS_AUTHOR_VIA = HeaderNames.create("MS-Author-Via");
    private static final HeaderName DASL = HeaderNames.create("DASL");
    private static final HeaderName DEPTH = HeaderNames.create("Depth");
    private static final HeaderName DESTINATION = HeaderNames.create("Destination");
    private static final HeaderName OVERWRITE = HeaderNames.create("Overwrite");
    private static final HeaderName IF = HeaderNames.create("If");
    private static final HeaderName LOCK_TOKEN = HeaderNames.create("Lock-Token");
    private static final HeaderName TIMEOUT = HeaderNames.create("Timeout");
    private static final HeaderName OC_ETAG = HeaderNames.create("OC-ETag");
    private static final HeaderName OC_FILEID = HeaderNames.create("OC-FileId");
    private static final HeaderName OC_CHECKSUM = HeaderNames.create("OC-Checksum");
    private static final HeaderName X_OC_MTIME = HeaderNames.create("X-OC-MTime");
    private static final HeaderName OC_TOTAL_LENGTH = HeaderNames.create("OC-Total-Length");
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME;

    private final Authentication auth;
    private final FileService files;
    private final ShareService shares;
    private final ChunkedUploads uploads;
    private final LockManager locks;
    private final Clock clock;
    private final String instanceId;
    private final int infinityLimit;
    private final boolean windowsNames;
    private final DavSearch search;

    /**
     * @param instanceId    the suffix of every {@code oc:id}, stable for the life of the data
     * @param infinityLimit the most resources a Depth: infinity PROPFIND lists (403 beyond)
     * @param windowsNames  whether new names Windows cannot store are refused (docs/adr/0010)
     * @param search        what answers SEARCH ({@link DavSearch})
     */
    public DavRoutes(Authentication auth, FileService files, ShareService shares, ChunkedUploads uploads, LockManager locks,
                     Clock clock, String instanceId, int infinityLimit, boolean windowsNames, FileSearch search) {
        this.auth = auth;
        this.files = files;
        this.shares = shares;
        this.uploads = uploads;
        this.locks = locks;
        this.clock = clock;
        this.instanceId = instanceId;
        this.infinityLimit = infinityLimit;
        this.windowsNames = windowsNames;
        this.search = new DavSearch(files, search, shares);
    }

    /** Mounted at the server root; every method goes to one handler that dispatches itself. */
    @Override
    public void routing(HttpRules rules) {
        rules.any(DAV_ROOT, this::handle)
                .any(DAV_ROOT + "/*", this::handle)
                .any(WEBDAV_ROOT, this::handle)
                .any(WEBDAV_ROOT + "/*", this::handle);
    }

    /**
     * Where a request's files are, resolved: whose tree (the caller's own, or the owner's of
     * a share the caller received), under which URL prefix and encoded href, where the mount
     * point is in the caller's namespace ({@code at}) and the shared node in the owner's
     * tree ({@code base}), and what the caller may do there (docs/adr/0011). The caller's
     * own files are the mount at the root with every right.
     */
    private record Mount(DavPath prefix, String hrefPrefix, AccountId owner, DavPath at, DavPath base, int permissions,
                         Optional<atrium.files.share.Mount> share) {
        static Mount own(DavPath prefix, String hrefPrefix, AccountId owner) {
            return new Mount(prefix, hrefPrefix, owner, DavPath.ROOT, DavPath.ROOT, Permissions.ALL, Optional.empty());
        }

        Mount own(AccountId caller) {
            return own(prefix, hrefPrefix, caller);
        }

        /** A share the caller received, seen from their own files' mount {@code own}. */
        static Mount of(Mount own, atrium.files.share.Mount m) {
            return new Mount(own.prefix(), own.hrefPrefix(), m.node().owner(), DavPath.of(List.of(m.name())),
                    DavPath.of(m.ownerPath()), m.permissions(), Optional.of(m));
        }

        /** A path of the caller's namespace below {@code at} as the path in the owner's tree. */
        DavPath toOwner(DavPath callerPath) {
            return join(base, callerPath.relativeTo(at).orElseThrow());
        }

        /** A path of the owner's tree as the caller sees it; the mount point for anything outside the shared node. */
        DavPath toCaller(DavPath ownerPath) {
            return join(at, ownerPath.relativeTo(base).orElse(DavPath.ROOT));
        }

        private static DavPath join(DavPath head, DavPath tail) {
            List<String> all = new ArrayList<>(head.segments());
            all.addAll(tail.segments());
            return DavPath.of(all);
        }

        boolean isMountPoint(DavPath ownerPath) {
            return share.isPresent() && ownerPath.equals(base);
        }

        Location location(DavPath ownerPath) {
            return new Location(owner, ownerPath.segments(), permissions, share);
        }
    }

    /**
     * The mount a path of the caller's namespace is in: a share when its first name is one of
     * the caller's mounts (which hides an own entry of that name), else the caller's own files.
     */
    private static Mount within(Mount own, List<atrium.files.share.Mount> received, DavPath callerPath) {
        if (!callerPath.isRoot()) {
            String first = callerPath.segments().getFirst();
            for (atrium.files.share.Mount m : received) {
                if (m.name().equals(first)) {
                    return Mount.of(own, m);
                }
            }
        }
        return own;
    }

    /** One request, resolved: who asks, which tree, which path in it, the If header, the shares mounted at the caller's root. */
    private record Call(ServerRequest req, ServerResponse res, String method, String rawPath, Language lang,
                        Caller caller, Mount mount, DavPath path, Optional<IfHeader> ifHeader,
                        Supplier<List<atrium.files.share.Mount>> received) {
        /** The same request seen in another mount (the destination of an upload, an entry of a listing). */
        Call in(Mount other, DavPath otherPath) {
            return new Call(req, res, method, rawPath, lang, caller, other, otherPath, ifHeader, received);
        }

        /** 403 unless the mount allows it (always, in the caller's own files). */
        void need(int permission) {
            mount.location(path).require(permission);
        }

        Set<String> tokens() {
            return ifHeader.map(IfHeader::submittedTokens).orElse(Set.of());
        }

        String principal() {
            return caller.login();
        }

        AccountId owner() {
            return mount.owner();
        }

        Optional<String> header(HeaderName name) {
            return req.headers().first(name);
        }

        String href(DavPath p, boolean collection) {
            return mount.toCaller(p).href(mount.hrefPrefix(), collection);
        }

        DavException fail(int status, Msg msg) {
            return new DavException(status, msg);
        }

        DavException fail(int status, Msg msg, String condition) {
            return new DavException(status, msg, condition);
        }
    }

    // ---- Entry, authentication and errors ---------------------------------------------

    private void handle(ServerRequest req, ServerResponse res) {
        String method = req.prologue().method().text();
        Language lang = HttpPlumbing.language(req);
        try {
            if (method.equals("OPTIONS")) {
                options(res);
                return;
            }
            Caller caller = auth.require(req);
            String raw = req.prologue().uriPath().rawPath();
            if (req.prologue().fragment().hasValue()) {
                // The server has cut "#…" off the path already; acting on what is left could delete the wrong thing.
                throw new DavException(400, Msg.of("files.dav.fragment"));
            }
            DavPath full = DavPath.parse(raw);
            if (method.equals("SEARCH")) {
                // RFC 5323: the body says where to search.
                Supplier<List<atrium.files.share.Mount>> received = memo(() -> shares.mounts(caller.id()));
                Call c = new Call(req, res, method, raw, lang, caller, filesMount(caller), DavPath.ROOT, Optional.empty(),
                        received);
                found(c, search.search(body(c), caller, received.get()));
                return;
            }
            if (full.startsWith(UPLOADS_PREFIX)) {
                upload(req, res, method, raw, lang, caller, full);
                return;
            }
            if (full.startsWith(TRASHBIN_PREFIX) || full.startsWith(VERSIONS_PREFIX)) {
                List<String> s = full.segments();
                if (s.size() < 4) {
                    throw new DavException(404, Msg.of("files.dav.nothing-here", full.toString()));
                }
                if (!s.get(3).equals(caller.login())) {
                    throw new DavException(403, Msg.of("files.dav.other-user"));
                }
                Call c = new Call(req, res, method, raw, lang, caller, filesMount(caller), DavPath.ROOT,
                        req.headers().first(IF).map(IfHeader::parse), List::of);
                if (full.startsWith(TRASHBIN_PREFIX)) {
                    trashbin(c, s);
                } else {
                    versions(c, s);
                }
                return;
            }
            Mount own = mount(full, caller, lang);
            DavPath callerPath = full.relativeTo(own.prefix()).orElseThrow();
            Supplier<List<atrium.files.share.Mount>> received = memo(() -> shares.mounts(caller.id()));
            Mount mount = within(own, received.get(), callerPath);
            Optional<IfHeader> ifHeader = req.headers().first(IF).map(IfHeader::parse);
            Call c = new Call(req, res, method, raw, lang, caller, mount, mount.toOwner(callerPath), ifHeader, received);
            // Section 10.4: a false If header fails the whole request, before anything else is looked at.
            if (ifHeader.isPresent() && !ifHeader.get().evaluate(raw, resources(c))) {
                throw c.fail(412, Msg.of("files.dav.if-failed"));
            }
            if (c.mount().isMountPoint(c.path()) && (method.equals("DELETE") || method.equals("MOVE"))) {
                // The recipient leaves the share or renames its mount point: their own view changes, not the owner's files.
                if (method.equals("DELETE")) {
                    shares.leave(caller, c.mount().share().orElseThrow());
                    c.res().status(Status.NO_CONTENT_204).send();
                } else {
                    renameMount(c);
                }
                return;
            }
            // Inside a share, what the share allows (PUT, LOCK, COPY and MOVE check for themselves: it depends on the target).
            switch (method) {
                case "PROPFIND", "GET", "HEAD", "REPORT" -> c.need(Permissions.READ);
                case "PROPPATCH" -> c.need(Permissions.UPDATE);
                case "MKCOL" -> c.need(Permissions.CREATE);
                case "DELETE" -> c.need(Permissions.DELETE);
                default -> {
                }
            }
            switch (method) {
                case "PROPFIND" -> propfind(c);
                case "PROPPATCH" -> proppatch(c);
                case "MKCOL" -> mkcol(c);
                case "GET" -> get(c, false);
                case "HEAD" -> get(c, true);
                case "PUT" -> put(c);
                case "DELETE" -> delete(c);
                case "COPY" -> copyOrMove(c, false);
                case "MOVE" -> copyOrMove(c, true);
                case "LOCK" -> lock(c);
                case "UNLOCK" -> unlock(c);
                case "REPORT" -> found(c, search.filterFiles(body(c), caller, received.get(), callerPath));
                default -> throw c.fail(405, Msg.of("files.dav.method-not-allowed", method));
            }
        } catch (DavException e) {
            error(req, res, method, e.status(), e.msg().text(lang), e.condition().orElse(""));
        } catch (AtriumException e) {
            if (e instanceof AtriumException.TooManyRequests t && !res.isSent()) {
                res.header(HeaderNames.RETRY_AFTER, Long.toString(t.retryAfterSeconds()));
            }
            error(req, res, method, e.status(), e.msg().text(lang), "");
        } catch (ClientGone e) {
            brokenOff(req, res, method, lang, e);
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof ClientGone.Reading) {
                brokenOff(req, res, method, lang, e);
            } else {
                String id = HttpPlumbing.info(req).id();
                LOG.log(Level.SEVERE, "request " + id + " failed", e);
                error(req, res, method, 500, Msg.of("core.internal", id).text(lang), "");
            }
        } catch (RuntimeException e) {
            String id = HttpPlumbing.info(req).id();
            LOG.log(Level.SEVERE, "request " + id + " failed", e);
            error(req, res, method, 500, Msg.of("core.internal", id).text(lang), "");
        }
    }

    /**
     * The client went away, or stopped sending, in the middle of a body: nothing to log
     * loudly, and nothing was changed (a body becomes a file only once it arrived whole).
     */
    private static void brokenOff(ServerRequest req, ServerResponse res, String method, Language lang, Exception e) {
        LOG.log(Level.FINE, "request " + HttpPlumbing.info(req).id() + " broke off", e);
        error(req, res, method, 400, Msg.of("files.dav.broken-off").text(lang), "");
    }

    /** A failure of the connection to the client, as opposed to one of our own disks. */
    static final class ClientGone extends RuntimeException {
        ClientGone(Throwable cause) {
            super(cause.toString(), cause, false, false);
        }

        /** What the request body throws, wrapped by the file service like any IOException. */
        static final class Reading extends IOException {
            Reading(Throwable cause) {
                super(cause.toString(), cause);
            }
        }
    }

    /** The request body, its failures marked as the client's. */
    static InputStream clientStream(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                try {
                    return super.read();
                } catch (IOException | RuntimeException e) {
                    throw new ClientGone.Reading(e);
                }
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return super.read(b, off, len);
                } catch (IOException | RuntimeException e) {
                    throw new ClientGone.Reading(e);
                }
            }
        };
    }

    /** The tree a path is in; the user named in the path must be the caller. */
    private static Mount mount(DavPath full, Caller caller, Language lang) {
        List<String> segments = full.segments();
        if (full.startsWith(DAV_PREFIX)) {
            if (segments.size() >= 4 && segments.get(2).equals("files")) {
                String login = segments.get(3);
                if (!login.equals(caller.login())) {
                    throw new DavException(403, Msg.of("files.dav.other-user"));
                }
                return filesMount(caller);
            }
        } else if (full.startsWith(WEBDAV_PREFIX)) {
            return Mount.own(WEBDAV_PREFIX, WEBDAV_ROOT, caller.id());
        }
        throw new DavException(404, Msg.of("files.dav.nothing-here", full.toString()));
    }

    /** The caller's own files under /remote.php/dav/files/{login}. */
    private static Mount filesMount(Caller caller) {
        return Mount.own(DavPath.of(List.of("remote.php", "dav", "files", caller.login())),
                DAV_ROOT + "/files/" + DavPath.encodeSegment(caller.login()), caller.id());
    }

    static void error(ServerRequest req, ServerResponse res, String method, int status, String message,
                              String condition) {
        if (res.isSent()) {
            return;
        }
        res.headers().remove(HeaderNames.CONTENT_LENGTH);
        if (status != 416) {
            res.headers().remove(HeaderNames.CONTENT_RANGE);
        }
        res.status(Status.create(status));
        if (status == 401 && !HttpPlumbing.fromBrowserApp(req)) {
            res.header(HeaderNames.WWW_AUTHENTICATE, CHALLENGE);
        }
        if (status == 405) {
            res.header(HeaderNames.ALLOW, ALLOW);
        }
        HttpPlumbing.answerLanguage(req, res);
        res.header(HeaderNames.CONTENT_TYPE, Multistatus.CONTENT_TYPE);
        if (method.equals("HEAD")) {
            res.send();
        } else {
            res.send(Multistatus.errorBody(DavException.sabreException(status), message, condition)
                    .getBytes(StandardCharsets.UTF_8));
        }
    }

    // ---- Chunked upload (shared/reference/nextcloud-client-protocol.md section 4) ----------------

    /**
     * {@code /remote.php/dav/uploads/{login}/{transferId}[/{chunk}|/.file]}: MKCOL starts an
     * upload, PUT stores a chunk, PROPFIND lists the chunks (to resume), MOVE of {@code .file}
     * assembles them into the destination, DELETE cancels. Only the owner reaches an upload.
     */
    private void upload(ServerRequest req, ServerResponse res, String method, String raw, Language lang, Caller caller,
                        DavPath full) {
        List<String> s = full.segments();
        if (s.size() < 4) {
            throw new DavException(404, Msg.of("files.dav.nothing-here", full.toString()));
        }
        if (!s.get(3).equals(caller.login())) {
            throw new DavException(403, Msg.of("files.dav.other-user"));
        }
        Optional<IfHeader> ifHeader = req.headers().first(IF).map(IfHeader::parse);
        Call c = new Call(req, res, method, raw, lang, caller, filesMount(caller), DavPath.ROOT, ifHeader,
                memo(() -> shares.mounts(caller.id())));
        if (s.size() == 4 || s.size() > 6) {
            throw c.fail(s.size() == 4 ? 405 : 404, s.size() == 4 ? Msg.of("files.dav.method-not-allowed", method)
                    : Msg.of("files.dav.nothing-here", full.toString()));
        }
        String transferId = s.get(4);
        Optional<String> member = s.size() == 6 ? Optional.of(s.get(5)) : Optional.empty();
        Optional<ChunkedUploads.Transfer> transfer = uploads.find(caller.id(), transferId);
        String folderHref = DAV_ROOT + "/uploads/" + DavPath.encodeSegment(caller.login()) + "/"
                + DavPath.encodeSegment(transferId) + "/";
        if (member.isEmpty()) {
            switch (method) {
                case "MKCOL" -> {
                    if (transfer.isPresent()) {
                        throw c.fail(405, Msg.of("files.upload.exists", transferId));
                    }
                    Optional<DavPath> destination = c.header(DESTINATION).map(v -> destinationInNamespace(c));
                    destination.ifPresent(d -> requireStorableName(c, d));
                    long replaced = destination.flatMap(d -> files.resolve(c.owner(), d.segments()))
                            .filter(n -> !n.folder()).map(Node::size).orElse(0L);
                    uploads.create(c.owner(), transferId, c.header(DESTINATION), totalLength(c), replaced);
                    c.res().status(Status.CREATED_201).send();
                }
                case "PROPFIND" -> uploadListing(c, folderHref, needUpload(c, transfer, transferId));
                case "DELETE" -> {
                    uploads.cancel(needUpload(c, transfer, transferId));
                    c.res().status(Status.NO_CONTENT_204).send();
                }
                default -> throw c.fail(405, Msg.of("files.dav.method-not-allowed", method));
            }
            return;
        }
        String name = member.get();
        ChunkedUploads.Transfer t = needUpload(c, transfer, transferId);
        if (name.equals(".file")) {
            if (!method.equals("MOVE")) {
                throw c.fail(405, Msg.of("files.dav.method-not-allowed", method));
            }
            assemble(c, t);
            return;
        }
        switch (method) {
            case "PUT" -> {
                Optional<Long> number = ChunkedUploads.chunkNumber(name);
                boolean v2 = t.destination().isPresent() || c.header(DESTINATION).isPresent();
                if (number.isEmpty() || (v2 && (number.get() < 1 || number.get() > ChunkedUploads.MAX_V2_CHUNK))) {
                    throw c.fail(400, Msg.of("files.upload.chunk-name"));
                }
                long declared = c.req().headers().contentLength().orElse(-1L);
                boolean created = uploads.putChunk(t, name, body(c), declared);
                c.res().status(created ? Status.CREATED_201 : Status.NO_CONTENT_204).send();
            }
            case "DELETE" -> {
                if (!uploads.deleteChunk(t, name)) {
                    throw c.fail(404, Msg.of("files.dav.not-found", name));
                }
                c.res().status(Status.NO_CONTENT_204).send();
            }
            case "PROPFIND" -> {
                ChunkedUploads.Chunk chunk = uploads.chunks(t).stream().filter(ch -> ch.name().equals(name)).findFirst()
                        .orElseThrow(() -> c.fail(404, Msg.of("files.dav.not-found", name)));
                DavXml.Propfind request = DavXml.propfind(body(c));
                try (Multistatus out = Multistatus.open(c.res())) {
                    describeUploadEntry(out, folderHref + DavPath.encodeSegment(name), request, false, chunk.size(),
                            t.createdAt(), t.id() + "-" + chunk.blob().value());
                }
            }
            case "GET", "HEAD" -> throw c.fail(405, Msg.of("files.upload.chunk-not-readable"));
            default -> throw c.fail(405, Msg.of("files.dav.method-not-allowed", method));
        }
    }

    private static ChunkedUploads.Transfer needUpload(Call c, Optional<ChunkedUploads.Transfer> t, String transferId) {
        return t.orElseThrow(() -> c.fail(404, Msg.of("files.upload.not-found", transferId)));
    }

    private static Optional<Long> totalLength(Call c) {
        return c.header(OC_TOTAL_LENGTH).map(v -> {
            try {
                long n = Long.parseLong(v.strip());
                if (n < 0) {
                    throw new NumberFormatException();
                }
                return n;
            } catch (NumberFormatException e) {
                throw c.fail(400, Msg.of("files.upload.total-length-invalid"));
            }
        });
    }

    /** PROPFIND of an upload folder: the folder and (Depth 1) the chunks received, with their sizes. */
    private void uploadListing(Call c, String folderHref, ChunkedUploads.Transfer t) {
        Depth depth = c.header(DEPTH).map(Depth::parse).orElse(Depth.INFINITY);
        DavXml.Propfind request = DavXml.propfind(body(c));
        List<ChunkedUploads.Chunk> chunks = uploads.chunks(t);
        try (Multistatus out = Multistatus.open(c.res())) {
            describeUploadEntry(out, folderHref, request, true, chunks.stream().mapToLong(ChunkedUploads.Chunk::size).sum(),
                    t.createdAt(), t.id() + "-" + chunks.size());
            if (depth != Depth.ZERO) {
                for (ChunkedUploads.Chunk ch : chunks) {
                    describeUploadEntry(out, folderHref + DavPath.encodeSegment(ch.name()), request, false, ch.size(),
                            t.createdAt(), t.id() + "-" + ch.blob().value());
                }
            }
        }
    }

    private static final List<QName> UPLOAD_PROPS = List.of(DavProperty.dav("resourcetype"), DavProperty.dav("getcontentlength"),
            DavProperty.dav("getlastmodified"), DavProperty.dav("getetag"));

    static void describeUploadEntry(Multistatus out, String href, DavXml.Propfind request, boolean folder, long size,
                                            long mtime, String etag) {
        Function<QName, Optional<DavProperty>> value = name -> {
            if (!name.getNamespaceURI().equals(Multistatus.DAV)) {
                return Optional.empty();
            }
            return switch (name.getLocalPart()) {
                case "resourcetype" -> Optional.of(folder ? DavProperty.xml(name, Multistatus.COLLECTION) : DavProperty.empty(name));
                case "getcontentlength" -> folder ? Optional.empty() : Optional.of(DavProperty.text(name, Long.toString(size)));
                case "getlastmodified" -> Optional.of(DavProperty.text(name, Multistatus.httpDate(Instant.ofEpochMilli(mtime))));
                case "getetag" -> Optional.of(DavProperty.text(name, LiveProperties.quoted(etag)));
                default -> Optional.empty();
            };
        };
        describeComputed(out, href, request, value, UPLOAD_PROPS);
    }

    /**
     * MOVE of {@code .file}: the chunks, in numeric order, become the destination (from the
     * Destination header, else the one given at MKCOL) like a PUT with the same headers would
     * make it: If/If-Match on the destination, X-OC-MTime, OC-Checksum over the whole file.
     */
    private void assemble(Call request, ChunkedUploads.Transfer t) {
        if (request.header(DESTINATION).isEmpty() && t.destination().isEmpty()) {
            throw request.fail(400, Msg.of("files.dav.destination-missing"));
        }
        DavPath named = request.header(DESTINATION).isPresent() ? destinationInNamespace(request)
                : DavPath.parse(DavPath.rawPathOf(t.destination().get())).relativeTo(request.mount().prefix())
                        .orElseThrow(() -> request.fail(502, Msg.of("files.dav.destination-elsewhere")));
        // The destination may be in a share the uploader received: from here on, the request is in that tree.
        Mount into = within(request.mount(), request.received().get(), named);
        Call c = request.in(into, into.toOwner(named));
        DavPath destination = c.path();
        if (destination.isRoot()) {
            throw c.fail(403, Msg.of("files.root.no-replace"));
        }
        requireStorableName(c, destination);
        // Section 10.4: the If header of the desktop client names the destination; untagged lists apply to it too.
        if (c.ifHeader().isPresent() && !c.ifHeader().get().evaluate(c.href(destination, false), resources(c))) {
            throw c.fail(412, Msg.of("files.dav.if-failed"));
        }
        boolean overwrite = c.header(OVERWRITE).map(v -> switch (v.strip()) {
            case "T", "t" -> true;
            case "F", "f" -> false;
            default -> throw c.fail(400, Msg.of("files.dav.overwrite-invalid"));
        }).orElse(true);
        FileService.Target target = files.target(c.owner(), destination.segments());
        if (target.parent().isEmpty()) {
            throw c.fail(409, Msg.of("files.parent.missing", destination.name()));
        }
        if (target.node().map(Node::folder).orElse(false)) {
            throw c.fail(405, Msg.of("files.is-folder", destination.name()));
        }
        c.need(target.node().isPresent() ? Permissions.UPDATE : Permissions.CREATE);
        if (target.node().isPresent() && !overwrite) {
            throw c.fail(412, Msg.of("files.destination.exists", destination.name()));
        }
        requireUnlocked(c, destination);
        if (target.node().isEmpty()) {
            requireUnlocked(c, destination.parent().orElseThrow());
        }
        Optional<Long> mtime = c.header(X_OC_MTIME).map(v -> mtimeMillis(c, v));
        FileService.Upload upload = new FileService.Upload(mtime,
                Checksums.Expected.parse(c.header(OC_CHECKSUM)), n -> preconditions(c, n, false)).from(c.caller());
        FileService.Written written = uploads.assemble(t, c.owner(), destination.segments(), totalLength(c), upload);
        identify(c, written.node());
        if (mtime.isPresent()) {
            c.res().header(X_OC_MTIME, "accepted");
        }
        c.res().status(written.created() ? Status.CREATED_201 : Status.NO_CONTENT_204).send();
    }

    // ---- Trash bin (shared/reference/nextcloud-client-protocol.md section 5) -------------------

    private static final QName NC_TRASH_FILENAME = DavProperty.nc("trashbin-filename");
    private static final QName NC_TRASH_LOCATION = DavProperty.nc("trashbin-original-location");
    private static final QName NC_TRASH_TIME = DavProperty.nc("trashbin-deletion-time");
    private static final List<QName> TRASH_PROPS = List.of(DavProperty.dav("resourcetype"), DavProperty.dav("getcontentlength"),
            DavProperty.dav("getlastmodified"), DavProperty.dav("getetag"), DavProperty.dav("getcontenttype"),
            LiveProperties.OC_ID, LiveProperties.OC_FILEID, LiveProperties.OC_SIZE, LiveProperties.OC_PERMISSIONS,
            NC_TRASH_FILENAME, NC_TRASH_LOCATION, NC_TRASH_TIME);

    /**
     * {@code /remote.php/dav/trashbin/{login}/trash[/{item}]} and {@code …/restore/{name}}:
     * PROPFIND lists the caller's trash, MOVE of an item to {@code restore/} restores it,
     * DELETE of an item deletes it for good, DELETE of {@code trash} empties it. The content
     * of a trashed folder is not listed.
     */
    private void trashbin(Call c, List<String> s) {
        String base = DAV_ROOT + "/trashbin/" + DavPath.encodeSegment(c.principal()) + "/";
        if (s.size() == 4) {
            if (!c.method().equals("PROPFIND")) {
                throw c.fail(405, Msg.of("files.dav.method-not-allowed", c.method()));
            }
            collectionListing(c, base, List.of(base + "trash/", base + "restore/"));
            return;
        }
        String part = s.get(4);
        if (s.size() == 5 && part.equals("restore")) {
            if (!c.method().equals("PROPFIND")) {
                throw c.fail(405, Msg.of("files.dav.method-not-allowed", c.method()));
            }
            collectionListing(c, base + "restore/", List.of());
            return;
        }
        if (!part.equals("trash") || s.size() > 6) {
            throw c.fail(404, Msg.of("files.dav.nothing-here", c.rawPath()));
        }
        if (s.size() == 5) {
            switch (c.method()) {
                case "PROPFIND" -> {
                    Depth depth = c.header(DEPTH).map(Depth::parse).orElse(Depth.ONE);
                    DavXml.Propfind request = DavXml.propfind(body(c));
                    try (Multistatus out = Multistatus.open(c.res())) {
                        describeComputed(out, base + "trash/", request, collectionValues(), UPLOAD_PROPS);
                        if (depth != Depth.ZERO) {
                            for (FileService.TrashItem item : files.trash(c.owner())) {
                                describeTrashItem(out, base, request, item);
                            }
                        }
                    }
                }
                case "DELETE" -> {
                    files.emptyTrash(c.owner());
                    c.res().status(Status.NO_CONTENT_204).send();
                }
                default -> throw c.fail(405, Msg.of("files.dav.method-not-allowed", c.method()));
            }
            return;
        }
        String itemName = s.get(5);
        FileService.TrashItem item = files.trashItem(c.owner(), itemName)
                .orElseThrow(() -> c.fail(404, Msg.of("files.trash.not-found", itemName)));
        switch (c.method()) {
            case "PROPFIND" -> {
                DavXml.Propfind request = DavXml.propfind(body(c));
                try (Multistatus out = Multistatus.open(c.res())) {
                    describeTrashItem(out, base, request, item);
                }
            }
            case "DELETE" -> {
                files.deleteForGood(c.owner(), itemName);
                c.res().status(Status.NO_CONTENT_204).send();
            }
            case "MOVE" -> {
                String value = c.header(DESTINATION).orElseThrow(() -> c.fail(400, Msg.of("files.dav.destination-missing")));
                List<String> d = DavPath.parse(DavPath.rawPathOf(value)).segments();
                if (d.size() < 5 || !d.subList(0, 5).equals(List.of("remote.php", "dav", "trashbin", c.principal(), "restore"))) {
                    throw c.fail(502, Msg.of("files.dav.restore-target", base + "restore/{name}"));
                }
                Node restored = files.restore(c.owner(), itemName);
                identify(c, restored);
                c.res().status(Status.CREATED_201).send();
            }
            default -> throw c.fail(405, Msg.of("files.dav.method-not-allowed", c.method()));
        }
    }

    private void describeTrashItem(Multistatus out, String base, DavXml.Propfind request, FileService.TrashItem item) {
        Node n = item.node();
        Function<QName, Optional<DavProperty>> value = name -> {
            String v = switch (name.getNamespaceURI() + " " + name.getLocalPart()) {
                case "DAV: resourcetype" -> null;
                case "DAV: getcontentlength" -> n.folder() ? null : Long.toString(n.size());
                case "DAV: getlastmodified" -> Multistatus.httpDate(Instant.ofEpochMilli(n.mtime()));
                case "DAV: getetag" -> LiveProperties.quoted(n.etag());
                case "DAV: getcontenttype" -> n.folder() ? null : n.contentType().orElse("application/octet-stream");
                case Multistatus.OWNCLOUD + " id" -> LiveProperties.ocId(n.id(), instanceId);
                case Multistatus.OWNCLOUD + " fileid" -> Long.toString(n.id().value());
                case Multistatus.OWNCLOUD + " size" -> Long.toString(n.size());
                case Multistatus.OWNCLOUD + " permissions" -> "GD";
                case Multistatus.NEXTCLOUD + " trashbin-filename" -> n.name();
                case Multistatus.NEXTCLOUD + " trashbin-original-location" -> item.originalLocation();
                case Multistatus.NEXTCLOUD + " trashbin-deletion-time" -> Long.toString(item.deletedAt() / 1000);
                default -> "";
            };
            if (name.equals(LiveProperties.RESOURCETYPE)) {
                return Optional.of(n.folder() ? DavProperty.xml(name, Multistatus.COLLECTION) : DavProperty.empty(name));
            }
            return v == null || v.isEmpty() ? Optional.empty() : Optional.of(DavProperty.text(name, v));
        };
        describeComputed(out, base + "trash/" + DavPath.encodeSegment(item.itemName()) + (n.folder() ? "/" : ""), request,
                value, TRASH_PROPS);
    }

    // ---- Versions (shared/reference/nextcloud-client-protocol.md section 5) -------------------

    private static final List<QName> VERSION_PROPS = List.of(DavProperty.dav("resourcetype"), DavProperty.dav("getcontentlength"),
            DavProperty.dav("getlastmodified"), DavProperty.dav("getetag"), DavProperty.dav("getcontenttype"),
            LiveProperties.OC_SIZE);

    /**
     * {@code /remote.php/dav/versions/{login}/versions/{fileid}[/{version id}]}: PROPFIND
     * lists the previous contents of one of the caller's files, GET downloads one, COPY or
     * MOVE of one to {@code /remote.php/dav/versions/{login}/restore/…} restores it.
     */
    private void versions(Call c, List<String> s) {
        String base = DAV_ROOT + "/versions/" + DavPath.encodeSegment(c.principal()) + "/";
        if (s.size() <= 5) {
            if (!c.method().equals("PROPFIND")) {
                throw c.fail(405, Msg.of("files.dav.method-not-allowed", c.method()));
            }
            if (s.size() == 5 && !s.get(4).equals("versions") && !s.get(4).equals("restore")) {
                throw c.fail(404, Msg.of("files.dav.nothing-here", c.rawPath()));
            }
            collectionListing(c, s.size() == 4 ? base : base + s.get(4) + "/", List.of());
            return;
        }
        if (!s.get(4).equals("versions") || s.size() > 7) {
            throw c.fail(404, Msg.of("files.dav.nothing-here", c.rawPath()));
        }
        String fileId = s.get(5);
        Node file = (fileId.matches("[0-9]{1,18}") ? files.liveById(c.owner(), new NodeId(Long.parseLong(fileId)))
                : Optional.<Node>empty()).filter(n -> !n.folder())
                .orElseThrow(() -> c.fail(404, Msg.of("files.dav.not-found", fileId)));
        String folderHref = base + "versions/" + DavPath.encodeSegment(fileId) + "/";
        if (s.size() == 6) {
            if (!c.method().equals("PROPFIND")) {
                throw c.fail(405, Msg.of("files.dav.method-not-allowed", c.method()));
            }
            Depth depth = c.header(DEPTH).map(Depth::parse).orElse(Depth.ONE);
            DavXml.Propfind request = DavXml.propfind(body(c));
            try (Multistatus out = Multistatus.open(c.res())) {
                describeComputed(out, folderHref, request, collectionValues(), UPLOAD_PROPS);
                if (depth != Depth.ZERO) {
                    for (var v : files.versions(file)) {
                        describeVersion(out, folderHref, request, v);
                    }
                }
            }
            return;
        }
        String versionId = s.get(6);
        var version = (versionId.matches("[0-9]{1,18}") ? files.version(file, Long.parseLong(versionId))
                : Optional.<atrium.files.db.FileStore.VersionRow>empty())
                .orElseThrow(() -> c.fail(404, Msg.of("files.version.not-found", versionId)));
        switch (c.method()) {
            case "PROPFIND" -> {
                DavXml.Propfind request = DavXml.propfind(body(c));
                try (Multistatus out = Multistatus.open(c.res())) {
                    describeVersion(out, folderHref, request, version);
                }
            }
            case "GET", "HEAD" -> {
                ServerResponse res = c.res();
                res.header(HeaderNames.ETAG, LiveProperties.quoted(version.etag()));
                res.header(HeaderNames.LAST_MODIFIED, Multistatus.httpDate(Instant.ofEpochMilli(version.mtime())));
                res.header(HeaderNames.CONTENT_TYPE, version.contentType().orElse("application/octet-stream"));
                res.header(HeaderNames.CONTENT_DISPOSITION, "attachment; filename*=UTF-8''"
                        + java.net.URLEncoder.encode(file.name(), StandardCharsets.UTF_8).replace("+", "%20"));
                res.header(HeaderNames.create("Content-Security-Policy"), "sandbox; default-src 'none'");
                res.header(HeaderNames.CONTENT_LENGTH, Long.toString(version.size()));
                res.status(Status.OK_200);
                if (c.method().equals("HEAD")) {
                    res.send();
                    return;
                }
                byte[] buffer = new byte[64 * 1024];
                try (InputStream in = files.readVersion(version, 0, version.size()); OutputStream out = res.outputStream()) {
                    int n;
                    while ((n = in.read(buffer)) > 0) {
                        try {
                            out.write(buffer, 0, n);
                        } catch (IOException | RuntimeException e) {
                            throw new ClientGone(e);
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            case "COPY", "MOVE" -> {
                String value = c.header(DESTINATION).orElseThrow(() -> c.fail(400, Msg.of("files.dav.destination-missing")));
                List<String> d = DavPath.parse(DavPath.rawPathOf(value)).segments();
                if (d.size() < 5 || !d.subList(0, 5).equals(List.of("remote.php", "dav", "versions", c.principal(), "restore"))) {
                    throw c.fail(502, Msg.of("files.dav.restore-target", base + "restore/target"));
                }
                DavPath filePath = DavPath.of(files.pathOf(file));
                requireUnlocked(c, filePath);
                Node restored = files.restoreVersion(file, version.id());
                identify(c, restored);
                c.res().status(Status.CREATED_201).send();
            }
            default -> throw c.fail(405, Msg.of("files.dav.method-not-allowed", c.method()));
        }
    }

    private static void describeVersion(Multistatus out, String folderHref, DavXml.Propfind request,
                                        atrium.files.db.FileStore.VersionRow v) {
        Function<QName, Optional<DavProperty>> value = name -> {
            if (name.equals(LiveProperties.RESOURCETYPE)) {
                return Optional.of(DavProperty.empty(name));
            }
            String text = switch (name.getNamespaceURI() + " " + name.getLocalPart()) {
                case "DAV: getcontentlength" -> Long.toString(v.size());
                case "DAV: getlastmodified" -> Multistatus.httpDate(Instant.ofEpochMilli(v.mtime()));
                case "DAV: getetag" -> LiveProperties.quoted(v.etag());
                case "DAV: getcontenttype" -> v.contentType().orElse("application/octet-stream");
                case Multistatus.OWNCLOUD + " size" -> Long.toString(v.size());
                default -> null;
            };
            return Optional.ofNullable(text).map(t -> DavProperty.text(name, t));
        };
        describeComputed(out, folderHref + v.id(), request, value, VERSION_PROPS);
    }

    /** PROPFIND of a fixed collection: itself and (Depth 1) the given member collections. */
    private static void collectionListing(Call c, String href, List<String> members) {
        Depth depth = c.header(DEPTH).map(Depth::parse).orElse(Depth.ONE);
        DavXml.Propfind request = DavXml.propfind(body(c));
        try (Multistatus out = Multistatus.open(c.res())) {
            describeComputed(out, href, request, collectionValues(), UPLOAD_PROPS);
            if (depth != Depth.ZERO) {
                for (String m : members) {
                    describeComputed(out, m, request, collectionValues(), UPLOAD_PROPS);
                }
            }
        }
    }

    private static Function<QName, Optional<DavProperty>> collectionValues() {
        return name -> name.equals(LiveProperties.RESOURCETYPE)
                ? Optional.of(DavProperty.xml(name, Multistatus.COLLECTION)) : Optional.empty();
    }

    /** One response of computed properties: asked ones, allprop (the given list) or propname. */
    private static void describeComputed(Multistatus out, String href, DavXml.Propfind request,
                                         Function<QName, Optional<DavProperty>> value, List<QName> all) {
        List<DavProperty> found = new ArrayList<>();
        List<QName> missing = new ArrayList<>();
        switch (request) {
            case DavXml.Prop prop -> {
                for (QName name : prop.names()) {
                    value.apply(name).ifPresentOrElse(found::add, () -> missing.add(name));
                }
            }
            case DavXml.AllProp a -> {
                for (QName name : all) {
                    value.apply(name).ifPresent(found::add);
                }
            }
            case DavXml.PropName ignored -> {
                for (QName name : all) {
                    value.apply(name).ifPresent(p -> found.add(DavProperty.empty(name)));
                }
            }
        }
        out.response(href, found, missing);
    }

    // ---- OPTIONS ----------------------------------------------------------------------

    /** Answered without authentication: it reveals nothing but what the server can do. */
    private static void options(ServerResponse res) {
        res.header(DAV_HEADER, "1, 2");
        res.header(HeaderNames.ALLOW, ALLOW);
        res.header(MS_AUTHOR_VIA, "DAV");
        res.header(DASL, "<DAV:basicsearch>");
        res.header(HeaderNames.ACCEPT_RANGES, "bytes");
        res.status(Status.OK_200).send();
    }

    // ---- PROPFIND (section 9.1) ---------------------------------------------------------

    private void propfind(Call c) {
        Depth depth = c.header(DEPTH).map(Depth::parse).orElse(Depth.INFINITY);
        DavXml.Propfind request = DavXml.propfind(body(c));
        Node node = existing(c, c.path());
        Map<NodeId, DavPath> paths = new HashMap<>();
        paths.put(node.id(), c.path());
        List<Node> nodes = new ArrayList<>();
        nodes.add(node);
        if (node.folder() && depth == Depth.ONE) {
            nodes.addAll(files.children(node));
        } else if (node.folder() && depth == Depth.INFINITY) {
            try {
                nodes = files.subtree(node, Integer.MAX_VALUE, infinityLimit);
            } catch (AtriumException.TooLarge e) {
                throw c.fail(403, Msg.of("files.listing.too-large", infinityLimit), "<d:propfind-finite-depth/>");
            }
        }
        // The shares the caller received are listed at their root, each node in its own mount (docs/adr/0011).
        Map<NodeId, Call> inMount = new HashMap<>();
        boolean ownRoot = node.isRoot() && c.mount().share().isEmpty();
        if (ownRoot && depth != Depth.ZERO && !c.received().get().isEmpty()) {
            nodes = new ArrayList<>(nodes);
            for (atrium.files.share.Mount m : c.received().get()) {
                Mount mount = within(c.mount(), c.received().get(), DavPath.of(List.of(m.name())));
                List<Node> below = List.of(m.node());
                if (m.node().folder() && depth == Depth.INFINITY) {
                    try {
                        below = files.subtree(m.node(), Integer.MAX_VALUE, infinityLimit);
                    } catch (AtriumException.TooLarge e) {
                        throw c.fail(403, Msg.of("files.listing.too-large", infinityLimit), "<d:propfind-finite-depth/>");
                    }
                }
                paths.put(m.node().id(), mount.base());
                Call in = c.in(mount, mount.base());
                below.forEach(n -> inMount.put(n.id(), in));
                nodes.addAll(below);
            }
        }
        // The subtree comes parents first, so every parent's path is known before its children's.
        for (Node n : nodes) {
            if (!paths.containsKey(n.id())) {
                paths.put(n.id(), paths.get(n.parent().orElseThrow()).child(n.name()));
            }
        }
        Map<NodeId, List<DeadProperty>> dead = node.folder() && depth == Depth.ONE
                ? files.propertiesOfFolderAndChildren(node) : files.properties(nodes);
        List<Listed> listed = new ArrayList<>(nodes.size());
        for (Node n : nodes) {
            listed.add(new Listed(n, inMount.getOrDefault(n.id(), c), paths.get(n.id())));
        }
        LiveProperties live = new LiveProperties(instanceId, memo(() -> {
            Node root = node.isRoot() ? node : files.root(c.owner());
            return new LiveProperties.Quota(root.size(), files.used(c.owner()), files.quota(c.owner()));
        }));
        describe(c, request, owner -> live, listed, dead, ownRoot);
    }

    /** A node to describe: the request seen in the mount the node is in, and its path in that mount's owner's tree. */
    private record Listed(Node node, Call in, DavPath path) {
    }

    /**
     * A multistatus of the nodes listed, each as its caller sees it (href in their namespace,
     * permission letters of the mount, owner, share types, locks, dead properties): what
     * PROPFIND, SEARCH and REPORT answer. {@code live}: the live properties of what an account
     * owns (its quota); {@code ownRoot}: the caller's root is among them.
     */
    private void describe(Call c, DavXml.Propfind request, Function<AccountId, LiveProperties> live, List<Listed> listed,
                          Map<NodeId, List<DeadProperty>> dead, boolean ownRoot) {
        Supplier<Map<NodeId, Set<Integer>>> shareTypes = memo(() -> shares.shareTypes(c.caller().id(),
                listed.stream().map(l -> l.node().id()).toList()));
        Map<AccountId, LiveProperties.Owner> owners = new HashMap<>();
        Instant now = clock.instant();
        try (Multistatus out = Multistatus.open(c.res())) {
            for (Listed l : listed) {
                DavPath p = l.path();
                Call in = l.in();
                Node n = shown(in, p, l.node(), ownRoot && l.node().isRoot());
                Mount m = in.mount();
                LiveProperties.Access access = new LiveProperties.Access(
                        Permissions.letters(m.permissions(), m.share().isPresent(), n.folder(), m.isMountPoint(p)),
                        () -> shareTypes.get().getOrDefault(n.id(), Set.of()),
                        () -> owners.computeIfAbsent(m.owner(), this::owner));
                LiveProperties.Resource r = new LiveProperties.Resource(n,
                        () -> Multistatus.lockDiscovery(locks.locksCovering(key(in, p)), lockHref(in, p, n.folder()), now),
                        access);
                describe(out, in.href(p, n.folder()), request, live.apply(m.owner()), r,
                        dead.getOrDefault(n.id(), List.of()));
            }
        }
    }

    /**
     * What a SEARCH or REPORT found, described as a PROPFIND of each hit describes it (a shared
     * folder's available quota is its owner's).
     */
    private void found(Call c, DavSearch.Answer answer) {
        AccountId me = c.caller().id();
        Mount own = c.mount().own(me);
        List<Listed> listed = new ArrayList<>(answer.found().size());
        for (DavSearch.Found f : answer.found()) {
            if (f.share().isEmpty()) {
                listed.add(new Listed(f.node(), c.in(own, f.callerPath()), f.callerPath()));
            } else {
                Mount mount = Mount.of(own, f.share().get());
                DavPath ownerPath = mount.toOwner(f.callerPath());
                listed.add(new Listed(f.node(), c.in(mount, ownerPath), ownerPath));
            }
        }
        Map<AccountId, LiveProperties> live = new HashMap<>();
        Function<AccountId, LiveProperties> liveOf = owner -> live.computeIfAbsent(owner, o -> new LiveProperties(instanceId,
                memo(() -> new LiveProperties.Quota(files.root(o).size(), files.used(o), files.quota(o)))));
        describe(c, answer.select(), liveOf, listed, files.properties(answer.found().stream().map(DavSearch.Found::node).toList()),
                false);
    }

    /**
     * A node as the caller sees it: a mount point under its mount name; the caller's root,
     * when shares are mounted in it, with an etag that also changes whenever anything in any
     * of those shares changes (or one is added, renamed or left), as Nextcloud's does.
     */
    private Node shown(Call in, DavPath p, Node n, boolean ownRoot) {
        if (in.mount().isMountPoint(p)) {
            return n.named(in.mount().share().orElseThrow().name());
        }
        List<atrium.files.share.Mount> received = in.received().get();
        if (!ownRoot || received.isEmpty()) {
            return n;
        }
        StringBuilder all = new StringBuilder(n.etag());
        for (atrium.files.share.Mount m : received) {
            all.append('/').append(m.name()).append(':').append(m.node().etag()).append(':').append(m.permissions());
        }
        String etag = Long.toHexString(java.util.UUID.nameUUIDFromBytes(all.toString().getBytes(StandardCharsets.UTF_8))
                .getMostSignificantBits());
        return new Node(n.id(), n.owner(), n.parent(), n.name(), n.folder(), n.size(), n.mtime(), etag, n.blob(),
                n.contentType(), n.checksums(), n.createdAt());
    }

    /** The oc:owner-id and oc:owner-display-name of what an account owns. */
    private LiveProperties.Owner owner(AccountId id) {
        return shares.account(id).map(a -> new LiveProperties.Owner(a.login(), a.displayName()))
                .orElse(new LiveProperties.Owner("", ""));
    }

    static void describe(Multistatus out, String href, DavXml.Propfind request, LiveProperties live,
                                 LiveProperties.Resource r, List<DeadProperty> dead) {
        Map<QName, DeadProperty> deadByName = new LinkedHashMap<>();
        for (DeadProperty d : dead) {
            deadByName.put(new QName(d.namespace(), d.name()), d);
        }
        List<DavProperty> found = new ArrayList<>();
        List<QName> missing = new ArrayList<>();
        switch (request) {
            case DavXml.Prop prop -> {
                for (QName name : prop.names()) {
                    lookup(name, live, r, deadByName).ifPresentOrElse(found::add, () -> missing.add(name));
                }
            }
            case DavXml.AllProp all -> {
                Set<QName> names = new LinkedHashSet<>(LiveProperties.applicable(LiveProperties.ALLPROP, r.node()));
                names.addAll(deadByName.keySet());
                names.addAll(all.include());
                for (QName name : names) {
                    lookup(name, live, r, deadByName).ifPresentOrElse(found::add, () -> missing.add(name));
                }
            }
            case DavXml.PropName ignored -> {
                Set<QName> names = new LinkedHashSet<>(LiveProperties.applicable(LiveProperties.ALL, r.node()));
                names.addAll(deadByName.keySet());
                for (QName name : names) {
                    found.add(DavProperty.empty(name));
                }
            }
        }
        out.response(href, found, missing);
    }

    /** A dead property first (displayname and favorite may be set), then a live one. */
    private static Optional<DavProperty> lookup(QName name, LiveProperties live, LiveProperties.Resource r,
                                                Map<QName, DeadProperty> dead) {
        DeadProperty d = dead.get(name);
        if (d != null) {
            return Optional.of(DavProperty.element(name, d.value()));
        }
        return live.value(name, r);
    }

    // ---- PROPPATCH (section 9.2) --------------------------------------------------------

    private void proppatch(Call c) {
        List<DavXml.PropertyUpdate> updates = DavXml.proppatch(body(c));
        Node node = existing(c, c.path());
        preconditions(c, Optional.of(node), false);
        requireUnlocked(c, c.path());
        List<DavProperty> refused = new ArrayList<>();
        List<DavProperty> others = new ArrayList<>();
        List<FileService.PropertyChange> changes = new ArrayList<>();
        for (DavXml.PropertyUpdate u : updates) {
            QName name = u.name();
            if (LiveProperties.PROTECTED.contains(name)) {
                refused.add(DavProperty.empty(name));
            } else {
                others.add(DavProperty.empty(name));
            }
            Optional<String> value = u instanceof DavXml.SetProperty set ? Optional.of(set.element()) : Optional.empty();
            changes.add(new FileService.PropertyChange(name.getNamespaceURI(), name.getLocalPart(), value));
        }
        List<Multistatus.Propstat> propstats;
        if (refused.isEmpty()) {
            files.changeProperties(node, changes);
            propstats = List.of(new Multistatus.Propstat(200, others));
        } else {
            // All or nothing (section 9.2): the rest fail because these did.
            propstats = List.of(new Multistatus.Propstat(403, refused, "<d:cannot-modify-protected-property/>"),
                    new Multistatus.Propstat(424, others));
        }
        try (Multistatus out = Multistatus.open(c.res())) {
            out.response(c.href(c.path(), node.folder()), propstats);
        }
    }

    // ---- MKCOL (section 9.3) ------------------------------------------------------------

    private void mkcol(Call c) {
        if (c.req().content().hasEntity()) {
            throw c.fail(415, Msg.of("files.dav.mkcol-body"));
        }
        FileService.Target t = files.target(c.owner(), c.path().segments());
        if (t.node().isPresent()) {
            throw c.fail(405, Msg.of("files.exists", c.path().isRoot() ? "/" : c.path().name()));
        }
        if (t.parent().isEmpty()) {
            throw c.fail(409, Msg.of("files.parent.missing-for-folder", c.path().name()));
        }
        requireStorableName(c, c.path());
        requireUnlocked(c, c.path().parent().orElseThrow());
        requireUnlocked(c, c.path());
        Node folder = files.mkdir(c.owner(), c.path().segments());
        identify(c, folder);
        c.res().status(Status.CREATED_201).send();
    }

    // ---- GET and HEAD (RFC 9110 sections 9.3.1, 9.3.2, 13 and 14) ---------------------------

    private void get(Call c, boolean head) {
        Node node = existing(c, c.path());
        boolean notModified = preconditions(c, Optional.of(node), true);
        ServerResponse res = c.res();
        identify(c, node);
        res.header(HeaderNames.LAST_MODIFIED, Multistatus.httpDate(Instant.ofEpochMilli(node.mtime())));
        if (notModified) {
            res.status(Status.NOT_MODIFIED_304).send();
            return;
        }
        if (node.folder()) {
            // A folder has no content of its own; its listing is a PROPFIND.
            res.header(HeaderNames.CONTENT_LENGTH, "0");
            res.status(Status.OK_200).send();
            return;
        }
        FileResponse.send(c.req(), res, files, node, head);
    }

    // ---- PUT (section 9.7) ----------------------------------------------------------------

    private void put(Call c) {
        if (c.header(HeaderNames.CONTENT_RANGE).isPresent()) {
            throw c.fail(400, Msg.of("files.dav.content-range"));
        }
        FileService.Target t = files.target(c.owner(), c.path().segments());
        if (c.path().isRoot() || t.node().map(Node::folder).orElse(false)) {
            throw c.fail(405, Msg.of("files.is-folder", c.path().isRoot() ? "/" : c.path().name()));
        }
        if (t.parent().isEmpty()) {
            throw c.fail(409, Msg.of("files.parent.missing", c.path().name()));
        }
        c.need(t.node().isPresent() ? Permissions.UPDATE : Permissions.CREATE);
        requireStorableName(c, c.path());
        requireUnlocked(c, c.path());
        if (t.node().isEmpty()) {
            requireUnlocked(c, c.path().parent().orElseThrow());
        }
        Optional<Long> mtime = c.header(X_OC_MTIME).map(v -> mtimeMillis(c, v));
        FileService.Upload upload = new FileService.Upload(mtime,
                Checksums.Expected.parse(c.header(OC_CHECKSUM)), n -> preconditions(c, n, false)).from(c.caller());
        long declared = c.req().headers().contentLength().orElse(-1L);
        FileService.Written written = files.write(c.owner(), t, body(c), declared, upload);
        identify(c, written.node());
        if (mtime.isPresent()) {
            c.res().header(X_OC_MTIME, "accepted");
        }
        c.res().status(written.created() ? Status.CREATED_201 : Status.NO_CONTENT_204).send();
    }

    /** X-OC-MTime: Unix seconds, possibly with a fraction; 0 or less is refused as the desktop client would. */
    private static long mtimeMillis(Call c, String value) {
        try {
            double seconds = Double.parseDouble(value.strip());
            if (!(seconds > 0) || seconds > 1e12) {
                throw c.fail(400, Msg.of("files.dav.mtime-invalid"));
            }
            return (long) (seconds * 1000);
        } catch (NumberFormatException e) {
            throw c.fail(400, Msg.of("files.dav.mtime-invalid"));
        }
    }

    // ---- DELETE (section 9.6) -------------------------------------------------------------

    private void delete(Call c) {
        Optional<Depth> depth = c.header(DEPTH).map(Depth::parse);
        if (depth.isPresent() && depth.get() != Depth.INFINITY) {
            throw c.fail(400, Msg.of("files.dav.delete-depth"));
        }
        Node node = existing(c, c.path());
        if (node.isRoot()) {
            throw c.fail(403, Msg.of("files.root.no-delete"));
        }
        preconditions(c, Optional.of(node), false);
        requireUnlockedTree(c, c.path());
        requireUnlocked(c, c.path().parent().orElseThrow());
        files.delete(node);
        locks.deleted(key(c, c.path()));
        c.res().status(Status.NO_CONTENT_204).send();
    }

    // ---- COPY and MOVE (sections 9.8 and 9.9) -----------------------------------------------

    private void copyOrMove(Call c, boolean move) {
        Call to = destination(c);
        DavPath destination = to.path();
        // Across a share's boundary (docs/adr/0017): out of a share, into one, or between two.
        boolean across = !to.mount().at().equals(c.mount().at());
        boolean sameTree = to.owner().equals(c.owner());
        boolean overwrite = c.header(OVERWRITE).map(v -> switch (v.strip()) {
            case "T", "t" -> true;
            case "F", "f" -> false;
            default -> throw c.fail(400, Msg.of("files.dav.overwrite-invalid"));
        }).orElse(true);
        Depth depth = c.header(DEPTH).map(Depth::parse).orElse(Depth.INFINITY);
        if (move && depth != Depth.INFINITY) {
            throw c.fail(400, Msg.of("files.dav.move-depth"));
        }
        if (!move && depth == Depth.ONE) {
            throw c.fail(400, Msg.of("files.dav.copy-depth"));
        }
        Node source = existing(c, c.path());
        if (source.isRoot()) {
            throw c.fail(403, Msg.of("files.root.no-move"));
        }
        if (destination.isRoot()) {
            throw c.fail(403, Msg.of("files.root.no-replace"));
        }
        if (across && to.mount().isMountPoint(destination)) {
            // The shared node itself: replacing it would take it away from everyone it is shared with.
            throw c.fail(403, Msg.of("files.share.mount-replace", to.mount().share().orElseThrow().name()));
        }
        if (sameTree) {
            if (destination.equals(c.path())) {
                throw c.fail(403, Msg.of("files.same-source-destination"));
            }
            if (destination.startsWith(c.path())) {
                throw c.fail(403, Msg.of("files.into-itself"));
            }
            if (c.path().startsWith(destination)) {
                throw c.fail(403, Msg.of("files.dav.over-ancestor"));
            }
        }
        requireStorableName(c, destination);
        preconditions(c, Optional.of(source), false);
        FileService.Target t = files.target(to.owner(), destination.segments());
        if (t.parent().isEmpty()) {
            throw c.fail(409, Msg.of("files.destination.missing"));
        }
        boolean existed = t.node().isPresent();
        if (existed && !overwrite) {
            throw c.fail(412, Msg.of("files.destination.exists", destination.name()));
        }
        if (across) {
            // Out of a share, a move takes the item away (D); into one, it makes or replaces something (CK, or NV).
            if (move) {
                c.need(Permissions.DELETE);
            }
            to.need(existed ? Permissions.UPDATE : Permissions.CREATE);
        } else if (move) {
            // Inside a share: a move needs the right to change (N, V), and to create when it changes folder.
            c.need(Permissions.UPDATE);
            if (!destination.parent().equals(c.path().parent())) {
                c.need(Permissions.CREATE);
            }
        } else {
            c.need(existed ? Permissions.UPDATE : Permissions.CREATE);
        }
        if (move) {
            requireUnlockedTree(c, c.path());
            requireUnlocked(c, c.path().parent().orElseThrow());
        }
        if (existed) {
            requireUnlockedTree(to, destination);
        } else {
            requireUnlocked(to, destination);
            requireUnlocked(to, destination.parent().orElseThrow());
        }
        int levels = depth == Depth.ZERO ? 0 : Integer.MAX_VALUE;
        Node result;
        if (!sameTree) {
            result = files.transfer(source, to.owner(), destination.segments(), overwrite, move, levels);
        } else if (move) {
            result = files.move(source, destination.segments(), overwrite);
        } else {
            result = files.copy(source, destination.segments(), overwrite, levels);
        }
        if (move && sameTree) {
            locks.moved(key(c, c.path()), key(to, destination));
        } else if (move) {
            locks.deleted(key(c, c.path()));
        }
        identify(c, result);
        c.res().status(existed ? Status.NO_CONTENT_204 : Status.CREATED_201).send();
    }

    /**
     * The Destination header (section 10.3) as a path in the caller's namespace: an absolute
     * URI or an absolute path, under the same prefix as the request, else 502 (section
     * 9.8.5). The host of an absolute URI is not compared: behind a reverse proxy it need
     * not be ours.
     */
    private static DavPath destinationInNamespace(Call c) {
        String value = c.header(DESTINATION).orElseThrow(() -> c.fail(400, Msg.of("files.dav.destination-missing")));
        DavPath full = DavPath.parse(DavPath.rawPathOf(value));
        return full.relativeTo(c.mount().prefix())
                .orElseThrow(() -> c.fail(502, Msg.of("files.dav.destination-elsewhere")));
    }

    /** The Destination, seen in the mount it is in: the caller's own files or one of their shares. */
    private static Call destination(Call c) {
        DavPath named = destinationInNamespace(c);
        Mount into = within(c.mount().own(c.caller().id()), c.received().get(), named);
        return c.in(into, into.toOwner(named));
    }

    /**
     * MOVE of a mount point: the recipient renames the share in their own view (only at
     * their root: a share stays at the top of their files).
     */
    private void renameMount(Call c) {
        DavPath named = destinationInNamespace(c);
        atrium.files.share.Mount m = c.mount().share().orElseThrow();
        if (named.segments().size() != 1) {
            throw c.fail(403, Msg.of("files.share.mount-at-root"));
        }
        if (named.name().equals(m.name())) {
            throw c.fail(403, Msg.of("files.same-source-destination"));
        }
        requireStorableName(c, named);
        shares.renameMount(c.caller().id(), m, named.name());
        identify(c, m.node());
        c.res().status(Status.CREATED_201).send();
    }

    // ---- LOCK and UNLOCK (sections 9.10 and 9.11) -------------------------------------------

    private void lock(Call c) {
        Optional<LockInfo> info = DavXml.lockinfo(body(c));
        Duration timeout = locks.timeout(c.header(TIMEOUT).orElse(""));
        Instant now = clock.instant();
        if (info.isEmpty()) {
            // A refresh (section 9.10.2): no body, the lock token in the If header.
            if (c.ifHeader().isEmpty()) {
                throw c.fail(400, Msg.of("files.dav.refresh-needs-if"));
            }
            List<DavLock> refreshed = locks.refresh(key(c, c.path()), c.tokens(), timeout, c.principal());
            if (refreshed.isEmpty()) {
                throw c.fail(412, Msg.of("files.dav.refresh-no-lock", c.path().toString()),
                        "<d:lock-token-matches-request-uri/>");
            }
            boolean folder = files.resolve(c.owner(), c.path().segments()).map(Node::folder).orElse(false);
            sendLock(c, Status.OK_200, refreshed, folder, now);
            return;
        }
        Depth depth = c.header(DEPTH).map(Depth::parse).orElse(Depth.INFINITY);
        FileService.Target t = files.target(c.owner(), c.path().segments());
        c.need(t.node().isPresent() ? Permissions.UPDATE : Permissions.CREATE);
        if (t.node().isEmpty()) {
            if (t.parent().isEmpty()) {
                throw c.fail(409, Msg.of("files.parent.missing", c.path().name()));
            }
            requireStorableName(c, c.path());
            requireUnlocked(c, c.path().parent().orElseThrow());
        }
        LockManager.LockResult result = locks.lock(key(c, c.path()), info.get(), depth, timeout, c.principal());
        if (result instanceof LockManager.Conflict conflict) {
            StringBuilder hrefs = new StringBuilder("<d:no-conflicting-lock>");
            for (DavLock other : conflict.conflicting()) {
                hrefs.append("<d:href>").append(XmlText.text(lockRootHref(c, other.path()))).append("</d:href>");
            }
            throw c.fail(423, Msg.of("files.dav.lock-conflict", c.path().toString()), hrefs.append("</d:no-conflicting-lock>").toString());
        }
        DavLock granted = ((LockManager.Granted) result).lock();
        Status status = Status.OK_200;
        boolean folder = t.node().map(Node::folder).orElse(false);
        if (t.node().isEmpty()) {
            // Section 7.3: locking an unmapped URL creates an empty resource.
            try {
                Node created = files.write(c.owner(), c.path().segments(), InputStream.nullInputStream(), 0,
                        FileService.Upload.plain()).node();
                identify(c, created);
            } catch (RuntimeException e) {
                locks.unlock(granted.path(), granted.token());
                throw e;
            }
            status = Status.CREATED_201;
        }
        c.res().header(LOCK_TOKEN, "<" + granted.token() + ">");
        sendLock(c, status, List.of(granted), folder, now);
    }

    private void sendLock(Call c, Status status, List<DavLock> held, boolean folder, Instant now) {
        c.res().status(status);
        c.res().header(HeaderNames.CONTENT_TYPE, Multistatus.CONTENT_TYPE);
        c.res().send(Multistatus.lockResponse(held, lockHref(c, c.path(), folder), now).getBytes(StandardCharsets.UTF_8));
    }

    private void unlock(Call c) {
        String header = c.header(LOCK_TOKEN).orElseThrow(() -> c.fail(400, Msg.of("files.dav.lock-token-needed")));
        String token = IfHeader.parseLockToken(header);
        String key = key(c, c.path());
        Optional<DavLock> lock = locks.find(token).filter(l -> l.covers(LockManager.normalise(key)));
        if (lock.isEmpty()) {
            throw c.fail(409, Msg.of("files.dav.lock-token-mismatch", c.path().toString()),
                    "<d:lock-token-matches-request-uri/>");
        }
        if (!lock.get().principal().equals(c.principal())) {
            throw c.fail(403, Msg.of("files.dav.lock-not-yours"));
        }
        locks.unlock(key, token);
        c.res().status(Status.NO_CONTENT_204).send();
    }

    // ---- Locks ----------------------------------------------------------------------------

    /** The lock table key of a path in the caller's tree. */
    private static String key(Call c, DavPath p) {
        return "/" + c.owner().value() + (p.isRoot() ? "" : p.toString());
    }

    /** The path in the caller's tree of a lock table key. */
    private static DavPath pathOfKey(Call c, String key) {
        String rest = key.substring(("/" + c.owner().value()).length());
        return rest.isEmpty() || rest.equals("/") ? DavPath.ROOT : DavPath.of(List.of(rest.substring(1).split("/")));
    }

    /**
     * Hrefs of lock roots for lockdiscovery: the resource itself when the lock is its own, else
     * an ancestor with a depth-infinity lock, which is a folder.
     */
    private static Function<String, String> lockHref(Call c, DavPath p, boolean folder) {
        String own = LockManager.normalise(key(c, p));
        return lockPath -> lockPath.equals(own) ? c.href(p, folder) : c.href(pathOfKey(c, lockPath), true);
    }

    private String lockRootHref(Call c, String lockPath) {
        DavPath p = pathOfKey(c, lockPath);
        boolean folder = files.resolve(c.owner(), p.segments()).map(Node::folder).orElse(false);
        return c.href(p, folder);
    }

    /** 423 unless every lock on the path is satisfied by the tokens submitted (section 7.4). */
    private void requireUnlocked(Call c, DavPath p) {
        List<DavLock> unmet = locks.unsatisfied(key(c, p), c.tokens(), c.principal());
        if (!unmet.isEmpty()) {
            throw locked(c, p, unmet);
        }
    }

    /** As {@link #requireUnlocked}, for the path and every lock below it (DELETE, MOVE, overwrite). */
    private void requireUnlockedTree(Call c, DavPath p) {
        List<DavLock> unmet = locks.unsatisfiedInTree(key(c, p), c.tokens(), c.principal());
        if (!unmet.isEmpty()) {
            throw locked(c, p, unmet);
        }
    }

    private DavException locked(Call c, DavPath p, List<DavLock> unmet) {
        StringBuilder condition = new StringBuilder("<d:lock-token-submitted>");
        Set<String> roots = new LinkedHashSet<>();
        for (DavLock lock : unmet) {
            roots.add(lock.path());
        }
        for (String root : roots) {
            condition.append("<d:href>").append(XmlText.text(lockRootHref(c, root))).append("</d:href>");
        }
        condition.append("</d:lock-token-submitted>");
        return c.fail(423, Msg.of("files.dav.locked", p.isRoot() ? "/" : p.name()), condition.toString());
    }

    /** What the If header needs to know about the resources it names (section 10.4). */
    private IfHeader.Resources resources(Call c) {
        return new IfHeader.Resources() {
            @Override
            public Optional<String> etag(String url) {
                return inTree(c, url).flatMap(p -> files.resolve(c.owner(), p.segments()))
                        .map(n -> LiveProperties.quoted(n.etag()));
            }

            @Override
            public Collection<String> lockTokens(String url) {
                return inTree(c, url).map(p -> locks.locksCovering(key(c, p)).stream().map(DavLock::token).toList())
                        .orElse(List.of());
            }
        };
    }

    /** A URL of the If header as a path in the caller's tree; empty when it points elsewhere. */
    private static Optional<DavPath> inTree(Call c, String url) {
        try {
            Optional<DavPath> named = DavPath.parse(DavPath.rawPathOf(url)).relativeTo(c.mount().prefix());
            if (named.isEmpty()) {
                return Optional.empty();
            }
            Mount into = within(c.mount().own(c.caller().id()), c.received().get(), named.get());
            return into.at().equals(c.mount().at()) ? Optional.of(into.toOwner(named.get())) : Optional.empty();
        } catch (DavException e) {
            return Optional.empty();
        }
    }

    // ---- Helpers ----------------------------------------------------------------------------

    /**
     * 400 when the name a write creates or replaces is one a Windows computer cannot store
     * and this instance refuses those ({@code files.windows-compatible-names}, docs/adr/0010).
     * Only that name: existing files keep theirs and can be renamed to a valid one.
     */
    private void requireStorableName(Call c, DavPath p) {
        if (windowsNames && !p.isRoot()) {
            Optional<Msg> problem = DavPath.windowsProblem(p.name());
            if (problem.isPresent()) {
                throw c.fail(400, problem.get());
            }
        }
    }

    private Node existing(Call c, DavPath p) {
        return files.resolve(c.owner(), p.segments())
                .orElseThrow(() -> c.fail(404, Msg.of("files.dav.not-found", p.toString())));
    }

    /** The headers the Nextcloud clients read after a change or a download: ETag, OC-ETag and OC-FileId. */
    private void identify(Call c, Node node) {
        String etag = LiveProperties.quoted(node.etag());
        c.res().header(HeaderNames.ETAG, etag);
        c.res().header(OC_ETAG, etag);
        c.res().header(OC_FILEID, LiveProperties.ocId(node.id(), instanceId));
    }

    private static InputStream body(Call c) {
        return c.req().content().hasEntity() ? clientStream(c.req().content().inputStream()) : InputStream.nullInputStream();
    }

    /**
     * The conditional headers of RFC 9110 section 13.2.2, in its order: If-Match, else
     * If-Unmodified-Since; then If-None-Match, else (for reads) If-Modified-Since.
     *
     * @return true when a GET or HEAD should answer 304 Not Modified
     * @throws DavException 412 when a condition fails
     */
    private static boolean preconditions(Call c, Optional<Node> node, boolean read) {
        Optional<String> etag = node.map(n -> LiveProperties.quoted(n.etag()));
        long modified = node.map(n -> n.mtime() / 1000).orElse(0L);
        Optional<String> ifMatch = c.header(HeaderNames.IF_MATCH);
        if (ifMatch.isPresent()) {
            if (!matches(ifMatch.get(), etag, true)) {
                throw c.fail(412, Msg.of("files.dav.changed"));
            }
        } else if (node.isPresent()) {
            Optional<Long> since = c.header(HeaderNames.IF_UNMODIFIED_SINCE).flatMap(DavRoutes::httpDate);
            if (since.isPresent() && modified > since.get()) {
                throw c.fail(412, Msg.of("files.dav.changed"));
            }
        }
        Optional<String> ifNoneMatch = c.header(HeaderNames.IF_NONE_MATCH);
        if (ifNoneMatch.isPresent()) {
            if (matches(ifNoneMatch.get(), etag, false)) {
                if (read) {
                    return true;
                }
                throw c.fail(412, Msg.of("files.dav.exists-already"));
            }
        } else if (read && node.isPresent()) {
            Optional<Long> since = c.header(HeaderNames.IF_MODIFIED_SINCE).flatMap(DavRoutes::httpDate);
            return since.isPresent() && modified <= since.get();
        }
        return false;
    }

    /** An If-Match or If-None-Match list against the current etag, by strong or weak comparison. */
    private static boolean matches(String list, Optional<String> etag, boolean strong) {
        if (list.strip().equals("*")) {
            return etag.isPresent();
        }
        if (etag.isEmpty()) {
            return false;
        }
        for (String tag : list.split(",")) {
            String t = tag.strip();
            if (strong && (t.startsWith("W/") || t.startsWith("w/"))) {
                continue;
            }
            if (!t.isEmpty() && IfHeader.opaque(t).equals(IfHeader.opaque(etag.get()))) {
                return true;
            }
        }
        return false;
    }

    /** An HTTP date in seconds since the epoch; empty when unreadable (the header is then ignored). */
    static Optional<Long> httpDate(String value) {
        try {
            return Optional.of(ZonedDateTime.parse(value.strip(), HTTP_DATE).toEpochSecond());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    static <T> Supplier<T> memo(Supplier<T> supplier) {
        return new Supplier<>() {
            private T value;

            @Override
            public T get() {
                if (value == null) {
                    value = supplier.get();
                }
                return value;
            }
        };
    }
}
