package atrium.files;

import atrium.core.AtriumException;
import atrium.core.Config;
import atrium.core.Ids;
import atrium.core.blob.BlobStore;
import atrium.core.blob.LocalBlobStore;
import atrium.core.blob.MasterKey;
import atrium.core.db.Database;
import atrium.files.db.FileStore;
import atrium.files.http.BulkUpload;
import atrium.files.http.DavRoutes;
import atrium.files.http.LockAdminRoutes;
import atrium.files.http.LockManager;
import atrium.files.http.NextcloudRoutes;
import atrium.files.http.PreviewRoutes;
import atrium.files.http.PublicDav;
import atrium.files.http.PublicLinkRoutes;
import atrium.files.http.QuarantineRoutes;
import atrium.files.http.SearchRoutes;
import atrium.files.http.SettingsRoutes;
import atrium.files.http.ZipDownload;
import atrium.files.share.Branding;
import atrium.files.share.LinkPolicy;
import atrium.files.share.ShareNotices;
import atrium.files.share.ShareRoutes;
import atrium.files.share.PublicLinks;
import atrium.files.share.ShareService;
import atrium.identity.Account;
import atrium.identity.AccountId;
import atrium.identity.AccountRules;
import atrium.identity.IdentityModule;
import atrium.identity.PasswordHasher;
import atrium.identity.http.NextcloudNotificationRoutes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

/** The files module's parts, built in order by hand. */
public final class FilesModule {
    public final BlobStore blobs;
    /** The virus scanner of uploads; {@link UploadScanner#NONE} when none is configured. */
    public final UploadScanner scanner;
    public final FileService files;
    public final ShareService shares;
    public final ShareRoutes shareRoutes;
    public final ChunkedUploads uploads;
    public final NextcloudRoutes nextcloud;
    public final LockManager locks;
    public final DavRoutes dav;
    public final BulkUpload bulk;
    public final LockAdminRoutes lockAdmin;
    public final StorageCheck check;
    public final Quarantine quarantine;
    public final QuarantineRoutes quarantineRoutes;
    public final LinkPolicy linkPolicy;
    public final Branding branding;
    public final SettingsRoutes settingsRoutes;
    public final FileSearch search;
    public final Previews previews;
    public final SearchRoutes searchRoutes;
    public final ZipDownload zip;
    public final PreviewRoutes previewRoutes;
    public final PublicLinks links;
    public final PublicDav publicDav;
    public final PublicLinkRoutes publicRoutes;

