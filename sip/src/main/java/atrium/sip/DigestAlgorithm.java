package atrium.sip;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/** The digest algorithms SIP uses (RFC 8760 §2): MD5, which every phone has, and SHA-256. */
public enum DigestAlgorithm {
    MD5("MD5", "MD5"),
    SHA_256("SHA-256", "SHA-256");

    private final String token;
    private final String jca;

    DigestAlgorithm(String token, String jca) {
        this.token = token;
        this.jca = jca;
    }

    /** The value of the {@code algorithm} parameter. */
    public String token() {
        return token;
    }

    /** The algorithm named by an {@code algorithm} parameter (case-insensitive); absent means MD5 (RFC 2617 §3.2.1). */
    public static Optional<DigestAlgorithm> of(Optional<String> token) {
        if (token.isEmpty()) {
            return Optional.of(MD5);
        }
        String t = token.get().toUpperCase(Locale.ROOT);
        for (DigestAlgorithm a : values()) {
            if (a.token.equals(t)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /** The lower-case hex digest of the UTF-8 bytes of {@code s} (the H() of RFC 7616 §3.4.1). */
    public String hash(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(jca).digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(jca + " is part of every JDK", e);
        }
    }

    /** HA1 = H(username:realm:password): what a server stores instead of the password. */
    public String ha1(String username, String realm, String password) {
        return hash(username + ":" + realm + ":" + password);
    }

    /** The request digest (RFC 7616 §3.4.1; RFC 2069 form without qop). */
    String response(String ha1, String nonce, String method, String uri, Optional<String> qop, String nc, String cnonce) {
        String ha2 = hash(method + ":" + uri);
        return qop.isPresent()
                ? hash(ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":" + qop.get() + ":" + ha2)
                : hash(ha1 + ":" + nonce + ":" + ha2);
    }
}
