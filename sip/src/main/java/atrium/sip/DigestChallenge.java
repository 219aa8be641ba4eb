package atrium.sip;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A WWW-Authenticate or Proxy-Authenticate Digest challenge (RFC 3261 §22.4, RFC 7616 §3.3, RFC 8760). */
public record DigestChallenge(String realm, String nonce, Optional<String> algorithm, List<String> qop,
                              Optional<String> opaque, boolean stale) {
    public DigestChallenge {
        qop = List.copyOf(qop);
    }

    public static DigestChallenge parse(String header) {
        Map<String, String> p = AuthParams.parse(header);
        List<String> qop = AuthParams.optional(p, "qop")
                .map(q -> Arrays.stream(q.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList())
                .orElse(List.of());
        return new DigestChallenge(AuthParams.require(p, "realm"), AuthParams.require(p, "nonce"),
                AuthParams.optional(p, "algorithm"), qop, AuthParams.optional(p, "opaque"),
                AuthParams.optional(p, "stale").map("true"::equalsIgnoreCase).orElse(false));
    }

    /**
     * Of several challenges (one per header, most preferred first per RFC 8760 §2.4), the first whose algorithm we
     * know, preferring SHA-256 over MD5 when both are offered for a realm.
     */
    public static Optional<DigestChallenge> pick(List<String> headers) {
        Optional<DigestChallenge> best = Optional.empty();
        for (String h : headers) {
            DigestChallenge c;
            try {
                c = parse(h);
            } catch (SipParseException e) {
                continue; // another scheme, or a challenge we cannot read: try the next
            }
            Optional<DigestAlgorithm> a = DigestAlgorithm.of(c.algorithm);
            if (a.isEmpty()) {
                continue;
            }
            if (best.isEmpty() || (a.get() == DigestAlgorithm.SHA_256
                    && DigestAlgorithm.of(best.get().algorithm).orElseThrow() != DigestAlgorithm.SHA_256)) {
                best = Optional.of(c);
            }
        }
        return best;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("Digest realm=").append(Text.quote(realm))
                .append(", nonce=").append(Text.quote(nonce));
        opaque.ifPresent(o -> b.append(", opaque=").append(Text.quote(o)));
        if (stale) {
            b.append(", stale=true");
        }
        algorithm.ifPresent(a -> b.append(", algorithm=").append(a));
        if (!qop.isEmpty()) {
            b.append(", qop=").append(Text.quote(String.join(",", qop)));
        }
        return b.toString();
    }
}
