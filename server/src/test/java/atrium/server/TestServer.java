package atrium.server;

import atrium.core.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** A real Atrium on ephemeral ports with a temporary data directory, for integration tests. */
final class TestServer implements AutoCloseable {
    static final String ADMIN_PASSWORD = "Correct-Horse-Battery-77";

    final Atrium atrium;
    final Path dataDir;

    private TestServer(Atrium atrium, Path dataDir) {
        this.atrium = atrium;
        this.dataDir = dataDir;
    }

    static TestServer start() {
        return start(Map.of());
    }

    static TestServer start(Map<String, String> overrides) {
        try {
            return startIn(Files.createTempDirectory("atrium-it-"), overrides);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** On a given data directory: a small file system, or the data of a server that ran before. */
    static TestServer startIn(Path dir, Map<String, String> overrides) {
        Map<String, String> settings = new HashMap<>(Map.of(
                "http.bind", "127.0.0.1", "http.port", "0", "https.port", "0",
                "admin.password", ADMIN_PASSWORD, "login.delay-ms", "20", "log.level", "warn"));
        settings.putAll(overrides);
        Config config = Config.load(dir, Map.of()).with(settings);
        return new TestServer(Atrium.start(config), dir);
    }

    String baseUrl() {
        return (atrium.tlsEnabled() ? "https" : "http") + "://127.0.0.1:" + atrium.appPort();
    }

    TestClient client() {
        return new TestClient(baseUrl());
    }

    /** A browser-like client signed in as admin. */
    TestClient admin() {
        TestClient c = client();
        c.signIn("admin", ADMIN_PASSWORD);
        return c;
    }

    @Override
    public void close() {
        atrium.close();
    }
}
