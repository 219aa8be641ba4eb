package atrium.identity.db;

import static atrium.identity.db.IdentityStoresFixture.account;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import atrium.identity.Account;
import atrium.identity.AccountId;
import atrium.identity.AppPassword;
import atrium.identity.GroupId;
import atrium.identity.Session;
import atrium.identity.SessionState;
import atrium.identity.TotpState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jdbi.v3.core.JdbiException;
import org.junit.jupiter.api.Test;

/** What the rest of the server relies on from {@link AccountStore}, on every database. */
public interface AccountStoreContract extends IdentityStoresFixture {

    private static AccountStore.Filter text(String text) {
        return new AccountStore.Filter(Optional.of(text), Optional.empty(), Optional.empty(), 50, 0);
    }

    private static AccountStore.Filter everyone(int limit, int offset) {
        return new AccountStore.Filter(Optional.empty(), Optional.empty(), Optional.empty(), limit, offset);
    }

    private static List<String> logins(AccountStore.Page page) {
        return page.items().stream().map(Account::login).toList();
    }

    // ---- writing and reading

    @Test
    default void an_inserted_account_reads_back_with_every_field() {
        var written = new Account(new AccountId(7_300_000_000_000_000_001L), "zoe", "Zoë Ångström-Łukasiewicz 李雷 🎻",
                Optional.of("zoe@example.org"), "fr", Optional.of(5L << 40), false, true, false,
                NOW, Optional.empty());

        accounts().insert(written, Optional.of("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA"));

        assertThat(accounts().byId(written.id())).contains(written);
        assertThat(accounts().count()).isEqualTo(1);
    }

    @Test
    default void an_account_without_email_quota_or_sign_in_reads_back_with_them_empty() {
        var written = account(1, "bob", "Bob");

        accounts().insert(written, Optional.empty());

        Account read = accounts().byId(written.id()).orElseThrow();
        assertThat(read).isEqualTo(written);
        assertThat(read.email()).isEmpty();
        assertThat(read.quotaBytes()).isEmpty();
        assertThat(read.lastLoginAt()).isEmpty();
        assertThat(read.enabled()).isTrue();
        assertThat(read.admin()).isFalse();
        assertThat(read.totpEnabled()).isFalse();
    }

    @Test
    default void a_quota_of_zero_bytes_is_kept_apart_from_no_quota() {
        insertAccount(new Account(new AccountId(1), "full", "Full", Optional.empty(), "en", Optional.of(0L),
                true, false, false, NOW, Optional.empty()));

        assertThat(accounts().byId(new AccountId(1)).orElseThrow().quotaBytes()).contains(0L);
    }

    @Test
    default void an_unknown_id_or_login_finds_nothing() {
        insertAccount(1, "alice");

        assertThat(accounts().byId(new AccountId(2))).isEmpty();
        assertThat(accounts().byLogin("alicia")).isEmpty();
    }

    @Test
    default void signing_in_records_the_last_sign_in_time() {
        insertAccount(1, "alice");

        accounts().touchLogin(new AccountId(1), NOW + 60_000);

        assertThat(accounts().byId(new AccountId(1)).orElseThrow().lastLoginAt()).contains(NOW + 60_000);
    }

    @Test
    default void an_update_changes_the_profile_and_flags_but_not_the_login_or_password() {
        insertAccount(1, "alice");
        var changed = new Account(new AccountId(1), "ignored", "Alice Éluard", Optional.of("alice@example.org"), "fr",
                Optional.of(1L << 30), false, true, false, NOW, Optional.empty());

        accounts().update(changed);

        Account read = accounts().byId(new AccountId(1)).orElseThrow();
        assertThat(read.login()).isEqualTo("alice");
        assertThat(read.displayName()).isEqualTo("Alice Éluard");
        assertThat(read.email()).contains("alice@example.org");
        assertThat(read.language()).isEqualTo("fr");
        assertThat(read.quotaBytes()).contains(1L << 30);
        assertThat(read.enabled()).isFalse();
        assertThat(read.admin()).isTrue();
        assertThat(accounts().passwordHash(new AccountId(1))).contains("hash-of-alice");

        accounts().update(account(1, "alice", "Alice"));
        assertThat(accounts().byId(new AccountId(1)).orElseThrow().email()).isEmpty();
        assertThat(accounts().byId(new AccountId(1)).orElseThrow().quotaBytes()).isEmpty();
    }

