package atrium.files;

import atrium.core.AtriumException;
import atrium.core.Msg;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The disk under the blob store. A write may not eat into a reserve of free space
 * ({@code files.min-free-space}), kept so that the database, the logs and the system can
 * still write; and a disk that fills up anyway (ENOSPC, another program, parallel uploads)
 * is answered 507 like the reserve, never 500. Either way the blob writer aborts and
 * deletes its temporary file, so nothing half-written stays.
 */
public final class DiskSpace {
    /** Under this, a failed write is taken for a full disk even if the system said it in another language. */
    private static final long NEARLY_FULL = 1 << 20;

    private final Optional<FileStore> store;
    private final long reserve;

    private DiskSpace(Optional<FileStore> store, long reserve) {
        this.store = store;
        this.reserve = reserve;
    }

    /** The disk holding {@code dir}, keeping {@code reserve} bytes free. */
    public static DiskSpace of(Path dir, long reserve) {
        try {
            return new DiskSpace(Optional.of(Files.getFileStore(dir)), reserve);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find the disk of " + dir, e);
        }
    }

    /** No reserve and no free-space lookups, for tests of other things; a full disk is still 507. */
    public static DiskSpace unchecked() {
        return new DiskSpace(Optional.empty(), 0);
    }

    /** The most bytes a body may have, and the error for one that has more. */
    record Limit(long bytes, Supplier<AtriumException> exceeded) {
        /** Refuses at once a body whose announced length is over the limit. */
        void check(long declaredLength) {
            if (declaredLength > bytes) {
                throw exceeded.get();
            }
        }
    }

    /**
     * The tighter of another limit on a body (the quota, an announced total) and the space
     * left above the reserve, with the error that belongs to whichever it is.
     */
    Limit limit(long otherBytes, Supplier<AtriumException> otherExceeded) {
        long diskBytes = writable();
        return diskBytes < otherBytes ? new Limit(diskBytes, DiskSpace::full) : new Limit(otherBytes, otherExceeded);
    }

    /** Bytes a write may still take before it reaches the reserve; never negative. */
    public long writable() {
        if (store.isEmpty()) {
            return Long.MAX_VALUE;
        }
        return Math.max(0, usable() - reserve);
    }

    private long usable() {
        try {
            return store.get().getUsableSpace();
        } catch (IOException e) {
            // Not knowing is no reason to refuse; a real shortage still fails the write itself.
            return Long.MAX_VALUE;
        }
    }

    /**
     * Runs a write, turning a full disk into 507. Anything else goes through unchanged.
     *
     * @throws AtriumException.StorageFull when the write failed for want of space
     */
    public <T> T guard(Supplier<T> write) {
        try {
            return write.get();
        } catch (UncheckedIOException e) {
            if (isNoSpace(e) || store.isPresent() && usable() < NEARLY_FULL) {
                throw full();
            }
            throw e;
        } catch (RuntimeException e) {
            // The database's own writes fail differently (SQLite: "database or disk is full").
            if (isNoSpace(e)) {
                throw full();
            }
            throw e;
        }
    }

    /** The answer for a write that does not fit on the disk. */
    public static AtriumException full() {
        return new AtriumException.StorageFull(Msg.of("files.disk-full"));
    }

    /**
     * Whether a failure, or one of its causes, is the system saying the disk or the user's
     * disk quota is full (ENOSPC, EDQUOT, SQLITE_FULL), as the JDK words it.
     */
    static boolean isNoSpace(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (message.contains("no space left on device") || message.contains("disk quota exceeded")
                    || message.contains("not enough space on the disk") || message.contains("database or disk is full")) {
                return true;
            }
        }
        return false;
    }
}
