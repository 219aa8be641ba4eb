package atrium.files.share;

import atrium.core.AtriumException;
import atrium.core.Msg;
import atrium.core.http.HttpPlumbing;
import atrium.core.http.Json;
import atrium.core.http.Ocs;
import atrium.files.FileService;
import atrium.files.Node;
import atrium.files.NodeId;
import atrium.identity.Account;
import atrium.identity.AccountId;
import atrium.identity.AccountService;
import atrium.identity.Caller;
import atrium.identity.Group;
import atrium.identity.http.Authentication;
import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Nextcloud's OCS Share API, {@code /ocs/v1.php|v2.php/apps/files_sharing/api/v1/…}, as the
 * desktop and mobile clients and an ERP call it (docs/api/sharing.md): list, create, read,
 * change and delete shares, and search people and groups to share with. Parameters come
 * from the query, a form body or a JSON body, as Nextcloud accepts them.
 */
public final class ShareRoutes implements HttpService {
    private static final long MAX_BODY = 64 * 1024;
    private static final String FOLDER_MIME = "httpd/unix-directory";

    /** A handler that answers OCS data. */
    private interface Action {
        Object run(ServerRequest req, Caller caller, Params p);
    }

    private final Authentication auth;
    private final ShareService shares;
    private final FileService files;
    private final AccountService accounts;
    private final ShareNotices notices;
    private final Optional<String> publicUrl;

    /** @param publicUrl {@code http.public-url}: the address of links; else the request's own */
    public ShareRoutes(Authentication auth, ShareService shares, FileService files, AccountService accounts,
                       ShareNotices notices, Optional<String> publicUrl) {
        this.auth = auth;
        this.shares = shares;
        this.files = files;
        this.accounts = accounts;
        this.notices = notices;
        this.publicUrl = publicUrl.map(u -> u.strip().replaceAll("/+$", ""));
    }

    @Override
    public void routing(HttpRules rules) {
        for (int v = 1; v <= 2; v++) {
            int version = v;
            String base = "/ocs/v" + v + ".php/apps/files_sharing/api/v1";
            rules.get(base + "/shares", (req, res) -> answer(req, res, version, this::list))
                    .post(base + "/shares", (req, res) -> answer(req, res, version, this::create))
                    .get(base + "/shares/{id}", (req, res) -> answer(req, res, version,
                            (q, caller, p) -> List.of(format(q, caller, shares.visible(caller, id(q)), mounts(caller)))))
                    .put(base + "/shares/{id}", (req, res) -> answer(req, res, version, this::update))
                    .delete(base + "/shares/{id}", (req, res) -> answer(req, res, version, (q, caller, p) -> {
                        shares.delete(caller, id(q));
                        return List.of();
                    }))
                    .get(base + "/sharees", (req, res) -> answer(req, res, version, this::sharees))
                    .any(base + "/*", (req, res) -> answer(req, res, version, (q, caller, p) -> {
                        throw new AtriumException.NotFound(Msg.of("files.share.unknown-endpoint", q.path().path()));
                    }));
            // Nextcloud's files_downloadlimit app, which its web UI and clients call by token.
            String limit = "/ocs/v" + v + ".php/apps/files_downloadlimit/api/v1/{token}/limit";
            rules.get(limit, (req, res) -> answer(req, res, version,
                            (q, caller, p) -> downloadLimit(shares.limitable(caller, token(q)))))
                    .put(limit, (req, res) -> answer(req, res, version, (q, caller, p) -> {
                        int n = p.integer("limit").orElseThrow(
                                () -> AtriumException.Invalid.field("limit", Msg.of("files.share.limit-missing")));
                        shares.limitDownloads(caller, token(q), Optional.of(n));
                        return List.of();
                    }))
                    .delete(limit, (req, res) -> answer(req, res, version, (q, caller, p) -> {
                        shares.limitDownloads(caller, token(q), Optional.empty());
                        return List.of();
                    }));
        }
    }