    @Test
    default void a_second_account_with_a_login_already_taken_is_refused() {
        insertAccount(1, "alice");

        assertThatThrownBy(() -> insertAccount(account(2, "alice", "Another Alice")))
                .isInstanceOf(JdbiException.class);

        assertThat(accounts().count()).isEqualTo(1);
        assertThat(accounts().byLogin("alice").orElseThrow().displayName()).isEqualTo("alice");
    }

    @Test
    default void a_login_is_found_whatever_its_case() {
        insertAccount(1, "alice.martin");

        assertThat(accounts().byLogin("alice.martin")).map(Account::id).contains(new AccountId(1));
        assertThat(accounts().byLogin("Alice.Martin")).map(Account::id).contains(new AccountId(1));
        assertThat(accounts().byLogin("ALICE.MARTIN")).map(Account::id).contains(new AccountId(1));
    }

    // ---- searching

    @Test
    default void search_matches_the_login_the_display_name_or_the_email_ignoring_case() {
        insertAccount(account(1, "amartin", "Alice Martin"));
        insertAccount(new Account(new AccountId(2), "bob", "Bob", Optional.of("bob@Martin-Family.org"), "en",
                Optional.empty(), true, false, false, NOW, Optional.empty()));
        insertAccount(account(3, "carol", "Carol"));

        assertThat(logins(accounts().search(text("MARTIN")))).containsExactly("amartin", "bob");
        assertThat(logins(accounts().search(text("alice m")))).containsExactly("amartin");
        assertThat(logins(accounts().search(text("caro")))).containsExactly("carol");
        assertThat(accounts().search(text("nobody")).items()).isEmpty();
        assertThat(accounts().search(text("nobody")).total()).isZero();
    }

    @Test
    default void search_ignores_case_and_accents_on_both_databases() {
        insertAccount(account(1, "elodie", "Élodie Dupré"));
        insertAccount(account(2, "zoe", "ZOË ÅSTRÖM"));
        insertAccount(account(3, "li", "李雷"));

        assertThat(logins(accounts().search(text("Élodie")))).containsExactly("elodie");
        assertThat(logins(accounts().search(text("Élodie DUPRé")))).containsExactly("elodie");
        assertThat(logins(accounts().search(text("dupré")))).containsExactly("elodie");
        assertThat(logins(accounts().search(text("ZOË")))).containsExactly("zoe");
        assertThat(logins(accounts().search(text("Zo")))).containsExactly("zoe");
        assertThat(logins(accounts().search(text("李")))).containsExactly("li");
        assertThat(logins(accounts().search(text("elodie dupre")))).containsExactly("elodie");
        assertThat(logins(accounts().search(text("zoe astrom")))).containsExactly("zoe");
    }

    @Test
    default void search_takes_percent_underscore_backslash_and_bang_literally() {
        insertAccount(account(1, "jean_luc", "Jean-Luc"));
        insertAccount(account(2, "jeanxluc", "Jean X"));
        insertAccount(account(3, "promo", "Promo 100% bio"));
        insertAccount(account(4, "promox", "Promo 1000 bio"));
        insertAccount(account(5, "slash", "back\\slash"));
        insertAccount(account(6, "slashx", "backslash"));
        insertAccount(account(7, "bang", "Hello! World"));
        insertAccount(account(8, "nobang", "Hello World"));

        assertThat(logins(accounts().search(text("n_l")))).containsExactly("jean_luc");
        assertThat(logins(accounts().search(text("100%")))).containsExactly("promo");
        assertThat(logins(accounts().search(text("%")))).containsExactly("promo");
        assertThat(logins(accounts().search(text("k\\s")))).containsExactly("slash");
        assertThat(logins(accounts().search(text("o! w")))).containsExactly("bang");
        assertThat(logins(accounts().search(text("!%")))).isEmpty();
    }

