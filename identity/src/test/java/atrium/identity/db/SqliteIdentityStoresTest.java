package atrium.identity.db;

import atrium.core.db.Database;
import atrium.core.db.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The identity store contracts on SQLite, each test on a new database file. */
class SqliteIdentityStoresTest implements AccountStoreContract, GroupStoreContract, CredentialStoreContract,
        AuditStoreContract, ThrottleStoreContract, SettingsStoreContract, LoginFlowStoreContract, NotificationStoreContract {
    private Database db;

    @BeforeEach
    void openDatabase() {
        db = TestDatabases.sqlite();
        db.migrate("identity");
    }

    @AfterEach
    void closeDatabase() {
        db.close();
    }

    @Override
    public Database database() {
        return db;
    }
}
