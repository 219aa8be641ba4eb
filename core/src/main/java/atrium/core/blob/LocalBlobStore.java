package atrium.core.blob;

import atrium.core.AtriumException;
import atrium.core.Msg;
import atrium.core.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.Stream;

/**
 * Blobs as files under one directory: {@code <dir>/<id[0,2]>/<id[2,4]>/<id>}, two levels of
 * fan-out so no directory grows past a few thousand entries. Writers work in
 * {@code <dir>/tmp/} and commit with fsync, an atomic rename and an fsync of the directory,
 * so after a crash a blob is either whole and visible or absent (its temporary file left
 * for {@link #sweepTemporary}).
 *
 * <p>With a {@link MasterKey} every new blob is encrypted (see {@link BlobFormat}). A
 * {@link KeyCheck} file stops start-up on the wrong key, or on no key for encrypted blobs.
 * An unencrypted blob is refused unless the directory held blobs before encryption was
 * turned on: a plain file dropped in place of an encrypted blob must not be served.
 * Without a key, blobs are stored as they are, behind a 16-byte header.
 *
 * <p>Thread-safe without locks: blobs are immutable once visible, each writer owns its
 * temporary file, and the only shared state is concurrent.
 */
public final class LocalBlobStore implements BlobStore {
    private static final String ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";
    private static final int FAN = ALPHABET.length() * ALPHABET.length();

    private final Path root;
    private final Path tmpDir;
    private final Optional<MasterKey> masterKey;
    /** False in a store encrypted from the start, where an unencrypted blob is a planted file. */
    private final boolean acceptsPlain;
    private final SecureRandom random = new SecureRandom();
    /** Temporary files of writers still open here, which a sweep must leave alone. */
    private final Set<Path> liveTemporary = ConcurrentHashMap.newKeySet();
    /** Fan-out directories known to exist durably (their parent synced), one bit each. */
    private final AtomicLongArray durableLevel1 = new AtomicLongArray(FAN / 64 + 1);
    private final AtomicLongArray durableLevel2 = new AtomicLongArray(FAN * FAN / 64 + 1);

    /** A store that keeps blobs unencrypted. */
    public LocalBlobStore(Path dir) {
        this(dir, Optional.empty());
    }

    /** A store that encrypts every blob it writes under a data key wrapped by {@code masterKey}. */
    public LocalBlobStore(Path dir, MasterKey masterKey) {
        this(dir, Optional.of(masterKey));
    }

    private LocalBlobStore(Path dir, Optional<MasterKey> masterKey) {
        this.root = dir.toAbsolutePath().normalize();
        this.tmpDir = root.resolve("tmp");
        this.masterKey = masterKey;
        try {
            Files.createDirectories(tmpDir);
            syncDirectory(root);
            if (root.getParent() != null) {
                syncDirectory(root.getParent());
            }
            if (masterKey.isPresent()) {
                this.acceptsPlain = KeyCheck.verifyOrCreate(root, masterKey.get(), random);
            } else {
                KeyCheck.requireNone(root);
                this.acceptsPlain = true;
            }
        } catch (IOException e) {
            throw new ConfigException("blob directory " + root + " cannot be used: " + e);
        }
    }

    public Path directory() {
        return root;
    }

    public boolean encrypts() {
        return masterKey.isPresent();
    }

