package atrium.files.http;

import atrium.core.AtriumException;
import atrium.core.Language;
import atrium.core.Msg;
import atrium.core.http.HttpPlumbing;
import atrium.core.http.Json;
import atrium.files.Checksums;
import atrium.files.FileService;
import atrium.files.Node;
import atrium.files.share.Location;
import atrium.files.share.Permissions;
import atrium.files.share.ShareService;
import atrium.identity.AccountId;
import atrium.identity.Caller;
import atrium.identity.http.Authentication;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Nextcloud's bulk upload, {@code POST /remote.php/dav/bulk} (Nextcloud's BulkUploadPlugin
 * and MultipartRequestParser; the desktop client's BulkPropagatorJob sends up to 100 new or
 * changed files under 1 MB in one request). The body is {@code multipart/related}; each part
 * has {@code X-File-Path} (below the caller's files root), {@code X-File-MD5} (or
 * {@code OC-Checksum}), {@code X-File-Mtime} (or {@code X-OC-Mtime}), optionally
 * {@code If-Match}, and {@code Content-Length}.
 *
 * <p>Each file is written on its own, like a PUT: streamed into a blob, checked, committed
 * atomically with its etag propagated and the previous content kept as a version. The
 * answer is a JSON object keyed by each part's X-File-Path: {@code {"error":false,"etag",
 * "fileid","permissions"}} or {@code {"error":true,"message"}}. A part that fails (checksum,
 * quota, missing folder, lock, If-Match) fails alone; the parts after it are still stored.
 * Only a body that breaks its own framing stops the request (400, or 413 past
 * {@code files.bulk-max-bytes}), answered with what was stored until then, as Nextcloud does.
 */
public final class BulkUpload implements HttpService {
    static final String PATH = DavRoutes.DAV_ROOT + "/bulk";
    private static final Logger LOG = Logger.getLogger(BulkUpload.class.getName());
    /** What Nextcloud answers for a file in the user's own tree. */
    private static final String FILE_PERMISSIONS = "RGDNVW";

    /**
     * To which clients the OCS capabilities offer bulk upload ({@code files.bulk-upload}).
     * Desktop clients before 3.9.1 (Debian 12 ships 3.7.3) cannot send an empty file in a
     * bulk request: they send the headers, then give up on the body, and fail every file
     * of the batch on every sync, for good (nextcloud/desktop#4157, fixed by #5871). AUTO
     * therefore offers it to every client but those; ON to all; OFF to none.
     */
    public enum Offer {
        AUTO, ON, OFF;

        private static final Pattern DESKTOP = Pattern.compile("mirall/(\\d+)\\.(\\d+)\\.(\\d+)");

        public boolean offeredTo(Optional<String> userAgent) {
            return switch (this) {
                case ON -> true;
                case OFF -> false;
                case AUTO -> userAgent.map(DESKTOP::matcher).filter(Matcher::find)
                        .map(m -> Integer.parseInt(m.group(1)) * 1_000_000 + Integer.parseInt(m.group(2)) * 1000
                                + Integer.parseInt(m.group(3)) >= 3_009_001)
                        .orElse(true);
            };
        }
    }

    private final Authentication auth;
    private final FileService files;
    private final LockManager locks;
    private final ShareService shares;
    private final String instanceId;
    private final boolean windowsNames;
    private final long maxBytes;

    /**
     * @param instanceId the suffix of every Nextcloud file id ({@link LiveProperties#ocId})
     * @param maxBytes   the longest body accepted (413 beyond)
     */
    public BulkUpload(Authentication auth, FileService files, ShareService shares, LockManager locks, String instanceId,
                      long maxBytes, boolean windowsNames) {
        this.auth = auth;
        this.shares = shares;
        this.windowsNames = windowsNames;
        this.files = files;
        this.locks = locks;
        this.instanceId = instanceId;
        this.maxBytes = maxBytes;
    }

    /** Mounted at the server root, before {@link DavRoutes} (which answers every other method here). */
    @Override
    public void routing(HttpRules rules) {
        rules.post(PATH, this::handle);
    }

