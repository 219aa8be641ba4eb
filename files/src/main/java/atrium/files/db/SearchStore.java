package atrium.files.db;

import atrium.files.Node;
import atrium.identity.AccountId;
import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;

/**
 * Search by name over an owner's whole tree. Names are matched on {@code search_name}, the
 * name {@linkplain #fold folded} by the application when it is written, so "Ete" finds
 * "Été.pdf" on SQLite and PostgreSQL alike.
 */
public final class SearchStore {
    private static final Pattern MARKS = Pattern.compile("\\p{M}+");
    private final FileStore nodes;

    public SearchStore(FileStore nodes) {
        this.nodes = nodes;
    }

    /** A node found, with the path of the folder it is in ("" for the owner's root). */
    public record Hit(Node node, String folderPath) {
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

    /*
     * The index on (owner_id, search_name) narrows the scan to the owner's rows and answers the
     * LIKE from the index entries; a match counts only when walking up its parents reaches the
     * owner's live root (a trashed subtree keeps its rows but its top has trashed_at set). The
     * walk builds the folder path on the way, so a page of results costs one query.
     */
    private static final String SEARCH = """
            WITH RECURSIVE up(match_id, id, parent_id, trashed, path) AS (
                SELECT id, id, parent_id, trashed_at, CAST('' AS TEXT) FROM files_nodes
                 WHERE owner_id = :owner AND search_name LIKE :pattern ESCAPE '!' AND parent_id IS NOT NULL
                UNION ALL
                SELECT u.match_id, p.id, p.parent_id, p.trashed_at,
                       CASE WHEN p.parent_id IS NULL THEN u.path ELSE CAST('/' || p.name || u.path AS TEXT) END
                  FROM up u JOIN files_nodes p ON p.id = u.parent_id)
            SELECT %s, u.path AS folder_path FROM up u JOIN files_nodes n ON n.id = u.match_id
             WHERE u.parent_id IS NULL AND u.trashed IS NULL
             ORDER BY n.search_name, n.name, n.id
             LIMIT :limit OFFSET :offset""".formatted(FileStore.NODE_COLUMNS);

    /** The owner's live nodes whose name contains the query, by folded name. */
    public List<Hit> search(Handle h, AccountId owner, String query, int offset, int limit) {
        return h.createQuery(SEARCH).bind("owner", owner.value()).bind("pattern", containsPattern(query))
                .bind("limit", limit).bind("offset", offset)
                .map((rs, ctx) -> new Hit(nodes.map(rs), rs.getString("folder_path"))).list();
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
