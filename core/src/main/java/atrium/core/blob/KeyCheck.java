package atrium.core.blob;

import atrium.core.ConfigException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.channels.FileChannel;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.stream.Stream;

/**
 * The file {@code <dir>/key-check} that an encrypted store leaves in its directory, so that
 * configuration mistakes stop start-up instead of failing every download later: another
 * master key, or no key at all for a directory of encrypted blobs.
 *
 * <p>It also records whether the directory held blobs before encryption was turned on.
 * Those older blobs are unencrypted and stay readable; in a directory encrypted from the
 * start, an unencrypted blob can only have been put there by someone else and is refused.
 *
 * <pre>
 *  0  4  magic "ATRK"
 *  4  1  version (1)
 *  5  1  flags: bit 0 = unencrypted blobs from before are accepted
 *  6 12  nonce
 * 18 16  AES-GCM tag under the master key over bytes 0..5 (empty plaintext)
 * </pre>
 */
final class KeyCheck {
    static final String FILE = "key-check";
    private static final byte[] MAGIC = {'A', 'T', 'R', 'K'};
    private static final int LENGTH = 34;
    private static final int LEGACY_PLAIN = 1;

    private KeyCheck() {}

    /** For a store without a key: refuses a directory whose blobs are encrypted. */
    static void requireNone(Path root) {
        if (Files.exists(root.resolve(FILE))) {
            throw new ConfigException("blob directory " + root + " holds encrypted blobs (it has a " + FILE
                    + " file) but no master key is configured");
        }
    }

    /**
     * For a store with a key: checks the key against the file, or writes the file on the
     * first start with encryption.
     *
     * @return whether unencrypted blobs from before encryption are to be accepted
     */
    static boolean verifyOrCreate(Path root, MasterKey key, SecureRandom random) throws IOException {
        Path file = root.resolve(FILE);
        if (Files.exists(file)) {
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length != LENGTH || !Arrays.equals(bytes, 0, 4, MAGIC, 0, 4) || bytes[4] != 1) {
                throw new ConfigException(file + " is damaged; restore it from a backup");
            }
            byte[] nonce = Arrays.copyOfRange(bytes, 6, 18);
            byte[] expected = key.wrap(new byte[0], nonce, Arrays.copyOf(bytes, 6));
            if (!Arrays.equals(expected, 0, 16, bytes, 18, LENGTH)) {
                throw new ConfigException("master key " + key + " is not the key the blobs in " + root
                        + " were encrypted with (or " + file + " was altered)");
            }
            return (bytes[5] & LEGACY_PLAIN) != 0;
        }
        boolean legacy;
        try (Stream<BlobId> existing = LocalBlobStore.listIn(root)) {
            legacy = existing.findAny().isPresent();
        }
        byte[] head = {MAGIC[0], MAGIC[1], MAGIC[2], MAGIC[3], 1, (byte) (legacy ? LEGACY_PLAIN : 0)};
        byte[] nonce = new byte[12];
        random.nextBytes(nonce);
        byte[] tag = key.wrap(new byte[0], nonce, head);
        byte[] content = ByteBuffer.allocate(LENGTH).put(head).put(nonce).put(tag).array();
        byte[] suffix = new byte[8];
        random.nextBytes(suffix);
        Path tmp = root.resolve(FILE + "." + HexFormat.of().formatHex(suffix) + ".tmp");
        try {
            Files.write(tmp, content);
            try (var ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            LocalBlobStore.syncDirectory(root);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return legacy;
    }
}
