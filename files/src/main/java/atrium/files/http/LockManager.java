package atrium.files.http;

import atrium.core.Msg;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The WebDAV write locks (RFC 4918 sections 6, 7 and 9.10), in memory, keyed by a path the
 * caller chooses (say {@code /alice/Docs/a.txt}). Locks are on URLs, not on content: a
 * lock may be taken on an unmapped URL (section 7.3, the caller then creates an empty
 * resource), a MOVE drops the locks of the source (section 7.7) and a COPY copies none.
 *
 * <p>Expired locks disappear by themselves: every call first drops those whose time has
 * come on the injected clock. Every operation is a few map look-ups under one
 * {@link ReentrantLock}; nothing slow runs while it is held.
 *
 * <p>Paths are normalised: they must start with "/", and a trailing "/" is ignored.
 */
public final class LockManager {
    /** The outcome of a LOCK request for a new lock. */
    public sealed interface LockResult permits Granted, Conflict {
    }

    public record Granted(DavLock lock) implements LockResult {
    }

    /**
     * The lock would overlap locks it is not compatible with (section 9.10.5): answer 423
     * with {@code <d:no-conflicting-lock>} naming their roots, or a 207 naming the member
     * that failed when the conflict is below the request URI (section 9.10.9).
     */
    public record Conflict(List<DavLock> conflicting) implements LockResult {
        public Conflict {
            conflicting = List.copyOf(conflicting);
        }
    }

    private static final Comparator<DavLock> ORDER = Comparator.comparing(DavLock::path)
            .thenComparing(DavLock::created).thenComparing(DavLock::token);

    private final Clock clock;
    private final Duration maxTimeout;
    private final ReentrantLock mutex = new ReentrantLock();
    private final TreeMap<String, List<DavLock>> byPath = new TreeMap<>();
    private final Map<String, DavLock> byToken = new HashMap<>();
    private Instant nextExpiry = Instant.MAX;

    /**
     * @param maxTimeout the longest a lock may live without a refresh; an Infinite or
     *                   missing Timeout header gets this
     */
    public LockManager(Clock clock, Duration maxTimeout) {
        if (maxTimeout.isNegative() || maxTimeout.isZero()) {
            throw new IllegalArgumentException("maxTimeout must be positive");
        }
        this.clock = clock;
        this.maxTimeout = maxTimeout;
    }

    public Duration maxTimeout() {
        return maxTimeout;
    }

    /**
     * The timeout to grant for a Timeout header (section 10.7), e.g. {@code Second-600} or
     * {@code Infinite, Second-4100000000}: the first value understood, capped at the
     * maximum and at least one second. Infinite, an empty header or one with nothing
     * understood gives the maximum (a server may ignore the header).
     */
    public Duration timeout(String header) {
        for (String part : header.split(",")) {
            String value = part.strip();
            if (value.equalsIgnoreCase("Infinite")) {
                return maxTimeout;
            }
            if (value.regionMatches(true, 0, "Second-", 0, 7) && value.length() > 7) {
                String digits = value.substring(7);
                if (digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    long seconds = digits.length() > 18 ? Long.MAX_VALUE : Long.parseLong(digits);
                    if (seconds >= maxTimeout.toSeconds()) {
                        return maxTimeout;
                    }
                    return Duration.ofSeconds(Math.max(1, seconds));
                }
            }
        }
        return maxTimeout;
    }

    /**
     * Takes a new lock on {@code path}, which need not exist.
     *
     * @param depth ZERO or INFINITY (section 9.10.3); for a plain file both mean the same
     * @throws DavException 400 for depth 1
     */
    public LockResult lock(String path, LockInfo info, Depth depth, Duration timeout, String principal) {
        if (depth == Depth.ONE) {
            throw new DavException(400, Msg.of("files.dav.lock-depth-one"));
        }
        String key = normalise(path);
        Duration granted = clamp(timeout);
        mutex.lock();
        try {
            Instant now = purge();
            List<DavLock> conflicting = new ArrayList<>();
            for (DavLock other : covering(key)) {
                if (!info.scope().compatibleWith(other.scope())) {
                    conflicting.add(other);
                }
            }
            if (depth == Depth.INFINITY) {
                for (DavLock other : below(key)) {
                    if (!info.scope().compatibleWith(other.scope())) {
                        conflicting.add(other);
                    }
                }
            }
            if (!conflicting.isEmpty()) {
                return new Conflict(conflicting);
            }
            DavLock lock = new DavLock("urn:uuid:" + UUID.randomUUID(), key, info.scope(), depth, info.owner(),
                    principal, now, now.plus(granted), granted);
            add(lock);
            return new Granted(lock);
        } finally {
            mutex.unlock();
        }
    }

