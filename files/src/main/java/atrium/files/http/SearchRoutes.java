package atrium.files.http;

import atrium.core.http.Json;
import atrium.files.FileSearch;
import atrium.files.FileService;
import atrium.files.Node;
import atrium.files.Previews;
import atrium.files.share.Mount;
import atrium.files.share.ShareService;
import atrium.identity.Caller;
import atrium.identity.http.Authentication;
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
 * {@code GET /api/v1/files/search?q=&offset=&limit=}: search by name in the caller's whole tree
 * and the shares they received, each hit at its path as the caller sees it (docs/api/files.md).
 */
public final class SearchRoutes implements HttpService {
    private final Authentication auth;
    private final FileSearch search;
    private final FileService files;
    private final ShareService shares;

    public SearchRoutes(Authentication auth, FileSearch search, FileService files, ShareService shares) {
        this.auth = auth;
        this.search = search;
        this.files = files;
        this.shares = shares;
    }

    /** Mounted under /api/v1/files. */
    @Override
    public void routing(HttpRules rules) {
        rules.get("/search", this::search);
    }

    private void search(ServerRequest req, ServerResponse res) {
        Caller caller = auth.require(req);
        var q = req.query();
        int offset = RequestPaths.intParam(q.first("offset").asOptional(), 0, 0, Integer.MAX_VALUE, "offset");
        int limit = RequestPaths.intParam(q.first("limit").asOptional(), 50, 1, FileSearch.MAX_PAGE, "limit");
        List<FileSearch.Scope> scopes = new ArrayList<>();
        scopes.add(new FileSearch.Scope(files.root(caller.id()), Optional.empty()));
        for (Mount m : shares.mounts(caller.id())) {
            scopes.add(new FileSearch.Scope(m.node(), Optional.of(m.name())));
        }
        FileSearch.Page page = search.search(scopes, q.first("q").asOptional().orElse(""), offset, limit);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", page.hits().stream().map(SearchRoutes::item).toList());
        body.put("offset", offset);
        body.put("limit", limit);
        body.put("more", page.more());
        Json.ok(res, body);
    }

    private static Map<String, Object> item(FileSearch.Hit hit) {
        Node n = hit.node();
        String folder = hit.folderPath().isEmpty() ? "/" : hit.folderPath();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", Long.toString(n.id().value()));
        m.put("name", n.name());
        m.put("folder", folder);
        m.put("path", (folder.equals("/") ? "" : folder) + "/" + n.name());
        m.put("isFolder", n.folder());
        m.put("size", n.size());
        m.put("mtime", n.mtime());
        m.put("etag", n.etag());
        m.put("contentType", n.contentType().orElse(null));
        m.put("hasPreview", Previews.available(n));
        return m;
    }
}
