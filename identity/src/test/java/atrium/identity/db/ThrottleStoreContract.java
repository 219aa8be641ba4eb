package atrium.identity.db;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What the login throttle relies on from {@link ThrottleStore}, on every database. */
public interface ThrottleStoreContract extends IdentityStoresFixture {

    @Test
    default void a_subject_without_failures_has_none() {
        assertThat(throttle().since("account:alice", 0)).isEqualTo(new ThrottleStore.Failures(0, 0));
    }

    @Test
    default void failures_are_counted_per_subject_from_a_given_time_with_the_latest() {
        throttle().record("account:alice", NOW);
        throttle().record("account:alice", NOW + 300);
        throttle().record("account:alice", NOW + 200);
        throttle().record("address:192.0.2.7", NOW + 500);

        assertThat(throttle().since("account:alice", NOW)).isEqualTo(new ThrottleStore.Failures(3, NOW + 300));
        assertThat(throttle().since("account:alice", NOW + 200)).isEqualTo(new ThrottleStore.Failures(2, NOW + 300));
        assertThat(throttle().since("account:alice", NOW + 301)).isEqualTo(new ThrottleStore.Failures(0, 0));
        assertThat(throttle().since("address:192.0.2.7", 0)).isEqualTo(new ThrottleStore.Failures(1, NOW + 500));
    }

    @Test
    default void clearing_a_subject_forgets_only_its_failures() {
        throttle().record("account:alice", NOW);
        throttle().record("account:alice", NOW + 1);
        throttle().record("account:bob", NOW);

        throttle().clear("account:alice");

        assertThat(throttle().since("account:alice", 0).count()).isZero();
        assertThat(throttle().since("account:bob", 0).count()).isEqualTo(1);
    }

    @Test
    default void purging_forgets_every_failure_older_than_the_cut_off() {
        throttle().record("account:alice", NOW - 2);
        throttle().record("account:bob", NOW - 1);
        throttle().record("account:alice", NOW);
        throttle().record("address:2001:db8::1", NOW + 1);

        assertThat(throttle().purge(NOW)).isEqualTo(2);

        assertThat(throttle().since("account:alice", 0)).isEqualTo(new ThrottleStore.Failures(1, NOW));
        assertThat(throttle().since("account:bob", 0).count()).isZero();
        assertThat(throttle().since("address:2001:db8::1", 0).count()).isEqualTo(1);
        assertThat(throttle().purge(NOW)).isZero();
    }
}