    /**
     * Refreshes the locks that apply to {@code path} whose tokens were submitted by the
     * principal who took them (a LOCK with an If header and no body, section 9.10.2). The
     * lock may be rooted at an ancestor: refreshing through a member is allowed.
     *
     * @return the refreshed locks; empty means the caller answers 412
     */
    public List<DavLock> refresh(String path, Collection<String> tokens, Duration timeout, String principal) {
        String key = normalise(path);
        Duration granted = clamp(timeout);
        mutex.lock();
        try {
            Instant now = purge();
            List<DavLock> refreshed = new ArrayList<>();
            for (DavLock lock : covering(key)) {
                if (tokens.contains(lock.token()) && lock.principal().equals(principal)) {
                    DavLock renewed = new DavLock(lock.token(), lock.path(), lock.scope(), lock.depth(), lock.owner(),
                            lock.principal(), lock.created(), now.plus(granted), granted);
                    remove(lock);
                    add(renewed);
                    refreshed.add(renewed);
                }
            }
            return refreshed;
        } finally {
            mutex.unlock();
        }
    }

    /**
     * Removes the lock with {@code token} if it applies to {@code path} (section 9.11).
     *
     * @return the removed lock; empty when no such lock applies there, which the caller
     *         answers with 409 and {@code <d:lock-token-matches-request-uri/>}
     */
    public Optional<DavLock> unlock(String path, String token) {
        String key = normalise(path);
        mutex.lock();
        try {
            purge();
            DavLock lock = byToken.get(token);
            if (lock == null || !lock.covers(key)) {
                return Optional.empty();
            }
            remove(lock);
            return Optional.of(lock);
        } finally {
            mutex.unlock();
        }
    }

    /** The active lock with this token, e.g. to check who may UNLOCK it. */
    public Optional<DavLock> find(String token) {
        mutex.lock();
        try {
            purge();
            return Optional.ofNullable(byToken.get(token));
        } finally {
            mutex.unlock();
        }
    }

    /**
     * The locks that apply to {@code path}: rooted at it, or at an ancestor with depth
     * infinity; ancestors first. This is what {@code d:lockdiscovery} lists.
     */
    public List<DavLock> locksCovering(String path) {
        String key = normalise(path);
        mutex.lock();
        try {
            purge();
            return covering(key);
        } finally {
            mutex.unlock();
        }
    }

    /** The locks rooted strictly below {@code path}, in path order: what a DELETE or MOVE of it would break. */
    public List<DavLock> locksBelow(String path) {
        String key = normalise(path);
        mutex.lock();
        try {
            purge();
            return below(key);
        } finally {
            mutex.unlock();
        }
    }

    /**
     * The locks that forbid {@code principal} to modify {@code path} with these tokens
     * (sections 7.4 and 6.4): an exclusive lock whose token is missing, or all the shared
     * locks when the token of none of them is there. A token counts only when submitted by
     * the principal who took the lock. Adding or removing a member also modifies the
     * parent collection: the caller checks the parent too.
     *
     * @return empty when the write may proceed; otherwise answer 423 with
     *         {@code <d:lock-token-submitted>} naming the roots of these locks
     */
    public List<DavLock> unsatisfied(String path, Collection<String> tokens, String principal) {
        String key = normalise(path);
        mutex.lock();
        try {
            purge();
            return unmet(covering(key), tokens, principal);
        } finally {
            mutex.unlock();
        }
    }

    /**
     * As {@link #unsatisfied}, for an operation on the whole tree at {@code path} (DELETE,
     * MOVE of a collection, or a COPY over it): the locks on it and every lock below it
     * must each be satisfied, one locked member at a time.
     */
    public List<DavLock> unsatisfiedInTree(String path, Collection<String> tokens, String principal) {
        String key = normalise(path);
        mutex.lock();
        try {
            purge();
            List<DavLock> unmet = new ArrayList<>(unmet(covering(key), tokens, principal));
            Map<String, List<DavLock>> members = new TreeMap<>();
            for (DavLock lock : below(key)) {
                members.computeIfAbsent(lock.path(), p -> new ArrayList<>()).add(lock);
            }
            for (List<DavLock> locks : members.values()) {
                unmet.addAll(unmet(locks, tokens, principal));
            }
            return unmet;
        } finally {
            mutex.unlock();
        }
    }

    /** Shorthand for {@code unsatisfied(path, tokens, principal).isEmpty()}. */
    public boolean canWrite(String path, Collection<String> tokens, String principal) {
        return unsatisfied(path, tokens, principal).isEmpty();
    }

    /** After a DELETE: the locks rooted at {@code path} or below it are gone. */
    public void deleted(String path) {
        String key = normalise(path);
        mutex.lock();
        try {
            purge();
            removeTree(key);
        } finally {
            mutex.unlock();
        }
    }

    /**
     * After a MOVE: the locks of the source tree do not move with it (section 7.7) and are
     * dropped. Locks at the destination stay: the moved resource joins their scope.
     */
    public void moved(String from, String to) {
        String source = normalise(from);
        normalise(to);
        mutex.lock();
        try {
            purge();
            removeTree(source);
        } finally {
            mutex.unlock();
        }
    }

