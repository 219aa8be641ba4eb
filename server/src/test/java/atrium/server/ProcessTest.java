package atrium.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The server and the CLI as separate processes, the way an operator runs them. */
class ProcessTest {
    record Result(int exit, String out) {
    }

    static Process start(Path data, Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "atrium.server.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("ATRIUM_"));
        // The CLI speaks the language of LC_ALL / LC_MESSAGES / LANG: English unless a test asks.
        pb.environment().remove("LC_ALL");
        pb.environment().put("LC_MESSAGES", "C");
        pb.environment().put("ATRIUM_DATA", data.toString());
        pb.environment().putAll(env);
        return pb.start();
    }

    static Result run(Path data, Map<String, String> env, byte[] stdin, String... args) throws Exception {
        Process p = start(data, env, args);
        try (var in = p.getOutputStream()) {
            in.write(stdin);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }

    static void sigterm(Process p) throws Exception {
        assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor()).isZero();
    }

    static Map<String, String> ports() {
        return Map.of("ATRIUM_HTTP_BIND", "127.0.0.1", "ATRIUM_HTTP_PORT", "0", "ATRIUM_HTTPS_PORT", "0");
    }

    @Test
    void anUnknownKeyInTheConfigFileStopsStartUpWithExitCode78() throws Exception {
        Path data = Files.createTempDirectory("atrium-p-");
        Files.writeString(data.resolve("atrium.conf"), "http.port = 9999\nhttp.colour = blue\n");
        Result r = run(data, ports(), new byte[0], "run");
        assertThat(r.exit()).isEqualTo(78);
        assertThat(r.out()).contains("unknown key 'http.colour'");
    }

    @Test
    void aBadValueFromTheEnvironmentNamesTheKey() throws Exception {
        Path data = Files.createTempDirectory("atrium-p-");
        Map<String, String> env = new java.util.HashMap<>(ports());
        env.put("ATRIUM_HTTPS_PORT", "eighty");
        Result r = run(data, env, new byte[0], "run");
        assertThat(r.exit()).isEqualTo(78);
        assertThat(r.out()).contains("https.port").contains("ATRIUM_HTTPS_PORT").contains("whole number");
    }

    @Test
    void theFirstStartPrintsTheAdminPasswordOnceAndSigtermStopsCleanly() throws Exception {
        Path data = Files.createTempDirectory("atrium-p-");
        Process p = start(data, ports(), "run");
        var reader = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder out = new StringBuilder();
        String password = null;
        int port = -1;
        Pattern pw = Pattern.compile("## Password: (\\S+)");
        Pattern started = Pattern.compile("HTTPS on port (\\d+)");
        String line;
        while ((line = reader.readLine()) != null) {
            out.append(line).append('\n');
            Matcher m = pw.matcher(line);
            if (m.find()) {
                password = m.group(1);
            }
            Matcher s = started.matcher(line);
            if (s.find()) {
                port = Integer.parseInt(s.group(1));
                break;
            }
        }
        assertThat(password).as(out.toString()).isNotNull();
        assertThat(port).as(out.toString()).isPositive();
        TestClient admin = new TestClient("https://127.0.0.1:" + port);
        assertThat(admin.signIn("admin", password).status()).isEqualTo(200);
        // The CLI works on the same data while the server runs, and the server sees its changes.
        Result status = run(data, Map.of(), new byte[0], "cli", "status");
        assertThat(status.out()).contains("running (pid " + p.pid() + ")");
        Result add = run(data, Map.of(), new byte[0], "cli", "user", "add", "walid", "--display-name", "Walid Gharbi");
        assertThat(add.exit()).as(add.out()).isZero();
        assertThat(admin.get("/api/v1/users/walid").json().get("displayName").asText()).isEqualTo("Walid Gharbi");
        sigterm(p); // Process.destroy() would also close our end of its output
        while ((line = reader.readLine()) != null) {
            out.append(line).append('\n');
        }
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(out.toString()).contains("Atrium stopped");
        assertThat(data.resolve("atrium.pid")).doesNotExist();

        Process again = start(data, ports(), "run");
        var r2 = new java.io.BufferedReader(new java.io.InputStreamReader(again.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder out2 = new StringBuilder();
        while ((line = r2.readLine()) != null) {
            out2.append(line).append('\n');
            if (line.contains("HTTPS on port")) {
                break;
            }
        }
        sigterm(again);
        r2.lines().forEach(l -> { });
        assertThat(again.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(out2.toString()).doesNotContain("Password:");
    }

    @Test
    void theCliAddsListsDisablesAndImportsOnTheSameData() throws Exception {
        Path data = Files.createTempDirectory("atrium-p-");
        Map<String, String> env = Map.of("ATRIUM_ADMIN_PASSWORD", TestServer.ADMIN_PASSWORD);
        Result add = run(data, env, "Fig-Lantern-Ocean-51\n".getBytes(StandardCharsets.UTF_8),
                "cli", "user", "add", "sofiane", "--display-name", "Sofiane Haddad", "--group", "Tunis", "--password-stdin");
        assertThat(add.exit()).as(add.out()).isZero();
        assertThat(add.out()).contains("Created sofiane");
        Result generated = run(data, env, new byte[0], "cli", "user", "add", "nour");
        assertThat(generated.out()).containsPattern("Password: \\S{10,}");

        Path csv = data.resolve("people.csv");
        Files.writeString(csv, "\uFEFFlogin;display name;email;groups;quota\r\nines;Inès Fakhfakh;ines@example.tn;Tunis;2 GB\r\n"
                + "bad login!;X;;;\r\n", StandardCharsets.UTF_8);
        Result dry = run(data, env, new byte[0], "cli", "user", "import", csv.toString(), "--dry-run");
        assertThat(dry.out()).contains("Dry run").contains("line 3");
        Result imp = run(data, env, new byte[0], "cli", "user", "import", csv.toString());
        assertThat(imp.exit()).isEqualTo(2);
        assertThat(imp.out()).contains("1 created").contains("line 3").contains("passwords written to");

        Result disable = run(data, env, new byte[0], "cli", "user", "disable", "nour");
        assertThat(disable.exit()).isZero();
        Result list = run(data, env, new byte[0], "cli", "user", "list");
        assertThat(list.out()).contains("sofiane", "Sofiane Haddad", "Tunis", "ines", "2 GB");
        assertThat(list.out().lines().filter(l -> l.startsWith("nour")).findFirst().orElseThrow()).contains("disabled");
        Result status = run(data, env, new byte[0], "cli", "status");
        assertThat(status.out()).contains("not running").contains("accounts:  3").contains("sqlite");
        Result unknown = run(data, env, new byte[0], "cli", "user", "disable", "ghost");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.out()).contains("There is no user 'ghost'");
        Map<String, String> french = new java.util.HashMap<>(env);
        french.put("LC_MESSAGES", "fr_FR.UTF-8");
        Result inFrench = run(data, french, new byte[0], "cli", "user", "disable", "ghost");
        assertThat(inFrench.exit()).isEqualTo(1);
        assertThat(inFrench.out()).contains("Aucun utilisateur").contains("ghost");
    }
}