    private void answer(ServerRequest req, ServerResponse res, int version, Action action) {
        Ocs.reply(req, res, version, () -> action.run(req, auth.require(req), Params.of(req)));
    }

    private static ShareId id(ServerRequest req) {
        String raw = req.path().pathParameters().get("id");
        // Not a number: no such share, as for any id the caller may not see.
        if (!raw.matches("[0-9]{1,18}")) {
            throw new AtriumException.NotFound(Msg.of("files.share.not-found", raw));
        }
        return new ShareId(Long.parseLong(raw));
    }

    private static String token(ServerRequest req) {
        return req.path().pathParameters().get("token");
    }

    /** files_downloadlimit's answer: both null when the link has no limit. */
    private static Map<String, Object> downloadLimit(Share s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("limit", s.downloadLimit().orElse(null));
        m.put("count", s.downloadLimit().map(l -> s.downloadCount()).orElse(null));
        return m;
    }

    private List<Mount> mounts(Caller caller) {
        return shares.mounts(caller.id());
    }

    // ---- GET /shares

    private Object list(ServerRequest req, Caller caller, Params p) {
        boolean withMe = p.bool("shared_with_me").orElse(false);
        boolean reshares = p.bool("reshares").orElse(false);
        boolean subfiles = p.bool("subfiles").orElse(false);
        Optional<List<String>> path = p.text("path").map(ShareRoutes::segments);
        List<Mount> mounts = mounts(caller);
        List<Object> out = new ArrayList<>();
        if (withMe) {
            Optional<NodeId> only = path.map(x -> node(caller, x).id());
            for (Mount m : mounts) {
                if (only.isEmpty() || only.get().equals(m.node().id())) {
                    out.add(format(req, caller, m.share(), mounts));
                }
            }
            return out;
        }
        Optional<java.util.Collection<NodeId>> nodes = path.map(x -> {
            Node n = node(caller, x);
            return subfiles ? files.children(n).stream().map(Node::id).toList() : List.of(n.id());
        });
        for (Share s : shares.made(caller.id(), reshares, nodes)) {
            out.add(format(req, caller, s, mounts));
        }
        return out;
    }

    private Node node(Caller caller, List<String> path) {
        Location where = shares.locate(caller.id(), path);
        return files.resolve(where.owner(), where.path())
                .orElseThrow(() -> new AtriumException.NotFound(Msg.of("files.share.path-missing", "/" + String.join("/", path))));
    }

    private static List<String> segments(String path) {
        List<String> out = new ArrayList<>();
        for (String s : path.split("/")) {
            if (!s.isEmpty()) {
                if (s.equals(".") || s.equals("..")) {
                    throw new AtriumException.NotFound(Msg.of("files.share.path-missing", path));
                }
                out.add(s);
            }
        }
        return out;
    }

    // ---- POST /shares, PUT /shares/{id}

    private Object create(ServerRequest req, Caller caller, Params p) {
        int typeCode = p.integer("shareType").orElse(-1);
        ShareType type = ShareType.of(typeCode)
                .orElseThrow(() -> AtriumException.Invalid.field("shareType", Msg.of("files.share.bad-type", typeCode)));
        ShareService.Request r = new ShareService.Request(type, segments(p.text("path").orElse("")), p.text("shareWith"),
                p.integer("permissions"), p.bool("publicUpload"), p.text("password"), p.text("expireDate"),
                p.text("label"), p.text("note"), p.bool("hideDownload"));
        Share share = shares.create(caller, r);
        notices.created(caller, share, r.path().getLast(), base(req), r.password());
        return format(req, caller, share, mounts(caller));
    }

    private Object update(ServerRequest req, Caller caller, Params p) {
        ShareService.Changes c = new ShareService.Changes(p.integer("permissions"), p.bool("publicUpload"),
                p.text("password"), p.text("expireDate"), p.text("label"), p.text("note"), p.bool("hideDownload"));
        return format(req, caller, shares.update(caller, id(req), c), mounts(caller));
    }