    @Test
    default void search_by_group_returns_only_its_members() {
        insertAccount(1, "alice");
        insertAccount(2, "bob");
        insertAccount(3, "carol");
        var staff = insertGroup(10, "Staff");
        var other = insertGroup(11, "Other");
        groups().addMember(staff.id(), new AccountId(1));
        groups().addMember(staff.id(), new AccountId(3));
        groups().addMember(other.id(), new AccountId(2));

        var page = accounts().search(new AccountStore.Filter(Optional.empty(), Optional.of(10L), Optional.empty(), 50, 0));

        assertThat(logins(page)).containsExactly("alice", "carol");
        assertThat(page.total()).isEqualTo(2);
        var withText = accounts().search(new AccountStore.Filter(Optional.of("car"), Optional.of(10L), Optional.empty(), 50, 0));
        assertThat(logins(withText)).containsExactly("carol");
        assertThat(withText.total()).isEqualTo(1);
    }

    @Test
    default void a_group_admin_sees_only_members_of_the_groups_given() {
        insertAccount(1, "alice");
        insertAccount(2, "bob");
        insertAccount(3, "carol");
        insertAccount(4, "dave");
        var sales = insertGroup(10, "Sales");
        var support = insertGroup(11, "Support");
        insertGroup(12, "Board");
        groups().addMember(sales.id(), new AccountId(1));
        groups().addMember(support.id(), new AccountId(2));
        groups().addMember(support.id(), new AccountId(1));
        groups().addMember(new GroupId(12), new AccountId(4));

        Collection<Long> within = List.of(10L, 11L);
        var page = accounts().search(new AccountStore.Filter(Optional.empty(), Optional.empty(), Optional.of(within), 50, 0));
        assertThat(logins(page)).containsExactly("alice", "bob");
        assertThat(page.total()).isEqualTo(2);

        var none = accounts().search(new AccountStore.Filter(Optional.empty(), Optional.empty(), Optional.of(List.of()), 50, 0));
        assertThat(none.items()).isEmpty();
        assertThat(none.total()).isZero();
    }

    @Test
    default void search_pages_in_login_order_and_counts_every_match() {
        List<String> inserted = List.of("emma", "bob", "dave", "alice", "carol");
        for (int i = 0; i < inserted.size(); i++) {
            insertAccount(i + 1, inserted.get(i));
        }

        var first = accounts().search(everyone(2, 0));
        var second = accounts().search(everyone(2, 2));
        var last = accounts().search(everyone(2, 4));
        var beyond = accounts().search(everyone(2, 6));

        assertThat(logins(first)).containsExactly("alice", "bob");
        assertThat(logins(second)).containsExactly("carol", "dave");
        assertThat(logins(last)).containsExactly("emma");
        assertThat(beyond.items()).isEmpty();
        assertThat(List.of(first.total(), second.total(), last.total(), beyond.total())).containsOnly(5L);
    }

    // ---- deleting

