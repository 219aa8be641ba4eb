package atrium.files;

import atrium.core.db.Database;
import atrium.core.db.TestDatabases;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

class PostgresFileServiceTest extends FileServiceContract {
    @BeforeAll
    static void needsPostgres() {
        Assumptions.assumeTrue(TestDatabases.postgresUrl().isPresent(), "ATRIUM_TEST_PG is not set");
    }

    @Override
    Database database() {
        return TestDatabases.postgres();
    }
}
