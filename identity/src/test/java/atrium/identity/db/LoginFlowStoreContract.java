package atrium.identity.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import atrium.identity.AccountId;
import atrium.identity.LoginFlow;
import java.util.Optional;
import org.jdbi.v3.core.JdbiException;
import org.junit.jupiter.api.Test;

/** What Login Flow v2 relies on from {@link LoginFlowStore}, on every database. */
public interface LoginFlowStoreContract extends IdentityStoresFixture {
    long MINUTES_20 = 20 * 60_000L;

    default LoginFlowStore flows() {
        return new LoginFlowStore(database().jdbi());
    }

    private void insertFlow(long id, String address) {
        flows().insert(id, "poll-" + id, "login-" + id, "Nextcloud-android/3.30 «test»", address, NOW, NOW + MINUTES_20);
    }

    @Test
    default void a_new_flow_is_pending_and_found_by_either_token_hash() {
        insertFlow(1, "2001:db8::17");

        var expected = new LoginFlow(1, "Nextcloud-android/3.30 «test»", "2001:db8::17", LoginFlow.State.PENDING, NOW,
                NOW + MINUTES_20, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        assertThat(flows().byPollTokenHash("poll-1")).contains(expected);
        assertThat(flows().byLoginTokenHash("login-1")).contains(expected);
        assertThat(flows().byId(1)).contains(expected);
        assertThat(flows().byPollTokenHash("login-1")).isEmpty();
        assertThat(flows().byLoginTokenHash("poll-1")).isEmpty();
    }

    @Test
    default void two_flows_with_the_same_token_hash_are_refused() {
        insertFlow(1, "192.0.2.7");

        assertThatThrownBy(() -> flows().insert(2, "poll-1", "other", "x", "192.0.2.7", NOW, NOW + 1))
                .isInstanceOf(JdbiException.class);
        assertThatThrownBy(() -> flows().insert(3, "other", "login-1", "x", "192.0.2.7", NOW, NOW + 1))
                .isInstanceOf(JdbiException.class);
    }

    @Test
    default void open_flows_are_counted_per_address_until_they_expire_or_move_on() {
        insertFlow(1, "192.0.2.7");
        flows().insert(2, "poll-2", "login-2", "x", "192.0.2.7", NOW, NOW + 5);
        insertFlow(3, "192.0.2.8");
        insertFlow(4, "192.0.2.7");
        flows().cancel(4);

        assertThat(flows().openFrom("192.0.2.7", NOW)).isEqualTo(new LoginFlowStore.Open(2, NOW + 5));
        assertThat(flows().openFrom("192.0.2.7", NOW + 5)).isEqualTo(new LoginFlowStore.Open(1, NOW + MINUTES_20));
        assertThat(flows().openFrom("198.51.100.1", NOW).count()).isZero();
    }

    @Test
    default void a_grant_is_claimed_once_then_holds_the_credentials_until_delivered_once() {
        var alice = insertAccount(1, "alice").id();
        insertFlow(1, "192.0.2.7");

        assertThat(flows().claim(1, NOW)).isTrue();
        assertThat(flows().claim(1, NOW)).as("a second grant").isFalse();
        assertThat(flows().cancel(1)).as("cancelling while granting").isFalse();
        assertThat(flows().granted(1, alice, "alice", "Abcde-Fghij-Kmnpq-Rstuv-Wxyz2", 77)).isTrue();
        assertThat(flows().granted(1, alice, "alice", "other", 78)).isFalse();

        var granted = flows().byPollTokenHash("poll-1").orElseThrow();
        assertThat(granted.state()).isEqualTo(LoginFlow.State.GRANTED);
        assertThat(granted.accountId()).contains(alice);
        assertThat(granted.loginName()).contains("alice");
        assertThat(granted.appPassword()).contains("Abcde-Fghij-Kmnpq-Rstuv-Wxyz2");
        assertThat(granted.appPasswordId()).contains(77L);
        assertThat(granted.toString()).doesNotContain("Abcde");

        assertThat(flows().delivered(1, NOW + MINUTES_20)).as("too late").isFalse();
        assertThat(flows().delivered(1, NOW + 1)).isTrue();
        assertThat(flows().delivered(1, NOW + 1)).as("a second delivery").isFalse();
        var delivered = flows().byId(1).orElseThrow();
        assertThat(delivered.state()).isEqualTo(LoginFlow.State.DELIVERED);
        assertThat(delivered.appPassword()).as("the password is forgotten").isEmpty();
    }

    @Test
    default void an_expired_flow_cannot_be_claimed_and_a_failed_grant_can_be_released() {
        insertFlow(1, "192.0.2.7");

        assertThat(flows().claim(1, NOW + MINUTES_20)).isFalse();
        assertThat(flows().claim(1, NOW)).isTrue();
        flows().release(1);
        assertThat(flows().byId(1).orElseThrow().state()).isEqualTo(LoginFlow.State.PENDING);
        assertThat(flows().cancel(1)).isTrue();
        assertThat(flows().cancel(1)).isFalse();
        assertThat(flows().claim(1, NOW)).isFalse();
        assertThat(flows().byId(1).orElseThrow().state()).isEqualTo(LoginFlow.State.CANCELLED);
    }

    @Test
    default void expired_grants_are_listed_and_discarded_once_and_old_flows_deleted() {
        var alice = insertAccount(1, "alice").id();
        insertFlow(1, "192.0.2.7");
        insertFlow(2, "192.0.2.7");
        insertFlow(3, "192.0.2.7");
        flows().claim(1, NOW);
        flows().granted(1, alice, "alice", "pw", 77);
        flows().claim(2, NOW);

        assertThat(flows().expiredGrants(NOW + MINUTES_20 - 1)).isEmpty();
        assertThat(flows().expiredGrants(NOW + MINUTES_20)).extracting(LoginFlow::id).containsExactly(1L, 2L);
        assertThat(flows().discardGrant(3)).as("a pending flow is not a grant").isFalse();
        assertThat(flows().discardGrant(1)).isTrue();
        assertThat(flows().discardGrant(1)).isFalse();
        assertThat(flows().byId(1)).isEmpty();

        assertThat(flows().deleteExpiredBefore(NOW + MINUTES_20)).isZero();
        assertThat(flows().deleteExpiredBefore(NOW + MINUTES_20 + 1)).isEqualTo(2);
        assertThat(flows().byId(3)).isEmpty();
    }

    @Test
    default void deleting_the_account_deletes_its_granted_flows() {
        var alice = insertAccount(1, "alice");
        insertFlow(1, "192.0.2.7");
        flows().claim(1, NOW);
        flows().granted(1, alice.id(), "alice", "pw", 77);

        accounts().delete(new AccountId(1));

        assertThat(flows().byId(1)).isEmpty();
    }
}