    @Test
    default void deleting_an_account_removes_its_memberships_sessions_app_passwords_and_backup_codes() {
        var alice = insertAccount(1, "alice").id();
        var bob = insertAccount(2, "bob").id();
        var staff = insertGroup(10, "Staff").id();
        groups().addMember(staff, alice);
        groups().addAdmin(staff, alice);
        groups().addMember(staff, bob);
        credentials().insertSession(new Session(100, alice, SessionState.SIGNED_IN, Optional.empty(), Optional.empty(),
                NOW, NOW), "session-of-alice");
        credentials().insertSession(new Session(101, bob, SessionState.SIGNED_IN, Optional.empty(), Optional.empty(),
                NOW, NOW), "session-of-bob");
        credentials().insertAppPassword(new AppPassword(200, alice, "Phone", NOW, Optional.empty()), "app-of-alice");
        accounts().activateTotp(alice, "SECRET", 1, List.of("code-1", "code-2"));

        accounts().delete(alice);

        assertThat(accounts().byId(alice)).isEmpty();
        assertThat(groups().members(staff)).containsExactly(bob);
        assertThat(groups().list(Optional.empty()).getFirst().adminLogins()).isEmpty();
        assertThat(credentials().sessionByTokenHash("session-of-alice")).isEmpty();
        assertThat(credentials().sessionByTokenHash("session-of-bob")).isPresent();
        assertThat(credentials().appPasswordByTokenHash("app-of-alice")).isEmpty();
        assertThat(accounts().backupCodesLeft(alice)).isZero();
        assertThat(accounts().count()).isEqualTo(1);
    }

    // ---- password

    @Test
    default void a_password_hash_is_empty_until_one_is_set_and_a_new_one_replaces_it() {
        accounts().insert(account(1, "alice", "Alice"), Optional.empty());
        var alice = new AccountId(1);

        assertThat(accounts().passwordHash(alice)).isEmpty();
        accounts().setPasswordHash(alice, "first");
        assertThat(accounts().passwordHash(alice)).contains("first");
        accounts().setPasswordHash(alice, "second");
        assertThat(accounts().passwordHash(alice)).contains("second");
        assertThat(accounts().passwordHash(new AccountId(2))).isEmpty();
    }

    // ---- second factor

    @Test
    default void a_new_account_has_no_second_factor() {
        var alice = insertAccount(1, "alice").id();

        assertThat(accounts().totp(alice)).isEqualTo(new TotpState(Optional.empty(), Optional.empty(), 0));
        assertThat(accounts().totp(new AccountId(2))).isEqualTo(new TotpState(Optional.empty(), Optional.empty(), 0));
        assertThat(accounts().backupCodesLeft(alice)).isZero();
    }

    @Test
    default void a_pending_secret_becomes_active_with_its_backup_codes() {
        var alice = insertAccount(1, "alice").id();

        accounts().setPendingTotp(alice, "PENDING");
        assertThat(accounts().totp(alice)).isEqualTo(new TotpState(Optional.empty(), Optional.of("PENDING"), 0));
        assertThat(accounts().byId(alice).orElseThrow().totpEnabled()).isFalse();

        accounts().activateTotp(alice, "PENDING", 58_333_333, List.of("a", "b", "c"));

        assertThat(accounts().totp(alice)).isEqualTo(new TotpState(Optional.of("PENDING"), Optional.empty(), 58_333_333));
        assertThat(accounts().byId(alice).orElseThrow().totpEnabled()).isTrue();
        assertThat(accounts().backupCodesLeft(alice)).isEqualTo(3);
    }

    @Test
    default void enrolling_again_while_active_keeps_the_active_secret_until_the_new_one_is_confirmed() {
        var alice = insertAccount(1, "alice").id();
        accounts().activateTotp(alice, "OLD", 10, List.of("a", "b"));

        accounts().setPendingTotp(alice, "NEW");
        assertThat(accounts().totp(alice)).isEqualTo(new TotpState(Optional.of("OLD"), Optional.of("NEW"), 10));

        accounts().activateTotp(alice, "NEW", 20, List.of("x"));
        assertThat(accounts().totp(alice)).isEqualTo(new TotpState(Optional.of("NEW"), Optional.empty(), 20));
        assertThat(accounts().backupCodesLeft(alice)).isEqualTo(1);
        assertThat(accounts().useBackupCode(alice, "a")).isFalse();
    }

