package atrium.sip;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The server side of SIP digest authentication (RFC 3261 §22, RFC 7616, RFC 8760). Nonces carry their issue time and
 * an HMAC, so any node holding the secret can check them and none needs to remember what it issued; a correct answer
 * on an expired nonce is {@link Verdict#STALE} (challenge again with {@code stale=true}, which clients answer without
 * asking the user). Replays are refused by tracking, per live nonce, the highest nonce count seen (qop=auth): the
 * same nonce may be reused with a rising {@code nc}, as baresip does for every request of a call. A nonce answered
 * without qop (RFC 2069 clients) is accepted once.
 */
public final class DigestServer {
    /** The result of checking credentials. */
    public enum Verdict {
        /** Right user, right password, fresh nonce, never seen count. */
        OK,
        /** Right answer on an expired nonce: send a new challenge with stale=true. */
        STALE,
        /** Same nonce and count as an earlier request: a replay. */
        REPLAY,
        /** Unknown user, wrong password, another realm, forged or unreadable nonce, unsupported algorithm. */
        BAD
    }

    /** Where HA1 = H(username:realm:password) comes from, per algorithm; empty for an unknown user. */
    @FunctionalInterface
    public interface Ha1Source {
        Optional<String> ha1(String username, DigestAlgorithm algorithm);
    }

    private static final int NONCE_BYTES = 8 + 8 + 16; // issue time, random, truncated HMAC

    private final String realm;
    private final SecretKeySpec key;
    private final Clock clock;
    private final Duration lifetime;
    private final SecureRandom random = new SecureRandom();
    /** nonce → highest nc accepted; entries go once their nonce has expired. */
    private final Map<String, Long> counts = new ConcurrentHashMap<>();
    private final AtomicLong nextSweep = new AtomicLong(Long.MIN_VALUE);

    /** {@code secret}: at least 16 random bytes, the same on every node that checks these nonces. */
    public DigestServer(String realm, byte[] secret, Clock clock, Duration nonceLifetime) {
        if (secret.length < 16) {
            throw new IllegalArgumentException("the nonce secret needs at least 16 bytes");
        }
        this.realm = realm;
        this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
        this.clock = clock;
        this.lifetime = nonceLifetime;
    }

    public String realm() {
        return realm;
    }

    /** A fresh challenge offering {@code algorithm} with qop=auth; {@code stale} after a {@link Verdict#STALE}. */
    public DigestChallenge challenge(DigestAlgorithm algorithm, boolean stale) {
        byte[] rnd = new byte[8];
        random.nextBytes(rnd);
        ByteBuffer b = ByteBuffer.allocate(NONCE_BYTES).putLong(clock.millis()).put(rnd);
        b.put(mac(b.array(), 16), 0, 16);
        String nonce = Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
        return new DigestChallenge(realm, nonce, Optional.of(algorithm.token()), List.of("auth"), Optional.empty(), stale);
    }

    /** Checks the credentials of a request with method {@code method} (the digest covers the {@code uri} they name). */
    public Verdict verify(String method, DigestCredentials c, Ha1Source users) {
        Optional<DigestAlgorithm> algorithm = DigestAlgorithm.of(c.algorithm());
        Optional<Long> issued = issued(c.nonce());
        if (algorithm.isEmpty() || issued.isEmpty() || !c.realm().equals(realm)) {
            return Verdict.BAD;
        }
        Optional<String> ha1 = users.ha1(c.username(), algorithm.get());
        if (ha1.isEmpty()) {
            return Verdict.BAD;
        }
        long nc;
        if (c.qop().isPresent()) {
            if (!c.qop().get().equals("auth") || c.nc().isEmpty() || c.cnonce().isEmpty()) {
                return Verdict.BAD;
            }
            nc = parseNc(c.nc().get());
            if (nc <= 0) {
                return Verdict.BAD;
            }
        } else {
            nc = 0;
        }
        String expected = algorithm.get().response(ha1.get(), c.nonce(), method, c.uri(), c.qop(),
                c.nc().orElse(""), c.cnonce().orElse(""));
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                c.response().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII))) {
            return Verdict.BAD;
        }
        long now = clock.millis();
        if (now - issued.get() > lifetime.toMillis()) {
            counts.remove(c.nonce());
            return Verdict.STALE;
        }
        sweep(now);
        boolean[] fresh = {false};
        counts.compute(c.nonce(), (n, highest) -> {
            if (highest == null || (nc > highest && highest > 0)) {
                fresh[0] = true;
                return nc;
            }
            return highest;
        });
        return fresh[0] ? Verdict.OK : Verdict.REPLAY;
    }

    /** Live nonces being tracked (for tests and metrics). */
    public int trackedNonces() {
        return counts.size();
    }

    private static long parseNc(String nc) {
        if (nc.length() != 8) {
            return -1;
        }
        try {
            return Long.parseLong(nc, 16);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private Optional<Long> issued(String nonce) {
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(nonce);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (raw.length != NONCE_BYTES) {
            return Optional.empty();
        }
        byte[] expected = mac(raw, 16);
        byte[] given = Arrays.copyOfRange(raw, 16, 32);
        if (!MessageDigest.isEqual(Arrays.copyOf(expected, 16), given)) {
            return Optional.empty();
        }
        return Optional.of(ByteBuffer.wrap(raw).getLong());
    }

    private byte[] mac(byte[] data, int length) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(data, 0, length);
            mac.update(realm.getBytes(StandardCharsets.UTF_8));
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /**
     * Forgets the counts of expired nonces, so the table holds only what can still be replayed; at most once every
     * tenth of the lifetime (it scans the whole table: once every N checks cost more the more phones register). The
     * entries were verified before they were added, so their time is read without checking the MAC again.
     */
    private void sweep(long now) {
        long due = nextSweep.get();
        if (now < due || !nextSweep.compareAndSet(due, now + lifetime.toMillis() / 10)) {
            return;
        }
        counts.keySet().removeIf(n -> now - ByteBuffer.wrap(Base64.getUrlDecoder().decode(n)).getLong()
                > lifetime.toMillis());
    }
}
