package atrium.core.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import atrium.core.ConfigException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlainLocalBlobStoreTest implements LocalBlobStoreContract {
    @TempDir
    Path dir;
    LocalBlobStore store;

    @BeforeEach
    void open() {
        store = new LocalBlobStore(dir.resolve("blobs"));
    }

    @Override
    public LocalBlobStore store() {
        return store;
    }

    @Test
    void theContentIsStoredAsIsAfterASixteenByteHeader() throws IOException {
        byte[] data = BlobStoreContract.randomBytes(1000, 1);
        Path file = store.path(put(data).id());
        byte[] onDisk = Files.readAllBytes(file);
        assertThat(onDisk).hasSize(16 + 1000).startsWith('A', 'T', 'R', 'B', 1, 0);
        assertThat(Arrays.copyOfRange(onDisk, 16, onDisk.length)).isEqualTo(data);
        assertThat(store.encrypts()).isFalse();
    }

    @Test
    void aTruncatedFileIsCaughtFromItsSizeAlone() throws IOException {
        BlobId id = put(BlobStoreContract.randomBytes(1000, 1)).id();
        try (var f = new RandomAccessFile(store.path(id).toFile(), "rw")) {
            f.setLength(f.length() - 1);
        }
        assertThatThrownBy(() -> store.size(id)).isInstanceOf(UncheckedIOException.class)
                .hasCauseInstanceOf(BlobIntegrityException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> store.open(id, 0, 10)).hasCauseInstanceOf(BlobIntegrityException.class);
    }

    @Test
    void anEncryptedBlobIsRefusedWithoutAKey() throws IOException {
        var encrypted = new LocalBlobStore(dir.resolve("encrypted"), MasterKey.generate(new SecureRandom()));
        BlobId id = BlobStoreContract.put(encrypted, new byte[] {1, 2, 3}).id();
        Files.createDirectories(store.path(id).getParent());
        Files.copy(encrypted.path(id), store.path(id));
        assertThat(store.size(id)).isEqualTo(3);
        assertThatThrownBy(() -> store.open(id, 0, -1)).hasCauseInstanceOf(BlobIntegrityException.class)
                .hasMessageContaining("no master key");
    }

    @Test
    void anUnusableDirectoryStopsStartUpNamingIt() throws IOException {
        Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
        assertThatThrownBy(() -> new LocalBlobStore(file)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(file.toString());
    }
}