    @Override
    public BlobWriter create() {
        BlobId id = BlobId.random(random);
        Path tmp = tmpDir.resolve(id.value() + ".tmp");
        liveTemporary.add(tmp);
        FileChannel channel = null;
        try {
            channel = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), ownerOnly());
            return masterKey.isPresent()
                    ? LocalBlobWriter.encrypted(this, id, tmp, channel, masterKey.get(), random)
                    : LocalBlobWriter.plain(this, id, tmp, channel);
        } catch (IOException | RuntimeException e) {
            liveTemporary.remove(tmp);
            try {
                if (channel != null) {
                    channel.close();
                }
                Files.deleteIfExists(tmp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot create a blob in " + tmpDir + ": " + io.getMessage(), io);
            }
            throw (RuntimeException) e;
        }
    }

    @Override
    public InputStream open(BlobId id, long offset, long length) {
        if (offset < 0 || length < -1) {
            throw new IllegalArgumentException("bad range: offset " + offset + ", length " + length);
        }
        FileChannel channel = openChannel(id);
        try {
            BlobFormat.Header header = BlobFormat.read(channel, id);
            long end = length == -1 ? header.size() : offset + length;
            if (offset > header.size() || end > header.size() || end < offset) {
                throw new IllegalArgumentException("range [" + offset + ", " + (length == -1 ? "end" : end)
                        + ") is not within blob " + id + " of " + header.size() + " bytes");
            }
            return switch (header.mode()) {
                case BlobFormat.PLAIN -> {
                    if (!acceptsPlain) {
                        throw new BlobIntegrityException("blob " + id + " is unencrypted, but this store has encrypted"
                                + " every blob from the start: refused as a file put in its place");
                    }
                    yield new BlobInputStream.Plain(channel, id, offset, end);
                }
                case BlobFormat.ENCRYPTED -> {
                    MasterKey key = masterKey.orElseThrow(() -> new BlobIntegrityException(
                            "blob " + id + " is encrypted and no master key is configured"));
                    byte[] dataKey = key.unwrap(header.wrappedKey(), header.wrapNonce(), header.wrapAad(id))
                            .orElseThrow(() -> new BlobIntegrityException("blob " + id + " cannot be decrypted: it was"
                                    + " encrypted under another master key, its header was altered, or the file is another blob's"));
                    var cipher = new SegmentCipher(dataKey, header.noncePrefix());
                    Arrays.fill(dataKey, (byte) 0);
                    yield new BlobInputStream.Encrypted(channel, id, header, cipher, offset, end);
                }
                default -> throw new IllegalStateException("mode " + header.mode());
            };
        } catch (IOException e) {
            closeQuietly(channel, e);
            throw new UncheckedIOException(e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(channel, e);
            throw e;
        }
    }

    @Override
    public long size(BlobId id) {
        try (FileChannel channel = openChannel(id)) {
            return BlobFormat.read(channel, id).size();
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    @Override
    public boolean exists(BlobId id) {
        return Files.isRegularFile(path(id));
    }

    /**
     * Without a directory fsync, since a deletion undone by a crash only leaves an orphan,
     * which the consistency check finds through {@link #list()}.
     */
    @Override
    public void delete(BlobId id) {
        try {
            Files.deleteIfExists(path(id));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete blob " + id + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Stream<BlobId> list() {
        try {
            return listIn(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list blobs in " + root + ": " + e.getMessage(), e);
        }
    }

    /** The blobs under a store directory: files named by a blob id, where that id belongs. */
    static Stream<BlobId> listIn(Path root) throws IOException {
        int depth = root.getNameCount() + 3;
        return Files.find(root, 3, (p, attrs) -> attrs.isRegularFile() && p.getNameCount() == depth)
                .filter(p -> BlobId.isValid(p.getFileName().toString()))
                .map(p -> Map.entry(p, new BlobId(p.getFileName().toString())))
                .filter(e -> e.getKey().equals(path(root, e.getValue())))
                .map(Map.Entry::getValue);
    }

    @Override
    public int sweepTemporary(Duration olderThan) {
        Instant cutoff = Instant.now().minus(olderThan);
        int removed = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(tmpDir)) {
            for (Path p : files) {
                if (liveTemporary.contains(p) || !Files.isRegularFile(p)) {
                    continue;
                }
                try {
                    if (Files.getLastModifiedTime(p).toInstant().isBefore(cutoff) && Files.deleteIfExists(p)) {
                        removed++;
                    }
                } catch (NoSuchFileException committedOrAbortedMeanwhile) {
                    // gone already: nothing to sweep
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot sweep " + tmpDir + ": " + e.getMessage(), e);
        }
        return removed;
    }

    /** The file of a committed blob (for consistency checks: its age). */
    public Path path(BlobId id) {
        return path(root, id);
    }

    private static Path path(Path root, BlobId id) {
        String v = id.value();
        return root.resolve(v.substring(0, 2)).resolve(v.substring(2, 4)).resolve(v);
    }

    /** Where writers keep their temporary files (for consistency checks). */
    public Path temporaryDirectory() {
        return tmpDir;
    }

    /** Moves a finished, synced temporary file into place and makes the move durable. */
    void publish(Path tmp, BlobId id) throws IOException {
        Path target = path(id);
        ensureFanOut(id, target.getParent());
        if (Files.exists(target)) {
            // 128 random bits do not collide; a rename would silently replace if they did.
            throw new FileAlreadyExistsException(target.toString());
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        try {
            syncDirectory(target.getParent());
        } catch (IOException e) {
            // Not known to be durable, so not committed: the caller is told it failed.
            Files.deleteIfExists(target);
            throw e;
        }
    }

    void released(Path tmp) {
        liveTemporary.remove(tmp);
    }

    /**
     * Creates the two fan-out directories if needed. A new directory is only durable once
     * its parent is synced; whoever does not yet see the bit set syncs it, so a blob never
     * depends on another thread's sync.
     */
    private void ensureFanOut(BlobId id, Path level2) throws IOException {
        String v = id.value();
        int l1 = fan(v, 0);
        int l2 = l1 * FAN + fan(v, 2);
        if (isSet(durableLevel2, l2)) {
            return;
        }
        Path level1 = level2.getParent();
        if (!isSet(durableLevel1, l1)) {
            mkdir(level1);
            syncDirectory(root);
            set(durableLevel1, l1);
        }
        mkdir(level2);
        syncDirectory(level1);
        set(durableLevel2, l2);
    }

    private static int fan(String v, int at) {
        return ALPHABET.indexOf(v.charAt(at)) * ALPHABET.length() + ALPHABET.indexOf(v.charAt(at + 1));
    }

    private static boolean isSet(AtomicLongArray bits, int i) {
        return (bits.get(i >>> 6) & (1L << (i & 63))) != 0;
    }

    private static void set(AtomicLongArray bits, int i) {
        bits.getAndAccumulate(i >>> 6, 1L << (i & 63), (a, b) -> a | b);
    }

    private static void mkdir(Path dir) throws IOException {
        try {
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) {
                throw e;
            }
        }
    }

    /** Makes a directory's entries (new names, renames into it) durable. */
    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    private FileChannel openChannel(BlobId id) {
        try {
            return FileChannel.open(path(id), StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new AtriumException.NotFound(Msg.of("core.blob.missing", id.value()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open blob " + id + ": " + e.getMessage(), e);
        }
    }

    private FileAttribute<?>[] ownerOnly() {
        if (root.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))};
        }
        return new FileAttribute<?>[0];
    }

    private static void closeQuietly(FileChannel channel, Exception pending) {
        try {
            channel.close();
        } catch (IOException e) {
            pending.addSuppressed(e);
        }
    }
}
