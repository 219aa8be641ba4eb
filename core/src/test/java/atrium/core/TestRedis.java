package atrium.core;

import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * The Redis for cluster tests, named by ATRIUM_TEST_REDIS (CI: redis://127.0.0.1:6379, where a
 * Redis that does not answer fails the test). Without it the cluster tests are skipped. Each
 * call gets its own channel prefix, so test runs sharing one Redis never see each other's events.
 */
public final class TestRedis {
    private TestRedis() {
    }

    public static String uri() {
        String uri = System.getenv("ATRIUM_TEST_REDIS");
        Assumptions.assumeTrue(uri != null && !uri.isBlank(),
                "ATRIUM_TEST_REDIS is not set (e.g. redis://127.0.0.1:6379); skipping the Redis tests");
        return uri;
    }

    /** Config overrides putting a node on the test Redis under the given prefix. */
    public static Map<String, String> cluster(String prefix) {
        return Map.of("cluster.redis", uri(), "cluster.channel-prefix", prefix);
    }

    public static String uniquePrefix() {
        return "atrium-test-" + UUID.randomUUID() + ":";
    }
}
