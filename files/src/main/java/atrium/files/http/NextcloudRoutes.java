package atrium.files.http;

import atrium.core.http.Json;
import atrium.core.http.Ocs;
import atrium.files.FileService;
import atrium.files.share.ShareService;
import atrium.identity.Account;
import atrium.identity.Caller;
import atrium.identity.http.Authentication;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The discovery endpoints of the Nextcloud client API: /status.php, the OCS capabilities
 * and the user endpoint (see shared/reference/nextcloud-client-protocol.md §1). The
 * clients read the OCS status with a regex on the raw body, so the JSON stays compact.
 */
public final class NextcloudRoutes implements HttpService {
    /** The Nextcloud version we answer as: recent enough for every feature gate of the clients. */
    static final Map<String, Object> VERSION = Map.of("major", 28, "minor", 0, "micro", 4, "string", "28.0.4",
            "edition", "", "extendedSupport", false);

    private final Authentication auth;
    private final FileService files;
    private final BulkUpload.Offer bulk;
    private final Supplier<Map<String, Object>> apps;

    /**
     * @param bulk to which clients the capabilities offer bulk upload
     * @param apps the capabilities of the Nextcloud apps Atrium answers for, by name, asked at each
     *             request: {@code files_sharing} ({@link ShareService#capability}; administrators change
     *             the link rules at run time), {@code notifications} (identity's)
     */
    public NextcloudRoutes(Authentication auth, FileService files, BulkUpload.Offer bulk, Supplier<Map<String, Object>> apps) {
        this.auth = auth;
        this.files = files;
        this.bulk = bulk;
        this.apps = apps;
    }

    /** Mounted at the server root. */
    @Override
    public void routing(HttpRules rules) {
        rules.get("/status.php", (req, res) -> Json.ok(res, status()))
                .get("/ocs/v1.php/cloud/capabilities", (req, res) -> Ocs.ok(req, res, 1, capabilities(bulkFor(req), apps.get())))
                .get("/ocs/v2.php/cloud/capabilities", (req, res) -> Ocs.ok(req, res, 2, capabilities(bulkFor(req), apps.get())))
                .get("/ocs/v1.php/cloud/user", (req, res) -> Ocs.ok(req, res, 1, user(auth.require(req))))
                .get("/ocs/v2.php/cloud/user", (req, res) -> Ocs.ok(req, res, 2, user(auth.require(req))));
    }

    static Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("installed", true);
        m.put("maintenance", false);
        m.put("needsDbUpgrade", false);
        m.put("version", "28.0.4.1");
        m.put("versionstring", "28.0.4");
        m.put("edition", "");
        m.put("productname", "Atrium");
        m.put("extendedSupport", false);
        return m;
    }

    private boolean bulkFor(ServerRequest req) {
        return bulk.offeredTo(req.headers().first(HeaderNames.USER_AGENT));
    }

    static Map<String, Object> capabilities(boolean bulkUpload, Map<String, Object> apps) {
        Map<String, Object> caps = new LinkedHashMap<>();
        caps.put("core", Map.of("pollinterval", 60, "webdav-root", "remote.php/webdav"));
        // Chunked upload (protocol notes section 4): the desktop client uses it for every file over 10 MB.
        // Bulk upload (BulkUpload): it sends new and changed files under 1 MB, 100 per POST.
        // DAV SEARCH (DavSearch) filters and orders by d:creationdate too; the iOS app reads this.
        caps.put("dav", bulkUpload ? Map.of("chunking", "1.0", "bulkupload", "1.0", "search_supports_creation_time", true)
                : Map.of("chunking", "1.0", "search_supports_creation_time", true));
        caps.put("files", Map.of("bigfilechunking", true, "blacklisted_files", List.of(".htaccess")));
        caps.put("checksums", Map.of("supportedTypes", List.of("SHA1"), "preferredUploadType", "SHA1"));
        caps.putAll(apps);
        // As Nextcloud's files_downloadlimit app says its API is there (ShareRoutes).
        caps.put("downloadlimit", Map.of("enabled", true));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("version", VERSION);
        data.put("capabilities", caps);
        return data;
    }

    private Map<String, Object> user(Caller caller) {
        Account a = caller.account();
        long used = files.used(a.id());
        Map<String, Object> quota = new LinkedHashMap<>();
        quota.put("used", used);
        a.quotaBytes().ifPresentOrElse(q -> {
            quota.put("free", Math.max(0, q - used));
            quota.put("total", q);
            quota.put("relative", q == 0 ? 100.0 : Math.round(used * 10000.0 / q) / 100.0);
            quota.put("quota", q);
        }, () -> {
            // Nextcloud's "unlimited": -3.
            quota.put("free", -3);
            quota.put("total", -3);
            quota.put("relative", 0);
            quota.put("quota", -3);
        });
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", a.login());
        m.put("display-name", a.displayName());
        m.put("displayname", a.displayName());
        m.put("email", a.email().orElse(null));
        m.put("language", a.language());
        m.put("quota", quota);
        m.put("enabled", a.enabled());
        return m;
    }
}
