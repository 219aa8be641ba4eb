package atrium.files.http;

import atrium.core.AtriumException;
import atrium.core.Msg;
import atrium.core.http.HttpPlumbing;
import atrium.core.http.Json;
import atrium.files.FileService;
import atrium.files.Node;
import atrium.files.Previews;
import atrium.files.ZipWriter;
import atrium.files.share.Branding;
import atrium.files.share.Permissions;
import atrium.files.share.PublicLinks;
import atrium.files.share.PublicLinks.Link;
import atrium.files.share.ShareId;
import atrium.identity.Caller;
import atrium.identity.http.Authentication;
import atrium.identity.http.LoginFlowRoutes;
import io.helidon.http.HeaderNames;
import io.helidon.http.SetCookie;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the public page {@code /s/{token}} uses (docs/api/sharing.md, "Public links"): the
 * link described ({@code GET /api/v1/public/{token}}), its password exchanged for an
 * unlock cookie ({@code POST …/auth}), downloads with Range and folders as a streamed zip
 * ({@code /s/{token}/download}), previews ({@code /s/{token}/preview}); and for the owner,
 * the link's activity ({@code GET /api/v1/files/shares/{id}/activity}).
 */
public final class PublicLinkRoutes {
    private final Authentication auth;
    private final PublicLinks links;
    private final FileService files;
    private final PreviewRoutes previews;
    private final ZipWriter zip;
    private final Branding branding;

    public PublicLinkRoutes(Authentication auth, PublicLinks links, FileService files, PreviewRoutes previews,
                            Branding branding) {
        this.auth = auth;
        this.links = links;
        this.files = files;
        this.previews = previews;
        this.zip = new ZipWriter(ZipWriter.of(files));
        this.branding = branding;
    }

    /** Mounted at /api/v1. */
    public HttpService api() {
        return rules -> rules
                .get("/public/{token}", this::describe)
                .post("/public/{token}/auth", this::unlock)
                .get("/files/shares/{id}/activity", this::activity);
    }

    /** Mounted at the server root: the page (with the link's state as its status), downloads and previews. */
    public HttpService pages(LoginFlowRoutes.ConsolePage page) {
        return rules -> rules
                .get("/s/{token}", (req, res) -> page.send(req, res, pageStatus(req)))
                .get("/s/{token}/download", this::download)
                .get("/s/{token}/preview", this::preview);
    }

    private static String address(ServerRequest req) {
        return HttpPlumbing.info(req).clientAddress();
    }

    /** The link, opened for this request: its password from the unlock cookie (or HTTP Basic, for scripts). */
    private Link open(ServerRequest req) {
        String token = req.path().pathParameters().get("token");
        Link link = links.open(token, address(req));
        links.authorize(link, PublicDav.basicPassword(req), Authentication.cookie(req, PublicLinks.cookieName(token)),
                address(req));
        return link;
    }

    private int pageStatus(ServerRequest req) {
        try {
            links.open(req.path().pathParameters().get("token"), address(req));
            return 200;
        } catch (AtriumException e) {
            // The page shows the reason itself, from the JSON API; the status tells scripts and crawlers.
            return e.status();
        }
    }

    /** A path below the link's node, from ?path=; "..", "." and NUL are refused, never interpreted. */
    private Node below(Link link, Optional<String> path) {
        List<String> rest = RequestPaths.segments(path.orElse(""));
        if (!rest.isEmpty() && (!link.node().folder() || !link.may(Permissions.READ))) {
            throw new AtriumException.NotFound(Msg.of("files.path.not-found", path.orElse("")));
        }
        List<String> p = new ArrayList<>(link.ownerPath());
        p.addAll(rest);
        return files.resolve(link.share().owner(), p)
                .orElseThrow(() -> new AtriumException.NotFound(Msg.of("files.path.not-found", path.orElse(""))));
    }

