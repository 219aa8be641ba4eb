package atrium.server;

import atrium.core.db.TestDatabases;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/** Every call log test again on PostgreSQL, each in a schema of its own (ATRIUM_TEST_PG; skipped without it). */
class PostgresVoipCallLogTest extends VoipCallLogTest {
    @Override
    Map<String, String> settings() {
        Assumptions.assumeTrue(TestDatabases.postgresUrl().isPresent(), "ATRIUM_TEST_PG is not set");
        var pg = TestDatabases.postgresConfig();
        Map<String, String> m = new HashMap<>(super.settings());
        m.put("db.url", pg.string("db.url"));
        m.put("db.user", pg.string("db.user"));
        return m;
    }
}
