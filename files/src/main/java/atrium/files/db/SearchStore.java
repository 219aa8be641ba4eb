package atrium.files.db;

import atrium.files.Node;
import atrium.files.NodeQuery;
import atrium.identity.AccountId;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Search over an owner's tree: by name for the console (also in the shares received), by
 * {@link NodeQuery} for DAV SEARCH.
 * Names are matched on {@code search_name}, the name {@linkplain #fold folded} by the
 * application when it is written, so "Ete" finds "Été.pdf" on SQLite and PostgreSQL alike.
 */
public final class SearchStore {
    private final FileStore nodes;

    public SearchStore(FileStore nodes) {
        this.nodes = nodes;
    }

    /**
     * A node found below {@code top} (the scope folder it was reached from), with the path of
     * the folder it is in relative to that top ("" for the top's direct children).
     */
    public record Hit(Node node, long top, String folderPath) {
    }

    /** What a person would call the same name: compatibility decomposition, no accents, lower case. */
    public static String fold(String name) {
        return atrium.core.Fold.fold(name);
    }

    /**
     * The live nodes below the tops (folders of the given owners: a caller's root, the nodes of
     * the shares they received) whose name contains the query, by folded name. The tops
     * themselves are never hits: a root has no name, and a share's node is seen under its mount
     * name, which the caller matches ({@link #contains}).
     */
    public List<Hit> search(Handle h, List<Node> tops, String query, int offset, int limit) {
        // The query is taken as is: RFC 5323's wildcards and escape character in it are escaped.
        String pattern = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        return find(h, tops, List.of(), true, new NodeQuery.Like(NodeQuery.Field.NAME, pattern),
                List.of(new NodeQuery.Order(NodeQuery.Field.NAME, false)), offset, limit);
    }

    /** Whether a name contains the query, as {@link #search} compares them. */
    public static boolean contains(String name, String query) {
        return fold(name).contains(fold(query));
    }

    /*
     * A search as one query. The anchor takes the owners' rows matching the condition, which
     * the indexes on (owner_id, search_name | content_type | mtime) narrow; each is walked up
     * its parents until the first scope folder (top) it reaches, building its folder path on the
     * way. A match counts only when the walk reaches a top, which is live: a trashed subtree is
     * detached at its top and never gets there, and nothing of an owner outside what is shared
     * is found; a share inside another share of the same owner lists its content once. Depth 1
     * asks the parent to be a top, so the walk stops at once. The parent is read by primary-key
     * subqueries rather than a join: PostgreSQL plans a join of the walk as a hash join over the
     * whole table. Mount points (the nodes of shares received, seen at the caller's root under
     * their mount name) are matched in the same query under that name, so one ORDER BY, LIMIT
     * and OFFSET page over both. Sorted and cut to the page in the database.
     */
    private static final String FIND = """
            WITH RECURSIVE up(match_id, parent_id, path) AS (
                SELECT n.id, n.parent_id, CAST('' AS TEXT) FROM files_nodes n
                 WHERE n.owner_id IN (<owners>) AND n.parent_id IS NOT NULL AND n.id NOT IN (<tops>) AND (%s)
                UNION ALL
                SELECT u.match_id, (SELECT p.parent_id FROM files_nodes p WHERE p.id = u.parent_id),
                       CAST('/' || (SELECT p.name FROM files_nodes p WHERE p.id = u.parent_id) || u.path AS TEXT)
                  FROM up u
                 WHERE u.parent_id NOT IN (<tops>))%s
            SELECT * FROM (
                SELECT %s, n.search_name, u.parent_id AS top_id, u.path AS folder_path FROM up u
                  JOIN files_nodes n ON n.id = u.match_id
                 WHERE u.parent_id IN (<tops>)%s) n
             ORDER BY %s
             LIMIT :limit OFFSET :offset""";

    /** The mount points, as rows of (node, mount name, its folded form), when there are some. */
    private static final String MOUNTS = """
            ,
            mounts(mount_id, mount_name, mount_search) AS (VALUES %s)""";

    /** Mount points matching, under their mount name; a hit whose node is its top is one. */
    private static final String MOUNT_POINTS = """

                UNION ALL
                SELECT %s, m.mount_search, n.id, CAST('' AS TEXT) FROM files_nodes n
                  JOIN mounts m ON m.mount_id = n.id
                 WHERE %s""";

    /** The ownCloud namespace and name under which PROPPATCH keeps oc:favorite. */
    private static final String OC = "http://owncloud.org/ns";

    /**
     * The live nodes below the query's tops that match it, and the mount points that do under
     * their mount name, a page in its order; each hit's folder path is relative to its top.
     */
    public List<Hit> find(Handle h, NodeQuery q) {
        return find(h, q.tops(), q.mountPoints(), q.deep(), q.where(), q.order(), q.offset(), q.limit());
    }

    private List<Hit> find(Handle h, List<Node> topNodes, List<NodeQuery.MountPoint> mountPoints, boolean deep,
            NodeQuery.Condition where, List<NodeQuery.Order> orders, int offset, int limit) {
        List<AccountId> owners = topNodes.stream().map(Node::owner).distinct().toList();
        List<Long> tops = topNodes.stream().map(n -> n.id().value()).toList();
        Sql sql = new Sql();
        String condition = sql.condition(where, "n.search_name");
        if (!deep) {
            condition = "n.parent_id IN (<tops>) AND (" + condition + ")";
        }
        String mounts = "";
        String mountRows = "";
        if (!mountPoints.isEmpty()) {
            StringBuilder values = new StringBuilder();
            for (NodeQuery.MountPoint m : mountPoints) {
                values.append(values.isEmpty() ? "" : ", ").append("(CAST(").append(sql.value(m.node().id().value()))
                        .append(" AS BIGINT), CAST(").append(sql.value(m.name())).append(" AS TEXT), CAST(")
                        .append(sql.value(fold(m.name()))).append(" AS TEXT))");
            }
            mounts = MOUNTS.formatted(values);
            mountRows = MOUNT_POINTS.formatted(FileStore.NODE_COLUMNS.replace("n.name", "m.mount_name"),
                    sql.condition(where, "m.mount_search"));
        }
        StringBuilder order = new StringBuilder();
        for (NodeQuery.Order o : orders) {
            String direction = o.descending() ? " DESC" : " ASC";
            for (String column : orderColumns(o.field())) {
                order.append(column).append(direction).append(", ");
            }
        }
        order.append("n.id");
        var query = h.createQuery(FIND.formatted(condition, mounts, FileStore.NODE_COLUMNS, mountRows, order))
                .bindList("owners", owners.stream().map(AccountId::value).toList()).bindList("tops", tops)
                .bind("limit", limit).bind("offset", offset);
        sql.values.forEach(query::bind);
        return query.map((rs, ctx) -> new Hit(nodes.map(rs), rs.getLong("top_id"), rs.getString("folder_path"))).list();
    }

    private static List<String> orderColumns(NodeQuery.Field field) {
        return switch (field) {
            case NAME -> List.of("n.search_name", "n.name");
            case CONTENT_TYPE -> List.of("n.content_type");
            case MTIME -> List.of("n.mtime");
            case CREATED -> List.of("n.created_at");
            case SIZE -> List.of("n.size");
            case ID -> List.of("n.id");
        };
    }

    /** A condition as SQL over {@code files_nodes n}, its values bound by name (v0, v1, …). */
    private static final class Sql {
        final java.util.Map<String, Object> values = new java.util.LinkedHashMap<>();

        String value(Object v) {
            String name = "v" + values.size();
            values.put(name, v);
            return ":" + name;
        }

        /** The condition, the name compared being {@code nameColumn} (a node's folded name, or a mount's). */
        String condition(NodeQuery.Condition c, String nameColumn) {
            return switch (c) {
                case NodeQuery.And and -> and.all().isEmpty() ? "1 = 1" : join(and.all(), " AND ", nameColumn);
                case NodeQuery.Or or -> or.any().isEmpty() ? "1 = 0" : join(or.any(), " OR ", nameColumn);
                case NodeQuery.Not not -> "NOT (" + condition(not.condition(), nameColumn) + ")";
                case NodeQuery.Constant k -> k.value() ? "1 = 1" : "1 = 0";
                case NodeQuery.IsFolder f -> "n.folder = " + value(true);
                case NodeQuery.Favorite f -> (f.favorite() ? "" : "NOT ") + "EXISTS (SELECT 1 FROM files_props p"
                        + " WHERE p.node_id = n.id AND p.ns = " + value(OC) + " AND p.name = " + value("favorite")
                        // The value is the element as the client sent it: <oc:favorite …>1</oc:favorite>.
                        + " AND p.value LIKE " + value("%>1</%") + ")";
                case NodeQuery.OwnedBy o -> "n.owner_id = " + value(o.owner().value());
                case NodeQuery.Like like -> switch (like.field()) {
                    case NAME -> nameColumn + " LIKE " + value(likePattern(like.pattern(), true)) + " ESCAPE '!'";
                    case CONTENT_TYPE -> "n.content_type LIKE " + value(likePattern(like.pattern(), false)) + " ESCAPE '!'";
                    default -> throw new IllegalArgumentException("no LIKE on " + like.field());
                };
                case NodeQuery.Compare cmp -> compare(cmp, nameColumn);
            };
        }

        private String join(List<NodeQuery.Condition> parts, String operator, String nameColumn) {
            StringBuilder out = new StringBuilder();
            for (NodeQuery.Condition part : parts) {
                out.append(out.isEmpty() ? "" : operator).append('(').append(condition(part, nameColumn)).append(')');
            }
            return out.toString();
        }

        private String compare(NodeQuery.Compare c, String nameColumn) {
            return switch (c.field()) {
                case NAME -> equalOnly(c, nameColumn + " = " + value(fold((String) c.value())));
                // Nextcloud's type of a folder; folders have none of their own here.
                case CONTENT_TYPE -> equalOnly(c, c.value().equals("httpd/unix-directory") ? "n.folder = " + value(true)
                        : "n.content_type = " + value(c.value()));
                case MTIME -> seconds("n.mtime", c);
                case CREATED -> seconds("n.created_at", c);
                case SIZE -> "n.size " + operator(c.op()) + " " + value(c.value());
                case ID -> "n.id " + operator(c.op()) + " " + value(c.value());
            };
        }

        private static String equalOnly(NodeQuery.Compare c, String sql) {
            if (c.op() != NodeQuery.Op.EQ) {
                throw new IllegalArgumentException("only equality on " + c.field());
            }
            return sql;
        }

        /** A time column in milliseconds against whole seconds, as bounds an index can use. */
        private String seconds(String column, NodeQuery.Compare c) {
            long s = (Long) c.value();
            long from = Math.multiplyExact(s, 1000);
            long next = Math.multiplyExact(s + 1, 1000);
            return switch (c.op()) {
                case EQ -> column + " >= " + value(from) + " AND " + column + " < " + value(next);
                case GT -> column + " >= " + value(next);
                case GTE -> column + " >= " + value(from);
                case LT -> column + " < " + value(from);
                case LTE -> column + " < " + value(next);
            };
        }

        private static String operator(NodeQuery.Op op) {
            return switch (op) {
                case EQ -> "=";
                case LT -> "<";
                case LTE -> "<=";
                case GT -> ">";
                case GTE -> ">=";
            };
        }
    }

    /**
     * An RFC 5323 LIKE pattern ({@code %}, {@code _}, {@code \} escaping) as a SQL one escaped
     * with '!', folded like names when it is for names.
     */
    static String likePattern(String pattern, boolean folded) {
        StringBuilder p = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\' && i + 1 < pattern.length()) {
                literal.append(pattern.charAt(++i));
            } else if (c == '%' || c == '_') {
                appendLiteral(p, literal, folded);
                p.append(c);
            } else {
                literal.append(c);
            }
        }
        appendLiteral(p, literal, folded);
        return p.toString();
    }

    /** A run of literal characters, folded as a whole (so accents combine first), LIKE's wildcards escaped. */
    private static void appendLiteral(StringBuilder p, StringBuilder literal, boolean folded) {
        String text = folded ? fold(literal.toString()) : literal.toString();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%' || c == '_' || c == '!') {
                p.append('!');
            }
            p.append(c);
        }
        literal.setLength(0);
    }

    /** Folds the names of rows written before search existed, a batch at a time; returns how many. */
    public int backfill(Handle h, int batch) {
        record Row(long id, String name) {
        }
        List<Row> rows = h.createQuery("SELECT id, name FROM files_nodes WHERE search_name IS NULL LIMIT :n").bind("n", batch)
                .map((rs, ctx) -> new Row(rs.getLong(1), rs.getString(2))).list();
        for (Row r : rows) {
            h.createUpdate("UPDATE files_nodes SET search_name = :s WHERE id = :id").bind("s", fold(r.name())).bind("id", r.id())
                    .execute();
        }
        return rows.size();
    }
}
