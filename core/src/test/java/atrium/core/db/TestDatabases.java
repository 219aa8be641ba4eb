package atrium.core.db;

import atrium.core.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Databases for contract tests: a fresh SQLite file, or a fresh schema in the PostgreSQL
 * database named by ATRIUM_TEST_PG (CI sets it; without it the PostgreSQL runs are skipped,
 * and the launcher refuses to skip them when CI is set).
 */
public final class TestDatabases {
    private TestDatabases() {
    }

    public static Optional<String> postgresUrl() {
        return Optional.ofNullable(System.getenv("ATRIUM_TEST_PG")).filter(s -> !s.isBlank());
    }

    public static Config sqliteConfig() {
        try {
            Path dir = Files.createTempDirectory("atrium-test-");
            return Config.load(dir, Map.of());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A config pointing at a new, empty schema of the test PostgreSQL database. */
    public static Config postgresConfig() {
        String base = postgresUrl().orElseThrow(() -> new IllegalStateException("ATRIUM_TEST_PG is not set"));
        String user = Optional.ofNullable(System.getenv("ATRIUM_TEST_PG_USER")).orElse("postgres");
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (var c = DriverManager.getConnection(base, user, "");
             var st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a schema in " + base + ": " + e.getMessage(), e);
        }
        String url = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        return sqliteConfig().with(Map.of("db.url", url, "db.user", user));
    }

    /** Drops the schema {@link #postgresConfig} made for this database, then closes it. */
    public static void dropSchemaAndClose(Database db) {
        try {
            db.jdbi().useHandle(h -> {
                String schema = h.createQuery("SELECT current_schema()").mapTo(String.class).one();
                h.execute("DROP SCHEMA \"" + schema + "\" CASCADE");
            });
        } finally {
            db.close();
        }
    }

    public static Database sqlite() {
        return Database.open(sqliteConfig());
    }

    public static Database postgres() {
        return Database.open(postgresConfig());
    }
}
