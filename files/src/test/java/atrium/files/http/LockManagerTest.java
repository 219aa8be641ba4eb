package atrium.files.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import atrium.files.http.LockManager.Conflict;
import atrium.files.http.LockManager.Granted;
import atrium.files.http.LockManager.LockResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class LockManagerTest {
    private static final LockInfo EXCLUSIVE = new LockInfo(LockScope.EXCLUSIVE, Optional.of("litmus test suite"));
    private static final LockInfo SHARED = new LockInfo(LockScope.SHARED, Optional.empty());
    private static final Duration HOUR = Duration.ofHours(1);

    /** A clock the test moves by hand. */
    private static final class TestClock extends Clock {
        private Instant now = Instant.parse("2024-03-05T10:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    private final TestClock clock = new TestClock();
    private final LockManager locks = new LockManager(clock, HOUR);

    private DavLock granted(LockResult result) {
        assertThat(result).isInstanceOf(Granted.class);
        return ((Granted) result).lock();
    }

    private DavLock lock(String path, LockInfo info, Depth depth, String principal) {
        return granted(locks.lock(path, info, depth, Duration.ofMinutes(10), principal));
    }

    // ---- Taking locks --------------------------------------------------------------------

    @Test
    void an_exclusive_lock_is_granted_with_a_uuid_token_and_applies_to_its_path() {
        DavLock lock = lock("/alice/Docs/a.txt", EXCLUSIVE, Depth.ZERO, "alice");
        assertThat(lock.token()).matches("urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(lock.path()).isEqualTo("/alice/Docs/a.txt");
        assertThat(lock.owner()).contains("litmus test suite");
        assertThat(lock.principal()).isEqualTo("alice");
        assertThat(lock.created()).isEqualTo(clock.instant());
        assertThat(lock.expires()).isEqualTo(clock.instant().plus(Duration.ofMinutes(10)));
        assertThat(locks.locksCovering("/alice/Docs/a.txt")).containsExactly(lock);
        assertThat(locks.locksCovering("/alice/Docs/b.txt")).isEmpty();
        assertThat(locks.find(lock.token())).contains(lock);
    }

    @Test
    void tokens_are_unique() {
        Set<String> tokens = new java.util.HashSet<>();
        for (int i = 0; i < 100; i++) {
            tokens.add(lock("/f" + i, SHARED, Depth.ZERO, "alice").token());
        }
        assertThat(tokens).hasSize(100);
    }

    @Test
    void a_second_exclusive_lock_or_a_shared_one_on_an_exclusively_locked_path_conflicts() {
        DavLock first = lock("/res", EXCLUSIVE, Depth.ZERO, "alice");
        assertThat(locks.lock("/res", EXCLUSIVE, Depth.ZERO, HOUR, "alice")).isEqualTo(new Conflict(List.of(first)));
        assertThat(locks.lock("/res", SHARED, Depth.ZERO, HOUR, "bob")).isEqualTo(new Conflict(List.of(first)));
    }

    @Test
    void shared_locks_coexist_but_exclude_an_exclusive_one_as_litmus_double_sharedlock_checks() {
        DavLock one = lock("/res", SHARED, Depth.ZERO, "alice");
        DavLock two = lock("/res", SHARED, Depth.ZERO, "alice");
        assertThat(locks.locksCovering("/res")).containsExactly(one, two);
        assertThat(locks.lock("/res", EXCLUSIVE, Depth.ZERO, HOUR, "alice")).isEqualTo(new Conflict(List.of(one, two)));
        assertThat(locks.unlock("/res", two.token())).contains(two);
        assertThat(locks.locksCovering("/res")).containsExactly(one);
    }

    @Test
    void a_depth_infinity_lock_on_a_folder_covers_everything_below_it() {
        DavLock folder = lock("/alice/Docs", EXCLUSIVE, Depth.INFINITY, "alice");
        assertThat(locks.locksCovering("/alice/Docs/a.txt")).containsExactly(folder);
        assertThat(locks.locksCovering("/alice/Docs/sub/deep/b.txt")).containsExactly(folder);
        assertThat(locks.locksCovering("/alice/Docs")).containsExactly(folder);
        assertThat(locks.locksCovering("/alice/Docsx")).isEmpty();
        assertThat(locks.locksCovering("/alice")).isEmpty();
        assertThat(locks.lock("/alice/Docs/a.txt", SHARED, Depth.ZERO, HOUR, "bob")).isEqualTo(new Conflict(List.of(folder)));
        assertThat(folder.covers("/alice/Docs/x")).isTrue();
        assertThat(folder.covers("/alice/Docs2")).isFalse();
    }

    @Test
    void a_depth_zero_lock_on_a_folder_covers_the_folder_only() {
        DavLock folder = lock("/alice/Docs", EXCLUSIVE, Depth.ZERO, "alice");
        assertThat(locks.locksCovering("/alice/Docs/a.txt")).isEmpty();
        lock("/alice/Docs/a.txt", EXCLUSIVE, Depth.ZERO, "bob");
        assertThat(locks.locksCovering("/alice/Docs")).containsExactly(folder);
    }

    @Test
    void a_depth_infinity_lock_conflicts_with_a_lock_below_it() {
        DavLock member = lock("/alice/Docs/sub/a.txt", EXCLUSIVE, Depth.ZERO, "bob");
        LockResult result = locks.lock("/alice/Docs", SHARED, Depth.INFINITY, HOUR, "alice");
        assertThat(result).isEqualTo(new Conflict(List.of(member)));
        assertThat(locks.lock("/alice/Docs", SHARED, Depth.ZERO, HOUR, "alice")).isInstanceOf(Granted.class);
    }

    @Test
    void shared_depth_infinity_locks_nest_with_shared_locks_below() {
        lock("/a/b", SHARED, Depth.ZERO, "bob");
        DavLock top = lock("/a", SHARED, Depth.INFINITY, "alice");
        assertThat(locks.locksCovering("/a/b")).hasSize(2).first().isEqualTo(top);
    }

    @Test
    void the_root_may_be_locked_and_covers_all() {
        DavLock root = lock("/", EXCLUSIVE, Depth.INFINITY, "admin");
        assertThat(locks.locksCovering("/anything/at/all")).containsExactly(root);
        assertThat(locks.locksCovering("/")).containsExactly(root);
        locks.deleted("/");
        assertThat(locks.activeLocks()).isEmpty();
    }

    @Test
    void an_unmapped_url_may_be_locked() {
        // Section 7.3: nothing here knows whether the resource exists; the caller creates it.
        DavLock lock = lock("/litmus/unmapped_url", EXCLUSIVE, Depth.ZERO, "alice");
        assertThat(locks.locksCovering("/litmus/unmapped_url")).containsExactly(lock);
    }

    @Test
    void a_trailing_slash_names_the_same_lock_path() {
        DavLock lock = lock("/litmus/lockcoll/", EXCLUSIVE, Depth.INFINITY, "alice");
        assertThat(lock.path()).isEqualTo("/litmus/lockcoll");
        assertThat(locks.locksCovering("/litmus/lockcoll")).containsExactly(lock);
        assertThat(locks.locksCovering("/litmus/lockcoll/lockme.txt")).containsExactly(lock);
    }

    @Test
    void a_depth_one_lock_is_a_400_and_a_relative_path_a_programming_error() {
        assertThatThrownBy(() -> locks.lock("/a", EXCLUSIVE, Depth.ONE, HOUR, "alice"))
                .isInstanceOfSatisfying(DavException.class, e -> assertThat(e.status()).isEqualTo(400));
        assertThatThrownBy(() -> locks.locksCovering("a/b")).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- Timeouts ------------------------------------------------------------------------

    @Test
    void the_timeout_header_is_honoured_up_to_the_maximum() {
        assertThat(locks.timeout("Second-600")).isEqualTo(Duration.ofSeconds(600));
        assertThat(locks.timeout("second-3600")).isEqualTo(HOUR);
        assertThat(locks.timeout("Second-3601")).isEqualTo(HOUR);
        assertThat(locks.timeout("Infinite, Second-4100000000")).isEqualTo(HOUR);
        assertThat(locks.timeout("Second-4100000000")).isEqualTo(HOUR);
        assertThat(locks.timeout("Second-99999999999999999999999")).isEqualTo(HOUR);
        assertThat(locks.timeout("Second-0")).isEqualTo(Duration.ofSeconds(1));
        assertThat(locks.timeout("Minutes-5, Second-120")).isEqualTo(Duration.ofSeconds(120));
        assertThat(locks.timeout("")).isEqualTo(HOUR);
        assertThat(locks.timeout("garbage")).isEqualTo(HOUR);
        assertThat(locks.timeout("Second-")).isEqualTo(HOUR);
        assertThat(locks.timeout("Second--5")).isEqualTo(HOUR);
        assertThat(locks.maxTimeout()).isEqualTo(HOUR);
    }

    @Test
    void a_requested_timeout_beyond_the_maximum_is_capped() {
        DavLock lock = granted(locks.lock("/a", EXCLUSIVE, Depth.ZERO, Duration.ofDays(7), "alice"));
        assertThat(lock.timeout()).isEqualTo(HOUR);
        assertThat(lock.expires()).isEqualTo(clock.instant().plus(HOUR));
    }

    @Test
    void an_expired_lock_vanishes_by_itself() {
        DavLock lock = lock("/a", EXCLUSIVE, Depth.ZERO, "alice");
        clock.advance(Duration.ofMinutes(10).minusMillis(1));
        assertThat(locks.locksCovering("/a")).containsExactly(lock);
        assertThat(lock.secondsLeft(clock.instant())).isEqualTo(1);
        clock.advance(Duration.ofMillis(1));
        assertThat(locks.locksCovering("/a")).isEmpty();
        assertThat(locks.find(lock.token())).isEmpty();
        assertThat(locks.activeLocks()).isEmpty();
        assertThat(locks.lock("/a", EXCLUSIVE, Depth.ZERO, HOUR, "bob")).isInstanceOf(Granted.class);
    }

    @Test
    void expiry_removes_only_the_locks_whose_time_has_come() {
        DavLock shortLived = granted(locks.lock("/a", SHARED, Depth.ZERO, Duration.ofMinutes(1), "alice"));
        DavLock longLived = granted(locks.lock("/a", SHARED, Depth.ZERO, Duration.ofMinutes(30), "bob"));
        clock.advance(Duration.ofMinutes(2));
        assertThat(locks.activeLocks()).containsExactly(longLived);
        assertThat(locks.unlock("/a", shortLived.token())).isEmpty();
    }

    // ---- Refresh and unlock --------------------------------------------------------------

    @Test
    void a_refresh_with_the_token_extends_the_lock() {
        DavLock lock = lock("/a", EXCLUSIVE, Depth.ZERO, "alice");
        clock.advance(Duration.ofMinutes(9));
        List<DavLock> refreshed = locks.refresh("/a", Set.of(lock.token()), Duration.ofMinutes(10), "alice");
        assertThat(refreshed).hasSize(1);
        DavLock renewed = refreshed.getFirst();
        assertThat(renewed.token()).isEqualTo(lock.token());
        assertThat(renewed.owner()).isEqualTo(lock.owner());
        assertThat(renewed.created()).isEqualTo(lock.created());
        assertThat(renewed.expires()).isEqualTo(clock.instant().plus(Duration.ofMinutes(10)));
        clock.advance(Duration.ofMinutes(5));
        assertThat(locks.locksCovering("/a")).containsExactly(renewed);
    }

    @Test
    void an_indirect_refresh_through_a_member_of_a_locked_collection_works() {
        DavLock coll = lock("/litmus/lockcoll", EXCLUSIVE, Depth.INFINITY, "alice");
        List<DavLock> refreshed = locks.refresh("/litmus/lockcoll/lockme.txt", Set.of(coll.token()), HOUR, "alice");
        assertThat(refreshed).extracting(DavLock::token).containsExactly(coll.token());
        assertThat(refreshed.getFirst().path()).isEqualTo("/litmus/lockcoll");
    }

    @Test
    void a_refresh_with_a_wrong_token_or_by_someone_else_refreshes_nothing() {
        DavLock lock = lock("/a", EXCLUSIVE, Depth.ZERO, "alice");
        assertThat(locks.refresh("/a", Set.of("urn:uuid:other"), HOUR, "alice")).isEmpty();
        assertThat(locks.refresh("/a", Set.of(lock.token()), HOUR, "bob")).isEmpty();
        assertThat(locks.refresh("/b", Set.of(lock.token()), HOUR, "alice")).isEmpty();
        assertThat(locks.find(lock.token()).orElseThrow().expires()).isEqualTo(lock.expires());
    }

    @Test
    void unlock_with_the_token_removes_the_lock() {
        DavLock lock = lock("/a", EXCLUSIVE, Depth.ZERO, "alice");
        assertThat(locks.unlock("/a/", lock.token())).contains(lock);
        assertThat(locks.locksCovering("/a")).isEmpty();
        assertThat(locks.unlock("/a", lock.token())).isEmpty();
    }

    @Test
    void unlock_with_a_bogus_token_removes_nothing_as_litmus_notowner_lock_checks() {
        DavLock lock = lock("/a", EXCLUSIVE, Depth.ZERO, "alice");
        assertThat(locks.unlock("/a", "opaquelocktoken:foobar")).isEmpty();
        assertThat(locks.locksCovering("/a")).containsExactly(lock);
    }

    @Test
    void unlock_through_a_path_the_lock_does_not_cover_removes_nothing() {
        DavLock lock = lock("/a", EXCLUSIVE, Depth.ZERO, "alice");
        assertThat(locks.unlock("/b", lock.token())).isEmpty();
        assertThat(locks.unlock("/a/child", lock.token())).isEmpty();
        DavLock deep = lock("/c", EXCLUSIVE, Depth.INFINITY, "alice");
        assertThat(locks.unlock("/c/child", deep.token())).contains(deep);
    }

    // ---- Writing under locks -------------------------------------------------------------

    @Test
    void a_write_to_an_exclusively_locked_resource_needs_its_token_from_its_creator() {
        DavLock lock = lock("/a", EXCLUSIVE, Depth.ZERO, "alice");
        assertThat(locks.canWrite("/a", Set.of(), "alice")).isFalse();
        assertThat(locks.unsatisfied("/a", Set.of(), "alice")).containsExactly(lock);
        assertThat(locks.canWrite("/a", Set.of("urn:uuid:wrong", "DAV:no-lock"), "alice")).isFalse();
        assertThat(locks.canWrite("/a", Set.of(lock.token()), "alice")).isTrue();
        assertThat(locks.canWrite("/a", Set.of(lock.token()), "bob")).as("section 6.4: the token is alice's").isFalse();
        assertThat(locks.canWrite("/b", Set.of(), "bob")).isTrue();
    }

    @Test
    void a_write_below_a_depth_infinity_lock_needs_the_collection_token() {
        DavLock coll = lock("/litmus/lockcoll", EXCLUSIVE, Depth.INFINITY, "alice");
        assertThat(locks.unsatisfied("/litmus/lockcoll/lockme.txt", Set.of(), "alice")).containsExactly(coll);
        assertThat(locks.canWrite("/litmus/lockcoll/lockme.txt", Set.of(coll.token()), "alice")).isTrue();
        assertThat(locks.canWrite("/litmus/lockcoll/new/file", Set.of(coll.token()), "alice")).isTrue();
    }

    @Test
    void a_write_to_a_resource_with_shared_locks_needs_the_token_of_one_of_them() {
        DavLock one = lock("/a", SHARED, Depth.ZERO, "alice");
        DavLock two = lock("/a", SHARED, Depth.ZERO, "bob");
        assertThat(locks.unsatisfied("/a", Set.of(), "alice")).containsExactly(one, two);
        assertThat(locks.canWrite("/a", Set.of(one.token()), "alice")).isTrue();
        assertThat(locks.canWrite("/a", Set.of(two.token()), "bob")).isTrue();
        assertThat(locks.canWrite("/a", Set.of(two.token()), "alice")).isFalse();
    }

    @Test
    void deleting_a_tree_needs_the_token_of_every_lock_inside_it() {
        DavLock x = lock("/coll/x", EXCLUSIVE, Depth.ZERO, "alice");
        DavLock y = lock("/coll/sub/y", EXCLUSIVE, Depth.ZERO, "alice");
        DavLock s1 = lock("/coll/z", SHARED, Depth.ZERO, "alice");
        DavLock s2 = lock("/coll/z", SHARED, Depth.ZERO, "alice");
        assertThat(locks.unsatisfied("/coll", Set.of(), "alice")).isEmpty();
        assertThat(locks.locksBelow("/coll")).containsExactly(y, x, s1, s2); // path order: "sub/y" < "x"
        assertThat(locks.unsatisfiedInTree("/coll", Set.of(x.token()), "alice")).containsExactly(y, s1, s2);
        assertThat(locks.unsatisfiedInTree("/coll", Set.of(x.token(), y.token(), s2.token()), "alice")).isEmpty();
        assertThat(locks.locksBelow("/col")).isEmpty();
        assertThat(locks.locksBelow("/coll/x")).isEmpty();
    }

    @Test
    void a_tree_under_a_locked_ancestor_needs_that_token_too() {
        DavLock top = lock("/top", EXCLUSIVE, Depth.INFINITY, "alice");
        assertThat(locks.unsatisfiedInTree("/top/coll", Set.of(), "alice")).containsExactly(top);
    }

    // ---- Moves, deletes, copies ----------------------------------------------------------

    @Test
    void a_delete_drops_the_locks_at_and_below_the_path_only() {
        DavLock coll = lock("/coll", EXCLUSIVE, Depth.ZERO, "alice");
        DavLock member = lock("/coll/a", EXCLUSIVE, Depth.ZERO, "alice");
        DavLock sibling = lock("/collection", EXCLUSIVE, Depth.ZERO, "alice");
        DavLock parent = lock("/", SHARED, Depth.ZERO, "alice");
        locks.deleted("/coll");
        assertThat(locks.activeLocks()).containsExactly(parent, sibling);
        assertThat(locks.find(coll.token())).isEmpty();
        assertThat(locks.find(member.token())).isEmpty();
    }

    @Test
    void a_move_drops_the_source_locks_and_keeps_those_at_the_destination() {
        DavLock source = lock("/src", EXCLUSIVE, Depth.INFINITY, "alice");
        DavLock inside = lock("/other/file", EXCLUSIVE, Depth.ZERO, "alice");
        DavLock destination = lock("/dest", EXCLUSIVE, Depth.ZERO, "alice");
        DavLock destParent = lock("/destdir", SHARED, Depth.INFINITY, "alice");
        locks.moved("/src", "/dest");
        assertThat(locks.activeLocks()).containsExactly(destination, destParent, inside);
        assertThat(locks.find(source.token())).isEmpty();
        locks.moved("/other", "/destdir/other");
        assertThat(locks.locksCovering("/destdir/other/file")).containsExactly(destParent);
    }

    @Test
    void locks_do_not_follow_a_copy_as_litmus_copy_checks() {
        lock("/litmus/lockme", EXCLUSIVE, Depth.ZERO, "alice");
        // COPY has no hook here: the copy at a new path simply has no lock.
        assertThat(locks.locksCovering("/litmus/lockme-copydest")).isEmpty();
    }

    // ---- Administration ------------------------------------------------------------------

    @Test
    void the_admin_listing_shows_every_lock_in_path_order_and_a_lock_can_be_broken() {
        DavLock b = lock("/bob/x", EXCLUSIVE, Depth.ZERO, "bob");
        DavLock a = lock("/alice/y", SHARED, Depth.INFINITY, "alice");
        assertThat(locks.activeLocks()).containsExactly(a, b);
        assertThat(locks.breakLock(b.token())).contains(b);
        assertThat(locks.breakLock(b.token())).isEmpty();
        assertThat(locks.activeLocks()).containsExactly(a);
    }

    @Test
    void returned_lists_are_snapshots() {
        lock("/a", SHARED, Depth.ZERO, "alice");
        List<DavLock> before = locks.locksCovering("/a");
        lock("/a", SHARED, Depth.ZERO, "alice");
        assertThat(before).hasSize(1);
    }

    @Test
    void a_non_positive_maximum_timeout_is_refused() {
        assertThatThrownBy(() -> new LockManager(clock, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- Concurrency ---------------------------------------------------------------------

    @Test
    void of_many_simultaneous_exclusive_requests_exactly_one_wins() throws Exception {
        int threads = 32;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<LockResult>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < threads; i++) {
                String principal = "user" + i;
                results.add(pool.submit(() -> {
                    start.await();
                    return locks.lock("/contested", EXCLUSIVE, Depth.ZERO, HOUR, principal);
                }));
            }
            start.countDown();
            List<LockResult> outcomes = Collections.synchronizedList(new ArrayList<>());
            for (Future<LockResult> f : results) {
                outcomes.add(f.get());
            }
            assertThat(outcomes).filteredOn(r -> r instanceof Granted).hasSize(1);
            assertThat(outcomes).filteredOn(r -> r instanceof Conflict).hasSize(threads - 1);
        }
        assertThat(locks.activeLocks()).hasSize(1);
    }
}
