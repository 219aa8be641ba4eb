package atrium.files;

import atrium.core.AtriumException;
import atrium.core.Config;
import atrium.core.Ids;
import atrium.core.Msg;
import atrium.core.blob.Blob;
import atrium.core.blob.BlobStore;
import atrium.core.blob.BlobWriter;
import atrium.core.db.Database;
import atrium.identity.AccountId;
import atrium.identity.AuditLog;
import atrium.identity.NotificationKind;
import atrium.identity.Notifications;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Logger;
import org.jdbi.v3.core.Jdbi;

/**
 * Uploads scanned by clamd, with the administrator's policy for what it finds (docs/antivirus.md):
 * an infected file is refused, or kept in an admin-only {@link Quarantine}; a scanner that is down
 * or too slow blocks uploads or lets them through unscanned; a file longer than clamd's
 * StreamMaxLength is let through unscanned or refused. Every such event is in the audit log
 * and in the server log, where the administrators see it (there is no notification to admins
 * yet).
 */
public final class Antivirus implements UploadScanner {
    private static final Logger LOG = Logger.getLogger(Antivirus.class.getName());
    /** A health check must answer quickly, whatever the scan timeout. */
    private static final Duration HEALTH_BOUND = Duration.ofSeconds(2);

    public enum OnInfected { REFUSE, QUARANTINE }

    public enum WhenDown { BLOCK, ALLOW }

    public enum OnTooLarge { ALLOW, REFUSE }

    /** What to do with each outcome; public-link uploads have their own rule for a scanner that is down. */
    public record Policy(OnInfected infected, WhenDown unavailable, WhenDown unavailablePublic, OnTooLarge tooLarge) {
    }

    private final Clamd clamd;
    private final Policy policy;
    private final Jdbi jdbi;
    private final BlobStore blobs;
    private final Ids ids;
    private final Clock clock;
    private final AuditLog audit;
    private final Notifications notifications;
    private final Function<AccountId, String> loginOf;

    /**
     * @param clamd   {@code host:port} or the absolute path of clamd's unix socket
     * @param timeout the longest clamd may take to accept a connection or data, or to answer
     * @param loginOf an owner's login, for the audit log and the server log
     */
    public Antivirus(String clamd, Duration timeout, Policy policy, Database db, BlobStore blobs, Ids ids, Clock clock,
                     AuditLog audit, Notifications notifications, Function<AccountId, String> loginOf) {
        this.clamd = new Clamd(clamd, timeout);
        this.policy = policy;
        this.jdbi = db.jdbi();
        this.blobs = blobs;
        this.ids = ids;
        this.clock = clock;
        this.audit = audit;
        this.notifications = notifications;
        this.loginOf = loginOf;
    }

    /** The scanner the configuration asks for: none when antivirus.clamd is empty. */
    public static UploadScanner fromConfig(Config config, Database db, BlobStore blobs, Ids ids, Clock clock,
                                           AuditLog audit, Notifications notifications,
                                           Function<AccountId, String> loginOf) {
        Policy policy = new Policy(config.oneOf("antivirus.infected", OnInfected.class),
                config.oneOf("antivirus.unavailable", WhenDown.class),
                config.oneOf("antivirus.unavailable-public", WhenDown.class),
                config.oneOf("antivirus.too-large", OnTooLarge.class));
        Duration timeout = Duration.ofMillis(Math.round(config.decimal("antivirus.timeout-seconds", 0.1, 3600) * 1000));
        Optional<String> address = config.optional("antivirus.clamd");
        if (address.isEmpty()) {
            return NONE;
        }
        try {
            Antivirus av = new Antivirus(address.get(), timeout, policy, db, blobs, ids, clock, audit, notifications, loginOf);
            LOG.info("Uploads are scanned by clamd at " + av.clamd + (av.health() == Health.UP ? "" : " (not answering now)"));
            return av;
        } catch (IllegalArgumentException e) {
            throw config.bad("antivirus.clamd", e.getMessage());
        }
    }

    @Override
    public Health health() {
        return clamd.ping(HEALTH_BOUND) ? Health.UP : Health.DOWN;
    }

    /** clamd's version line, for the command line's status. */
    public String version() throws IOException {
        return clamd.version();
    }

    @Override
    public Scan start(AccountId owner, List<String> path, Sender sender, long declaredLength) {
        if (declaredLength == 0) {
            return Scan.NONE;
        }
        Upload upload = new Upload(owner, path, sender);
        try {
            return new ClamdScan(upload, clamd.instream());
        } catch (IOException e) {
            whenDown(upload, e);
            return Scan.NONE;
        }
    }

    /** One upload as the logs name it. */
    private record Upload(AccountId owner, List<String> path, Sender sender) {
        String name() {
            return path.isEmpty() ? "/" : path.getLast();
        }
    }

