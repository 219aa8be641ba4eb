package atrium.core.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import atrium.core.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MasterKeyTest {
    @TempDir
    Path dir;

    /** Two keys are the same if they wrap the same bytes the same way. */
    private static byte[] fingerprint(MasterKey key) {
        return key.wrap(new byte[32], new byte[12], new byte[0]);
    }

    @Test
    void aMissingKeyFileIsCreatedWith32BytesReadableByItsOwnerOnly() throws IOException {
        Path file = dir.resolve("secrets/master.key");
        MasterKey key = MasterKey.loadOrCreate(file);
        assertThat(file).isRegularFile();
        assertThat(Files.size(file)).isEqualTo(32);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(key.toString()).contains(file.toString());
        try (Stream<Path> left = Files.list(file.getParent())) {
            assertThat(left).containsExactly(file);
        }
    }

    @Test
    void theSameFileGivesTheSameKeyAndReadsWhatItWrote() throws IOException {
        Path file = dir.resolve("master.key");
        Path blobs = dir.resolve("blobs");
        BlobId id;
        try (BlobWriter w = new LocalBlobStore(blobs, MasterKey.loadOrCreate(file)).create()) {
            w.stream().write(new byte[] {4, 5, 6});
            id = w.commit().id();
        }
        byte[] before = Files.readAllBytes(file);
        try (InputStream in = new LocalBlobStore(blobs, MasterKey.loadOrCreate(file)).open(id, 0, -1)) {
            assertThat(in.readAllBytes()).containsExactly(4, 5, 6);
        }
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }

    @Test
    void aSealedSecretOpensOnlyWithTheSameKeyAndRow() {
        MasterKey key = MasterKey.loadOrCreate(dir.resolve("master.key"));
        byte[] secret = "5f4dcc3b5aa765d61d8327deb882cf99".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] sealed = key.seal(secret, "device:1".getBytes());
        assertThat(sealed).isNotEqualTo(key.seal(secret, "device:1".getBytes())); // a fresh nonce each time
        assertThat(key.open(sealed, "device:1".getBytes())).hasValueSatisfying(s -> assertThat(s).isEqualTo(secret));
        assertThat(key.open(sealed, "device:2".getBytes())).isEmpty();
        assertThat(MasterKey.loadOrCreate(dir.resolve("other.key")).open(sealed, "device:1".getBytes())).isEmpty();
        sealed[sealed.length - 1] ^= 1;
        assertThat(key.open(sealed, "device:1".getBytes())).isEmpty();
        assertThat(key.open(new byte[5], "device:1".getBytes())).isEmpty();
    }

    @Test
    void aDerivedKeyIsStablePerPurposeAndKey() {
        MasterKey key = MasterKey.loadOrCreate(dir.resolve("master.key"));
        assertThat(key.derive("sip-nonce")).hasSize(32).isEqualTo(MasterKey.loadOrCreate(dir.resolve("master.key"))
                .derive("sip-nonce")).isNotEqualTo(key.derive("other"));
        assertThat(MasterKey.loadOrCreate(dir.resolve("other.key")).derive("sip-nonce")).isNotEqualTo(key.derive("sip-nonce"));
    }

    @Test
    void aShortKeyFileStopsStartUpNamingTheFile() throws IOException {
        Path file = Files.write(dir.resolve("master.key"), new byte[20]);
        assertThatThrownBy(() -> MasterKey.loadOrCreate(file)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("damaged").hasMessageContaining("20 bytes");
        assertThat(Files.size(file)).as("never replaced by a new key").isEqualTo(20);
    }

    @Test
    void anEmptyOrOverlongKeyFileIsDamagedToo() throws IOException {
        Path empty = Files.write(dir.resolve("empty.key"), new byte[0]);
        assertThatThrownBy(() -> MasterKey.loadOrCreate(empty)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(empty.toString());
        byte[] withNewline = new byte[33];
        withNewline[32] = '\n';
        Path edited = Files.write(dir.resolve("edited.key"), withNewline);
        assertThatThrownBy(() -> MasterKey.loadOrCreate(edited)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("33 bytes");
    }

    @Test
    void aDirectoryInPlaceOfTheKeyIsAConfigError() throws IOException {
        Path file = Files.createDirectory(dir.resolve("master.key"));
        assertThatThrownBy(() -> MasterKey.loadOrCreate(file)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(file.toString());
    }

    @Test
    void processesStartingAtOnceAgreeOnOneKey() throws Exception {
        Path file = dir.resolve("master.key");
        int n = 8;
        CyclicBarrier start = new CyclicBarrier(n);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<MasterKey>> keys = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                keys.add(pool.submit(() -> {
                    start.await();
                    return MasterKey.loadOrCreate(file);
                }));
            }
            byte[] first = fingerprint(keys.get(0).get());
            for (Future<MasterKey> k : keys) {
                assertThat(fingerprint(k.get())).isEqualTo(first);
            }
        }
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).containsExactly(file);
        }
    }
}
