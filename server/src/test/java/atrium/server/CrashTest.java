package atrium.server;

import static org.assertj.core.api.Assertions.assertThat;

import atrium.server.DavClient.Res;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code kill -9} of the server while 16 clients overwrite files and add new ones, twice:
 * after each restart every file holds exactly one of the contents ever written to it (never a
 * mix, never truncated), every new file is absent or whole, and {@code cli files check} finds
 * nothing wrong.
 */
class CrashTest {
    static final int FILES = 20;
    static final int THREADS = 16;
    static final String LOGIN = "crash";
    static final String PASSWORD = "Walnut-Harbour-Quiet-83";
    static final Pattern PORT = Pattern.compile("reverse proxy on port (\\d+)");

    /** A running server process, its output drained by a thread (so it never blocks on a full pipe). */
    static final class Server {
        final Process process;
        final StringBuffer log = new StringBuffer();
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch swept = new CountDownLatch(1);
        volatile int port = -1;

        Server(Path data) throws IOException {
            process = ProcessTest.start(data, env(), "run");
            Thread.ofPlatform().daemon().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        log.append(line).append('\n');
                        Matcher m = PORT.matcher(line);
                        if (m.find()) {
                            port = Integer.parseInt(m.group(1));
                            started.countDown();
                        }
                        if (line.contains("File storage swept")) {
                            swept.countDown();
                        }
                    }
                } catch (IOException ignored) {
                    // the process is gone
                }
            });
        }

        String base() throws InterruptedException {
            assertThat(started.await(60, TimeUnit.SECONDS)).as(log.toString()).isTrue();
            assertThat(swept.await(30, TimeUnit.SECONDS)).as(log.toString()).isTrue();
            return "http://127.0.0.1:" + port;
        }

        void kill9() throws Exception {
            assertThat(new ProcessBuilder("kill", "-KILL", Long.toString(process.pid())).start().waitFor()).isZero();
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        }
    }

    static Map<String, String> env() {
        Map<String, String> env = new HashMap<>(ProcessTest.ports());
        env.put("ATRIUM_PROXY_ENABLED", "true");
        env.put("ATRIUM_ADMIN_PASSWORD", TestServer.ADMIN_PASSWORD);
        env.put("ATRIUM_LOGIN_DELAY_MS", "20");
        return env;
    }

    /** Content number {@code version} of file {@code i}: 1 to 3 MB, a size of its own, bytes of its own. */
    static byte[] content(String name, int version) {
        Random r = new Random(name.hashCode() * 31L + version);
        byte[] b = new byte[1_000_000 + r.nextInt(2_000_000)];
        r.nextBytes(b);
        return b;
    }

    @Test
    @Timeout(value = 170, unit = TimeUnit.SECONDS)
    void killedDuringParallelUploadsTheServerComesBackWithWholeFilesOnly() throws Exception {
        Path data = Files.createTempDirectory("atrium-crash-");
        Server server = new Server(data);
        String base = server.base();
        TestClient admin = new TestClient(base);
        assertThat(admin.signIn("admin", TestServer.ADMIN_PASSWORD).status()).isEqualTo(200);
        assertThat(admin.post("/api/v1/users", Map.of("login", LOGIN, "password", PASSWORD)).status()).isEqualTo(201);
        TestClient user = new TestClient(base);
        user.signIn(LOGIN, PASSWORD);
        String appPassword = user.post("/api/v1/me/app-passwords", Map.of("name", "crash")).json().get("password").asText();
        Optional<String> auth = Optional.of(LOGIN + ":" + appPassword);

        // Every content each file may hold: version 0 uploaded in full before any kill.
        Map<String, List<byte[]>> allowed = new HashMap<>();
        for (int i = 0; i < FILES; i++) {
            String name = "f" + i + ".bin";
            byte[] a = content(name, 0);
            assertThat(put(base, auth, name, a)).isEqualTo(201);
            allowed.computeIfAbsent(name, k -> new ArrayList<>()).add(a);
        }
        for (int round = 1; round <= 2; round++) {
            AtomicInteger done = new AtomicInteger();
            AtomicInteger broken = new AtomicInteger();
            List<String> newFiles = new ArrayList<>();
            for (int i = 0; i < FILES; i++) {
                String name = "f" + i + ".bin";
                allowed.get(name).add(content(name, round));
                String fresh = "new-" + round + "-" + i + ".bin";
                newFiles.add(fresh);
                allowed.put(fresh, new ArrayList<>(List.of(content(fresh, 0))));
            }
            final int r = round;
            final String url = base;
            List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                final int first = t;
                writers.add(Thread.ofPlatform().start(() -> {
                    // Each writer goes round all files from its own start, alternating overwrites and new files.
                    for (int k = 0; k < 4 * FILES; k++) {
                        int i = (first + k) % FILES;
                        String name = k % 2 == 0 ? "f" + i + ".bin" : newFiles.get(i);
                        byte[] body = name.startsWith("f") ? allowed.get(name).get(r) : allowed.get(name).get(0);
                        try {
                            int status = put(url, auth, name, body);
                            if (status == 201 || status == 204) {
                                done.incrementAndGet();
                            }
                        } catch (RuntimeException e) {
                            broken.incrementAndGet();
                            return; // the server is gone
                        }
                    }
                }));
            }
            // Kill once the overwrites are well under way: uploads in flight, commits in progress.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (done.get() < 12 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            server.kill9();
            for (Thread w : writers) {
                w.join(30_000);
            }
            System.out.printf("round %d: %d uploads completed before kill -9, %d cut off%n", round, done.get(), broken.get());
            assertThat(broken.get()).as("uploads cut off by the kill").isPositive();

            // Right after the kill, with no server: the tree is sound; only leftovers (orphans, temporaries) may show.
            ProcessTest.Result afterKill = ProcessTest.run(data, env(), new byte[0], "cli", "files", "check");
            System.out.println(afterKill.out());
            assertThat(afterKill.out()).doesNotContain("missing blob", "wrong size", "unreadable blob", "wrong folder size",
                    "missing parent", "cycle");

            server = new Server(data);
            base = server.base();
            int complete = verify(base, auth, allowed, newFiles);
            System.out.printf("round %d: after restart %d of %d new files complete, the others absent%n", round, complete,
                    newFiles.size());
            ProcessTest.Result check = ProcessTest.run(data, env(), new byte[0], "cli", "files", "check");
            assertThat(check.exit()).as(check.out()).isZero();
            assertThat(check.out()).contains("no problem");
        }
        ProcessTest.sigterm(server.process);
        assertThat(server.process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        // Stopped: no grace for young blobs now, so any orphan would show.
        ProcessTest.Result last = ProcessTest.run(data, env(), new byte[0], "cli", "files", "check");
        System.out.println(last.out());
        assertThat(last.exit()).as(last.out()).isZero();
        assertThat(last.out()).contains("no problem");
    }

    /** Every file holds exactly one allowed content; a new file is whole or absent. Returns how many new files exist. */
    int verify(String base, Optional<String> auth, Map<String, List<byte[]>> allowed, List<String> newFiles) {
        Res listing = DavClient.send(base, auth, "PROPFIND", "/remote.php/dav/files/" + LOGIN + "/", null, "Depth", "1");
        assertThat(listing.status()).isEqualTo(207);
        int complete = 0;
        for (var e : allowed.entrySet()) {
            String name = e.getKey();
            Res got = DavClient.send(base, auth, "GET", "/remote.php/dav/files/" + LOGIN + "/" + name, null);
            boolean isNew = newFiles.contains(name);
            if (got.status() == 404) {
                assertThat(isNew || !name.startsWith("f")).as(name + " vanished").isTrue();
                assertThat(listing.text()).doesNotContain("/" + name + "<");
                continue;
            }
            assertThat(got.status()).as(name).isEqualTo(200);
            assertThat(listing.text()).as("PROPFIND lists " + name).contains("/" + name + "<");
            boolean matches = e.getValue().stream().anyMatch(c -> Arrays.equals(c, got.body()));
            assertThat(matches).as(name + " (" + got.body().length + " bytes) holds exactly one content written to it").isTrue();
            if (isNew) {
                complete++;
            }
        }
        return complete;
    }

    static int put(String base, Optional<String> auth, String name, byte[] body) {
        return DavClient.send(base, auth, "PUT", "/remote.php/dav/files/" + LOGIN + "/" + name, body).status();
    }
}
