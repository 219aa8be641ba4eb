package atrium.voip;

import atrium.core.Config;
import atrium.core.Ids;
import atrium.core.blob.MasterKey;
import atrium.core.bus.EventBus;
import atrium.core.db.Database;
import atrium.identity.IdentityModule;
import atrium.sip.DigestServer;
import atrium.voip.call.B2bua;
import atrium.voip.db.CallStore;
import atrium.voip.db.PhoneStore;
import atrium.voip.http.CallRoutes;
import atrium.voip.http.PhoneRoutes;
import atrium.voip.media.MediaRelay;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;

/** The phone system's parts, built in order by hand; the SIP listeners only when {@code voip.enabled}. */
public final class VoipModule implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(VoipModule.class.getName());

    public final PhoneService phones;
    /** The bulk import's extension column, registered with identity's import by server's Main. */
    public final ExtensionColumn extensionColumn;
    /** Where the B2BUA writes every call attempt. */
    public final CallLog callLog;
    public final PhoneRoutes routes;
    public final CallRoutes callRoutes;
    /** The SIP listeners and registrar, when enabled. */
    public final Optional<SipServer> sip;
    /** The RTP relay every call's media goes through, when enabled. */
    public final Optional<MediaRelay> media;
    private final PhoneStore store;
    private final CallStore calls;
    /** How long the call log keeps a call, in milliseconds; 0 = for ever. */
    private final long callLogMillis;
    private final SipThrottle throttle;
    private final Clock clock;

    /** {@code tls}: the server certificate for SIP over TLS, asked for only when SIP is enabled. */
    public VoipModule(Config config, Database db, Ids ids, Clock clock, IdentityModule identity, EventBus bus,
                      Supplier<SSLContext> tls) {
        db.migrate("voip");
        this.clock = clock;
        String realm = config.string("sip.realm").strip();
        if (realm.isEmpty() || realm.chars().anyMatch(c -> c <= ' ' || c == '"' || c == '\\' || c > 0x7e)) {
            throw config.bad("sip.realm", "must be a non-empty name without spaces or quotes, e.g. the SIP domain");
        }
        int minLength = config.integer("voip.extension-min-length", 1, 15);
        int maxLength = config.integer("voip.extension-max-length", 1, 15);
        if (maxLength < minLength) {
            throw config.bad("voip.extension-max-length", "is below voip.extension-min-length (" + minLength + ")");
        }
        int minExpires = config.integer("sip.min-expires", 1, 86400);
        int maxExpires = config.integer("sip.max-expires", minExpires, 86400);
        int defaultExpires = config.integer("sip.default-expires", minExpires, maxExpires);
        int freeFailures = config.integer("sip.free-failures", 0, 1000);
        int blockAfter = config.integer("sip.block-after-failures", 1, 10000);
        long blockMillis = config.integer("sip.block-minutes", 1, 100000) * 60_000L;
        long delayMillis = config.integer("sip.delay-ms", 0, 60000);
        Duration ringTimeout = Duration.ofSeconds(config.integer("voip.ring-timeout", 1, 600));
        InetAddress bind;
        try {
            bind = InetAddress.getByName(config.string("sip.bind"));
        } catch (UnknownHostException e) {
            throw config.bad("sip.bind", "is not an address of this machine: " + e.getMessage());
        }
        SipServer.Listen listen = new SipServer.Listen(bind, config.port("sip.udp-port"), config.port("sip.tcp-port"),
                config.port("sip.tls-port"));
        int rtpMin = config.integer("voip.rtp-port-min", 1024, 65532);
        int rtpMax = config.integer("voip.rtp-port-max", rtpMin + 3, 65535);
        Duration mediaTimeout = Duration.ofSeconds(config.integer("voip.media-timeout", 5, 3600));
        Optional<String> publicHost = config.optional("sip.public-host").map(String::strip).filter(s -> !s.isEmpty());
        Optional<String> domain = config.optional("sip.domain").map(String::strip).filter(s -> !s.isEmpty());
        if (domain.isPresent() && !domain.get().matches("[A-Za-z0-9.-]+")) {
            throw config.bad("sip.domain", "must be a host name such as example.com, or empty to accept any");
        }

        MasterKey key = MasterKey.loadOrCreate(config.dataDir().resolve("keys").resolve("master.key"));
        this.store = new PhoneStore(db.jdbi());
        this.calls = new CallStore(db.jdbi());
        this.callLogMillis = config.integer("voip.call-log-days", 0, 36500) * 86_400_000L;
        VoipViews views = new VoipViews(identity.accounts, store);
        LiveEvents live = new LiveEvents(bus, identity.accounts, calls, views, clock);
        this.phones = new PhoneService(store, identity.accounts, identity.audit, key, ids, clock, live, realm, minLength,
                maxLength);
        this.extensionColumn = new ExtensionColumn(phones, identity.accounts);
        this.callLog = new CallLog(calls, ids, clock, config.integer("cluster.node-id", 0, 1023), identity.accounts, live);
        callLog.closeInterrupted();
        this.throttle = new SipThrottle(identity.audit, clock, freeFailures, blockAfter, blockMillis, delayMillis);
        if (config.bool("voip.enabled")) {
            MediaRelay relay = new MediaRelay(bind, rtpMin, rtpMax, mediaTimeout, clock);
            this.media = Optional.of(relay);
            // Nonces are checked statelessly; a key derived from the master key lets every node (and the next
            // start) accept the nonces another issued.
            DigestServer digest = new DigestServer(realm, key.derive("sip-nonce"), clock, Duration.ofMinutes(5));
            SipAuth auth = new SipAuth(phones, digest, throttle);
            Registrar registrar = new Registrar(phones, store, auth, identity.audit, ids, clock,
                    new Registrar.Expiry(minExpires, maxExpires, defaultExpires), live, new SipDomain(domain, publicHost));
            SipDispatcher dispatcher = new SipDispatcher(registrar, auth);
            SipServer.Calls b2bua = (layer, transports) -> new B2bua(layer, transports, phones, store, auth, ids, clock,
                    ringTimeout, relay, publicHost, callLog);
            SipServer server;
            try {
                server = new SipServer(listen, tls.get(), dispatcher, b2bua, store, phones, clock, publicHost);
            } catch (SipServer.CannotListen e) {
                String portKey = "sip." + e.transport + "-port";
                throw config.bad(portKey, "cannot listen on " + bind.getHostAddress() + ":" + config.string(portKey) + " ("
                        + e.getCause().getMessage() + "); choose another port or sip.bind");
            }
            LOG.info("SIP listening on " + bind.getHostAddress() + ": " + server.ports() + ", realm " + realm);
            this.sip = Optional.of(server);
        } else {
            this.sip = Optional.empty();
            this.media = Optional.empty();
        }
        this.routes = new PhoneRoutes(identity.authentication, phones, sip, views);
        this.callRoutes = new CallRoutes(identity.authentication, new CallHistory(calls, callLog, identity.audit, clock),
                identity.accounts, views);
    }

    /**
     * Housekeeping: forgets expired bindings and throttle entries, the extensions of deleted accounts, and calls
     * older than {@code voip.call-log-days}.
     */
    public void purgeExpired() {
        store.purgeExpired(clock.millis());
        if (callLogMillis > 0) {
            calls.purgeBefore(clock.millis() - callLogMillis);
        }
        phones.dropOrphans();
        throttle.purge();
    }

    @Override
    public void close() {
        sip.ifPresent(SipServer::close);
        media.ifPresent(MediaRelay::close);
        callLog.close();
        store.close();
    }
}