    private void handle(ServerRequest req, ServerResponse res) {
        Language lang = HttpPlumbing.language(req);
        Caller caller;
        MultipartReader reader;
        try {
            caller = auth.require(req);
            String boundary = req.headers().first(HeaderNames.CONTENT_TYPE).flatMap(MultipartReader::boundary)
                    .orElseThrow(() -> new AtriumException.Invalid(Msg.of("files.bulk.content-type")));
            if (req.headers().contentLength().orElse(-1L) > maxBytes) {
                throw new AtriumException.TooLarge(Msg.of("files.bulk.too-large", maxBytes));
            }
            InputStream body = req.content().hasEntity() ? req.content().inputStream() : InputStream.nullInputStream();
            reader = new MultipartReader(body, boundary, maxBytes);
        } catch (AtriumException e) {
            DavRoutes.error(req, res, "POST", e.status(), e.msg().text(lang), "");
            return;
        }
        HttpPlumbing.answerLanguage(req, res);
        Map<String, Object> answer = new LinkedHashMap<>();
        try {
            for (Optional<MultipartReader.Part> part = reader.next(); part.isPresent(); part = reader.next()) {
                answer.put(reader.currentPath(), store(req, caller, lang, reader, part.get()));
            }
            Json.send(res, 200, answer);
        } catch (MultipartReader.Framing e) {
            answer.put(e.path, failure(e.msg.text(lang)));
            Json.send(res, e.status, answer);
        } catch (MultipartReader.BrokenOff | BodyBroken e) {
            LOG.log(Level.FINE, "request " + HttpPlumbing.info(req).id() + " broke off", e);
            answer.put(reader.currentPath(), failure(Msg.of("files.dav.broken-off").text(lang)));
            if (!res.isSent()) {
                Json.send(res, 400, answer);
            }
        }
    }

    /** Thrown when the request itself failed while a file was being written. */
    private static final class BodyBroken extends RuntimeException {
        BodyBroken(Throwable cause) {
            super(cause.toString(), cause, false, false);
        }
    }

    /** Writes one part's file; its answer, success or failure. Framing and a broken body stop everything. */
    private Map<String, Object> store(ServerRequest req, Caller caller, Language lang, MultipartReader reader,
                                      MultipartReader.Part part) {
        try {
            List<String> named = path(part.header("x-file-path")
                    .orElseThrow(() -> new AtriumException.Invalid(Msg.of("files.bulk.path-missing"))));
            // The path may lead into a share the caller received: its owner's tree, and what the share allows.
            Location where = shares.locate(caller.id(), named);
            List<String> path = where.path();
            if (windowsNames) {
                // As on a PUT (files.windows-compatible-names, docs/adr/0010): only the name written.
                DavPath.windowsProblem(path.getLast()).ifPresent(problem -> {
                    throw new AtriumException.Invalid(problem);
                });
            }
            Optional<Long> mtime = mtime(part);
            // Nextcloud's desktop client sends the MD5 as bare hex; other clients may send OC-Checksum as on a PUT.
            Optional<Checksums.Expected> checksum = part.header("x-file-md5")
                    .map(md5 -> new Checksums.Expected("MD5", md5.toLowerCase(Locale.ROOT)))
                    .or(() -> Checksums.Expected.parse(part.header("oc-checksum")));
            requireUnlocked(where.owner(), caller, path, path);
            FileService.Upload upload = new FileService.Upload(mtime, checksum, existing -> {
                where.require(existing.isPresent() ? Permissions.UPDATE : Permissions.CREATE);
                ifMatch(part, existing);
                if (existing.isEmpty()) {
                    // A new member changes its folder: a lock on the folder alone forbids it too.
                    requireUnlocked(where.owner(), caller, path.subList(0, path.size() - 1), path);
                }
            }).from(caller);
            Node node = files.write(where.owner(), path, reader.content(), part.length(), upload).node();
            return success(node, mtime.isPresent());
        } catch (MultipartReader.Framing e) {
            throw e;
        } catch (AtriumException e) {
            return failure(e.msg().text(lang));
        } catch (DavException e) {
            // A name DavPath refuses (empty, "..", control characters, too long).
            return failure(e.msg().text(lang));
        } catch (UncheckedIOException e) {
            if (reader.broken()) {
                throw new BodyBroken(e);
            }
            return internal(req, lang, e);
        } catch (RuntimeException e) {
            return internal(req, lang, e);
        }
    }

