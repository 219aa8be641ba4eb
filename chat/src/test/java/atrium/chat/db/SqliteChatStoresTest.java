package atrium.chat.db;

import atrium.core.db.Database;
import atrium.core.db.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The chat store contract on SQLite, a new database file per test. */
class SqliteChatStoresTest implements ChatStoreContract {
    private Database db;

    @BeforeEach
    void openDatabase() {
        db = TestDatabases.sqlite();
        db.migrate("identity");
        db.migrate("chat");
        ChatStoreContract.insertAccounts(db);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Override
    public Database database() {
        return db;
    }
}
