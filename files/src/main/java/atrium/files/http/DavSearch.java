package atrium.files.http;

import atrium.core.Msg;
import atrium.files.DeadProperty;
import atrium.files.FileSearch;
import atrium.files.FileService;
import atrium.files.Node;
import atrium.files.NodeId;
import atrium.files.NodeQuery;
import atrium.files.db.SearchStore;
import atrium.files.share.Permissions;
import atrium.files.share.ShareService;
import atrium.identity.AccountId;
import atrium.identity.Caller;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.xml.namespace.QName;

/**
 * WebDAV SEARCH (RFC 5323, basicsearch) as the Nextcloud mobile apps and web client send it to
 * {@code /remote.php/dav}: file search by name, favourites, recently modified, photos and
 * videos by type, a file by id. The scope is one folder of the caller's own files
 * ({@code /files/{login}/…}); the where clause, order and page go to the database as one
 * query ({@link FileSearch#find}); each hit is answered with the properties asked for, exactly
 * as PROPFIND renders them ({@link DavRoutes#describe}).
 *
 * <p>What is not understood is refused rather than ignored, so a client never takes a wrong
 * answer for the right one: a malformed or incomplete query is 400, a property or operator
 * that cannot be searched is 422 (Unprocessable Entity, RFC 4918 section 11.2).
 */
final class DavSearch {
    private static final String DAV = Multistatus.DAV;
    private static final String OC = Multistatus.OWNCLOUD;
    private static final String NC = Multistatus.NEXTCLOUD;
    /** The namespace of Nextcloud's firstresult (its SearchDAV library's). */
    static final String SEARCHDAV = "https://github.com/icewind1991/SearchDAV/ns";
    /** Nextcloud's page when the query has no limit. */
    static final int DEFAULT_LIMIT = 100;
    /** The largest page; a client asking for more gets this many. */
    static final int MAX_LIMIT = 1000;
    /** Comparisons one query may hold, as Nextcloud's limit. */
    static final int MAX_OPERATORS = 100;

    private final FileService files;
    private final FileSearch search;
    private final ShareService shares;
    private final LockManager locks;
    private final Clock clock;
    private final String instanceId;

    DavSearch(FileService files, FileSearch search, ShareService shares, LockManager locks, Clock clock, String instanceId) {
        this.files = files;
        this.search = search;
        this.shares = shares;
        this.locks = locks;
        this.clock = clock;
        this.instanceId = instanceId;
    }

    /** The query a searchrequest body holds, read and checked; the select is a PROPFIND's prop. */
    record Request(DavXml.Propfind select, DavPath scope, NodeQuery.Condition where, boolean deep,
                   List<NodeQuery.Order> order, int offset, int limit) {
    }

    /** Answers a SEARCH of the caller; errors are thrown as {@link DavException} for DavRoutes to render. */
    void search(ServerRequest req, ServerResponse res, Caller caller) {
        Request r = read(req.content().hasEntity() ? DavRoutes.clientStream(req.content().inputStream())
                : InputStream.nullInputStream(), caller.login());
        AccountId owner = caller.id();
        Node scope = files.resolve(owner, r.scope().segments()).filter(Node::folder)
                .orElseThrow(() -> new DavException(400, Msg.of("files.search.scope-missing", r.scope().toString())));
        List<SearchStore.Hit> hits = search.find(owner, new NodeQuery(scope.id(), r.deep(), r.where(), r.order(),
                r.offset(), r.limit()));
        String prefix = DavRoutes.DAV_ROOT + "/files/" + DavPath.encodeSegment(caller.login());
        List<Node> nodes = hits.stream().map(SearchStore.Hit::node).toList();
        Map<NodeId, List<DeadProperty>> dead = files.properties(nodes);
        Supplier<Map<NodeId, Set<Integer>>> shareTypes = DavRoutes.memo(() ->
                shares.shareTypes(owner, nodes.stream().map(Node::id).toList()));
        Supplier<LiveProperties.Owner> me = DavRoutes.memo(() ->
                new LiveProperties.Owner(caller.login(), caller.account().displayName()));
        LiveProperties live = new LiveProperties(instanceId, DavRoutes.memo(() ->
                new LiveProperties.Quota(files.root(owner).size(), files.used(owner), files.quota(owner))));
        Instant now = clock.instant();
        try (Multistatus out = Multistatus.open(res)) {
            for (SearchStore.Hit hit : hits) {
                Node n = hit.node();
                DavPath p = pathOf(r.scope(), hit);
                String key = "/" + owner.value() + p;
                LiveProperties.Access access = new LiveProperties.Access(
                        Permissions.letters(Permissions.ALL, false, n.folder(), false),
                        () -> shareTypes.get().getOrDefault(n.id(), Set.of()), me);
                LiveProperties.Resource resource = new LiveProperties.Resource(n,
                        () -> Multistatus.lockDiscovery(locks.locksCovering(key), lockHref(prefix, key, p, n.folder()), now),
                        access);
                DavRoutes.describe(out, p.href(prefix, n.folder()), r.select(), live, resource,
                        dead.getOrDefault(n.id(), List.of()));
            }
        }
    }

