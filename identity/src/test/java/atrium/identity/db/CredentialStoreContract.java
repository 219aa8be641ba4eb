package atrium.identity.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import atrium.identity.AccountId;
import atrium.identity.AppPassword;
import atrium.identity.Session;
import atrium.identity.SessionState;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.JdbiException;
import org.junit.jupiter.api.Test;

/** What sign-in relies on from {@link CredentialStore}'s sessions and app passwords, on every database. */
public interface CredentialStoreContract extends IdentityStoresFixture {

    private static Session session(long id, AccountId account, long createdAt, long lastSeenAt) {
        return new Session(id, account, SessionState.SIGNED_IN, Optional.empty(), Optional.empty(), createdAt, lastSeenAt);
    }

    private List<Long> sessionIds(AccountId account) {
        return credentials().sessionsOf(account).stream().map(Session::id).toList();
    }

    // ---- sessions

    @Test
    default void a_session_is_found_by_the_hash_of_its_token_with_every_field() {
        var alice = insertAccount(1, "alice").id();
        var written = new Session(7_300_000_000_000_000_001L, alice, SessionState.TOTP_REQUIRED,
                Optional.of("Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0 — «test»"), Optional.of("2001:db8::17"),
                NOW, NOW + 5);

        credentials().insertSession(written, "hash-1");

        assertThat(credentials().sessionByTokenHash("hash-1")).contains(written);
        assertThat(credentials().sessionByTokenHash("hash-2")).isEmpty();
    }

    @Test
    default void a_session_without_user_agent_or_address_reads_back_with_them_empty() {
        var alice = insertAccount(1, "alice").id();
        var written = session(1, alice, NOW, NOW);

        credentials().insertSession(written, "hash-1");

        assertThat(credentials().sessionByTokenHash("hash-1")).contains(written);
    }

    @Test
    default void two_sessions_with_the_same_token_hash_are_refused() {
        var alice = insertAccount(1, "alice").id();
        credentials().insertSession(session(1, alice, NOW, NOW), "hash-1");

        assertThatThrownBy(() -> credentials().insertSession(session(2, alice, NOW, NOW), "hash-1"))
                .isInstanceOf(JdbiException.class);
    }

    @Test
    default void a_session_moves_through_the_sign_in_states() {
        var alice = insertAccount(1, "alice").id();
        credentials().insertSession(new Session(1, alice, SessionState.TOTP_ENROLMENT_REQUIRED, Optional.empty(),
                Optional.empty(), NOW, NOW), "hash-1");

        credentials().setSessionState(1, SessionState.TOTP_REQUIRED);
        assertThat(credentials().sessionByTokenHash("hash-1").orElseThrow().state()).isEqualTo(SessionState.TOTP_REQUIRED);

        credentials().setSessionState(1, SessionState.SIGNED_IN);
        assertThat(credentials().sessionByTokenHash("hash-1").orElseThrow().state()).isEqualTo(SessionState.SIGNED_IN);
    }

    @Test
    default void touching_a_session_moves_it_first_in_the_list_of_the_account_sessions() {
        var alice = insertAccount(1, "alice").id();
        var bob = insertAccount(2, "bob").id();
        credentials().insertSession(session(1, alice, NOW, NOW + 10), "hash-1");
        credentials().insertSession(session(2, alice, NOW, NOW + 20), "hash-2");
        credentials().insertSession(session(3, bob, NOW, NOW + 30), "hash-3");
        assertThat(sessionIds(alice)).containsExactly(2L, 1L);

        credentials().touchSession(1, NOW + 40);

        assertThat(sessionIds(alice)).containsExactly(1L, 2L);
        assertThat(credentials().sessionByTokenHash("hash-1").orElseThrow().lastSeenAt()).isEqualTo(NOW + 40);
        assertThat(credentials().sessionByTokenHash("hash-1").orElseThrow().createdAt()).isEqualTo(NOW);
    }

    @Test
    default void a_session_is_deleted_only_by_its_owner() {
        var alice = insertAccount(1, "alice").id();
        var bob = insertAccount(2, "bob").id();
        credentials().insertSession(session(1, alice, NOW, NOW), "hash-1");

        assertThat(credentials().deleteSession(bob, 1)).isFalse();
        assertThat(credentials().sessionByTokenHash("hash-1")).isPresent();
        assertThat(credentials().deleteSession(alice, 1)).isTrue();
        assertThat(credentials().sessionByTokenHash("hash-1")).isEmpty();
        assertThat(credentials().deleteSession(alice, 1)).isFalse();
    }