    private String where(Upload u) {
        return loginOf.apply(u.owner()) + ":/" + String.join("/", u.path());
    }

    private String who(Upload u) {
        return u.sender().who().isEmpty() ? loginOf.apply(u.owner()) : u.sender().who();
    }

    private void record(Upload u, String action, String detail) {
        audit.record(Optional.of(who(u)), action,
                Optional.of(where(u)), u.sender().address().isEmpty() ? null : u.sender().address(), detail);
    }

    /** The scanner failed: blocks the upload (503), or lets it through unscanned, per the sender's rule. */
    private void whenDown(Upload u, IOException e) {
        WhenDown rule = u.sender().publicLink() ? policy.unavailablePublic() : policy.unavailable();
        if (rule == WhenDown.BLOCK) {
            LOG.warning("Upload of " + where(u) + " blocked: the virus scanner (clamd at " + clamd + ") failed: " + e);
            throw new AtriumException.Unavailable("scanner-unavailable", Msg.of("files.antivirus.unavailable"));
        }
        LOG.warning("Upload of " + where(u) + " let through UNSCANNED: the virus scanner (clamd at " + clamd + ") failed: " + e);
        record(u, "upload-unscanned", "scanner unavailable: " + e.getMessage());
    }

    private final class ClamdScan implements Scan {
        private final Upload upload;
        private final Clamd.Stream stream;

        ClamdScan(Upload upload, Clamd.Stream stream) {
            this.upload = upload;
            this.stream = stream;
        }

        @Override
        public void update(byte[] b, int off, int len) {
            stream.send(b, off, len);
        }

        @Override
        public Blob settle(BlobWriter writer) {
            Clamd.Verdict verdict;
            try {
                verdict = stream.finish();
            } catch (IOException e) {
                whenDown(upload, e);
                return writer.commit();
            } finally {
                stream.close();
            }
            return switch (verdict.result()) {
                case CLEAN -> writer.commit();
                case INFECTED -> throw infected(upload, verdict.signature(), writer);
                case TOO_LARGE -> tooLarge(upload, writer);
            };
        }

        @Override
        public void close() {
            stream.close();
        }
    }

    private AtriumException infected(Upload u, String signature, BlobWriter writer) {
        notifications.notifyAdmins(NotificationKind.INFECTED_UPLOAD, List.of(u.name(), signature, who(u)),
                policy.infected() == OnInfected.QUARANTINE ? "/admin/quarantine" : "");
        if (policy.infected() == OnInfected.REFUSE) {
            LOG.warning("Infected upload refused: " + where(u) + " from " + describe(u.sender()) + ": " + signature);
            record(u, "upload-infected", signature + "; refused, nothing stored");
            return new AtriumException.Rejected("infected", Msg.of("files.antivirus.infected", u.name(), signature));
        }
        Blob blob = writer.commit();
        long id = ids.next();
        try {
            jdbi.useHandle(h -> h.createUpdate("""
                            INSERT INTO files_quarantine (id, owner_id, path, signature, blob_id, size, sender, address, created_at)
                            VALUES (:id, :o, :p, :sig, :b, :size, :sender, :addr, :at)""")
                    .bind("id", id).bind("o", u.owner().value()).bind("p", String.join("/", u.path()))
                    .bind("sig", signature).bind("b", blob.id().value()).bind("size", blob.size())
                    .bind("sender", u.sender().who()).bind("addr", u.sender().address()).bind("at", clock.millis())
                    .execute());
        } catch (RuntimeException e) {
            blobs.delete(blob.id());
            throw e;
        }
        LOG.warning("Infected upload quarantined as #" + id + ": " + where(u) + " from " + describe(u.sender()) + ": " + signature);
        record(u, "upload-infected", signature + "; quarantined as #" + id);
        return new AtriumException.Rejected("infected", Msg.of("files.antivirus.quarantined", u.name(), signature));
    }

    private Blob tooLarge(Upload u, BlobWriter writer) {
        if (policy.tooLarge() == OnTooLarge.REFUSE) {
            LOG.warning("Upload refused: " + where(u) + " (" + writer.written() + " bytes) is longer than clamd's StreamMaxLength");
            record(u, "upload-unscannable", writer.written() + " bytes, longer than the scanner's limit; refused");
            throw new AtriumException.Rejected("unscannable", Msg.of("files.antivirus.too-large", u.name()));
        }
        LOG.info("Upload let through UNSCANNED: " + where(u) + " (" + writer.written()
                + " bytes) is longer than clamd's StreamMaxLength");
        record(u, "upload-unscanned", writer.written() + " bytes, longer than the scanner's limit");
        return writer.commit();
    }

    private static String describe(Sender s) {
        return (s.who().isEmpty() ? "the server" : s.who()) + (s.address().isEmpty() ? "" : " at " + s.address());
    }
}
