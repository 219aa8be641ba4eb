package atrium.identity.db;

import atrium.core.db.Database;
import atrium.identity.Account;
import atrium.identity.AccountId;
import atrium.identity.Group;
import atrium.identity.GroupId;
import java.util.Optional;

/**
 * What every identity store contract needs: a migrated database (given by the SQLite or
 * PostgreSQL test class) and small builders for rows the contracts insert.
 */
public interface IdentityStoresFixture {
    /** Epoch milliseconds used as "now" in the contracts. */
    long NOW = 1_750_000_000_000L;

    /** A fresh database with the identity migrations applied, one per test. */
    Database database();

    default AccountStore accounts() {
        return new AccountStore(database().jdbi());
    }

    default GroupStore groups() {
        return new GroupStore(database().jdbi());
    }

    default CredentialStore credentials() {
        return new CredentialStore(database().jdbi());
    }

    default AuditStore audit() {
        return new AuditStore(database().jdbi());
    }

    default ThrottleStore throttle() {
        return new ThrottleStore(database().jdbi());
    }

    default SettingsStore settings() {
        return new SettingsStore(database().jdbi());
    }

    /** An enabled, non-admin account with no email, quota or sign-in yet. */
    static Account account(long id, String login, String displayName) {
        return new Account(new AccountId(id), login, displayName, Optional.empty(), "en", Optional.empty(),
                true, false, false, NOW, Optional.empty());
    }

    default Account insertAccount(long id, String login) {
        return insertAccount(account(id, login, login));
    }

    default Account insertAccount(Account account) {
        accounts().insert(account, Optional.of("hash-of-" + account.login()));
        return account;
    }

    default Group insertGroup(long id, String name) {
        Group group = new Group(new GroupId(id), name, false, NOW);
        groups().insert(group);
        return group;
    }
}
