package atrium.core.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import atrium.core.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DatabaseTest {
    @Test
    void sqliteIsTheDefaultAndLivesInTheDataDirectory() {
        var config = TestDatabases.sqliteConfig();
        try (Database db = Database.open(config)) {
            assertThat(db.dialect()).isEqualTo(Database.Dialect.SQLITE);
            assertThat(db.healthy()).isTrue();
            assertThat(config.dataDir().resolve("atrium.db")).exists();
        }
    }

    @Test
    void anUnsupportedDatabaseUrlStopsStartUpNamingTheKey() {
        var config = TestDatabases.sqliteConfig().with(Map.of("db.url", "jdbc:mysql://localhost/x"));
        assertThatThrownBy(() -> Database.open(config)).isInstanceOf(ConfigException.class).hasMessageContaining("db.url");
    }
}
