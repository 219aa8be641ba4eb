package atrium.files;

import atrium.core.db.Database;
import atrium.core.db.TestDatabases;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

class PostgresStorageCheckTest extends StorageCheckContract {
    @BeforeAll
    static void needsPostgres() {
        Assumptions.assumeTrue(TestDatabases.postgresUrl().isPresent(), "ATRIUM_TEST_PG is not set");
    }

    @Override
    Database database() {
        return TestDatabases.postgres();
    }

    @Override
    void withoutForeignKeys(List<String> statements) {
        // Each test has a schema of its own: the constraint can go.
        db.jdbi().useHandle(h -> {
            h.execute("ALTER TABLE files_nodes DROP CONSTRAINT files_nodes_parent_id_fkey");
            statements.forEach(h::execute);
        });
    }
}
