package atrium.core.db;

import atrium.core.Config;
import atrium.core.ConfigException;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;

/**
 * The connection pool and JDBI handle. SQLite in the data directory unless
 * {@code db.url} names a PostgreSQL database. Each module migrates its own tables
 * from {@code classpath:db/<module>} with its own history table.
 */
public final class Database implements AutoCloseable {
    public enum Dialect { SQLITE, POSTGRES }

    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final Dialect dialect;

    private Database(HikariDataSource dataSource, Dialect dialect) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.jdbi = Jdbi.create(dataSource);
    }

    public static Database open(Config config) {
        String url = config.optional("db.url").orElse(null);
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("atrium-db");
        hc.setMaximumPoolSize(config.integer("db.pool-size", 1, 200));
        hc.setConnectionTimeout(10_000);
        Dialect dialect;
        if (url == null) {
            try {
                Files.createDirectories(config.dataDir());
            } catch (IOException e) {
                throw new ConfigException("cannot create the data directory " + config.dataDir() + ": " + e.getMessage());
            }
            // WAL lets readers run beside the writer; IMMEDIATE transactions take the write
            // lock up front so two writers wait on busy_timeout instead of failing on upgrade.
            url = "jdbc:sqlite:" + config.dataDir().resolve("atrium.db")
                    + "?journal_mode=WAL&synchronous=NORMAL&foreign_keys=true&busy_timeout=15000&transaction_mode=IMMEDIATE";
            dialect = Dialect.SQLITE;
        } else if (url.startsWith("jdbc:postgresql:")) {
            dialect = Dialect.POSTGRES;
            config.optional("db.user").ifPresent(hc::setUsername);
            config.optional("db.password").ifPresent(hc::setPassword);
        } else {
            throw config.bad("db.url", "only jdbc:postgresql: URLs are supported (empty = SQLite)");
        }
        hc.setJdbcUrl(url);
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(hc);
        } catch (RuntimeException e) {
            throw config.bad("db.url", "cannot connect: " + rootMessage(e));
        }
        return new Database(ds, dialect);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    /** Applies the module's migrations ({@code db/<module>/V1__….sql}, …). */
    public void migrate(String module) {
        Flyway.configure(Database.class.getClassLoader())
                .dataSource(dataSource)
                .locations("classpath:db/" + module)
                .table(module + "_schema_history")
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public Dialect dialect() {
        return dialect;
    }

    /** True when the database answers; for /health. */
    public boolean healthy() {
        try (var c = dataSource.getConnection()) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