    @Test
    default void signing_out_everywhere_can_keep_the_current_session() {
        var alice = insertAccount(1, "alice").id();
        var bob = insertAccount(2, "bob").id();
        credentials().insertSession(session(1, alice, NOW, NOW + 1), "hash-1");
        credentials().insertSession(session(2, alice, NOW, NOW + 2), "hash-2");
        credentials().insertSession(session(3, alice, NOW, NOW + 3), "hash-3");
        credentials().insertSession(session(4, bob, NOW, NOW + 4), "hash-4");

        credentials().deleteSessionsOf(alice, Optional.of(2L));
        assertThat(sessionIds(alice)).containsExactly(2L);

        credentials().deleteSessionsOf(alice, Optional.empty());
        assertThat(sessionIds(alice)).isEmpty();
        assertThat(sessionIds(bob)).containsExactly(4L);
    }

    @Test
    default void expired_sessions_are_those_idle_or_too_old() {
        var alice = insertAccount(1, "alice").id();
        credentials().insertSession(session(1, alice, NOW, NOW + 100), "fresh");
        credentials().insertSession(session(2, alice, NOW, NOW + 10), "idle");
        credentials().insertSession(session(3, alice, NOW - 1_000, NOW + 100), "old");
        credentials().insertSession(session(4, alice, NOW, NOW + 50), "idle-limit");

        int deleted = credentials().deleteExpiredSessions(NOW + 50, NOW);

        assertThat(deleted).isEqualTo(2);
        assertThat(sessionIds(alice)).containsExactlyInAnyOrder(1L, 4L);
        assertThat(credentials().deleteExpiredSessions(NOW + 50, NOW)).isZero();
    }

    // ---- app passwords

    @Test
    default void an_app_password_is_found_by_the_hash_of_its_secret() {
        var alice = insertAccount(1, "alice").id();
        var written = new AppPassword(7_300_000_000_000_000_001L, alice, "Téléphone d'Élodie 📱", NOW, Optional.empty());

        credentials().insertAppPassword(written, "app-hash");

        assertThat(credentials().appPasswordByTokenHash("app-hash")).contains(written);
        assertThat(credentials().appPasswordByTokenHash("other-hash")).isEmpty();
    }

    @Test
    default void using_an_app_password_records_when() {
        var alice = insertAccount(1, "alice").id();
        credentials().insertAppPassword(new AppPassword(1, alice, "Laptop", NOW, Optional.empty()), "app-hash");

        credentials().touchAppPassword(1, NOW + 1_000);

        assertThat(credentials().appPasswordByTokenHash("app-hash").orElseThrow().lastUsedAt()).contains(NOW + 1_000);
    }

    @Test
    default void the_app_passwords_of_an_account_come_newest_first() {
        var alice = insertAccount(1, "alice").id();
        var bob = insertAccount(2, "bob").id();
        credentials().insertAppPassword(new AppPassword(1, alice, "Old", NOW, Optional.empty()), "h1");
        credentials().insertAppPassword(new AppPassword(2, alice, "New", NOW + 10, Optional.empty()), "h2");
        credentials().insertAppPassword(new AppPassword(3, bob, "Bob's", NOW + 20, Optional.empty()), "h3");

        assertThat(credentials().appPasswordsOf(alice)).extracting(AppPassword::name).containsExactly("New", "Old");
        assertThat(credentials().appPasswordsOf(new AccountId(99))).isEmpty();
    }

    @Test
    default void an_app_password_is_deleted_only_by_its_owner() {
        var alice = insertAccount(1, "alice").id();
        var bob = insertAccount(2, "bob").id();
        credentials().insertAppPassword(new AppPassword(1, alice, "Laptop", NOW, Optional.empty()), "app-hash");

        assertThat(credentials().deleteAppPassword(bob, 1)).isFalse();
        assertThat(credentials().appPasswordByTokenHash("app-hash")).isPresent();
        assertThat(credentials().deleteAppPassword(alice, 1)).isTrue();
        assertThat(credentials().appPasswordByTokenHash("app-hash")).isEmpty();
        assertThat(credentials().deleteAppPassword(alice, 1)).isFalse();
    }
}
