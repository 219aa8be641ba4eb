package atrium.server;

import atrium.chat.ChatModule;
import atrium.core.AtriumException;
import atrium.core.Config;
import atrium.core.Ids;
import atrium.core.Messages;
import atrium.core.Msg;
import atrium.core.bus.EventBus;
import atrium.core.bus.RedisEventBus;
import atrium.core.db.Database;
import atrium.core.http.AddressRanges;
import atrium.core.http.HttpPlumbing;
import atrium.core.http.Json;
import atrium.core.http.Metrics;
import atrium.core.mail.Mailer;
import atrium.files.FilesModule;
import atrium.files.StorageCheck;
import atrium.files.UploadScanner;
import atrium.identity.IdentityModule;
import atrium.identity.Secrets;
import atrium.server.realtime.Realtime;
import atrium.voip.VoipModule;
import io.helidon.common.tls.Tls;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * One running Atrium: the database, every module, the listeners. Built in order by hand,
 * closed in reverse order. Tests start it on port 0 with a temporary data directory.
 */
public final class Atrium implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Atrium.class.getName());
    private static final String APP_SOCKET = WebServer.DEFAULT_SOCKET_NAME;
    private static final String REDIRECT_SOCKET = "http-redirect";

    private final Config config;
    private final Database db;
    private final IdentityModule identity;
    private final FilesModule files;
    private final VoipModule voip;
    private final WebServer server;
    private final ScheduledExecutorService housekeeping;
    private final boolean proxyMode;
    private final Metrics metrics;
    private final Mailer mailer;
    private final EventBus bus;
    private final Realtime realtime;

    private Atrium(Config config, Database db, IdentityModule identity, FilesModule files, VoipModule voip,
                   WebServer server, ScheduledExecutorService housekeeping, boolean proxyMode, Metrics metrics,
                   Mailer mailer, EventBus bus, Realtime realtime) {
        this.config = config;
        this.db = db;
        this.identity = identity;
        this.files = files;
        this.voip = voip;
        this.server = server;
        this.housekeeping = housekeeping;
        this.proxyMode = proxyMode;
        this.metrics = metrics;
        this.mailer = mailer;
        this.bus = bus;
        this.realtime = realtime;
    }

    public static Atrium start(Config config) {
        long t0 = System.nanoTime();
        java.time.Instant startedAt = java.time.Instant.now();
        // Read the message catalogue now: a module's broken file stops start-up, not the first error.
        Messages.standard();
        String bind = config.string("http.bind");
        int httpPort = config.port("http.port");
        int httpsPort = config.port("https.port");
        boolean proxyMode = config.bool("proxy.enabled");
        AddressRanges trusted;
        try {
            trusted = AddressRanges.parse(config.list("proxy.trusted"));
        } catch (IllegalArgumentException e) {
            throw config.bad("proxy.trusted", e.getMessage());
        }
        Tls tls = proxyMode ? null : tls(tlsMaterial(config));
        long tTls = System.nanoTime();
        // Checked here so that a bad value stops start-up; the routes that read bodies enforce them.
        config.longValue("http.max-body-bytes", 1024, 1L << 30);
        config.longValue("import.max-bytes", 1024, 1L << 30);
        config.oneOf("log.level", LogLevel.class);

        Clock clock = Clock.systemUTC();
        // Two nodes making ids in the same millisecond must differ in the node bits.
        Ids ids = new Ids(clock, config.integer("cluster.node-id", 0, 1023));
        // Before the database: a bad mail.* key stops the start before anything is opened.
        Mailer mailer = new Mailer(config);
        Database db;
        EventBus bus;
        try {
            db = Database.open(config);
        } catch (RuntimeException e) {
            mailer.close();
            throw e;
        }
        try {
            bus = RedisEventBus.open(config);
        } catch (RuntimeException e) {
            mailer.close();
            db.close();
            throw e;
        }
        long tDb = System.nanoTime();
        Realtime realtime = null;
        VoipModule voip = null;
        try {
            IdentityModule identity = new IdentityModule(config, db, ids, clock, mailer);
            long tIdentity = System.nanoTime();
            FilesModule files = new FilesModule(config, db, ids, clock, identity);
            ChatModule chat = new ChatModule(config, db, ids, clock, identity, files, bus);
            // SIP over TLS shows the HTTPS certificate (also in proxy mode, where HTTPS is the proxy's).
            voip = new VoipModule(config, db, ids, clock, identity, bus, () -> TlsFiles.sslContext(tlsMaterial(config)));
            identity.imports.addColumn(voip.extensionColumn);
            createFirstAdmin(config, identity);
            Metrics metrics = new Metrics();
            metrics.gauge("atrium_accounts", "Accounts", identity.accounts::count);
            metrics.gauge("atrium_mail_sent", "E-mails the SMTP server accepted since start", mailer::sent);
            metrics.gauge("atrium_mail_failed", "E-mails given up since start: refused, or failed at every attempt",
                    mailer::failed);
            HttpPlumbing plumbing = new HttpPlumbing(trusted, metrics);
            // rt for the lambdas below; realtime for closing it if the start fails after this.
            Realtime rt = new Realtime(config, bus, identity.signIn, identity.sessionEnds, trusted, java.util.List.of(chat.realtime));
            realtime = rt;
            WebConsole console = new WebConsole();
            byte[] openApi = WebConsole.resource("openapi.json");

            // The redirect needs the bound HTTPS port, known only after start (port 0 in tests).
            var boundHttpsPort = new java.util.concurrent.atomic.AtomicInteger(httpsPort);
            VoipModule finalVoip = voip;
            WebServerConfig.Builder builder = WebServer.builder()
                    .shutdownHook(false)
                    .host(bind)
                    .port(proxyMode ? httpPort : httpsPort)
                    // No server-wide cap: WebDAV uploads are limited by the quota, and every
                    // JSON or CSV body is read through Json.readBody with its own limit.
                    .maxPayloadSize(-1)
                    .shutdownGracePeriod(Duration.ofSeconds(5))
                    // Without TCP_NODELAY, the last small segment of a response written in
                    // several pieces (a PROPFIND multistatus) waits for the client's delayed
                    // ACK: about 40 ms more on most PROPFINDs of a large folder.
                    .connectionOptions(o -> o.tcpNoDelay(true))
                    .routing(r -> appRouting(r, plumbing, identity, files, chat, rt, finalVoip, db, metrics, console, openApi))
                    // The /ws WebSocket, on the app listener only.
                    .addProtocol(rt.protocolConfig())
                    .addRouting(rt.routing());
            if (!proxyMode) {
                builder.tls(tls);
                builder.putSocket(REDIRECT_SOCKET, s -> s.host(bind).port(httpPort).routing(r -> {
                    plumbing.install(r);
                    r.get("/health", (req, res) -> health(res, db, files.scanner));
                    r.any((req, res) -> {
                        String host = HttpPlumbing.info(req).host().replaceFirst(":\\d+$", "");
                        int port = boundHttpsPort.get();
                        String target = "https://" + host + (port == 443 ? "" : ":" + port) + req.path().rawPath()
                                + (req.query().rawValue().isEmpty() ? "" : "?" + req.query().rawValue());
                        res.status(Status.MOVED_PERMANENTLY_301).header(HeaderNames.LOCATION, target).send();
                    });
                }));
            }
            WebServer server = builder.build();
            long tListen = System.nanoTime();
            server.start();
            checkListening(config, server, proxyMode, bind);
            boundHttpsPort.set(server.port());
            ScheduledExecutorService hk = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().factory());
            hk.scheduleAtFixedRate(() -> {
                for (Runnable purge : new Runnable[] {identity.signIn::purgeExpired, identity.loginFlows::purgeExpired,
                        files.uploads::purgeExpired, files.files::purgeTrash, files.previews::purge,
                        identity.notifications::purgeExpired, finalVoip::purgeExpired}) {
                    try {
                        purge.run();
                    } catch (RuntimeException e) {
                        LOG.warning("housekeeping failed: " + e);
                    }
                }
            }, 1, 10, TimeUnit.MINUTES);
            // E-mails of notification bursts (file-drop uploads) once their source has been quiet;
            // the first run also sends what was due while the server was down.
            long tick = identity.notifications.burstTick().toMillis();
            hk.scheduleWithFixedDelay(() -> {
                try {
                    identity.notifications.sendDueMails();
                } catch (RuntimeException e) {
                    LOG.warning("sending notification e-mails failed: " + e);
                }
            }, tick, tick, TimeUnit.MILLISECONDS);
            // What a kill or a crash left (blobs of uploads that never committed, temporary
            // files) was written before this start, by a process that is gone.
            hk.execute(() -> {
                try {
                    StorageCheck.Swept swept = files.check.sweepAfterCrash(startedAt);
                    LOG.info(String.format("File storage swept: %d orphan blobs, %d orphan thumbnails and %d temporary files"
                            + " from before this start removed, %d thumbnails without blob forgotten", swept.orphanBlobs(),
                            swept.orphanPreviews(), swept.temporaryFiles(), swept.previewsWithoutBlob()));
                } catch (RuntimeException e) {
                    LOG.warning("sweeping the file storage failed: " + e);
                }
            });
            Atrium atrium = new Atrium(config, db, identity, files, voip, server, hk, proxyMode, metrics, mailer, bus, realtime);
            LOG.fine(() -> String.format("start-up: TLS %d ms, database %d ms, identity (migrations) %d ms, listeners %d ms",
                    (tTls - t0) / 1_000_000, (tDb - tTls) / 1_000_000, (tIdentity - tDb) / 1_000_000,
                    (System.nanoTime() - tListen) / 1_000_000));
            LOG.info(() -> String.format("Atrium started in %d ms: %s, data in %s, database %s, events %s",
                    (System.nanoTime() - t0) / 1_000_000, atrium.describeListeners(), config.dataDir(),
                    db.dialect().name().toLowerCase(), bus instanceof RedisEventBus ? "across nodes through Redis" : "in process"));
            return atrium;
        } catch (RuntimeException e) {
            if (realtime != null) {
                realtime.close();
            }
            if (voip != null) {
                voip.close();
            }
            bus.close();
            mailer.close();
            db.close();
            throw e;
        }
    }

    private enum LogLevel { ERROR, WARN, INFO, DEBUG }

    /** Helidon logs a listener that cannot bind and carries on; we stop, naming the setting. */
    private static void checkListening(Config config, WebServer server, boolean proxyMode, String bind) {
        String appKey = proxyMode ? "http.port" : "https.port";
        boolean appUp = server.isRunning() && server.port() > 0;
        boolean redirectUp = proxyMode || (server.isRunning() && server.port(REDIRECT_SOCKET) > 0);
        if (!appUp || !redirectUp) {
            server.stop();
            String key = !appUp ? appKey : "http.port";
            throw config.bad(key, "cannot listen on " + bind + ":" + config.string(key)
                    + " (the port is in use, or the address is not on this machine); choose another port");
        }
    }

    private static void appRouting(HttpRouting.Builder r, HttpPlumbing plumbing, IdentityModule identity, FilesModule files,
                                   ChatModule chat, Realtime realtime, VoipModule voip, Database db,
                                   Metrics metrics, WebConsole console, byte[] openApi) {
        plumbing.install(r);
        r.get("/health", (req, res) -> health(res, db, files.scanner))
                .get("/metrics", (req, res) -> {
                    res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
                    res.send(metrics.render());
                })
                .get("/api/v1/openapi.json", (req, res) -> {
                    res.header(HeaderNames.CONTENT_TYPE, Json.CONTENT_TYPE);
                    res.send(openApi);
                })
                .register("/api/v1", identity.routes)
                .register("/api/v1", identity.loginFlowRoutes.api())
                .register("/api/v1", identity.notificationRoutes)
                .register("/api/v1", realtime.presenceRoutes(identity.authentication))
                .register("/api/v1/chat", chat.routes)
                .register("/api/v1", files.lockAdmin)
                .register("/api/v1", files.quarantineRoutes)
                .register("/api/v1", files.settingsRoutes)
                .register("/api/v1", voip.routes)
                .register("/api/v1", voip.callRoutes)
                .register(identity.loginFlowRoutes.nextcloud(console::page))
                .register(files.nextcloud)
                .register(identity.nextcloudNotifications)
                .register(files.shareRoutes)
                // Before the WebDAV routes, which take every other request under /remote.php/dav.
                .register(files.bulk)
                .register(files.dav)
                .register("/api/v1/files", files.searchRoutes, files.zip)
                .register(files.previewRoutes)
                .register("/api/v1", files.publicRoutes.api())
                .register(files.publicRoutes.pages(console::page))
                .register(files.publicDav)
                .any("/api/*", (req, res) -> {
                    throw new AtriumException.NotFound(
                            Msg.of("server.api.no-endpoint", req.prologue().method().text(), req.path().path()));
                })
                .register(console);
    }

    /**
     * Down (503) without the database. A virus scanner that is down makes it "degraded" but
     * still 200: downloads and sync listings work, and every node shares the same clamd, so a
     * load balancer taking nodes out would only make it worse (docs/adr/0013-antivirus.md).
     */
    private static void health(io.helidon.webserver.http.ServerResponse res, Database db, UploadScanner scanner) {
        boolean dbUp = db.healthy();
        UploadScanner.Health antivirus = scanner.health();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", !dbUp ? "down" : antivirus == UploadScanner.Health.DOWN ? "degraded" : "up");
        body.put("database", dbUp ? "up" : "down");
        body.put("antivirus", antivirus.name().toLowerCase(java.util.Locale.ROOT));
        Json.send(res, dbUp ? 200 : 503, body);
    }

    private static Tls tls(TlsFiles.TlsMaterial m) {
        LOG.info("TLS certificate SHA-256 fingerprint " + m.fingerprintSha256());
        return Tls.builder().privateKey(m.key()).privateKeyCertChain(m.chain()).build();
    }

    private static TlsFiles.TlsMaterial tlsMaterial(Config config) {
        var cert = config.path("tls.cert");
        var key = config.path("tls.key");
        if (cert.isPresent() != key.isPresent()) {
            throw config.bad(cert.isPresent() ? "tls.key" : "tls.cert", "tls.cert and tls.key go together: set both or neither");
        } else if (cert.isPresent()) {
            return TlsFiles.fromPem(cert.get(), key.get());
        }
        return TlsFiles.selfSigned(config.dataDir().resolve("tls"));
    }

    private static void createFirstAdmin(Config config, IdentityModule identity) {
        var given = config.optional("admin.password");
        String password = given.orElseGet(Secrets::generatedPassword);
        identity.accounts.createFirstAdmin(password, given.isEmpty()).ifPresent(a -> {
            if (given.isEmpty()) {
                printBox("First start: the administrator account was created.", "Login:    admin",
                        "Password: " + password, "This password is shown only once. Sign in and change it.");
            } else {
                LOG.info("First start: created the admin account with the password from ATRIUM_ADMIN_PASSWORD.");
            }
        });
    }

    private static void printBox(String... lines) {
        int width = 0;
        for (String l : lines) {
            width = Math.max(width, l.length());
        }
        String bar = "#".repeat(width + 6);
        StringBuilder sb = new StringBuilder("\n").append(bar).append('\n');
        sb.append("##").append(" ".repeat(width + 2)).append("##\n");
        for (String l : lines) {
            sb.append("## ").append(l).append(" ".repeat(width - l.length())).append(" ##\n");
        }
        sb.append("##").append(" ".repeat(width + 2)).append("##\n").append(bar).append("\n\n");
        System.out.print(sb);
        System.out.flush();
    }

    private String describeListeners() {
        if (proxyMode) {
            return "plain HTTP for a reverse proxy on port " + server.port();
        }
        return "HTTPS on port " + server.port() + ", HTTP redirect on port " + server.port(REDIRECT_SOCKET);
    }

    /** The port serving the app (HTTPS, or plain HTTP behind a proxy). */
    public int appPort() {
        return server.port();
    }

    public boolean tlsEnabled() {
        return !proxyMode;
    }

    /** The plain-HTTP redirect port, or -1 behind a proxy. */
    public int redirectPort() {
        return proxyMode ? -1 : server.port(REDIRECT_SOCKET);
    }

    public FilesModule files() {
        return files;
    }

    public IdentityModule identity() {
        return identity;
    }

    public VoipModule voip() {
        return voip;
    }

    public Config config() {
        return config;
    }

    /** The event bus, for tests that publish as a module would. */
    public EventBus bus() {
        return bus;
    }

    public Path dataDir() {
        return config.dataDir();
    }

    @Override
    public void close() {
        LOG.info("Atrium stopping");
        housekeeping.shutdownNow();
        server.stop();
        realtime.close();
        voip.close();
        bus.close();
        mailer.close();
        db.close();
        LOG.info("Atrium stopped");
    }
}