    /** Every active lock, in path order, for the admin console. */
    public List<DavLock> activeLocks() {
        mutex.lock();
        try {
            purge();
            List<DavLock> all = new ArrayList<>(byToken.values());
            all.sort(ORDER);
            return all;
        } finally {
            mutex.unlock();
        }
    }

    /** Removes a lock whoever holds it (an administrator's action). */
    public Optional<DavLock> breakLock(String token) {
        mutex.lock();
        try {
            purge();
            DavLock lock = byToken.get(token);
            if (lock != null) {
                remove(lock);
            }
            return Optional.ofNullable(lock);
        } finally {
            mutex.unlock();
        }
    }

    /** A path as the lock table keys it: leading "/", no trailing "/" except for the root. */
    public static String normalise(String path) {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("lock paths start with /: " + path);
        }
        String key = path;
        while (key.length() > 1 && key.endsWith("/")) {
            key = key.substring(0, key.length() - 1);
        }
        return key;
    }

    /** True when {@code path} is strictly below {@code ancestor}; both normalised. */
    static boolean isBelow(String path, String ancestor) {
        if (ancestor.equals("/")) {
            return path.length() > 1;
        }
        return path.length() > ancestor.length() + 1 && path.startsWith(ancestor)
                && path.charAt(ancestor.length()) == '/';
    }

    // ---- Under the mutex ------------------------------------------------------------

    private Instant purge() {
        Instant now = clock.instant();
        if (now.isBefore(nextExpiry)) {
            return now;
        }
        Instant next = Instant.MAX;
        for (Iterator<DavLock> it = byToken.values().iterator(); it.hasNext(); ) {
            DavLock lock = it.next();
            if (now.isBefore(lock.expires())) {
                next = next.isBefore(lock.expires()) ? next : lock.expires();
            } else {
                it.remove();
                List<DavLock> onPath = byPath.get(lock.path());
                onPath.remove(lock);
                if (onPath.isEmpty()) {
                    byPath.remove(lock.path());
                }
            }
        }
        nextExpiry = next;
        return now;
    }

    private void add(DavLock lock) {
        byToken.put(lock.token(), lock);
        byPath.computeIfAbsent(lock.path(), p -> new ArrayList<>()).add(lock);
        if (lock.expires().isBefore(nextExpiry)) {
            nextExpiry = lock.expires();
        }
    }

    private void remove(DavLock lock) {
        byToken.remove(lock.token());
        List<DavLock> onPath = byPath.get(lock.path());
        if (onPath != null) {
            onPath.remove(lock);
            if (onPath.isEmpty()) {
                byPath.remove(lock.path());
            }
        }
    }

    private void removeTree(String key) {
        List<DavLock> doomed = new ArrayList<>(below(key));
        doomed.addAll(byPath.getOrDefault(key, List.of()));
        for (DavLock lock : doomed) {
            remove(lock);
        }
    }

    private List<DavLock> covering(String key) {
        List<String> chain = new ArrayList<>();
        for (String p = key; ; p = parentOf(p)) {
            chain.add(p);
            if (p.equals("/")) {
                break;
            }
        }
        List<DavLock> found = new ArrayList<>();
        for (int i = chain.size() - 1; i >= 0; i--) {
            for (DavLock lock : byPath.getOrDefault(chain.get(i), List.of())) {
                if (i == 0 || lock.depth() == Depth.INFINITY) {
                    found.add(lock);
                }
            }
        }
        return found;
    }

    private List<DavLock> below(String key) {
        Map<String, List<DavLock>> range = key.equals("/")
                ? byPath.tailMap("/", false)
                : byPath.subMap(key + "/", true, key + "0", false); // '0' follows '/' in ASCII
        List<DavLock> found = new ArrayList<>();
        for (List<DavLock> locks : range.values()) {
            found.addAll(locks);
        }
        return found;
    }

    private static List<DavLock> unmet(List<DavLock> locks, Collection<String> tokens, String principal) {
        List<DavLock> unmet = new ArrayList<>();
        List<DavLock> shared = new ArrayList<>();
        boolean sharedHeld = false;
        for (DavLock lock : locks) {
            boolean held = tokens.contains(lock.token()) && lock.principal().equals(principal);
            if (lock.scope() == LockScope.EXCLUSIVE) {
                if (!held) {
                    unmet.add(lock);
                }
            } else {
                shared.add(lock);
                sharedHeld |= held;
            }
        }
        if (!sharedHeld) {
            unmet.addAll(shared);
        }
        return unmet;
    }

    private Duration clamp(Duration timeout) {
        if (timeout.compareTo(maxTimeout) > 0) {
            return maxTimeout;
        }
        return timeout.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : timeout;
    }

    private static String parentOf(String key) {
        int slash = key.lastIndexOf('/');
        return slash <= 0 ? "/" : key.substring(0, slash);
    }
}
