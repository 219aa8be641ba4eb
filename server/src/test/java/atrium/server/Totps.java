package atrium.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Codes from Debian's oathtool, the real authenticator the tests use. */
final class Totps {
    private Totps() {
    }

    static String oathtool(String base32Secret) {
        return oathtool(base32Secret, java.time.Instant.now());
    }

    /**
     * The code for another moment: the server accepts the steps next to the current one,
     * so a test gets a fresh, unused code by asking for 30 s ahead instead of waiting.
     */
    static String oathtool(String base32Secret, java.time.Instant at) {
        String now = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
                .withZone(java.time.ZoneOffset.UTC).format(at);
        try {
            Process p = new ProcessBuilder("oathtool", "--totp", "-b", "--now", now, base32Secret)
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError("oathtool failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new AssertionError("oathtool is missing: install the Debian package 'oathtool' (.ci/run does)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
