import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Chat load generator for bench/chat.sh (run by the JDK's source launcher: no build, no dependency).
 * Signs in one session per account, makes group conversations of consecutive accounts, connects one
 * /ws client per account, then posts messages through the REST API at a fixed rate, each carrying
 * its send time; every client notes when each message arrives. Reports deliveries expected against
 * received, latency, the server's CPU and resident memory (read from /proc of its pid).
 *
 * Arguments: URL PASSWORDS_FILE SERVER_PID CLK_TCK CLIENTS MEMBERS SECONDS RATE
 */
public final class ChatBench {
    private static final String CSRF = "chat-bench-csrf-token-0123456789";
    private static final Pattern SESSION = Pattern.compile("atrium_session=([^;]+)");
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"(\\d+)\"");
    // The message text is "bench SEQ SENT": SENT is System.nanoTime() when the POST left; the senders
    // and the receivers are in this one process, so they share that clock and no skew enters.
    private static final Pattern CREATED = Pattern.compile("\"type\":\"chat\\.message\\.created\".*\"text\":\"bench (\\d+) (-?\\d+)\"");

    private final String base;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final long pid;
    private final long clkTck;

    ChatBench(String base, long pid, long clkTck) {
        this.base = base;
        this.pid = pid;
        this.clkTck = clkTck;
    }

    /** One account: its session cookie, its conversation, what its WebSocket received. */
    static final class Client {
        final String login;
        final String password;
        String cookie;
        int conversation;
        WebSocket ws;
        final BitSet received = new BitSet();
        int duplicates;
        final CountDownLatch live = new CountDownLatch(1);
        final StringBuilder partial = new StringBuilder();
        volatile String closed;

        Client(String login, String password) {
            this.login = login;
            this.password = password;
        }
    }

    public static void main(String[] a) throws Exception {
        if (a.length != 8) {
            System.err.println("usage: ChatBench URL PASSWORDS_FILE SERVER_PID CLK_TCK CLIENTS MEMBERS SECONDS RATE");
            System.exit(2);
        }
        var bench = new ChatBench(a[0], Long.parseLong(a[2]), Long.parseLong(a[3]));
        System.exit(bench.run(Path.of(a[1]), Integer.parseInt(a[4]), Integer.parseInt(a[5]),
                Integer.parseInt(a[6]), Integer.parseInt(a[7])));
    }

    int run(Path passwords, int clients, int members, int seconds, int rate) throws Exception {
        List<Client> all = new ArrayList<>();
        for (String line : Files.readAllLines(passwords)) {
            String[] p = line.split(";", 2);
            if (p.length == 2 && !p[0].equals("login")) {
                all.add(new Client(p[0], p[1]));
            }
        }
        all.sort((x, y) -> x.login.compareTo(y.login));
        if (all.size() < clients) {
            throw new IllegalStateException("only " + all.size() + " accounts for " + clients + " clients");
        }
        List<Client> cs = List.copyOf(all.subList(0, clients));
        int conversations = clients / members;
        if (conversations == 0 || clients % members != 0) {
            throw new IllegalStateException("--clients must be a multiple of the conversation size " + members);
        }

        long t0 = System.nanoTime();
        parallel(cs, 8, this::signIn);
        say("%d sessions signed in in %d ms", clients, ms(t0));

        String[] convIds = new String[conversations];
        t0 = System.nanoTime();
        parallel(range(conversations), 4, k -> {
            List<Client> group = cs.subList(k * members, (k + 1) * members);
            StringBuilder body = new StringBuilder("{\"kind\":\"group\",\"name\":\"bench ").append(k).append("\",\"members\":[");
            for (int i = 1; i < group.size(); i++) {
                body.append(i > 1 ? "," : "").append('"').append(group.get(i).login).append('"');
            }
            body.append("]}");
            HttpResponse<String> r = post(group.get(0), "/api/v1/chat/conversations", body.toString());
            if (r.statusCode() != 201) {
                throw new IllegalStateException("conversation " + k + ": " + r.statusCode() + " " + r.body());
            }
            Matcher m = ID.matcher(r.body());
            if (!m.find()) {
                throw new IllegalStateException("no id in " + r.body());
            }
            convIds[k] = m.group(1);
            group.forEach(c -> c.conversation = k);
        });
        say("%d group conversations of %d members made in %d ms", conversations, members, ms(t0));

        Thread.sleep(2000);
        long rssBefore = rssKb();
        say("server RSS before connecting: %.1f MB", rssBefore / 1024.0);

        // Send times by message sequence number (for the POST's own answer time); latencies in µs, one per delivery.
        int maxMessages = rate * seconds + rate;
        long[] sentAt = new long[maxMessages];
        long[] latencies = new long[maxMessages * members];
        AtomicInteger deliveries = new AtomicInteger();
        AtomicInteger unparsed = new AtomicInteger();
        HttpClient wsHttp = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(20)).build();
        String wsUrl = base.replaceFirst("^http", "ws") + "/ws";
        t0 = System.nanoTime();
        parallel(cs, 32, c -> {
            WebSocket.Listener listener = new WebSocket.Listener() {
                @Override
                public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                    long now = System.nanoTime();
                    c.partial.append(data);
                    if (last) {
                        String f = c.partial.toString();
                        c.partial.setLength(0);
                        if (f.startsWith("{\"type\":\"hello\"")) {
                            ws.sendText("{\"type\":\"subscribe\"}", true);
                        } else if (f.startsWith("{\"type\":\"caught-up\"")) {
                            c.live.countDown();
                        } else if (f.startsWith("{\"type\":\"chat.message.created\"")) {
                            Matcher m = CREATED.matcher(f);
                            if (m.find()) {
                                int seq = Integer.parseInt(m.group(1));
                                if (c.received.get(seq)) {
                                    c.duplicates++;
                                } else {
                                    c.received.set(seq);
                                    latencies[deliveries.getAndIncrement()] = (now - Long.parseLong(m.group(2))) / 1000;
                                }
                            } else {
                                unparsed.incrementAndGet();
                            }
                        }
                    }
                    ws.request(1);
                    return null;
                }

                @Override
                public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
                    c.closed = status + " " + reason;
                    c.live.countDown();
                    return null;
                }

                @Override
                public void onError(WebSocket ws, Throwable error) {
                    c.closed = "error " + error;
                    c.live.countDown();
                }
            };
            c.ws = wsHttp.newWebSocketBuilder().header("Cookie", c.cookie).header("Origin", base)
                    .connectTimeout(Duration.ofSeconds(20)).buildAsync(URI.create(wsUrl), listener).get(60, TimeUnit.SECONDS);
        });
        for (Client c : cs) {
            if (!c.live.await(60, TimeUnit.SECONDS) || c.closed != null) {
                throw new IllegalStateException(c.login + ": WebSocket not live: " + c.closed);
            }
        }
        say("%d WebSockets connected and subscribed in %d ms", clients, ms(t0));
        Thread.sleep(5000);
        long rssIdle = rssKb();
        say("server RSS with %d idle connections: %.1f MB, %.1f KB per connection", clients, rssIdle / 1024.0,
                (rssIdle - rssBefore) / (double) clients);

        // Posting: a fixed-rate scheduler; each tick sends one POST without waiting for it. Message
        // i goes to conversation i mod C, from its members in turn, so every sender posts rarely.
        AtomicInteger seqs = new AtomicInteger();
        AtomicInteger posted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        long[] postMicros = new long[maxMessages];
        BitSet ok = new BitSet();
        List<CompletableFuture<?>> inFlight = new ArrayList<>();
        long cpu0 = cpuTicks();
        long start = System.nanoTime();
        ScheduledExecutorService tick = Executors.newSingleThreadScheduledExecutor();
        tick.scheduleAtFixedRate(() -> {
            int seq = seqs.getAndIncrement();
            if (seq >= rate * seconds) {
                return;
            }
            int k = seq % conversations;
            Client sender = cs.get(k * members + (seq / conversations) % members);
            sentAt[seq] = System.nanoTime();
            CompletableFuture<?> f = http.sendAsync(request(sender, "/api/v1/chat/conversations/" + convIds[k] + "/messages",
                    "{\"text\":\"bench " + seq + " " + sentAt[seq] + "\"}"), HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
                if (e == null && r.statusCode() == 201) {
                    postMicros[posted.getAndIncrement()] = (System.nanoTime() - sentAt[seq]) / 1000;
                    synchronized (ok) {
                        ok.set(seq);
                    }
                } else {
                    if (refused.getAndIncrement() < 5) {
                        say("message %d refused: %s", seq, e != null ? e : r.statusCode() + " " + r.body());
                    }
                }
            });
            synchronized (inFlight) {
                inFlight.add(f);
            }
        }, 0, 1_000_000_000L / rate, TimeUnit.NANOSECONDS);
        Thread.sleep(seconds * 1000L);
        while (seqs.get() < rate * seconds) {
            Thread.sleep(10);
        }
        tick.shutdownNow();
        long postEnd = System.nanoTime();
        int sent = Math.min(seqs.get(), rate * seconds);
        synchronized (inFlight) {
            CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        }
        long postsDone = System.nanoTime();
        long expected = (long) posted.get() * members;
        // Delivery: wait until everything arrived, or for 15 s without progress.
        long lastCount = -1;
        long lastProgress = System.nanoTime();
        while (deliveries.get() < expected && System.nanoTime() - lastProgress < 15_000_000_000L) {
            if (deliveries.get() != lastCount) {
                lastCount = deliveries.get();
                lastProgress = System.nanoTime();
            }
            Thread.sleep(50);
        }
        long end = System.nanoTime();
        long cpu1 = cpuTicks();
        long rssAfter = rssKb();

        // Missing and duplicate deliveries, client by client.
        long missing = 0;
        int duplicates = 0;
        List<String> examples = new ArrayList<>();
        for (Client c : cs) {
            duplicates += c.duplicates;
            for (int seq = ok.nextSetBit(0); seq >= 0; seq = ok.nextSetBit(seq + 1)) {
                if (seq % conversations == c.conversation && !c.received.get(seq)) {
                    missing++;
                    if (examples.size() < 10) {
                        examples.add(c.login + " lacks message " + seq);
                    }
                }
            }
            if (c.closed != null && examples.size() < 10) {
                examples.add(c.login + " closed: " + c.closed);
            }
        }
        int n = deliveries.get();
        long[] lat = Arrays.copyOf(latencies, n);
        Arrays.sort(lat);
        double postSeconds = (postEnd - start) / 1e9;
        double runSeconds = (end - start) / 1e9;
        double cpuSeconds = (cpu1 - cpu0) / (double) clkTck;

        System.out.println();
        System.out.println("=== chat bench: " + clients + " clients, " + conversations + " conversations of " + members
                + ", " + rate + " messages/s for " + seconds + " s ===");
        System.out.printf("messages sent %d, accepted (201) %d, refused %d; post throughput %.1f/s (accepted over %.1f s)%n",
                sent, posted.get(), refused.get(), posted.get() / ((postsDone - start) / 1e9), (postsDone - start) / 1e9);
        long[] answered = Arrays.copyOf(postMicros, posted.get());
        Arrays.sort(answered);
        if (answered.length > 0) {
            System.out.printf("POST answered (201) in: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", pct(answered, 50),
                    pct(answered, 99), answered[answered.length - 1] / 1000.0);
        }
        System.out.printf("deliveries expected %d, received %d, missing %d, duplicates %d, unparsed frames %d%n",
                expected, n, missing, duplicates, unparsed.get());
        examples.forEach(e -> System.out.println("  " + e));
        if (n > 0) {
            System.out.printf("delivery latency (POST sent → frame received): p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, "
                    + "max %.1f ms%n", pct(lat, 50), pct(lat, 90), pct(lat, 99), lat[n - 1] / 1000.0);
        }
        System.out.printf("server CPU: %.1f s user+sys over %.1f s = %.0f %% of one core%n", cpuSeconds, runSeconds,
                100 * cpuSeconds / runSeconds);
        System.out.printf("server RSS: %.1f MB before connecting, %.1f MB with %d idle connections "
                + "(%.1f KB per connection), %.1f MB after the run%n", rssBefore / 1024.0, rssIdle / 1024.0, clients,
                (rssIdle - rssBefore) / (double) clients, rssAfter / 1024.0);
        System.out.printf("posting took %.1f s for %d messages (asked: %d/s)%n", postSeconds, sent, rate);
        for (Client c : cs) {
            c.ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        return missing == 0 && duplicates == 0 && n == expected && refused.get() == 0 ? 0 : 1;
    }

    private void signIn(Client c) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/session"))
                .header("Content-Type", "application/json").header("Cookie", "atrium_csrf=" + CSRF)
                .header("X-CSRF-Token", CSRF)
                .POST(HttpRequest.BodyPublishers.ofString("{\"login\":\"" + c.login + "\",\"password\":\""
                        + c.password + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200 || !r.body().contains("\"signed-in\"")) {
            throw new IllegalStateException(c.login + ": sign-in " + r.statusCode() + " " + r.body());
        }
        String session = r.headers().allValues("set-cookie").stream().map(SESSION::matcher).filter(Matcher::find)
                .map(m -> m.group(1)).findFirst().orElseThrow(() -> new IllegalStateException(c.login + ": no session cookie"));
        c.cookie = "atrium_session=" + session + "; atrium_csrf=" + CSRF;
    }

    private HttpRequest request(Client c, String path, String json) {
        return HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .header("Cookie", c.cookie).header("X-CSRF-Token", CSRF).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    private HttpResponse<String> post(Client c, String path, String json) throws IOException, InterruptedException {
        return http.send(request(c, path, json), HttpResponse.BodyHandlers.ofString());
    }

    private long rssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IOException("no VmRSS for pid " + pid);
    }

    /** utime + stime of the server process, in clock ticks (fields 14 and 15 of /proc/PID/stat). */
    private long cpuTicks() throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static double pct(long[] sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1000.0;
    }

    interface Task<T> {
        void run(T t) throws Exception;
    }

    /** Runs the task for each item on virtual threads, at most `width` at once; the first failure stops the bench. */
    private static <T> void parallel(List<T> items, int width, Task<T> task) throws Exception {
        Semaphore slots = new Semaphore(width);
        List<Thread> threads = new ArrayList<>();
        List<Exception> failures = new ArrayList<>();
        for (T item : items) {
            slots.acquire();
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    task.run(item);
                } catch (Exception e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                } finally {
                    slots.release();
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
    }

    private static List<Integer> range(int n) {
        List<Integer> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(i);
        }
        return l;
    }

    private static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private static void say(String format, Object... args) {
        System.err.printf("bench chat: " + format + "%n", args);
    }
}
