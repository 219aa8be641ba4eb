package atrium.voip;

import atrium.sip.DigestAlgorithm;
import atrium.sip.DigestCredentials;
import atrium.sip.DigestServer;
import atrium.sip.SipRequest;
import atrium.sip.SipResponse;
import atrium.sip.transaction.ServerTransaction;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * Digest authentication of requests from our own devices, for the registrar (401 + WWW-Authenticate) and for calls
 * (407 + Proxy-Authenticate, as Kamailio answers requests other than REGISTER): scanner User-Agents refused, failed
 * answers counted per source address and slowed, then the address blocked (ADR 0023).
 */
public final class SipAuth {
    /** User-Agents of known scanners, as Kamailio's default configuration lists them (sip-pbx-notes §6). */
    private static final Pattern SCANNER = Pattern.compile("friendly|scanner|sipcli|sipvicious|VaxSIPUserAgent|pplsip",
            Pattern.CASE_INSENSITIVE);

    private final PhoneService phones;
    private final DigestServer digest;
    private final SipThrottle throttle;

    public SipAuth(PhoneService phones, DigestServer digest, SipThrottle throttle) {
        this.phones = phones;
        this.digest = digest;
        this.throttle = throttle;
    }

    /** Whether the request's source address is blocked for now (answer 403). */
    public boolean blocked(ServerTransaction tx) {
        return throttle.blocked(address(tx));
    }

    /**
     * The device that sent {@code tx}'s request, or empty after answering it (challenge, stale challenge, 400 for
     * unreadable credentials, 403 for a scanner or a blocked address). {@code proxy}: 407/Proxy-Authorization
     * instead of 401/Authorization.
     */
    public Optional<Device> authenticate(ServerTransaction tx, boolean proxy) {
        SipRequest r = tx.request();
        String address = address(tx);
        Optional<String> userAgent = r.header("User-Agent");
        if (userAgent.isPresent() && SCANNER.matcher(userAgent.get()).find()) {
            throttle.failed(address, r.from().sipUri().user().orElse(""), "scanner User-Agent: " + userAgent.get());
            tx.respond(response(r, 403, "Forbidden"));
            return Optional.empty();
        }
        Optional<String> authorization = r.header(proxy ? "Proxy-Authorization" : "Authorization");
        if (authorization.isEmpty()) {
            tx.respond(challenge(r, proxy, false));
            return Optional.empty();
        }
        DigestCredentials credentials;
        try {
            credentials = DigestCredentials.parse(authorization.get());
        } catch (RuntimeException e) {
            tx.respond(response(r, 400, "Bad Authorization"));
            return Optional.empty();
        }
        AtomicReference<Device> device = new AtomicReference<>();
        DigestServer.Verdict verdict = digest.verify(r.method(), credentials, (user, algorithm) ->
                phones.forDigest(user, algorithm).map(a -> {
                    device.set(a.device());
                    return a.ha1();
                }));
        switch (verdict) {
            case STALE -> {
                tx.respond(challenge(r, proxy, true));
                return Optional.empty();
            }
            case BAD, REPLAY -> {
                // The same challenge for an unknown user as for a wrong password: nothing to enumerate (sip-pbx-notes §6).
                long wait = throttle.failed(address, credentials.username(), verdict == DigestServer.Verdict.REPLAY
                        ? "replayed digest answer" : "wrong password or unknown SIP username");
                sleep(wait);
                tx.respond(throttle.blocked(address) ? response(r, 403, "Forbidden") : challenge(r, proxy, false));
                return Optional.empty();
            }
            case OK -> {
                return Optional.of(device.get());
            }
        }
        throw new IllegalStateException(verdict.name());
    }

    private SipResponse challenge(SipRequest r, boolean proxy, boolean stale) {
        // One MD5 challenge: sipp and baresip give up on anything else (sip-pbx-notes §0.1).
        String value = digest.challenge(DigestAlgorithm.MD5, stale).toString();
        return proxy ? response(r, 407, "Proxy Authentication Required").with("Proxy-Authenticate", value)
                : response(r, 401, "Unauthorized").with("WWW-Authenticate", value);
    }

    /** A response with a To tag derived from the Call-ID, the same on every answer to a request without one. */
    public static SipResponse response(SipRequest r, int status, String reason) {
        SipResponse res = r.response(status, reason);
        return r.to().tag().isPresent() ? res : res.withToTag(Long.toHexString(r.callId().hashCode() & 0xffffffffL));
    }

    static String address(ServerTransaction tx) {
        return tx.source().address().getAddress().getHostAddress();
    }

    private static void sleep(long millis) {
        if (millis > 0) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
