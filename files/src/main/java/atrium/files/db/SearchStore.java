package atrium.files.db;

import atrium.files.Node;
import atrium.identity.AccountId;
import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;

/**
 * Search by name over an owner's whole tree and the shares they received. Names are matched on {@code search_name}, the
 * name {@linkplain #fold folded} by the application when it is written, so "Ete" finds
 * "Été.pdf" on SQLite and PostgreSQL alike.
 */
public final class SearchStore {
    private static final Pattern MARKS = Pattern.compile("\\p{M}+");
    private final FileStore nodes;

    public SearchStore(FileStore nodes) {
        this.nodes = nodes;
    }

    /** What a person would call the same name: compatibility decomposition, no accents, lower case. */
    public static String fold(String name) {
        String decomposed = Normalizer.normalize(name, Normalizer.Form.NFKD);
        return MARKS.matcher(decomposed).replaceAll("").toLowerCase(Locale.ROOT);
    }

    /** The LIKE pattern for names containing the folded query, with LIKE's wildcards escaped ('!' escapes). */
    static String containsPattern(String query) {
        String folded = fold(query);
        StringBuilder p = new StringBuilder("%");
        for (int i = 0; i < folded.length(); i++) {
            char c = folded.charAt(i);
            if (c == '%' || c == '_' || c == '!') {
                p.append('!');
            }
            p.append(c);
        }
        return p.append('%').toString();
    }

    /** A node found, in the scope below {@code top}, with its folder's path relative to that top ("" for the top itself). */
    public record ScopedHit(Node node, long top, String folderPath) {
    }

    /*
     * The index on (owner_id, search_name) narrows the scan to the owners' rows and answers the
     * LIKE from the index entries. A match counts only when walking up its parents reaches one of
     * the tops — the caller's own root, or the node of a share they received — and the walk stops
     * at the first top it reaches, so nothing of an owner outside what is shared is ever found, a
     * trashed subtree (whose top has no parent) is not either, and a share inside another share
     * of the same owner lists its content once. The walk builds the folder path on the way, so a
     * page of results costs one query. The tops themselves are never matches here: the caller's
     * root has no name, and a share's node is seen under its mount name, which the caller matches.
     */
    private static final String SEARCH = """
            WITH RECURSIVE up(match_id, id, parent_id, path) AS (
                SELECT id, id, parent_id, CAST('' AS TEXT) FROM files_nodes
                 WHERE owner_id IN (<owners>) AND search_name LIKE :pattern ESCAPE '!' AND parent_id IS NOT NULL
                   AND id NOT IN (<tops>)
                UNION ALL
                SELECT u.match_id, p.id, p.parent_id,
                       CASE WHEN p.id IN (<tops>) THEN u.path ELSE CAST('/' || p.name || u.path AS TEXT) END
                  FROM up u JOIN files_nodes p ON p.id = u.parent_id
                 WHERE u.id NOT IN (<tops>))
            SELECT %s, u.id AS top_id, u.path AS folder_path FROM up u JOIN files_nodes n ON n.id = u.match_id
             WHERE u.id IN (<tops>)
             ORDER BY n.search_name, n.name, n.id
             LIMIT :limit OFFSET :offset""".formatted(FileStore.NODE_COLUMNS);

    /** The live nodes below the tops (folders of the given owners) whose name contains the query, by folded name. */
    public List<ScopedHit> search(Handle h, List<AccountId> owners, List<Long> tops, String query, int offset, int limit) {
        return h.createQuery(SEARCH).bindList("owners", owners.stream().map(AccountId::value).toList())
                .bindList("tops", tops).bind("pattern", containsPattern(query))
                .bind("limit", limit).bind("offset", offset)
                .map((rs, ctx) -> new ScopedHit(nodes.map(rs), rs.getLong("top_id"), rs.getString("folder_path"))).list();
    }

    /** Whether a name contains the query, as {@link #search} compares them. */
    public static boolean contains(String name, String query) {
        return fold(name).contains(fold(query));
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
