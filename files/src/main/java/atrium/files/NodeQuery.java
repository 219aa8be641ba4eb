package atrium.files;

import atrium.identity.AccountId;
import java.util.List;

/**
 * A search over live files below folders, as a DAV SEARCH (RFC 5323 basicsearch) asks for it:
 * a condition, an order and a page. {@link atrium.files.db.SearchStore#find} turns it into one
 * SQL query.
 *
 * @param tops        the folders searched (live folders: the scope, or at a caller's root their
 *                    root and the nodes of the shares they received); never hits themselves
 * @param mountPoints shares received seen at the caller's root, matched themselves under
 *                    their mount name (a scope at the caller's root; else none)
 * @param deep        the tops' whole subtrees (depth infinity), else their children only (depth 1)
 * @param offset results skipped (Nextcloud's firstresult)
 * @param limit  results returned at most
 */
public record NodeQuery(List<Node> tops, List<MountPoint> mountPoints, boolean deep, Condition where, List<Order> order,
                        int offset, int limit) {
    public NodeQuery {
        tops = List.copyOf(tops);
        mountPoints = List.copyOf(mountPoints);
        order = List.copyOf(order);
    }

    /** The node of a share received, as its recipient sees it at their root. */
    public record MountPoint(Node node, String name) {
    }

    /** The columns a condition or an order may name. Times are compared to the second, as Nextcloud does. */
    public enum Field {
        /** The name, compared accent- and case-insensitively like the console's search. */
        NAME,
        CONTENT_TYPE,
        /** Modification time, in seconds since the epoch. */
        MTIME,
        /** Creation time, in seconds since the epoch. */
        CREATED,
        SIZE,
        ID
    }

    public enum Op {
        EQ, LT, LTE, GT, GTE
    }

    /** A where clause (RFC 5323 section 5.5). */
    public sealed interface Condition permits And, Or, Not, Compare, Like, IsFolder, Favorite, OwnedBy, Constant {
    }

    /** All of them; none is true. */
    public record And(List<Condition> all) implements Condition {
        public And {
            all = List.copyOf(all);
        }
    }

    /** Any of them; none is false. */
    public record Or(List<Condition> any) implements Condition {
        public Or {
            any = List.copyOf(any);
        }
    }

    public record Not(Condition condition) implements Condition {
    }

    /**
     * A field against a value: a {@code String} for {@link Field#NAME} and
     * {@link Field#CONTENT_TYPE} (equality only), a {@code Long} for the others.
     */
    public record Compare(Field field, Op op, Object value) implements Condition {
    }

    /**
     * A pattern in RFC 5323's form (section 5.15.1): {@code %} any run of characters,
     * {@code _} one character, {@code \} takes the next one as is. On NAME or CONTENT_TYPE.
     */
    public record Like(Field field, String pattern) implements Condition {
    }

    /** A folder (DAV:is-collection). */
    public record IsFolder() implements Condition {
    }

    /** Marked as a favourite ({@code oc:favorite} set to 1 by PROPPATCH), or not. */
    public record Favorite(boolean favorite) implements Condition {
    }

    /** Owned by that account (oc:owner-id): the caller's own, or what one owner shared with them. */
    public record OwnedBy(AccountId owner) implements Condition {
    }

    /** Decided without looking at the node (nc:is-encrypted; an oc:owner-id no hit can have). */
    public record Constant(boolean value) implements Condition {
    }

    public record Order(Field field, boolean descending) {
    }
}
