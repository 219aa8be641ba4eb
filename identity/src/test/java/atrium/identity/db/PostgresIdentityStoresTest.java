package atrium.identity.db;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import atrium.core.db.Database;
import atrium.core.db.TestDatabases;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The identity store contracts on PostgreSQL, each test in a new schema that is dropped afterwards. */
class PostgresIdentityStoresTest implements AccountStoreContract, GroupStoreContract, CredentialStoreContract,
        AuditStoreContract, ThrottleStoreContract, SettingsStoreContract, LoginFlowStoreContract, NotificationStoreContract {
    private Database db;

    @BeforeAll
    static void requirePostgres() {
        assumeTrue(TestDatabases.postgresUrl().isPresent(),
                "ATRIUM_TEST_PG is not set (e.g. jdbc:postgresql://127.0.0.1:5432/test); skipping the PostgreSQL runs");
    }

    @BeforeEach
    void openDatabase() {
        // A small pool: every test opens its own, and ten connections each made the class twice as slow.
        db = Database.open(TestDatabases.postgresConfig().with(Map.of("db.pool-size", "3")));
        db.migrate("identity");
    }

    @AfterEach
    void dropSchema() {
        TestDatabases.dropSchemaAndClose(db);
    }

    @Override
    public Database database() {
        return db;
    }
}
