package atrium.files;

import atrium.core.AtriumException;
import atrium.core.Msg;
import atrium.core.db.Database;
import atrium.files.db.FileStore;
import atrium.files.db.SearchStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Search by name in a user's whole tree (not the trash) and in the shares they received,
 * case- and accent-insensitive, a page at a time; and the DAV SEARCH of the Nextcloud
 * clients ({@link NodeQuery}).
 */
public final class FileSearch {
    public static final int MAX_QUERY = 200;
    public static final int MAX_PAGE = 200;

    /**
     * Where a caller searches: below a folder — their own root (no mount name), or the node of a
     * share they received, seen at their root under its mount name.
     */
    public record Scope(Node top, Optional<String> mountName) {
    }

    /** A node found, as the caller sees it, with the path of its folder in the caller's namespace ("" for their root). */
    public record Hit(Node node, String folderPath) {
    }

    /** One page: the hits, and whether there are more after it. */
    public record Page(List<Hit> hits, boolean more) {
    }

    private final Jdbi jdbi;
    private final SearchStore store;

    public FileSearch(Database db) {
        this.jdbi = db.jdbi();
        this.store = new SearchStore(new FileStore(db.dialect()));
    }

    /** Folds the names of rows written before search existed; run once at start. */
    public int backfill() {
        int total = 0;
        int done;
        do {
            done = jdbi.inTransaction(h -> store.backfill(h, 1000));
            total += done;
        } while (done > 0);
        return total;
    }

    /**
     * A page of hits in the scopes; offset ≥ 0 and 1 ≤ limit ≤ {@link #MAX_PAGE} (the caller
     * checks). The mount points whose name matches come first, then everything below the scopes.
     */
    public Page search(List<Scope> scopes, String query, int offset, int limit) {
        String q = query.strip();
        if (q.isEmpty()) {
            throw AtriumException.Invalid.field("q", Msg.of("files.search.empty"));
        }
        if (q.length() > MAX_QUERY) {
            throw AtriumException.Invalid.field("q", Msg.of("files.search.too-long", MAX_QUERY));
        }
        List<Hit> mountPoints = scopes.stream().filter(s -> s.mountName().filter(n -> SearchStore.contains(n, q)).isPresent())
                .map(s -> new Hit(s.top().named(s.mountName().orElseThrow()), ""))
                .sorted(Comparator.comparing((Hit h) -> SearchStore.fold(h.node().name())).thenComparing(h -> h.node().name()))
                .toList();
        // One more than asked: whether it comes back says if there is a next page.
        List<Hit> hits = new ArrayList<>(mountPoints.subList(Math.min(offset, mountPoints.size()),
                Math.min(offset + limit + 1, mountPoints.size())));
        int wanted = limit + 1 - hits.size();
        if (wanted > 0) {
            Map<Long, String> prefixes = new HashMap<>();
            scopes.forEach(s -> prefixes.put(s.top().id().value(), s.mountName().map(n -> "/" + n).orElse("")));
            List<Node> tops = scopes.stream().map(Scope::top).toList();
            int below = Math.max(0, offset - mountPoints.size());
            jdbi.withHandle(h -> store.search(h, tops, q, below, wanted)).forEach(
                    found -> hits.add(new Hit(found.node(), prefixes.get(found.top()) + found.folderPath())));
        }
        return hits.size() > limit ? new Page(hits.subList(0, limit), true) : new Page(hits, false);
    }

    /**
     * The page of live nodes below the query's tops, and of its mount points, that match it, in
     * its order; a hit whose node is its top is a mount point, named as its recipient sees it.
     */
    public List<SearchStore.Hit> find(NodeQuery query) {
        return jdbi.withHandle(h -> store.find(h, query));
    }
}
