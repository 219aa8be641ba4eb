package atrium.core.blob;

import static atrium.core.blob.BlobStoreContract.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** What {@link LocalBlobStore} does on disk, encrypted or not. */
interface LocalBlobStoreContract extends BlobStoreContract {
    @Override
    LocalBlobStore store();

    default Path dir() {
        return store().directory();
    }

    default long temporaryFiles() throws IOException {
        try (Stream<Path> s = Files.list(store().temporaryDirectory())) {
            return s.count();
        }
    }

    @Test
    default void aCommittedBlobLivesUnderTwoLevelsOfFanOutOwnerOnly() throws IOException {
        BlobId id = put(randomBytes(10, 1)).id();
        String v = id.value();
        Path file = dir().resolve(v.substring(0, 2)).resolve(v.substring(2, 4)).resolve(v);
        assertThat(file).isRegularFile();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(temporaryFiles()).isZero();
    }

    @Test
    default void anUncommittedBlobIsOnlyATemporaryFileUntilAbortRemovesIt() throws IOException {
        BlobWriter w = store().create();
        w.stream().write(randomBytes(3 * S, 1));
        assertThat(temporaryFiles()).isEqualTo(1);
        try (Stream<BlobId> all = store().list()) {
            assertThat(all).isEmpty();
        }
        w.close();
        assertThat(temporaryFiles()).isZero();
    }

    @Test
    default void aTemporaryFileLeftByACrashIsNotListedAndIsSweptOnceOld() throws IOException {
        BlobId kept = put(randomBytes(10, 1)).id();
        Path tmp = store().temporaryDirectory();
        Path crashed = Files.write(tmp.resolve("0123456789abcdef0123456789abcdef.tmp"), randomBytes(S + 5, 2));
        Files.setLastModifiedTime(crashed, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        Path recent = Files.write(tmp.resolve("fedcba9876543210fedcba9876543210.tmp"), randomBytes(5, 3));

        try (Stream<BlobId> all = store().list()) {
            assertThat(all).containsExactly(kept);
        }
        assertThat(store().sweepTemporary(Duration.ofHours(1))).isEqualTo(1);
        assertThat(crashed).doesNotExist();
        assertThat(recent).exists();
        assertThat(store().sweepTemporary(Duration.ofHours(1))).isZero();
        assertThat(read(kept, 0, -1)).isEqualTo(randomBytes(10, 1));
    }

    @Test
    default void aSweepLeavesTheFilesOfWritersStillOpen() throws IOException {
        try (BlobWriter slow = store().create()) {
            slow.stream().write(randomBytes(100, 1));
            try (Stream<Path> files = Files.list(store().temporaryDirectory())) {
                Path own = files.findFirst().orElseThrow();
                Files.setLastModifiedTime(own, FileTime.from(Instant.now().minus(Duration.ofDays(1))));
            }
            assertThat(store().sweepTemporary(Duration.ZERO)).isZero();
            slow.stream().write(randomBytes(100, 2));
            Blob blob = slow.commit();
            assertThat(blob.size()).isEqualTo(200);
        }
    }

    @Test
    default void aFileInTheWrongPlaceIsNotListed() throws IOException {
        BlobId id = put(randomBytes(10, 1)).id();
        Files.copy(store().path(id), dir().resolve(id.value()));
        Files.createDirectories(dir().resolve("zz/zz"));
        Files.copy(store().path(id), dir().resolve("zz/zz").resolve(id.value()));
        Files.writeString(dir().resolve("zz/zz/README"), "not a blob");
        try (Stream<BlobId> all = store().list()) {
            assertThat(all).containsExactly(id);
        }
    }
}