    private void describe(ServerRequest req, ServerResponse res) {
        String token = req.path().pathParameters().get("token");
        Link link;
        try {
            link = open(req);
        } catch (AtriumException.Unauthorized e) {
            // What the page needs to ask for the password, and nothing about what is shared.
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("code", e.code());
            body.put("message", e.msg().text(HttpPlumbing.answerLanguage(req, res)));
            body.put("passwordRequired", true);
            body.put("instanceName", branding.name());
            body.put("logoUrl", branding.logoUrl().orElse(null));
            Json.send(res, 401, body);
            return;
        }
        Optional<String> path = req.query().first("path").asOptional();
        Node node = below(link, path);
        if (path.isEmpty()) {
            links.record(link, "view", address(req), "");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token", token);
        body.put("instanceName", branding.name());
        body.put("logoUrl", branding.logoUrl().orElse(null));
        body.put("name", node.isRoot() && path.isEmpty() ? link.node().name() : node.name());
        body.put("type", node.folder() ? "folder" : "file");
        body.put("size", link.fileDrop() ? null : node.size());
        body.put("mtime", link.fileDrop() ? null : node.mtime());
        body.put("mimetype", node.contentType().orElse(node.folder() ? "httpd/unix-directory" : "application/octet-stream"));
        body.put("owner", link.ownerName());
        body.put("permissions", link.node().folder() ? link.share().permissions()
                : Permissions.forFile(link.share().permissions()));
        body.put("fileDrop", link.fileDrop());
        body.put("hideDownload", link.share().hideDownload());
        body.put("expiration", link.share().expireDate().map(Object::toString).orElse(null));
        body.put("note", link.share().note());
        body.put("label", link.share().label());
        body.put("hasPreview", !node.folder() && Previews.available(node));
        if (node.folder() && !link.fileDrop()) {
            List<Map<String, Object>> entries = new ArrayList<>();
            for (Node n : files.children(node)) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("name", n.name());
                e.put("type", n.folder() ? "folder" : "file");
                e.put("size", n.size());
                e.put("mtime", n.mtime());
                e.put("mimetype", n.contentType().orElse(n.folder() ? "httpd/unix-directory" : "application/octet-stream"));
                e.put("hasPreview", !n.folder() && Previews.available(n));
                entries.add(e);
            }
            body.put("entries", entries);
        }
        HttpPlumbing.answerLanguage(req, res);
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        Json.ok(res, body);
    }

    private void unlock(ServerRequest req, ServerResponse res) {
        String token = req.path().pathParameters().get("token");
        Link link = links.open(token, address(req));
        var body = Json.readTree(req, 64 * 1024);
        String password = body.path("password").asText("");
        String cookie = links.unlock(link, password, address(req));
        res.headers().addCookie(SetCookie.builder(PublicLinks.cookieName(token), cookie).path("/").httpOnly(true)
                .secure(HttpPlumbing.info(req).secure()).sameSite(SetCookie.SameSite.STRICT)
                .maxAge(PublicLinks.UNLOCKED_FOR).build());
        // The page's uploads go through WebDAV with this cookie, which checks the CSRF double submit.
        Authentication.ensureCsrfCookie(req, res);
        Json.noContent(res);
    }

    private void download(ServerRequest req, ServerResponse res) {
        Link link = open(req);
        if (!link.may(Permissions.READ)) {
            throw new AtriumException.Forbidden("link_no_read", Msg.of("files.link.no-read"));
        }
        PublicLinks.requireDownloadable(link);
        Optional<String> path = req.query().first("path").asOptional();
        Node node = below(link, path);
        String shown = "/" + path.orElse("").replaceAll("^/+", "");
        if (!node.folder()) {
            if (FileResponse.fromStart(req, node)) {
                links.countDownload(link, address(req), shown);
            }
            FileResponse.send(req, res, files, node, false);
            return;
        }
        links.countDownload(link, address(req), shown + " (zip)");
        String name = (node.isRoot() ? "download" : node.name()) + ".zip";
        // The folder's content at the top of the archive, as the console's zip of the root does.
        ZipDownload.stream(res, zip, name, files.children(node));
    }

    private void preview(ServerRequest req, ServerResponse res) {
        Link link = open(req);
        if (!link.may(Permissions.READ)) {
            throw new AtriumException.Forbidden("link_no_read", Msg.of("files.link.no-read"));
        }
        Node node = below(link, req.query().first("path").asOptional());
        if (node.folder()) {
            throw new AtriumException.NotFound(Msg.of("files.path.not-found", req.query().first("path").orElse("")));
        }
        previews.send(req, res, node);
    }

    private void activity(ServerRequest req, ServerResponse res) {
        Caller caller = auth.require(req);
        long id;
        try {
            id = Long.parseLong(req.path().pathParameters().get("id"));
        } catch (NumberFormatException e) {
            throw new AtriumException.NotFound(Msg.of("files.share.not-found", req.path().pathParameters().get("id")));
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (PublicLinks.Activity a : links.activity(caller, new ShareId(id))) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("at", a.at());
            e.put("kind", a.kind());
            e.put("address", a.address());
            e.put("detail", a.detail());
            out.add(e);
        }
        Json.ok(res, Map.of("activity", out));
    }
}
