package atrium.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {
    @TempDir
    Path data;

    enum Level { ERROR, WARN, INFO, DEBUG }

    private Config load(String file, Map<String, String> env) throws IOException {
        if (file != null) {
            Files.writeString(data.resolve(Config.FILE_NAME), file, StandardCharsets.UTF_8);
        }
        return Config.load(data, env);
    }

    @Test
    void withoutFileOrEnvironmentEveryKeyHasItsDefault() throws IOException {
        Config c = load(null, Map.of());
        assertThat(c.keys()).isEqualTo(Config.defaults());
        assertThat(c.port("http.port")).isEqualTo(8080);
        assertThat(c.port("https.port")).isEqualTo(8443);
        assertThat(c.bool("proxy.enabled")).isFalse();
        assertThat(c.list("proxy.trusted")).containsExactly("127.0.0.1", "::1");
        assertThat(c.optional("db.url")).isEmpty();
        assertThat(c.oneOf("log.level", Level.class)).isEqualTo(Level.INFO);
        assertThat(c.dataDir()).isEqualTo(data);
    }

    @Test
    void defaultsAreInFileOrderAndAllUsable() {
        Map<String, String> d = Config.defaults();
        assertThat(d.keySet().iterator().next()).isEqualTo("http.bind");
        assertThat(d).containsEntry("http.port", "8080").containsEntry("tls.cert", "");
    }

    @Test
    void fileOverridesDefaults() throws IOException {
        Config c = load("""
                # a comment
                http.port = 9080

                  proxy.enabled=true
                db.url = jdbc:postgresql://db:5432/atrium?ssl=true
                """, Map.of());
        assertThat(c.port("http.port")).isEqualTo(9080);
        assertThat(c.bool("proxy.enabled")).isTrue();
        assertThat(c.string("db.url")).isEqualTo("jdbc:postgresql://db:5432/atrium?ssl=true");
        assertThat(c.port("https.port")).isEqualTo(8443);
    }

    @Test
    void windowsLineEndingsAreAccepted() throws IOException {
        Config c = load("http.port = 9080\r\nlog.level = debug\r\n", Map.of());
        assertThat(c.port("http.port")).isEqualTo(9080);
        assertThat(c.oneOf("log.level", Level.class)).isEqualTo(Level.DEBUG);
    }

    @Test
    void environmentOverridesFile() throws IOException {
        Config c = load("http.port = 9080\nhttp.max-body-bytes = 100\n",
                Map.of("ATRIUM_HTTP_PORT", " 9180 ", "ATRIUM_HTTP_MAX_BODY_BYTES", "200"));
        assertThat(c.port("http.port")).isEqualTo(9180);
        assertThat(c.longValue("http.max-body-bytes", 1, Long.MAX_VALUE)).isEqualTo(200);
    }

    @Test
    void environmentOverridesDefaultWithoutFile() throws IOException {
        Config c = load(null, Map.of("ATRIUM_PROXY_TRUSTED", "10.0.0.0/8, 192.0.2.7 ,"));
        assertThat(c.list("proxy.trusted")).containsExactly("10.0.0.0/8", "192.0.2.7");
    }

    @Test
    void environmentVariablesNamingNoKeyAreIgnored() throws IOException {
        Config c = load(null, Map.of("ATRIUM_JAVA_OPTS", "-Xmx1g", "ATRIUM_NO_SUCH_KEY", "1"));
        assertThat(c.keys()).isEqualTo(Config.defaults());
    }

    @Test
    void dataDirectoryComesFromAtriumData() {
        Config c = Config.load(Map.of("ATRIUM_DATA", data.toString()));
        assertThat(c.dataDir()).isEqualTo(data.toAbsolutePath().normalize());
        assertThat(c.path("tls.cert")).isEmpty();
        assertThat(c.with(Map.of("tls.cert", "tls/cert.pem")).path("tls.cert")).contains(c.dataDir().resolve("tls/cert.pem"));
    }

    @Test
    void unknownKeyInFileIsRefusedByName() {
        assertThatThrownBy(() -> load("http.port = 9080\nhttp.prot = 9081\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown key 'http.prot'")
                .hasMessageContaining(Config.FILE_NAME);
    }

    @Test
    void unknownKeyInOverrideIsRefused() throws IOException {
        Config c = load(null, Map.of());
        assertThatThrownBy(() -> c.with(Map.of("no.such", "1")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'no.such'");
    }

    @Test
    void badIntegerNamesKeyAndSource() throws IOException {
        Config c = load("db.pool-size = many\n", Map.of());
        assertThatThrownBy(() -> c.integer("db.pool-size", 1, 1000))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'db.pool-size'")
                .hasMessageContaining(Config.FILE_NAME)
                .hasMessageContaining("'many'")
                .hasMessageContaining("whole number");
    }

    @Test
    void integerOutOfRangeNamesKeyAndBounds() throws IOException {
        Config c = load(null, Map.of("ATRIUM_PASSWORD_MIN_LENGTH", "0"));
        assertThatThrownBy(() -> c.integer("password.min-length", 6, 1024))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'password.min-length'")
                .hasMessageContaining("environment ATRIUM_PASSWORD_MIN_LENGTH")
                .hasMessageContaining("between 6 and 1024");
        Config big = load(null, Map.of("ATRIUM_IMPORT_MAX_BYTES", "99999999999999999999"));
        assertThatThrownBy(() -> big.longValue("import.max-bytes", 1, Long.MAX_VALUE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'import.max-bytes'");
    }

    @Test
    void decimalsAcceptAFractionAndRefuseOtherSpellings() throws IOException {
        assertThat(load(null, Map.of("ATRIUM_LOGIN_FLOW_MINUTES", "0.05")).decimal("login-flow.minutes", 0.01, 1440))
                .isEqualTo(0.05);
        assertThat(load(null, Map.of()).decimal("login-flow.minutes", 0.01, 1440)).isEqualTo(20.0);
        for (String bad : new String[] {"1e3", "NaN", "0,5", "-1", "twenty", ".5"}) {
            assertThatThrownBy(() -> load(null, Map.of("ATRIUM_LOGIN_FLOW_MINUTES", bad)).decimal("login-flow.minutes", 0.01, 1440))
                    .as(bad).isInstanceOf(ConfigException.class).hasMessageContaining("'login-flow.minutes'");
        }
        assertThatThrownBy(() -> load(null, Map.of("ATRIUM_LOGIN_FLOW_MINUTES", "0")).decimal("login-flow.minutes", 0.01, 1440))
                .isInstanceOf(ConfigException.class).hasMessageContaining("between 0.01 and 1440");
    }

    @Test
    void badPortNamesKey() throws IOException {
        assertThatThrownBy(() -> load(null, Map.of("ATRIUM_HTTP_PORT", "80a")).port("http.port"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config key 'http.port' (environment ATRIUM_HTTP_PORT, value '80a'): must be a whole number");
        assertThatThrownBy(() -> load("https.port = 70000\n", Map.of()).port("https.port"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'https.port'")
                .hasMessageContaining("between 0 and 65535");
        assertThatThrownBy(() -> load("https.port = -1\n", Map.of()).port("https.port"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'https.port'");
    }

    @Test
    void booleansAcceptCommonSpellingsAndRefuseOthers() throws IOException {
        for (String yes : new String[] {"true", "TRUE", "yes", "on", "1"}) {
            assertThat(load(null, Map.of("ATRIUM_PROXY_ENABLED", yes)).bool("proxy.enabled")).as(yes).isTrue();
        }
        for (String no : new String[] {"false", "No", "off", "0"}) {
            assertThat(load(null, Map.of("ATRIUM_PROXY_ENABLED", no)).bool("proxy.enabled")).as(no).isFalse();
        }
        Config c = load("proxy.enabled = maybe\n", Map.of());
        assertThatThrownBy(() -> c.bool("proxy.enabled"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'proxy.enabled'")
                .hasMessageContaining("true or false");
    }

    @Test
    void badChoiceListsTheAllowedValues() throws IOException {
        Config c = load("log.level = loud\n", Map.of());
        assertThatThrownBy(() -> c.oneOf("log.level", Level.class))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'log.level'")
                .hasMessageContaining("[error, warn, info, debug]");
    }

    @Test
    void duplicateKeyIsRefusedWithLineNumber() {
        assertThatThrownBy(() -> load("http.port = 1\n# comment\nhttp.port = 2\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("line 3")
                .hasMessageContaining("'http.port' appears twice");
    }

    @Test
    void malformedLinesAreRefusedWithLineNumber() {
        assertThatThrownBy(() -> load("http.port = 1\nthis is not a setting\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("line 2")
                .hasMessageContaining("expected 'key = value'");
        assertThatThrownBy(() -> load("= 8080\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("line 1");
        assertThatThrownBy(() -> load("HTTP_PORT = 8080\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'HTTP_PORT' is not a valid key");
    }

    @Test
    void passwordValuesAreMaskedInMessages() throws IOException {
        Config c = load("db.password = s3cret-db\n", Map.of("ATRIUM_ADMIN_PASSWORD", "s3cret-admin"));
        assertThat(c.bad("db.password", "rejected").getMessage())
                .contains("'db.password'", "***")
                .doesNotContain("s3cret-db");
        assertThat(c.bad("admin.password", "too short").getMessage())
                .contains("'admin.password'", "environment ATRIUM_ADMIN_PASSWORD", "***")
                .doesNotContain("s3cret-admin");
        assertThat(c.string("db.password")).isEqualTo("s3cret-db");
    }

    @Test
    void envNameIsUpperCaseWithUnderscores() {
        assertThat(Config.envName("http.port")).isEqualTo("ATRIUM_HTTP_PORT");
        assertThat(Config.envName("http.max-body-bytes")).isEqualTo("ATRIUM_HTTP_MAX_BODY_BYTES");
        assertThat(Config.envName("login.block-after-failures")).isEqualTo("ATRIUM_LOGIN_BLOCK_AFTER_FAILURES");
        assertThat(Config.envName("log.level")).isEqualTo("ATRIUM_LOG_LEVEL");
    }

    @Test
    void unknownKeyLookupIsAProgrammingError() throws IOException {
        Config c = load(null, Map.of());
        assertThatThrownBy(() -> c.string("no.such")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void configExceptionCarriesExitCode78() {
        assertThat(ConfigException.EXIT_CODE).isEqualTo(78);
    }
}
