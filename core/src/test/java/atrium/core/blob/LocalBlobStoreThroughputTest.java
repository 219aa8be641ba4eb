package atrium.core.blob;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prints write and read throughput for a 256 MiB blob; measures, does not judge (figures
 * depend on the machine). Reads come from the page cache, so they show the CPU cost.
 */
class LocalBlobStoreThroughputTest {
    static final int MIB = 1024 * 1024;
    static final int SIZE = 256 * MIB;

    @TempDir
    Path dir;

    @Test
    void writingAndReading256MegabytesIsMeasuredWithAndWithoutEncryption() throws IOException {
        byte[] chunk = BlobStoreContract.randomBytes(MIB, 1);
        measure("plain", new LocalBlobStore(dir.resolve("plain")), chunk);
        measure("aes-gcm", new LocalBlobStore(dir.resolve("encrypted"), MasterKey.generate(new SecureRandom())), chunk);
        // Second round: the JIT has compiled the paths by now.
        measure("plain", new LocalBlobStore(dir.resolve("plain2")), chunk);
        measure("aes-gcm", new LocalBlobStore(dir.resolve("encrypted2"), MasterKey.generate(new SecureRandom())), chunk);
    }

    private static void measure(String name, LocalBlobStore store, byte[] chunk) throws IOException {
        long t0 = System.nanoTime();
        Blob blob;
        long beforeCommit;
        try (BlobWriter w = store.create()) {
            OutputStream out = w.stream();
            for (int i = 0; i < SIZE / chunk.length; i++) {
                out.write(chunk);
            }
            beforeCommit = System.nanoTime();
            blob = w.commit();
        }
        long t1 = System.nanoTime();
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        try (InputStream in = store.open(blob.id(), 0, -1)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                total += n;
            }
        }
        long t2 = System.nanoTime();
        assertThat(total).isEqualTo(SIZE);
        System.out.printf(Locale.ROOT, "%-8s write %6.0f MB/s (%6.0f MB/s before the commit's fsync), read %6.0f MB/s%n",
                name, rate(t1 - t0), rate(beforeCommit - t0), rate(t2 - t1));
        store.delete(blob.id());
    }

    private static double rate(long nanos) {
        return SIZE / 1e6 / (nanos / 1e9);
    }
}
