package atrium.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import atrium.core.AtriumException;
import atrium.core.Language;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A full disk, as the JDK reports it, becomes a 507 with a message; other failures stay what they are. */
class DiskSpaceTest {
    @TempDir
    Path dir;

    @Test
    void anEnospcFromAWriteOrACommitIsAFullDisk() {
        // FileChannel.write says it so; a commit wraps it in UncheckedIOException with the blob id.
        IOException write = new IOException("No space left on device");
        assertThat(DiskSpace.isNoSpace(write)).isTrue();
        assertThat(DiskSpace.isNoSpace(new UncheckedIOException("blob x could not be committed: No space left on device",
                write))).isTrue();
        assertThat(DiskSpace.isNoSpace(new FileSystemException("/data/blobs/tmp/x.tmp", null, "No space left on device")))
                .isTrue();
        assertThat(DiskSpace.isNoSpace(new IOException("Disk quota exceeded"))).isTrue();
        assertThat(DiskSpace.isNoSpace(new RuntimeException("statement failed",
                new java.sql.SQLException("[SQLITE_FULL] Insertion failed because database is full (database or disk is full)"))))
                .isTrue();
        assertThat(DiskSpace.isNoSpace(new IOException("Connection reset by peer"))).isFalse();
        assertThat(DiskSpace.isNoSpace(new IOException((String) null))).isFalse();
    }

    @Test
    void guardTurnsAFullDiskInto507AndLetsOtherFailuresThrough() {
        DiskSpace disk = DiskSpace.of(dir, 0);
        assertThatThrownBy(() -> disk.guard(() -> {
            throw new UncheckedIOException("the upload broke off", new IOException("No space left on device"));
        })).isInstanceOfSatisfying(AtriumException.StorageFull.class, e -> {
            assertThat(e.status()).isEqualTo(507);
            assertThat(e.code()).isEqualTo("storage-full");
            assertThat(e.getMessage()).startsWith("The server's disk is full: the file was not stored.");
            assertThat(e.msg().text(Language.FR)).startsWith("Le disque du serveur est plein");
        });
        UncheckedIOException reset = new UncheckedIOException(new IOException("Connection reset by peer"));
        assertThatThrownBy(() -> disk.guard(() -> {
            throw reset;
        })).isSameAs(reset);
        assertThat(disk.guard(() -> "stored")).isEqualTo("stored");
    }

    @Test
    void theReserveComesOffTheUsableSpaceAndTheTighterLimitNamesItsError() throws IOException {
        long usable = java.nio.file.Files.getFileStore(dir).getUsableSpace();
        assertThat(DiskSpace.of(dir, 0).writable()).isGreaterThan(0).isLessThanOrEqualTo(usable);
        assertThat(DiskSpace.of(dir, Long.MAX_VALUE).writable()).isZero();
        assertThat(DiskSpace.unchecked().writable()).isEqualTo(Long.MAX_VALUE);

        DiskSpace reserved = DiskSpace.of(dir, Long.MAX_VALUE);
        DiskSpace.Limit limit = reserved.limit(1000, () -> new AtriumException.QuotaExceeded(atrium.core.Msg.of("files.quota.exceeded", "1 KB")));
        assertThat(limit.bytes()).isZero();
        assertThatThrownBy(() -> limit.check(1)).isInstanceOf(AtriumException.StorageFull.class);
        DiskSpace.Limit quota = DiskSpace.unchecked().limit(1000, () -> new AtriumException.QuotaExceeded(
                atrium.core.Msg.of("files.quota.exceeded", "1 KB")));
        assertThat(quota.bytes()).isEqualTo(1000);
        assertThatThrownBy(() -> quota.check(1001)).isInstanceOf(AtriumException.QuotaExceeded.class);
        quota.check(1000);
    }
}