    @Test
    default void a_totp_step_is_accepted_only_when_later_than_every_step_used_before() {
        var alice = insertAccount(1, "alice").id();
        accounts().activateTotp(alice, "SECRET", 100, List.of());

        assertThat(accounts().claimTotpStep(alice, 100)).as("the step used to activate").isFalse();
        assertThat(accounts().claimTotpStep(alice, 99)).as("an older step").isFalse();
        assertThat(accounts().claimTotpStep(alice, 101)).as("the next step").isTrue();
        assertThat(accounts().claimTotpStep(alice, 101)).as("the same step again").isFalse();
        assertThat(accounts().claimTotpStep(alice, 105)).isTrue();
        assertThat(accounts().claimTotpStep(alice, 103)).as("a step skipped over").isFalse();
        assertThat(accounts().totp(alice).lastStep()).isEqualTo(105);
        assertThat(accounts().claimTotpStep(new AccountId(2), 1_000)).as("an unknown account").isFalse();
    }

    @Test
    default void of_requests_racing_with_the_same_totp_step_exactly_one_wins() throws Exception {
        var alice = insertAccount(1, "alice").id();
        accounts().activateTotp(alice, "SECRET", 100, List.of("code"));

        assertThat(race(() -> accounts().claimTotpStep(alice, 101))).containsOnlyOnce(true);
        assertThat(race(() -> accounts().useBackupCode(alice, "code"))).containsOnlyOnce(true);
    }

    private static List<Boolean> race(Callable<Boolean> attempt) throws Exception {
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Boolean>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                futures.add(pool.submit(attempt));
            }
            List<Boolean> results = new ArrayList<>();
            for (var f : futures) {
                results.add(f.get());
            }
            return results;
        }
    }

    @Test
    default void a_backup_code_works_once_and_only_for_its_account() {
        var alice = insertAccount(1, "alice").id();
        var bob = insertAccount(2, "bob").id();
        accounts().activateTotp(alice, "SECRET", 1, List.of("code-1", "code-2"));

        assertThat(accounts().useBackupCode(bob, "code-1")).as("another account's code").isFalse();
        assertThat(accounts().useBackupCode(alice, "code-1")).isTrue();
        assertThat(accounts().useBackupCode(alice, "code-1")).as("the same code again").isFalse();
        assertThat(accounts().useBackupCode(alice, "unknown")).isFalse();
        assertThat(accounts().backupCodesLeft(alice)).isEqualTo(1);
    }

    @Test
    default void new_backup_codes_replace_the_old_ones() {
        var alice = insertAccount(1, "alice").id();
        accounts().activateTotp(alice, "SECRET", 1, List.of("old-1", "old-2"));

        accounts().replaceBackupCodes(alice, List.of("new-1", "new-2", "new-3"));
        assertThat(accounts().backupCodesLeft(alice)).isEqualTo(3);
        assertThat(accounts().useBackupCode(alice, "old-1")).isFalse();
        assertThat(accounts().useBackupCode(alice, "new-1")).isTrue();

        accounts().replaceBackupCodes(alice, List.of());
        assertThat(accounts().backupCodesLeft(alice)).isZero();
    }

    @Test
    default void clearing_the_second_factor_removes_the_secrets_and_the_backup_codes() {
        var alice = insertAccount(1, "alice").id();
        var bob = insertAccount(2, "bob").id();
        accounts().activateTotp(alice, "SECRET", 1, List.of("a", "b"));
        accounts().setPendingTotp(alice, "PENDING");
        accounts().activateTotp(bob, "BOB", 1, List.of("a"));

        accounts().clearTotp(alice);

        var state = accounts().totp(alice);
        assertThat(state.secret()).isEmpty();
        assertThat(state.pendingSecret()).isEmpty();
        assertThat(accounts().byId(alice).orElseThrow().totpEnabled()).isFalse();
        assertThat(accounts().backupCodesLeft(alice)).isZero();
        assertThat(accounts().backupCodesLeft(bob)).isEqualTo(1);
        assertThat(accounts().byId(bob).orElseThrow().totpEnabled()).isTrue();
    }
}
