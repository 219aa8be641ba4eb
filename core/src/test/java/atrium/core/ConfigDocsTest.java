package atrium.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** docs/configuration.md documents every key of atrium-defaults.conf, with its default and variable. */
class ConfigDocsTest {
    /** Surefire runs with the module directory as working directory. */
    private static final Path DOC = Path.of("..", "docs", "configuration.md");

    private static String doc;
    /** Table rows whose first cell is a backticked config key: key → cells. */
    private static Map<String, String[]> rows;

    @BeforeAll
    static void read() throws IOException {
        assertThat(DOC).as("docs/configuration.md next to the modules").isRegularFile();
        doc = Files.readString(DOC, StandardCharsets.UTF_8);
        rows = new LinkedHashMap<>();
        for (String line : doc.split("\r?\n")) {
            if (!line.startsWith("|")) {
                continue;
            }
            String[] cells = line.substring(1).split("\\|", -1);
            for (int i = 0; i < cells.length; i++) {
                cells[i] = cells[i].strip();
            }
            if (cells.length >= 4 && cells[0].matches("`[a-z][a-z0-9.-]*`")) {
                rows.put(cells[0].substring(1, cells[0].length() - 1), cells);
            }
        }
    }

    @Test
    void everyKeyHasARowWithItsDefaultAndEnvironmentVariable() {
        Map<String, String> defaults = Config.defaults();
        assertThat(defaults).isNotEmpty().containsKey("http.port");
        for (var e : defaults.entrySet()) {
            String key = e.getKey();
            assertThat(rows).as("a table row for `%s` in docs/configuration.md", key).containsKey(key);
            String[] cells = rows.get(key);
            String expectedDefault = e.getValue().isEmpty() ? "*(empty)*" : "`" + e.getValue() + "`";
            assertThat(cells[1]).as("default of %s", key).isEqualTo(expectedDefault);
            assertThat(cells[2]).as("environment variable of %s", key).isEqualTo("`" + Config.envName(key) + "`");
            assertThat(cells[3]).as("description of %s", key).isNotBlank();
        }
    }

    @Test
    void documentsNoKeyThatDoesNotExist() {
        assertThat(Config.defaults().keySet()).containsAll(rows.keySet());
    }

    @Test
    void documentsTheDataDirectoryAndTheExitCode() {
        assertThat(doc).contains("`ATRIUM_DATA`", "`./data`");
        assertThat(doc).contains("exit code **" + ConfigException.EXIT_CODE + "**");
    }

    @Test
    void envNameExampleInTheDocMatchesTheCode() {
        assertThat(doc).contains("`http.port` → `" + Config.envName("http.port") + "`");
        assertThat(doc).contains("`http.max-body-bytes` → `" + Config.envName("http.max-body-bytes") + "`");
    }
}
