package atrium.identity;

import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * App passwords that were verified a moment ago, with their account, so that a sync
 * client's stream of HTTP Basic requests does not cost four queries each. Keyed by the
 * SHA-256 of the secret (the secret itself is not kept); an entry lives {@link #TTL_MS}
 * at most, and every entry goes on a revocation or any change to an account, so a revoked
 * password or a disabled account is refused at once on this node (within the TTL on other
 * nodes of a cluster).
 */
public final class AppPasswordCache {
    static final long TTL_MS = 10_000;
    private static final int MAX_ENTRIES = 10_000;

    record Entry(AppPassword appPassword, Account account, long until) {
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    /** Moves on every {@link #clear}, so a verification that raced with it is not kept. */
    private final AtomicLong generation = new AtomicLong();
    private final Clock clock;

    public AppPasswordCache(Clock clock) {
        this.clock = clock;
    }

    Optional<Entry> get(String tokenHash) {
        Entry e = entries.get(tokenHash);
        if (e == null) {
            return Optional.empty();
        }
        if (clock.millis() >= e.until()) {
            entries.remove(tokenHash, e);
            return Optional.empty();
        }
        return Optional.of(e);
    }

    /** The generation to pass to {@link #put}, read before the database is asked. */
    long generation() {
        return generation.get();
    }

    void put(String tokenHash, AppPassword appPassword, Account account, long generationBefore) {
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear();
        }
        Entry e = new Entry(appPassword, account, clock.millis() + TTL_MS);
        entries.put(tokenHash, e);
        // A clear() since the database answered may have missed this entry: take it back.
        if (generation.get() != generationBefore) {
            entries.remove(tokenHash, e);
        }
    }

    /** Forgets everything: after a revocation or a change to an account. */
    public void clear() {
        generation.incrementAndGet();
        entries.clear();
    }
}
