package atrium.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 of a random secret (session token, app password, backup code), used as its
 * lookup key. Safe because the secrets carry ≥ 50 bits from a CSPRNG and are never
 * chosen by people; the secret itself is never stored.
 */
public final class TokenHash {
    private TokenHash() {
    }

    public static String of(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
