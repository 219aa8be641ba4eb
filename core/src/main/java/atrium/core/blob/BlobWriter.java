package atrium.core.blob;

import java.io.OutputStream;

public interface BlobWriter extends AutoCloseable {
    OutputStream stream();

    long written();

    Blob commit();

    void abort();

    @Override
    void close();
}
