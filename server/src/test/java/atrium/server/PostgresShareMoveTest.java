package atrium.server;

import atrium.core.db.TestDatabases;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/** {@link ShareMoveTest} on PostgreSQL: the copy across owners and the trashing in one transaction, row locks included. */
class PostgresShareMoveTest extends ShareMoveTest {
    @Override
    Map<String, String> settings() {
        Assumptions.assumeTrue(TestDatabases.postgresUrl().isPresent(), "ATRIUM_TEST_PG is not set");
        var pg = TestDatabases.postgresConfig();
        return Map.of("proxy.enabled", "true", "db.url", pg.string("db.url"), "db.user", pg.string("db.user"));
    }
}
