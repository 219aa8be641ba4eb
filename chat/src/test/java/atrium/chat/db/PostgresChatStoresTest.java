package atrium.chat.db;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import atrium.core.db.Database;
import atrium.core.db.TestDatabases;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The chat store contract on PostgreSQL, each test in a new schema that is dropped afterwards. */
class PostgresChatStoresTest implements ChatStoreContract {
    private Database db;

    @BeforeAll
    static void requirePostgres() {
        assumeTrue(TestDatabases.postgresUrl().isPresent(),
                "ATRIUM_TEST_PG is not set (e.g. jdbc:postgresql://127.0.0.1:5432/test); skipping the PostgreSQL runs");
    }

    @BeforeEach
    void openDatabase() {
        db = Database.open(TestDatabases.postgresConfig().with(Map.of("db.pool-size", "3")));
        db.migrate("identity");
        db.migrate("chat");
        ChatStoreContract.insertAccounts(db);
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
