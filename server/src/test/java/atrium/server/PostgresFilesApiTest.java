package atrium.server;

import atrium.core.db.TestDatabases;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/** FilesApiTest on PostgreSQL: the search's recursive query and the preview cache differ most between the two. */
class PostgresFilesApiTest extends FilesApiTest {
    /** Shadows FilesApiTest.start, so only this one runs. */
    @BeforeAll
    static void start() {
        Assumptions.assumeTrue(TestDatabases.postgresUrl().isPresent(), "ATRIUM_TEST_PG is not set");
        var pg = TestDatabases.postgresConfig();
        server = TestServer.start(Map.of("proxy.enabled", "true", "db.url", pg.string("db.url"), "db.user", pg.string("db.user")));
    }
}
