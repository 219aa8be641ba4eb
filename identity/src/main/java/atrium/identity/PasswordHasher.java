package atrium.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Hashes and verifies secrets, in two strengths.
 *
 * <p>Passwords that people choose go through Argon2id with the OWASP parameters
 * (m=19456 KiB, t=2, p=1), stored as the standard PHC string
 * {@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash} so that any other Argon2 library
 * can read it. Those passwords have little entropy, so each guess must be expensive.
 *
 * <p>Secrets the server generates itself (app passwords, generated passwords, backup
 * codes, session tokens) go through {@link #hashRandomSecret}: one salted SHA-256,
 * stored as {@code $sha256$salt$hash}. A slow hash only helps when the secret can be
 * guessed; against 96 bits or more of randomness brute force is hopeless even at
 * billions of SHA-256 per second, while Argon2 at ~40 ms and 19 MiB each (measured on
 * a 2-core machine) would make a bulk import of 1,000 users with generated passwords
 * spend about 40 seconds hashing, and every WebDAV request authenticated by an app
 * password pay the same cost. Backup codes carry fewer bits (about 50) but sit next to
 * the TOTP secret, which the server must keep readable anyway: whoever can read the
 * hashes can read that secret too, so a slow hash on the backup codes would protect
 * nothing.
 */
public final class PasswordHasher {
    /** OWASP Password Storage Cheat Sheet, Argon2id first option. */
    public static final int OWASP_MEMORY_KIB = 19_456;
    public static final int OWASP_ITERATIONS = 2;
    public static final int OWASP_PARALLELISM = 1;

    private static final String ARGON2_PREFIX = "$argon2id$";
    private static final String SHA256_PREFIX = "$sha256$";
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    // Bounds for parameters read back from a stored hash: a tampered or corrupt row must
    // not make one sign-in allocate gigabytes or loop for minutes.
    private static final int MAX_MEMORY_KIB = 1 << 18;
    private static final int MAX_ITERATIONS = 64;
    private static final int MAX_PARALLELISM = 16;
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64_DECODE = Base64.getDecoder();

    private final int memoryKiB;
    private final int iterations;
    private final int parallelism;
    private final SecureRandom random = new SecureRandom();

    /** Argon2id with the OWASP parameters. */
    public PasswordHasher() {
        this(OWASP_MEMORY_KIB, OWASP_ITERATIONS, OWASP_PARALLELISM);
    }

    /** Argon2id with other parameters; tests use cheap ones. */
    public PasswordHasher(int memoryKiB, int iterations, int parallelism) {
        if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
            throw new IllegalArgumentException("parallelism must be 1.." + MAX_PARALLELISM);
        }
        if (memoryKiB < 8 * parallelism || memoryKiB > MAX_MEMORY_KIB) {
            throw new IllegalArgumentException("memory must be 8*parallelism.." + MAX_MEMORY_KIB + " KiB");
        }
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("iterations must be 1.." + MAX_ITERATIONS);
        }
        this.memoryKiB = memoryKiB;
        this.iterations = iterations;
        this.parallelism = parallelism;
    }

    /** Argon2id of a password a person chose, as a PHC string. */
    public String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] hash = argon2(password, salt, memoryKiB, iterations, parallelism, HASH_BYTES);
        return ARGON2_PREFIX + "v=19$m=" + memoryKiB + ",t=" + iterations + ",p=" + parallelism
                + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
    }

    /**
     * Salted SHA-256 of a secret the server generated with at least 96 bits of
     * randomness; never use it for a password a person chose (see the class comment).
     */
    public String hashRandomSecret(String secret) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return SHA256_PREFIX + B64.encodeToString(salt) + "$" + B64.encodeToString(sha256(salt, secret));
    }

    /**
     * Whether {@code password} matches {@code encoded} (either form). A malformed or
     * unknown encoding is simply no match: a bad row must not turn a sign-in into a 500.
     */
    public boolean verify(String password, String encoded) {
        if (encoded.startsWith(ARGON2_PREFIX)) {
            Optional<Argon2Hash> parsed = Argon2Hash.parse(encoded);
            if (parsed.isEmpty()) {
                return false;
            }
            Argon2Hash h = parsed.get();
            byte[] actual = argon2(password, h.salt, h.memoryKiB, h.iterations, h.parallelism, h.hash.length);
            return MessageDigest.isEqual(actual, h.hash);
        }
        if (encoded.startsWith(SHA256_PREFIX)) {
            String[] parts = encoded.split("\\$", -1);
            if (parts.length != 4) {
                return false;
            }
            Optional<byte[]> salt = decode(parts[2]);
            Optional<byte[]> hash = decode(parts[3]);
            if (salt.isEmpty() || hash.isEmpty() || salt.get().length == 0 || hash.get().length != 32) {
                return false;
            }
            return MessageDigest.isEqual(sha256(salt.get(), password), hash.get());
        }
        return false;
    }

    /**
     * Whether a stored password hash should be replaced (after a successful sign-in) by
     * {@link #hash}: true when it is Argon2id with other parameters than this hasher's,
     * or unreadable. A {@code $sha256$} hash never needs it: it holds a generated secret,
     * which stays with the fast hash by design.
     */
    public boolean needsRehash(String encoded) {
        if (encoded.startsWith(SHA256_PREFIX)) {
            return false;
        }
        return Argon2Hash.parse(encoded)
                .map(h -> h.memoryKiB != memoryKiB || h.iterations != iterations
                        || h.parallelism != parallelism || h.hash.length != HASH_BYTES)
                .orElse(true);
    }

    private static byte[] argon2(String password, byte[] salt, int m, int t, int p, int length) {
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withSalt(salt)
                .withMemoryAsKB(m)
                .withIterations(t)
                .withParallelism(p)
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(params);
        byte[] out = new byte[length];
        generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
        return out;
    }

    private static byte[] sha256(byte[] salt, String secret) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(salt);
            return digest.digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static Optional<byte[]> decode(String b64) {
        try {
            return Optional.of(B64_DECODE.decode(b64));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** A parsed {@code $argon2id$v=19$m=…,t=…,p=…$salt$hash}. */
    private record Argon2Hash(int memoryKiB, int iterations, int parallelism, byte[] salt, byte[] hash) {
        static Optional<Argon2Hash> parse(String encoded) {
            String[] parts = encoded.split("\\$", -1);
            // "", "argon2id", "v=19", "m=…,t=…,p=…", salt, hash
            if (parts.length != 6 || !parts[0].isEmpty() || !parts[1].equals("argon2id") || !parts[2].equals("v=19")) {
                return Optional.empty();
            }
            Map<String, Integer> params = new HashMap<>();
            for (String pair : parts[3].split(",", -1)) {
                int eq = pair.indexOf('=');
                if (eq < 1 || eq > pair.length() - 2 || pair.length() - eq > 8) {
                    return Optional.empty();
                }
                String digits = pair.substring(eq + 1);
                if (!digits.chars().allMatch(c -> c >= '0' && c <= '9')
                        || params.put(pair.substring(0, eq), Integer.parseInt(digits)) != null) {
                    return Optional.empty();
                }
            }
            if (params.size() != 3 || !params.containsKey("m") || !params.containsKey("t") || !params.containsKey("p")) {
                return Optional.empty();
            }
            int m = params.get("m");
            int t = params.get("t");
            int p = params.get("p");
            if (p < 1 || p > MAX_PARALLELISM || m < 8 * p || m > MAX_MEMORY_KIB || t < 1 || t > MAX_ITERATIONS) {
                return Optional.empty();
            }
            Optional<byte[]> salt = decode(parts[4]);
            Optional<byte[]> hash = decode(parts[5]);
            if (salt.isEmpty() || hash.isEmpty() || salt.get().length < 8 || hash.get().length < 16 || hash.get().length > 64) {
                return Optional.empty();
            }
            return Optional.of(new Argon2Hash(m, t, p, salt.get(), hash.get()));
        }
    }
}