    private static Map<String, Object> internal(ServerRequest req, Language lang, RuntimeException e) {
        String id = HttpPlumbing.info(req).id();
        LOG.log(Level.SEVERE, "request " + id + ": a file of a bulk upload failed", e);
        return failure(Msg.of("core.internal", id).text(lang));
    }

    /** X-File-Path as path segments: relative to the files root, with or without a leading slash. */
    private static List<String> path(String header) {
        List<String> names = new ArrayList<>();
        for (String s : header.split("/")) {
            if (!s.isEmpty()) {
                names.add(s);
            }
        }
        if (names.isEmpty()) {
            throw new AtriumException.Conflict(Msg.of("files.root.not-a-file"));
        }
        return DavPath.of(names).segments();
    }

    /**
     * X-File-Mtime (what the desktop client sends) or X-OC-Mtime: Unix seconds, a fraction
     * allowed. Like Nextcloud's MtimeSanitizer, a time in the first day of 1970 is refused.
     */
    private static Optional<Long> mtime(MultipartReader.Part part) {
        Optional<String> value = part.header("x-file-mtime").or(() -> part.header("x-oc-mtime"));
        if (value.isEmpty()) {
            return Optional.empty();
        }
        if (!value.get().matches("\\d{1,12}(\\.\\d{1,9})?")) {
            throw new AtriumException.Invalid(Msg.of("files.bulk.mtime-invalid"));
        }
        double seconds = Double.parseDouble(value.get());
        if (seconds <= 86_400) {
            throw new AtriumException.Invalid(Msg.of("files.bulk.mtime-invalid"));
        }
        return Optional.of((long) (seconds * 1000));
    }

    /**
     * The desktop client sends If-Match with the etag it last saw when it uploads a changed
     * file. Nextcloud ignores it; we check it as a PUT would, so that a change made on the
     * server meanwhile is not overwritten unseen.
     */
    private static void ifMatch(MultipartReader.Part part, Optional<Node> existing) {
        Optional<String> condition = part.header("if-match");
        if (condition.isEmpty()) {
            return;
        }
        boolean met = condition.get().strip().equals("*") ? existing.isPresent()
                : existing.map(n -> List.of(condition.get().split(",")).stream()
                        .anyMatch(t -> IfHeader.opaque(t).equals(n.etag()))).orElse(false);
        if (!met) {
            throw new AtriumException.Conflict(Msg.of("files.dav.changed"));
        }
    }

    /** WebDAV locks (keyed as {@link DavRoutes} keys them): a bulk upload carries no lock token. */
    private void requireUnlocked(AccountId treeOwner, Caller caller, List<String> locked, List<String> file) {
        String key = "/" + treeOwner.value() + (locked.isEmpty() ? "" : "/" + String.join("/", locked));
        if (!locks.canWrite(key, Set.of(), caller.login())) {
            throw new AtriumException.Conflict(Msg.of("files.dav.locked", file.getLast()));
        }
    }

    private Map<String, Object> success(Node node, boolean mtimeKept) {
        String fileId = LiveProperties.ocId(node.id(), instanceId);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", false);
        m.put("etag", node.etag());
        m.put("fileid", fileId);
        m.put("permissions", FILE_PERMISSIONS);
        // What the desktop client reads besides (Nextcloud sends neither): the file id
        // under the name of the PUT header, and whether the modification time was kept.
        m.put("OC-FileID", fileId);
        if (mtimeKept) {
            m.put("X-OC-MTime", "accepted");
        }
        return m;
    }

    private static Map<String, Object> failure(String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", true);
        m.put("message", message);
        return m;
    }
}
