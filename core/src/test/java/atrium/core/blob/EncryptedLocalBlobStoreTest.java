package atrium.core.blob;

import static atrium.core.blob.BlobStoreContract.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import atrium.core.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.Arrays;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EncryptedLocalBlobStoreTest implements LocalBlobStoreContract {
    static final int HEADER = BlobFormat.ENCRYPTED_HEADER;
    static final int SEALED = S + BlobFormat.TAG;

    @TempDir
    Path dir;
    MasterKey key;
    LocalBlobStore store;

    @BeforeEach
    void open() {
        key = MasterKey.generate(new SecureRandom());
        store = new LocalBlobStore(dir.resolve("blobs"), key);
    }

    @Override
    public LocalBlobStore store() {
        return store;
    }

    byte[] readAll(BlobId id) {
        return read(id, 0, -1);
    }

    /** Reading fails with a BlobIntegrityException, as such when streaming, wrapped when opening. */
    static void failsAsDamaged(ThrowingCallable read, String message) {
        assertThatThrownBy(read).satisfiesAnyOf(
                e -> assertThat(e).isInstanceOf(BlobIntegrityException.class).hasMessageContaining(message),
                e -> assertThat(e).isInstanceOf(UncheckedIOException.class).hasCauseInstanceOf(BlobIntegrityException.class)
                        .hasMessageContaining(message));
    }

    static void modify(Path file, long at, byte[] bytes) throws IOException {
        try (var f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            f.write(bytes);
        }
    }

    static byte[] bytesAt(Path file, long at, int n) throws IOException {
        try (var f = new RandomAccessFile(file.toFile(), "r")) {
            byte[] b = new byte[n];
            f.seek(at);
            f.readFully(b);
            return b;
        }
    }

    static void flipByte(Path file, long at) throws IOException {
        modify(file, at, new byte[] {(byte) (bytesAt(file, at, 1)[0] ^ 0x01)});
    }

    @Test
    void theFileHoldsNoPlaintextAndMeasuresHeaderPlusSegmentsPlusTags() throws IOException {
        byte[] data = new byte[3 * S + 10];
        Arrays.fill(data, (byte) 'x');
        BlobId id = put(data).id();
        byte[] onDisk = Files.readAllBytes(store.path(id));
        assertThat(onDisk).hasSize(HEADER + data.length + 4 * BlobFormat.TAG).startsWith('A', 'T', 'R', 'B', 1, 1, 16);
        byte[] run = new byte[32];
        Arrays.fill(run, (byte) 'x');
        assertThat(indexOf(onDisk, run)).isEqualTo(-1);
        assertThat(Files.size(store.path(put(new byte[0]).id()))).isEqualTo(HEADER + BlobFormat.TAG);
        assertThat(store.encrypts()).isTrue();
    }

    @Test
    void twoBlobsOfTheSameContentLookUnrelatedOnDisk() throws IOException {
        byte[] data = randomBytes(1000, 1);
        byte[] a = Files.readAllBytes(store.path(put(data).id()));
        byte[] b = Files.readAllBytes(store.path(put(data).id()));
        assertThat(Arrays.copyOfRange(a, HEADER, a.length)).isNotEqualTo(Arrays.copyOfRange(b, HEADER, b.length));
    }

    @Test
    void aChangedByteInASegmentFailsTheReadOfThatSegmentOnly() throws IOException {
        byte[] data = randomBytes(3 * S, 1);
        BlobId id = put(data).id();
        flipByte(store.path(id), HEADER + SEALED + 500);
        failsAsDamaged(() -> readAll(id), "segment 1 fails authentication");
        failsAsDamaged(() -> read(id, S - 1, 2), "segment 1");
        assertThat(read(id, 0, S)).isEqualTo(Arrays.copyOf(data, S));
        assertThat(read(id, 2 * S, -1)).isEqualTo(Arrays.copyOfRange(data, 2 * S, 3 * S));
    }

    @Test
    void aChangedTagFailsTheRead() throws IOException {
        BlobId id = put(randomBytes(S + 1, 1)).id();
        flipByte(store.path(id), Files.size(store.path(id)) - 1);
        failsAsDamaged(() -> readAll(id), "segment 1");
    }

    @Test
    void swappedSegmentsFailTheRead() throws IOException {
        byte[] data = randomBytes(3 * S, 1);
        BlobId id = put(data).id();
        Path file = store.path(id);
        byte[] first = bytesAt(file, HEADER, SEALED);
        byte[] second = bytesAt(file, HEADER + SEALED, SEALED);
        modify(file, HEADER, second);
        modify(file, HEADER + SEALED, first);
        failsAsDamaged(() -> readAll(id), "segment 0");
        failsAsDamaged(() -> read(id, S, 10), "segment 1");
    }

    @Test
    void aTruncatedLastSegmentFailsEvenBeforeDecrypting() throws IOException {
        BlobId id = put(randomBytes(2 * S + 100, 1)).id();
        Path file = store.path(id);
        try (var f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(f.length() - 1);
        }
        failsAsDamaged(() -> store.size(id), "truncated");
        failsAsDamaged(() -> readAll(id), "truncated");
    }

    @Test
    void aDroppedLastSegmentWithTheSizeFieldAdjustedFailsTheKeyUnwrap() throws IOException {
        BlobId id = put(randomBytes(2 * S + 100, 1)).id();
        Path file = store.path(id);
        try (var f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(HEADER + 2L * SEALED);
        }
        modify(file, 8, ByteBuffer.allocate(8).putLong(2L * S).array());
        assertThat(store.size(id)).isEqualTo(2L * S);
        failsAsDamaged(() -> readAll(id), "header was altered");
    }

    @Test
    void evenAHeaderForgedWithTheMasterKeyCannotCutOffTheLastSegment() throws IOException {
        byte[] data = randomBytes(2 * S + 100, 1);
        BlobId id = put(data).id();
        Path file = store.path(id);
        BlobFormat.Header original;
        try (var ch = java.nio.channels.FileChannel.open(file)) {
            original = BlobFormat.read(ch, id);
        }
        byte[] dataKey = key.unwrap(original.wrappedKey(), original.wrapNonce(), original.wrapAad(id)).orElseThrow();
        long cut = 2L * S;
        byte[] prefix = BlobFormat.encodePrefix(BlobFormat.ENCRYPTED, 16, cut, original.noncePrefix());
        byte[] wrapped = key.wrap(dataKey, original.wrapNonce(), BlobFormat.wrapAad(prefix, id));
        modify(file, 0, BlobFormat.encodeEncrypted(cut, original.noncePrefix(), original.wrapNonce(), wrapped));
        try (var f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(HEADER + 2L * SEALED);
        }
        assertThat(read(id, 0, S)).isEqualTo(Arrays.copyOf(data, S));
        failsAsDamaged(() -> readAll(id), "segment 1 fails authentication");
        failsAsDamaged(() -> read(id, S, -1), "segment 1");
    }

    @Test
    void aChangedHeaderByteFailsTheKeyUnwrap() throws IOException {
        BlobId id = put(randomBytes(100, 1)).id();
        flipByte(store.path(id), 20);
        failsAsDamaged(() -> readAll(id), "cannot be decrypted");
    }

    @Test
    void aBlobReadWithAnotherMasterKeyFailsClearly() throws IOException {
        BlobId id = put(randomBytes(100, 1)).id();
        var other = new LocalBlobStore(dir.resolve("other"), MasterKey.generate(new SecureRandom()));
        Files.createDirectories(other.path(id).getParent());
        Files.copy(store.path(id), other.path(id));
        assertThat(other.size(id)).isEqualTo(100);
        failsAsDamaged(() -> other.open(id, 0, -1), "another master key");
    }

    @Test
    void anotherMasterKeyStopsStartUpNamingTheDirectory() {
        put(randomBytes(100, 1));
        assertThatThrownBy(() -> new LocalBlobStore(store.directory(), MasterKey.generate(new SecureRandom())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("is not the key")
                .hasMessageContaining(store.directory().toString());
        assertThat(new LocalBlobStore(store.directory(), key).encrypts()).isTrue();
    }

    @Test
    void noMasterKeyForEncryptedBlobsStopsStartUp() {
        assertThatThrownBy(() -> new LocalBlobStore(store.directory())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("no master key is configured");
    }

    @Test
    void anAlteredKeyCheckStopsStartUp() throws IOException {
        flipByte(store.directory().resolve(KeyCheck.FILE), 5);
        assertThatThrownBy(() -> new LocalBlobStore(store.directory(), key)).isInstanceOf(ConfigException.class);
        Files.write(store.directory().resolve(KeyCheck.FILE), new byte[3]);
        assertThatThrownBy(() -> new LocalBlobStore(store.directory(), key)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("damaged");
    }

    @Test
    void turningEncryptionOnKeepsEarlierUnencryptedBlobsReadable() throws IOException {
        Path migrated = dir.resolve("migrated");
        byte[] old = randomBytes(S + 10, 1);
        BlobId before = BlobStoreContract.put(new LocalBlobStore(migrated), old).id();
        var encrypted = new LocalBlobStore(migrated, key);
        BlobId after = BlobStoreContract.put(encrypted, old).id();
        assertThat(Files.size(encrypted.path(after))).isGreaterThan(Files.size(encrypted.path(before)));
        var restarted = new LocalBlobStore(migrated, key);
        assertThat(BlobStoreContract.read(restarted, before, 0, -1)).isEqualTo(old);
        assertThat(BlobStoreContract.read(restarted, after, 0, -1)).isEqualTo(old);
        assertThatThrownBy(() -> new LocalBlobStore(migrated)).isInstanceOf(ConfigException.class);
    }

    @Test
    void aBlobFileMovedToAnotherIdFailsTheKeyUnwrap() throws IOException {
        BlobId a = put(randomBytes(100, 1)).id();
        BlobId b = put(randomBytes(100, 2)).id();
        Files.copy(store.path(a), store.path(b), StandardCopyOption.REPLACE_EXISTING);
        failsAsDamaged(() -> readAll(b), "another blob");
    }

    @Test
    void anEmptyBlobWithAChangedTagFailsTheRead() throws IOException {
        BlobId id = put(new byte[0]).id();
        assertThat(readAll(id)).isEmpty();
        flipByte(store.path(id), HEADER + 3);
        failsAsDamaged(() -> readAll(id), "segment 0");
    }

    @Test
    void skippingToTheEndStillChecksTheLastSegment() throws IOException {
        BlobId id = put(randomBytes(2 * S + 10, 1)).id();
        flipByte(store.path(id), HEADER + 2L * SEALED + 3);
        try (InputStream in = store.open(id, 0, -1)) {
            assertThat(in.skip(3L * S)).isEqualTo(2L * S + 10);
            failsAsDamaged(in::read, "segment 2");
        }
        assertThat(read(id, 0, 2 * S)).hasSize(2 * S);
    }

    @Test
    void anUnencryptedFileInPlaceOfABlobIsRefused() throws IOException {
        BlobId id = put(randomBytes(100, 1)).id();
        var plain = new LocalBlobStore(dir.resolve("plain"));
        BlobId planted = BlobStoreContract.put(plain, "not what you stored".getBytes()).id();
        Files.copy(plain.path(planted), store.path(id), StandardCopyOption.REPLACE_EXISTING);
        failsAsDamaged(() -> readAll(id), "unencrypted");
    }

    @Test
    void aFileThatIsNotABlobIsRefused() throws IOException {
        BlobId id = put(randomBytes(100, 1)).id();
        Files.write(store.path(id), randomBytes(200, 9));
        failsAsDamaged(() -> readAll(id), "does not start with a blob header");
        Files.write(store.path(id), new byte[3]);
        failsAsDamaged(() -> store.size(id), "shorter than a header");
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
