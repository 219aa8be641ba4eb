package atrium.core.blob;

import java.io.InputStream;
import java.time.Duration;
import java.util.stream.Stream;

public interface BlobStore {
    BlobWriter create();

    InputStream open(BlobId id, long offset, long length);

    long size(BlobId id);

    boolean exists(BlobId id);

    void delete(BlobId id);

    Stream<BlobId> list();

    int sweepTemporary(Duration olderThan);
}
