package atrium.files;

import atrium.core.AtriumException;
import atrium.core.Msg;
import atrium.core.db.Database;
import atrium.files.db.FileStore;
import atrium.files.db.SearchStore;
import atrium.identity.AccountId;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * Search by name in a user's whole tree (not the trash), case- and accent-insensitive, a page
 * at a time; and the DAV SEARCH of the Nextcloud clients ({@link NodeQuery}).
 */
public final class FileSearch {
    public static final int MAX_QUERY = 200;
    public static final int MAX_PAGE = 200;

    /** One page: the hits, and whether there are more after it. */
    public record Page(List<SearchStore.Hit> hits, boolean more) {
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

    /** A page of hits; offset ≥ 0 and 1 ≤ limit ≤ {@link #MAX_PAGE} (the caller checks). */
    public Page search(AccountId owner, String query, int offset, int limit) {
        String q = query.strip();
        if (q.isEmpty()) {
            throw AtriumException.Invalid.field("q", Msg.of("files.search.empty"));
        }
        if (q.length() > MAX_QUERY) {
            throw AtriumException.Invalid.field("q", Msg.of("files.search.too-long", MAX_QUERY));
        }
        // One more than asked: whether it comes back says if there is a next page.
        List<SearchStore.Hit> hits = jdbi.withHandle(h -> store.search(h, owner, q, offset, limit + 1));
        return hits.size() > limit ? new Page(hits.subList(0, limit), true) : new Page(hits, false);
    }

    /** The page of the owner's live nodes below the query's scope that match it, in its order. */
    public List<SearchStore.Hit> find(AccountId owner, NodeQuery query) {
        return jdbi.withHandle(h -> store.find(h, owner, query));
    }
}
