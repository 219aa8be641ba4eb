package atrium.files;

import atrium.core.Config;
import atrium.core.Ids;
import atrium.core.blob.BlobStore;
import atrium.core.blob.LocalBlobStore;
import atrium.core.blob.MasterKey;
import atrium.core.db.Database;
import atrium.files.db.FileStore;
import atrium.files.http.NextcloudRoutes;
import atrium.identity.Account;
import atrium.identity.IdentityModule;
import java.time.Clock;
import java.util.Optional;

/** The files module's parts, built in order by hand. */
public final class FilesModule {
    public final BlobStore blobs;
    public final FileService files;
    public final NextcloudRoutes nextcloud;

    public FilesModule(Config config, Database db, Ids ids, Clock clock, IdentityModule identity) {
        db.migrate("files");
        var dir = config.dataDir().resolve("blobs");
        this.blobs = config.bool("files.encryption")
                ? new LocalBlobStore(dir, MasterKey.loadOrCreate(config.dataDir().resolve("keys").resolve("master.key")))
                : new LocalBlobStore(dir);
        this.files = new FileService(db, new FileStore(db.dialect()), blobs, ids, clock,
                owner -> identity.accounts.byId(owner).flatMap(Account::quotaBytes));
        this.nextcloud = new NextcloudRoutes(identity.authentication, files);
    }
}
