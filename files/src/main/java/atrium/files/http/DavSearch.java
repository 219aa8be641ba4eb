package atrium.files.http;

import atrium.core.Msg;
import atrium.files.FileSearch;
import atrium.files.FileService;
import atrium.files.Node;
import atrium.files.NodeQuery;
import atrium.files.db.SearchStore;
import atrium.files.share.Mount;
import atrium.files.share.ShareService;
import atrium.identity.AccountId;
import atrium.identity.Caller;
import java.io.InputStream;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import javax.xml.namespace.QName;

/**
 * WebDAV SEARCH (RFC 5323, basicsearch) as the Nextcloud mobile apps and web client send it to
 * {@code /remote.php/dav}: file search by name, favourites, recently modified, photos and
 * videos by type, a file by id; and the favourites listing of the iOS app, Nextcloud's
 * {@code REPORT oc:filter-files}. The scope is a folder of the caller's namespace
 * ({@code /files/{login}/…}): at their root it covers their own files and the shares they
 * received, mount points matched under their mount name; inside a mount, that share only. The
 * where clause, order and page go to the database as one query ({@link FileSearch#find});
 * DavRoutes answers each hit with the properties asked for, as PROPFIND renders it.
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

    DavSearch(FileService files, FileSearch search, ShareService shares) {
        this.files = files;
        this.search = search;
        this.shares = shares;
    }

    /** The query a searchrequest body holds, read and checked; the select is a PROPFIND's prop. */
    record Request(DavXml.Propfind select, DavPath scope, NodeQuery.Condition where, boolean deep,
                   List<NodeQuery.Order> order, int offset, int limit) {
    }

    /** What was found: the properties asked for, and each hit where the caller sees it, in order. */
    record Answer(DavXml.Propfind select, List<Found> found) {
    }

    /**
     * A node found: the share it is in (none in the caller's own files) and its path in the
     * caller's namespace (a mount point's is its mount name).
     */
    record Found(Node node, Optional<Mount> share, DavPath callerPath) {
    }

    /** Answers a SEARCH body of the caller, who received the shares {@code received}. */
    Answer search(InputStream body, Caller caller, List<Mount> received) {
        Request r = read(body, caller.login(), login -> ownerNamed(login, caller, received));
        return new Answer(r.select(), find(caller, received, r.scope(), r.deep(), r.where(), r.order(), r.offset(), r.limit()));
    }

    /**
     * Answers Nextcloud's {@code REPORT oc:filter-files} on a folder of the caller's namespace:
     * their favourites below it, at any depth, by name. The only rule served is
     * {@code oc:favorite}; tags and circles are refused (422) rather than ignored.
     */
    Answer filterFiles(InputStream body, Caller caller, List<Mount> received, DavPath folder) {
        DavXml.Tree root = DavXml.tree(body).orElseThrow(() -> bad(Msg.of("files.report.body-missing")));
        if (!root.is(OC, "filter-files")) {
            throw new DavException(403, Msg.of("files.report.unsupported", clark(root.name())), "<d:supported-report/>");
        }
        DavXml.Propfind select = root.child(DAV, "prop").<DavXml.Propfind>map(p -> new DavXml.Prop(names(p)))
                .orElse(new DavXml.AllProp(List.of()));
        List<DavXml.Tree> rules = root.child(OC, "filter-rules").map(DavXml.Tree::children).orElse(List.of());
        if (rules.isEmpty()) {
            throw bad(Msg.of("files.report.rules-missing"));
        }
        List<NodeQuery.Condition> all = new ArrayList<>();
        for (DavXml.Tree rule : rules) {
            if (!rule.is(OC, "favorite")) {
                throw new DavException(422, Msg.of("files.report.rule", clark(rule.name())));
            }
            all.add(new NodeQuery.Favorite(truth(rule.text(), rule.name())));
        }
        return new Answer(select, find(caller, received, folder, true, new NodeQuery.And(all),
                List.of(new NodeQuery.Order(NodeQuery.Field.NAME, false)), 0, MAX_LIMIT));
    }

    /**
     * A page of what matches below a folder of the caller's namespace: at their root, their own
     * files, the shares they received (whole, at depth infinity) and those shares' mount points;
     * inside a mount, that share only; elsewhere, their own folder.
     */
    private List<Found> find(Caller caller, List<Mount> received, DavPath scope, boolean deep, NodeQuery.Condition where,
                             List<NodeQuery.Order> order, int offset, int limit) {
        Optional<Mount> in = scope.isRoot() ? Optional.empty()
                : received.stream().filter(m -> m.name().equals(scope.segments().getFirst())).findFirst();
        List<Node> tops = new ArrayList<>();
        List<NodeQuery.MountPoint> mountPoints = new ArrayList<>();
        Map<Long, Mount> byTop = new HashMap<>();
        if (in.isPresent()) {
            List<String> ownerPath = new ArrayList<>(in.get().ownerPath());
            ownerPath.addAll(scope.segments().subList(1, scope.segments().size()));
            tops.add(folder(in.get().node().owner(), ownerPath, scope));
            byTop.put(tops.getFirst().id().value(), in.get());
        } else {
            tops.add(folder(caller.id(), scope.segments(), scope));
        }
        if (scope.isRoot()) {
            for (Mount m : received) {
                mountPoints.add(new NodeQuery.MountPoint(m.node(), m.name()));
                byTop.put(m.node().id().value(), m);
                if (deep) {
                    tops.add(m.node());
                }
            }
        }
        long scopeTop = tops.getFirst().id().value();
        List<Found> found = new ArrayList<>();
        for (SearchStore.Hit hit : search.find(new NodeQuery(tops, mountPoints, deep, where, order, offset, limit))) {
            Optional<Mount> share = Optional.ofNullable(byTop.get(hit.top()));
            DavPath base = hit.top() == scopeTop ? scope : DavPath.of(List.of(share.orElseThrow().name()));
            found.add(new Found(hit.node(), share, hit.node().id().value() == hit.top() ? base : pathOf(base, hit)));
        }
        return found;
    }

    /** The account of that login among those who can own a hit: the caller, the owners of the shares they received. */
    private Optional<AccountId> ownerNamed(String login, Caller caller, List<Mount> received) {
        if (login.equals(caller.login())) {
            return Optional.of(caller.id());
        }
        return received.stream().map(m -> m.node().owner()).distinct()
                .filter(id -> shares.account(id).map(a -> a.login().equals(login)).orElse(false)).findFirst();
    }

    /** The scope's folder in its owner's tree; 400 when it is not one. */
    private Node folder(AccountId owner, List<String> path, DavPath scope) {
        return files.resolve(owner, path).filter(Node::folder)
                .orElseThrow(() -> new DavException(400, Msg.of("files.search.scope-missing", scope.toString())));
    }

    /** The path of a hit in the caller's namespace: where its top is, the folders below it, the name. */
    private static DavPath pathOf(DavPath top, SearchStore.Hit hit) {
        List<String> segments = new ArrayList<>(top.segments());
        for (String folder : hit.folderPath().split("/")) {
            if (!folder.isEmpty()) {
                segments.add(folder);
            }
        }
        segments.add(hit.node().name());
        return DavPath.of(segments);
    }

    // ---- Reading the query (RFC 5323 section 5) ---------------------------------------------

    /** Reads and checks a searchrequest body of the caller {@code login}. */
    static Request read(InputStream body, String login, Function<String, Optional<AccountId>> owners) {
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
            return condition(ops.getFirst(), owners, operators);
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

    private static NodeQuery.Condition condition(DavXml.Tree op, Function<String, Optional<AccountId>> owners,
                                                 int[] operators) {
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
                    parts.add(condition(child, owners, operators));
                }
                yield name.equals("and") ? new NodeQuery.And(parts) : new NodeQuery.Or(parts);
            }
            case "not" -> {
                if (op.children().size() != 1) {
                    throw bad(Msg.of("files.search.not-one"));
                }
                yield new NodeQuery.Not(condition(op.children().getFirst(), owners, operators));
            }
            case "is-collection" -> new NodeQuery.IsFolder();
            case "eq", "lt", "lte", "gt", "gte", "like" -> comparison(op, name, owners);
            default -> throw unsupportedOperator(op);
        };
    }

    /** A comparison: a {@code d:prop} with one property, then a {@code d:literal} (section 5.8). */
    private static NodeQuery.Condition comparison(DavXml.Tree op, String operator,
                                                  Function<String, Optional<AccountId>> owners) {
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
                // Only the caller's and the owners of what they received can own a hit.
                if (o != NodeQuery.Op.EQ || like) {
                    throw unsupportedOn(operator, property);
                }
                return owners.apply(literal.strip()).<NodeQuery.Condition>map(NodeQuery.OwnedBy::new)
                        .orElse(new NodeQuery.Constant(false));
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