    /** The path of a hit in the caller's files: the scope, the folders below it, the name. */
    private static DavPath pathOf(DavPath scope, SearchStore.Hit hit) {
        List<String> segments = new ArrayList<>(scope.segments());
        for (String folder : hit.folderPath().split("/")) {
            if (!folder.isEmpty()) {
                segments.add(folder);
            }
        }
        segments.add(hit.node().name());
        return DavPath.of(segments);
    }

    /** Hrefs of lock roots for lockdiscovery: the hit itself, or the folder above it holding a depth-infinity lock. */
    private static Function<String, String> lockHref(String prefix, String key, DavPath p, boolean folder) {
        String own = LockManager.normalise(key);
        String ownerPrefix = key.substring(0, key.length() - p.toString().length());
        return lockPath -> {
            if (lockPath.equals(own)) {
                return p.href(prefix, folder);
            }
            String rest = lockPath.substring(ownerPrefix.length());
            return (rest.isEmpty() ? DavPath.ROOT : DavPath.of(List.of(rest.substring(1).split("/")))).href(prefix, true);
        };
    }

    // ---- Reading the query (RFC 5323 section 5) ---------------------------------------------

    /** Reads and checks a searchrequest body of the caller {@code login}. */
    static Request read(InputStream body, String login) {
        DavXml.Tree root = DavXml.tree(body).orElseThrow(() -> bad(Msg.of("files.search.body-missing")));
        if (!root.is(DAV, "searchrequest")) {
            throw new DavException(400, Msg.of("files.xml.wrong-root", "searchrequest", "{" + root.name().getNamespaceURI()
                    + "}" + root.name().getLocalPart()));
        }
        DavXml.Tree basic = root.child(DAV, "basicsearch").orElseThrow(() -> new DavException(422,
                Msg.of("files.search.grammar", root.children().isEmpty() ? "" : clark(root.children().getFirst().name()))));
        DavXml.Tree select = basic.child(DAV, "select").orElseThrow(() -> bad(Msg.of("files.search.select-missing")));
        DavXml.Propfind props;
        if (select.child(DAV, "allprop").isPresent()) {
            props = new DavXml.AllProp(List.of());
        } else {
            DavXml.Tree prop = select.child(DAV, "prop").orElseThrow(() -> bad(Msg.of("files.search.select-missing")));
            props = new DavXml.Prop(names(prop));
        }
        DavXml.Tree from = basic.child(DAV, "from").orElseThrow(() -> bad(Msg.of("files.search.from-missing")));
        List<DavXml.Tree> scopes = from.children().stream().filter(t -> t.is(DAV, "scope")).toList();
        if (scopes.isEmpty()) {
            throw bad(Msg.of("files.search.from-missing"));
        }
        if (scopes.size() > 1) {
            throw new DavException(422, Msg.of("files.search.one-scope"));
        }
        DavXml.Tree scope = scopes.getFirst();
        DavPath scopePath = scopePath(scope.child(DAV, "href").map(t -> t.text().strip())
                .orElseThrow(() -> bad(Msg.of("files.search.from-missing"))), login);
        String depth = scope.child(DAV, "depth").map(t -> t.text().strip().toLowerCase(java.util.Locale.ROOT)).orElse("infinity");
        boolean deep = switch (depth) {
            case "infinity" -> true;
            case "1" -> false;
            default -> throw new DavException(422, Msg.of("files.search.depth", depth));
        };
        int[] operators = {0};
        NodeQuery.Condition where = basic.child(DAV, "where").map(w -> {
            List<DavXml.Tree> ops = w.children();
            if (ops.size() != 1) {
                throw bad(Msg.of("files.search.where-one"));
            }
            return condition(ops.getFirst(), login, operators);
        }).orElse(new NodeQuery.And(List.of()));
        List<NodeQuery.Order> order = new ArrayList<>();
        basic.child(DAV, "orderby").ifPresent(o -> {
            for (DavXml.Tree each : o.children()) {
                if (each.is(DAV, "order")) {
                    order.add(order(each));
                }
            }
        });
        int limit = DEFAULT_LIMIT;
        int offset = 0;
        Optional<DavXml.Tree> limits = basic.child(DAV, "limit");
        if (limits.isPresent()) {
            Optional<DavXml.Tree> n = limits.get().child(DAV, "nresults");
            if (n.isPresent()) {
                int asked = count(n.get(), "nresults");
                limit = asked == 0 ? DEFAULT_LIMIT : Math.min(asked, MAX_LIMIT);
            }
            Optional<DavXml.Tree> first = limits.get().child(SEARCHDAV, "firstresult");
            if (first.isPresent()) {
                offset = count(first.get(), "firstresult");
            }
        }
        return new Request(props, scopePath, where, deep, order, offset, limit);
    }

