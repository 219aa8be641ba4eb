package atrium.sip;

import java.util.Map;
import java.util.Optional;

/** An Authorization or Proxy-Authorization Digest answer (RFC 3261 §22.4, RFC 7616 §3.4). */
public record DigestCredentials(String username, String realm, String nonce, String uri, String response,
                                Optional<String> algorithm, Optional<String> qop, Optional<String> nc,
                                Optional<String> cnonce, Optional<String> opaque) {

    public static DigestCredentials parse(String header) {
        Map<String, String> p = AuthParams.parse(header);
        return new DigestCredentials(AuthParams.require(p, "username"), AuthParams.require(p, "realm"),
                AuthParams.require(p, "nonce"), AuthParams.require(p, "uri"), AuthParams.require(p, "response"),
                AuthParams.optional(p, "algorithm"), AuthParams.optional(p, "qop"), AuthParams.optional(p, "nc"),
                AuthParams.optional(p, "cnonce"), AuthParams.optional(p, "opaque"));
    }

    /**
     * The answer to {@code challenge} for a request (RFC 7616 §3.4): qop=auth when the challenge offers it (never
     * auth-int, which would hash the body), with {@code cnonce} and the nonce count {@code nc} (1 for a new nonce).
     */
    public static DigestCredentials answer(DigestChallenge challenge, String method, String uri, String username,
                                           String password, String cnonce, int nc) {
        DigestAlgorithm a = DigestAlgorithm.of(challenge.algorithm())
                .orElseThrow(() -> new IllegalArgumentException("unsupported digest algorithm " + challenge.algorithm()));
        Optional<String> qop = challenge.qop().contains("auth") ? Optional.of("auth") : Optional.empty();
        String ncText = String.format("%08x", nc);
        String response = a.response(a.ha1(username, challenge.realm(), password), challenge.nonce(), method, uri, qop,
                ncText, cnonce);
        return new DigestCredentials(username, challenge.realm(), challenge.nonce(), uri, response,
                challenge.algorithm(), qop, qop.map(q -> ncText), qop.map(q -> cnonce), challenge.opaque());
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("Digest username=").append(Text.quote(username))
                .append(", realm=").append(Text.quote(realm)).append(", nonce=").append(Text.quote(nonce))
                .append(", uri=").append(Text.quote(uri)).append(", response=").append(Text.quote(response));
        algorithm.ifPresent(a -> b.append(", algorithm=").append(a));
        opaque.ifPresent(o -> b.append(", opaque=").append(Text.quote(o)));
        qop.ifPresent(q -> b.append(", qop=").append(q));
        nc.ifPresent(n -> b.append(", nc=").append(n));
        cnonce.ifPresent(c -> b.append(", cnonce=").append(Text.quote(c)));
        return b.toString();
    }
}