    public FilesModule(Config config, Database db, Ids ids, Clock clock, IdentityModule identity) {
        db.migrate("files");
        LocalBlobStore local = blobStore(config);
        LocalBlobStore thumbnails = previewStore(config);
        this.blobs = local;
        Function<AccountId, String> loginOf = owner -> identity.accounts.byId(owner).map(Account::login).orElse("#" + owner.value());
        this.scanner = Antivirus.fromConfig(config, db, blobs, ids, clock, identity.audit, identity.notifications, loginOf);
        this.files = new FileService(db, new FileStore(db.dialect()), blobs, ids, clock,
                owner -> identity.accounts.byId(owner).flatMap(Account::quotaBytes),
                config.integer("files.trash-days", 0, 36_500), config.integer("files.max-versions", 0, 10_000),
                DiskSpace.of(local.directory(), minFreeSpace(config)), scanner);
        this.linkPolicy = new LinkPolicy(config, identity.settings, identity.audit);
        this.branding = new Branding(config, db, identity.settings, identity.audit, clock);
        this.settingsRoutes = new SettingsRoutes(identity.authentication, linkPolicy, branding);
        this.shares = new ShareService(db, files, identity.accounts, new PasswordHasher(), identity.audit, ids, clock,
                linkPolicy::current);
        this.shareRoutes = new ShareRoutes(identity.authentication, shares, files, identity.accounts,
                new ShareNotices(identity.notifications, identity.accounts, identity.mailer), config.optional("http.public-url"));
        this.check = new StorageCheck(db, local, thumbnails, ids, clock, loginOf);
        this.quarantine = new Quarantine(db, files, blobs, identity.audit, loginOf);
        this.quarantineRoutes = new QuarantineRoutes(identity.authentication, quarantine, loginOf);
        this.uploads = new ChunkedUploads(db, blobs, files, ids, clock);
        this.nextcloud = new NextcloudRoutes(identity.authentication, files,
                config.oneOf("files.bulk-upload", BulkUpload.Offer.class),
                () -> Map.of("files_sharing", shares.capability(), "notifications", NextcloudNotificationRoutes.CAPABILITY));
        this.locks = new LockManager(clock, Duration.ofSeconds(config.integer("files.lock-max-seconds", 1, 7 * 24 * 3600)));
        String instanceId = instanceId(config.dataDir());
        boolean windowsNames = config.bool("files.windows-compatible-names");
        this.search = new FileSearch(db);
        search.backfill();
        this.dav = new DavRoutes(identity.authentication, files, shares, uploads, locks, clock, instanceId,
                config.integer("files.propfind-infinity-limit", 1, 1_000_000), windowsNames, search);
        this.bulk = new BulkUpload(identity.authentication, files, shares, locks, instanceId,
                config.longValue("files.bulk-max-bytes", 1024, 1L << 40), windowsNames);
        this.lockAdmin = new LockAdminRoutes(identity.authentication, locks, identity.audit, loginOf, clock);
        this.searchRoutes = new SearchRoutes(identity.authentication, search, files, shares);
        this.zip = new ZipDownload(identity.authentication, files, shares);
        this.previews = new Previews(db, thumbnails, files, clock, new Previews.Limits(
                config.longValue("files.preview-max-pixels", 1, 1L << 40),
                config.longValue("files.preview-max-bytes", 1, 1L << 40),
                Duration.ofMillis(config.integer("files.preview-timeout-ms", 100, 600_000))));
        this.previewRoutes = new PreviewRoutes(identity.authentication, files, shares, previews);
        this.links = new PublicLinks(db, shares, files, identity.accounts, identity.throttle, identity.audit,
                identity.notifications, ids, clock,
                PublicLinks.cookieKey(config.dataDir().resolve("keys").resolve("link-cookie.key")));
        this.publicDav = new PublicDav(links, files, uploads, locks, instanceId);
        this.publicRoutes = new PublicLinkRoutes(identity.authentication, links, files, previewRoutes, branding);
    }

    /** {@code files.min-free-space}, a size such as "1 GB" as quotas are written. */
    static long minFreeSpace(Config config) {
        String key = "files.min-free-space";
        String value = config.string(key).strip();
        if (value.equals("0")) {
            return 0;
        }
        try {
            return AccountRules.quota(value).orElse(0L);
        } catch (AtriumException.Invalid e) {
            throw config.bad(key, e.getMessage());
        }
    }

    /** The blob store of a data directory, as the server and the CLI open it. */
    public static LocalBlobStore blobStore(Config config) {
        return blobStore(config, "blobs");
    }

    /** The thumbnail store of a data directory, as the server and the CLI open it. */
    public static LocalBlobStore previewStore(Config config) {
        return blobStore(config, "previews");
    }

    /** The files' blobs are in {@code blobs}, the thumbnails in {@code previews}: both encrypted alike. */
    private static LocalBlobStore blobStore(Config config, String name) {
        var dir = config.dataDir().resolve(name);
        return config.bool("files.encryption")
                ? new LocalBlobStore(dir, MasterKey.loadOrCreate(config.dataDir().resolve("keys").resolve("master.key")))
                : new LocalBlobStore(dir);
    }

    /**
     * The suffix of every Nextcloud oc:id, made once and kept in the data directory: like
     * Nextcloud's instanceid, "oc" and ten random lower-case letters and digits.
     */
    static String instanceId(Path dataDir) {
        Path file = dataDir.resolve("instance-id");
        try {
            if (Files.exists(file)) {
                String id = Files.readString(file, StandardCharsets.US_ASCII).strip();
                if (id.matches("oc[a-z0-9]{10}")) {
                    return id;
                }
            }
            String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
            SecureRandom random = new SecureRandom();
            StringBuilder id = new StringBuilder("oc");
            for (int i = 0; i < 10; i++) {
                id.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            Files.createDirectories(dataDir);
            Files.writeString(file, id + "\n", StandardCharsets.US_ASCII);
            return id.toString();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + file, e);
        }
    }
}
