package atrium.core.blob;

import atrium.core.ConfigException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The instance's key-encryption key: 32 random bytes in a file readable by its owner only.
 * It never encrypts content; it wraps each blob's own data key (AES-256-GCM), so a leaked
 * blob key exposes one blob and the master key can later be rotated by re-wrapping headers.
 * Losing the file makes every encrypted blob unreadable: it belongs in the backups, apart
 * from the data it protects.
 */
public final class MasterKey {
    private static final Logger LOG = Logger.getLogger(MasterKey.class.getName());
    static final int BYTES = 32;
    static final int WRAP_NONCE_BYTES = 12;
    static final int WRAPPED_BYTES = BYTES + 16;

    private static final SecureRandom NONCES = new SecureRandom();

    private final SecretKey key;
    private final String origin;

    private MasterKey(byte[] bytes, String origin) {
        this.key = new SecretKeySpec(bytes, "AES");
        this.origin = origin;
    }

    /**
     * Reads the key file, or creates it when absent. Creation is atomic (written and synced
     * under a temporary name, then linked into place), so a crash leaves either no file or a
     * whole one, and two processes starting at once end up with the same key.
     *
     * @throws ConfigException naming the file if it cannot be read or created, or is damaged
     */
    public static MasterKey loadOrCreate(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        try {
            if (!Files.exists(absolute)) {
                create(absolute);
            }
            return load(absolute);
        } catch (IOException e) {
            throw new ConfigException("master key file " + absolute + ": " + describe(e));
        }
    }

    /** A key that lives in memory only, for tests. */
    static MasterKey generate(SecureRandom random) {
        byte[] bytes = new byte[BYTES];
        random.nextBytes(bytes);
        return new MasterKey(bytes, "generated");
    }

    private static MasterKey load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("master key file " + file + " is not a regular file");
        }
        long size = Files.size(file);
        if (size != BYTES) {
            throw new ConfigException("master key file " + file + " is damaged: it holds " + size + " bytes, a key is "
                    + BYTES + " (restore it from a backup; a new key cannot read the existing blobs)");
        }
        if (Files.getFileAttributeView(file, PosixFileAttributeView.class) != null) {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
            if (!EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE).containsAll(mode)) {
                // A warning, not a refusal: a key restored from a backup with loose modes
                // should not keep the server down, but the operator should hear of it.
                LOG.warning("master key file " + file + " has mode " + PosixFilePermissions.toString(mode)
                        + "; only its owner should be able to read it (chmod 600)");
            }
        }
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length != BYTES) {
            throw new ConfigException("master key file " + file + " changed while being read");
        }
        return new MasterKey(bytes, file.toString());
    }

    private static void create(Path file) throws IOException {
        Path dir = file.getParent();
        Files.createDirectories(dir);
        SecureRandom random = new SecureRandom();
        byte[] bytes = new byte[BYTES];
        random.nextBytes(bytes);
        byte[] suffix = new byte[8];
        random.nextBytes(suffix);
        Path tmp = dir.resolve(file.getFileName() + "." + HexFormat.of().formatHex(suffix) + ".tmp");
        try {
            // Created with mode 600 from the start: no window in which others could read it.
            try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    ownerOnly(dir))) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            // A hard link fails if the name exists, where a rename would silently replace a
            // key another process has just created (and is already using).
            try {
                Files.createLink(file, tmp);
            } catch (FileAlreadyExistsException lostRace) {
                return;
            } catch (UnsupportedOperationException | FileSystemException noHardLinks) {
                if (Files.exists(file)) {
                    return;
                }
                Files.move(tmp, file);
            }
            LocalBlobStore.syncDirectory(dir);
        } finally {
            Files.deleteIfExists(tmp);
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private static FileAttribute<?>[] ownerOnly(Path dir) {
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))};
        }
        return new FileAttribute<?>[0];
    }

    private static String describe(IOException e) {
        return switch (e) {
            case AccessDeniedException a -> "permission denied";
            case NoSuchFileException n -> "no such file or directory: " + n.getFile();
            default -> e.getClass().getSimpleName() + ": " + e.getMessage();
        };
    }

    /** Encrypts a data key; {@code aad} binds it to its blob's header and id. */
    byte[] wrap(byte[] dataKey, byte[] nonce, byte[] aad) {
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            c.updateAAD(aad);
            return c.doFinal(dataKey);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /** The data key, or empty if this is the wrong master key or the header was altered. */
    Optional<byte[]> unwrap(byte[] wrapped, byte[] nonce, byte[] aad) {
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            c.updateAAD(aad);
            return Optional.of(c.doFinal(wrapped));
        } catch (AEADBadTagException e) {
            return Optional.empty();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /**
     * Encrypts a small secret kept in the database (a SIP device's digest HA1): a fresh nonce, then the
     * AES-256-GCM ciphertext, in one array. {@code aad} binds it to its row, so it cannot be moved to another.
     */
    public byte[] seal(byte[] secret, byte[] aad) {
        byte[] nonce = new byte[WRAP_NONCE_BYTES];
        NONCES.nextBytes(nonce);
        byte[] sealed = wrap(secret, nonce, aad);
        return ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array();
    }

    /** The secret {@link #seal} made, or empty if this is the wrong key, the row differs or the bytes were altered. */
    public Optional<byte[]> open(byte[] sealed, byte[] aad) {
        if (sealed.length <= WRAP_NONCE_BYTES) {
            return Optional.empty();
        }
        return unwrap(Arrays.copyOfRange(sealed, WRAP_NONCE_BYTES, sealed.length),
                Arrays.copyOf(sealed, WRAP_NONCE_BYTES), aad);
    }

    /**
     * A key for another purpose derived from this one (HMAC-SHA256 of {@code purpose}): the same on every node that
     * has this master key, so a secret such as the SIP nonce key needs no file or table of its own.
     */
    public byte[] derive(String purpose) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getEncoded(), "HmacSHA256"));
            return mac.doFinal(("atrium:" + purpose).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** Where the key came from, for messages; never the key itself. */
    @Override
    public String toString() {
        return "MasterKey[" + origin + "]";
    }
}