    /**
     * The scope's href as a path in the caller's files: relative to the search arbiter
     * ({@code /files/alice/Photos}, as the clients send it), or the whole URL or path.
     */
    private static DavPath scopePath(String href, String login) {
        List<String> s = DavPath.parse(DavPath.rawPathOf(href)).segments();
        if (s.size() >= 2 && s.get(0).equals("remote.php") && s.get(1).equals("dav")) {
            s = s.subList(2, s.size());
        }
        if (s.size() < 2 || !s.get(0).equals("files")) {
            throw new DavException(400, Msg.of("files.search.scope-invalid", href));
        }
        if (!s.get(1).equals(login)) {
            throw new DavException(403, Msg.of("files.dav.other-user"));
        }
        return DavPath.of(s.subList(2, s.size()));
    }

    private static NodeQuery.Condition condition(DavXml.Tree op, String login, int[] operators) {
        if (!op.name().getNamespaceURI().equals(DAV)) {
            throw unsupportedOperator(op);
        }
        if (++operators[0] > MAX_OPERATORS) {
            throw new DavException(422, Msg.of("files.search.too-many", MAX_OPERATORS));
        }
        String name = op.name().getLocalPart();
        return switch (name) {
            case "and", "or" -> {
                List<NodeQuery.Condition> parts = new ArrayList<>();
                for (DavXml.Tree child : op.children()) {
                    parts.add(condition(child, login, operators));
                }
                yield name.equals("and") ? new NodeQuery.And(parts) : new NodeQuery.Or(parts);
            }
            case "not" -> {
                if (op.children().size() != 1) {
                    throw bad(Msg.of("files.search.not-one"));
                }
                yield new NodeQuery.Not(condition(op.children().getFirst(), login, operators));
            }
            case "is-collection" -> new NodeQuery.IsFolder();
            case "eq", "lt", "lte", "gt", "gte", "like" -> comparison(op, name, login);
            default -> throw unsupportedOperator(op);
        };
    }

    /** A comparison: a {@code d:prop} with one property, then a {@code d:literal} (section 5.8). */
    private static NodeQuery.Condition comparison(DavXml.Tree op, String operator, String login) {
        QName property = op.child(DAV, "prop").filter(p -> p.children().size() == 1).map(p -> p.children().getFirst().name())
                .orElseThrow(() -> bad(Msg.of("files.search.operand-prop", operator)));
        String literal = op.children().stream().filter(t -> t.is(DAV, "literal") || t.is(DAV, "typed-literal"))
                .findFirst().map(DavXml.Tree::text)
                .orElseThrow(() -> bad(Msg.of("files.search.operand-literal", operator)));
        boolean like = operator.equals("like");
        NodeQuery.Op o = like ? NodeQuery.Op.EQ : NodeQuery.Op.valueOf(operator.toUpperCase(java.util.Locale.ROOT));
        String key = property.getNamespaceURI() + " " + property.getLocalPart();
        switch (key) {
            case DAV + " displayname", DAV + " getcontenttype" -> {
                NodeQuery.Field field = key.endsWith("displayname") ? NodeQuery.Field.NAME : NodeQuery.Field.CONTENT_TYPE;
                if (like) {
                    return new NodeQuery.Like(field, literal);
                }
                if (o != NodeQuery.Op.EQ) {
                    throw unsupportedOn(operator, property);
                }
                return new NodeQuery.Compare(field, o, literal);
            }
            case DAV + " getlastmodified", DAV + " creationdate" -> {
                NodeQuery.Field field = key.endsWith("getlastmodified") ? NodeQuery.Field.MTIME : NodeQuery.Field.CREATED;
                return new NodeQuery.Compare(field, noLike(like, operator, property), seconds(literal, property));
            }
            case OC + " size", DAV + " getcontentlength", OC + " fileid" -> {
                NodeQuery.Field field = key.endsWith("fileid") ? NodeQuery.Field.ID : NodeQuery.Field.SIZE;
                return new NodeQuery.Compare(field, noLike(like, operator, property), number(literal, property));
            }
            case OC + " favorite" -> {
                if (o != NodeQuery.Op.EQ || like) {
                    throw unsupportedOn(operator, property);
                }
                return new NodeQuery.Favorite(truth(literal, property));
            }
            case OC + " owner-id" -> {
                // Everything searched is the caller's own.
                if (o != NodeQuery.Op.EQ || like) {
                    throw unsupportedOn(operator, property);
                }
                return new NodeQuery.Constant(literal.strip().equals(login));
            }
            case NC + " is-encrypted" -> {
                // Nothing here is end-to-end encrypted.
                if (o != NodeQuery.Op.EQ || like) {
                    throw unsupportedOn(operator, property);
                }
                return new NodeQuery.Constant(!truth(literal, property));
            }
            default -> throw new DavException(422, Msg.of("files.search.property", clark(property)));
        }
    }