    // ---- GET /sharees

    /** The share dialog's search: people and groups whose name contains the text. */
    private Object sharees(ServerRequest req, Caller caller, Params p) {
        String search = p.text("search").orElse("").strip();
        int perPage = p.integer("perPage").orElse(200);
        List<Object> users = new ArrayList<>();
        List<Object> exactUsers = new ArrayList<>();
        for (Account a : accounts.sharees(search, perPage)) {
            if (a.id().equals(caller.id())) {
                continue;
            }
            Map<String, Object> u = new LinkedHashMap<>();
            u.put("label", a.displayName());
            u.put("shareWithDisplayNameUnique", a.email().orElse(a.login()));
            u.put("value", Map.of("shareType", ShareType.USER.code, "shareWith", a.login()));
            (a.login().equalsIgnoreCase(search) ? exactUsers : users).add(u);
        }
        List<Object> groups = new ArrayList<>();
        List<Object> exactGroups = new ArrayList<>();
        for (Group g : accounts.groupsMatching(search, perPage)) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("label", g.name());
            e.put("value", Map.of("shareType", ShareType.GROUP.code, "shareWith", g.name()));
            (g.name().equalsIgnoreCase(search) ? exactGroups : groups).add(e);
        }
        Map<String, Object> exact = new LinkedHashMap<>();
        exact.put("users", exactUsers);
        exact.put("groups", exactGroups);
        exact.put("remotes", List.of());
        exact.put("remote_groups", List.of());
        exact.put("emails", List.of());
        exact.put("circles", List.of());
        exact.put("rooms", List.of());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("exact", exact);
        out.put("users", users);
        out.put("groups", groups);
        out.put("remotes", List.of());
        out.put("remote_groups", List.of());
        out.put("emails", List.of());
        out.put("circles", List.of());
        out.put("rooms", List.of());
        out.put("lookup", List.of());
        out.put("lookupEnabled", false);
        return out;
    }

    // ---- the share object

    /** A share as Nextcloud's ShareAPIController::formatShare describes it, from the caller's side. */
    private Map<String, Object> format(ServerRequest req, Caller caller, Share s, List<Mount> mounts) {
        Map<AccountId, Optional<Account>> people = new HashMap<>();
        Optional<Account> initiator = people.computeIfAbsent(s.initiator(), shares::account);
        Optional<Account> owner = people.computeIfAbsent(s.owner(), shares::account);
        Node node = files.byId(s.node()).orElseThrow(() -> new AtriumException.NotFound(Msg.of("files.share.not-found", s.id().value())));
        Optional<Mount> received = mounts.stream().filter(m -> m.share().id().equals(s.id())).findFirst();
        Optional<List<String>> path = received.map(m -> List.of(m.name())).or(() -> shares.pathFor(caller.id(), s, mounts));
        boolean manages = s.initiator().equals(caller.id()) || s.owner().equals(caller.id());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", Long.toString(s.id().value()));
        m.put("share_type", s.type().code);
        m.put("uid_owner", initiator.map(Account::login).orElse(""));
        m.put("displayname_owner", initiator.map(Account::displayName).orElse(""));
        m.put("permissions", received.map(Mount::permissions).orElse(s.permissions()));
        m.put("can_edit", manages);
        m.put("can_delete", manages);
        m.put("stime", s.createdAt() / 1000);
        m.put("parent", null);
        m.put("expiration", s.expireDate().map(d -> d + " 00:00:00").orElse(null));
        m.put("token", s.token().orElse(null));
        m.put("uid_file_owner", owner.map(Account::login).orElse(""));
        m.put("note", s.note());
        m.put("label", s.label());
        m.put("displayname_file_owner", owner.map(Account::displayName).orElse(""));
        m.put("path", path.map(p -> "/" + String.join("/", p)).orElse(null));
        m.put("item_type", node.folder() ? "folder" : "file");
        m.put("mimetype", node.folder() ? FOLDER_MIME : node.contentType().orElse("application/octet-stream"));
        m.put("has_preview", false);
        m.put("storage_id", "home::" + owner.map(Account::login).orElse(""));
        m.put("item_source", node.id().value());
        m.put("file_source", node.id().value());
        m.put("file_parent", node.parent().map(NodeId::value).orElse(null));
        m.put("file_target", "/" + received.map(Mount::name).or(s::mountName).orElse(node.name()));
        m.put("item_size", node.size());
        m.put("item_mtime", node.mtime() / 1000);
        switch (s.type()) {
            case USER -> {
                Optional<Account> with = s.recipientAccount().flatMap(a -> people.computeIfAbsent(a, shares::account));
                m.put("share_with", with.map(Account::login).orElse(""));
                m.put("share_with_displayname", with.map(Account::displayName).orElse(""));
            }
            case GROUP -> {
                String name = s.recipientGroup().flatMap(accounts::groupById).map(Group::name).orElse("");
                m.put("share_with", name);
                m.put("share_with_displayname", name);
            }
            case LINK, EMAIL -> {
                // The hash never leaves the server: clients only learn that there is a password.
                Optional<String> set = s.passwordHash().map(h -> "(set)");
                m.put("share_with", s.type() == ShareType.EMAIL ? s.recipientEmail().orElse("") : set.orElse(null));
                m.put("share_with_displayname", s.type() == ShareType.EMAIL ? s.recipientEmail().orElse("") : "");
                m.put("password", set.orElse(null));
                m.put("url", base(req) + "/s/" + s.token().orElseThrow());
            }
        }
        m.put("mail_send", 0);
        m.put("hide_download", s.hideDownload() ? 1 : 0);
        if (!s.type().internal()) {
            // What files_downloadlimit adds to a link's share: null when there is no limit.
            Map<String, Object> limit = downloadLimit(s);
            m.put("download_limit", limit.get("limit"));
            m.put("download_count", limit.get("count"));
        }
        m.put("attributes", null);
        return m;
    }

    private String base(ServerRequest req) {
        return publicUrl.orElseGet(() -> HttpPlumbing.info(req).origin());
    }

    /** The parameters of a call: the query, then a form or JSON body (PUT and POST). */
    record Params(Map<String, String> values) {
        static Params of(ServerRequest req) {
            Map<String, String> v = new HashMap<>();
            req.query().names().forEach(n -> v.put(n, req.query().first(n).orElse("")));
            if (req.content().hasEntity()) {
                String type = req.headers().first(HeaderNames.CONTENT_TYPE).orElse("");
                byte[] body = Json.readBody(req, MAX_BODY);
                if (type.contains("json")) {
                    JsonNode tree;
                    try {
                        tree = Json.MAPPER.readTree(body);
                    } catch (java.io.IOException e) {
                        throw new AtriumException.Invalid(Msg.of("files.share.bad-body"));
                    }
                    tree.fields().forEachRemaining(f -> v.put(f.getKey(), f.getValue().isTextual() ? f.getValue().asText()
                            : f.getValue().toString()));
                } else {
                    for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
                        if (pair.isEmpty()) {
                            continue;
                        }
                        int eq = pair.indexOf('=');
                        try {
                            v.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                                    eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                        } catch (IllegalArgumentException e) {
                            throw new AtriumException.Invalid(Msg.of("files.share.bad-body"));
                        }
                    }
                }
            }
            return new Params(v);
        }

        Optional<String> text(String name) {
            return Optional.ofNullable(values.get(name));
        }

        Optional<Boolean> bool(String name) {
            return text(name).map(t -> t.equalsIgnoreCase("true") || t.equals("1"));
        }

        Optional<Integer> integer(String name) {
            return text(name).filter(t -> !t.isBlank()).map(t -> {
                try {
                    return Integer.parseInt(t.strip());
                } catch (NumberFormatException e) {
                    throw AtriumException.Invalid.field(name, Msg.of("files.share.bad-number", name));
                }
            });
        }
    }
}