    private static NodeQuery.Order order(DavXml.Tree order) {
        QName property = order.child(DAV, "prop").filter(p -> p.children().size() == 1)
                .map(p -> p.children().getFirst().name()).orElseThrow(() -> bad(Msg.of("files.search.order-prop")));
        NodeQuery.Field field = switch (property.getNamespaceURI() + " " + property.getLocalPart()) {
            case DAV + " displayname" -> NodeQuery.Field.NAME;
            case DAV + " getlastmodified" -> NodeQuery.Field.MTIME;
            case DAV + " creationdate" -> NodeQuery.Field.CREATED;
            case DAV + " getcontenttype" -> NodeQuery.Field.CONTENT_TYPE;
            case OC + " size", DAV + " getcontentlength" -> NodeQuery.Field.SIZE;
            case OC + " fileid" -> NodeQuery.Field.ID;
            default -> throw new DavException(422, Msg.of("files.search.order-property", clark(property)));
        };
        return new NodeQuery.Order(field, order.child(DAV, "descending").isPresent());
    }

    private static NodeQuery.Op noLike(boolean like, String operator, QName property) {
        if (like) {
            throw unsupportedOn(operator, property);
        }
        return NodeQuery.Op.valueOf(operator.toUpperCase(java.util.Locale.ROOT));
    }

    /**
     * A time as Nextcloud reads it: seconds since the epoch (what the Android app sends for
     * its date ranges), or an ISO 8601 date and time with offset, or an HTTP date.
     */
    static long seconds(String literal, QName property) {
        String v = literal.strip();
        if (v.matches("-?[0-9]{1,15}")) {
            return Math.max(0, Long.parseLong(v));
        }
        try {
            return OffsetDateTime.parse(v).toEpochSecond();
        } catch (DateTimeParseException e) {
            try {
                return ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toEpochSecond();
            } catch (DateTimeParseException e2) {
                throw new DavException(400, Msg.of("files.search.bad-time", literal, clark(property)));
            }
        }
    }

    private static long number(String literal, QName property) {
        try {
            return Long.parseLong(literal.strip());
        } catch (NumberFormatException e) {
            throw new DavException(400, Msg.of("files.search.bad-number", literal, clark(property)));
        }
    }

    /** A boolean literal: Nextcloud's "yes" (what its clients send for favourites), 1 or true. */
    private static boolean truth(String literal, QName property) {
        return switch (literal.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "yes", "1", "true" -> true;
            case "no", "0", "false", "" -> false;
            default -> throw new DavException(400, Msg.of("files.search.bad-boolean", literal, clark(property)));
        };
    }

    private static int count(DavXml.Tree element, String what) {
        try {
            int n = Integer.parseInt(element.text().strip());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // Answered below, like a negative number.
        }
        throw new DavException(400, Msg.of("files.search.bad-count", what, element.text().strip()));
    }

    private static List<QName> names(DavXml.Tree prop) {
        return prop.children().stream().map(DavXml.Tree::name).distinct().toList();
    }

    private static DavException unsupportedOperator(DavXml.Tree op) {
        return new DavException(422, Msg.of("files.search.operator", clark(op.name())));
    }

    private static DavException unsupportedOn(String operator, QName property) {
        return new DavException(422, Msg.of("files.search.operator-on", operator, clark(property)));
    }

    private static DavException bad(Msg msg) {
        return new DavException(400, msg);
    }

    /** {@code {DAV:}displayname}, the way Sabre names properties in its messages. */
    private static String clark(QName name) {
        return "{" + name.getNamespaceURI() + "}" + name.getLocalPart();
    }
}
