package atrium.identity;

import atrium.core.AtriumException;
import atrium.core.Config;
import atrium.core.Ids;
import atrium.core.Msg;
import atrium.identity.db.CredentialStore;
import atrium.identity.db.LoginFlowStore;
import java.time.Clock;
import java.util.Optional;

/**
 * Nextcloud Login Flow v2, how the desktop and mobile apps get an app password
 * (shared/reference/nextcloud-client-protocol.md §2.3): the client starts a flow and gets
 * two tokens; the person opens the login link in a browser, signs in (2FA included) and
 * grants; the client polls with the other token and collects the login name and a new app
 * password, once. Only a browser session can grant, so 2FA stays whole (ADR 0002).
 */
public final class LoginFlowService {
    /** Nextcloud's poll token is 128 characters: 96 random bytes in base64url. */
    private static final int POLL_TOKEN_BYTES = 96;
    private static final int LOGIN_TOKEN_BYTES = 48;
    /** Tokens we hand out are base64url; anything else is not worth a database query. */
    private static final String TOKEN_SHAPE = "[A-Za-z0-9_-]{32,200}";
    /** Open flows one address may have at once: a whole office behind one NAT address still fits. */
    static final int MAX_OPEN_PER_ADDRESS = 50;
    /** Finished or expired flows are kept this long, so that a client still polling one is not taken for a guesser. */
    private static final long KEEP_AFTER_EXPIRY_MS = 24 * 3_600_000L;
    private static final int MAX_CLIENT_NAME = 200;
    /** The app password's name when the client sent no User-Agent. */
    static final String UNNAMED_CLIENT = "Nextcloud client";

    public record Started(String pollToken, String loginToken, long expiresAt) {
    }

    /** What the client collects. */
    public record Delivery(String loginName, String appPassword) {
        @Override
        public String toString() {
            return "Delivery[loginName=" + loginName + ", appPassword=***]";
        }
    }

    private final LoginFlowStore store;
    private final CredentialStore credentials;
    private final SignInService signIn;
    private final LoginThrottle throttle;
    private final AuditLog audit;
    private final Ids ids;
    private final Clock clock;
    private final long lifetimeMillis;

    public LoginFlowService(LoginFlowStore store, CredentialStore credentials, SignInService signIn, LoginThrottle throttle,
                            AuditLog audit, Ids ids, Clock clock, Config config) {
        this.store = store;
        this.credentials = credentials;
        this.signIn = signIn;
        this.throttle = throttle;
        this.audit = audit;
        this.ids = ids;
        this.clock = clock;
        this.lifetimeMillis = Math.max(1, Math.round(config.decimal("login-flow.minutes", 0.01, 1440) * 60_000));
    }

    /** A client starts a flow; its User-Agent names it (and the app password it will get). */
    public Started start(Optional<String> userAgent, String address) {
        long now = clock.millis();
        // The column holds 64 characters, as the other address columns do.
        String from = address.length() <= 64 ? address : address.substring(0, 64);
        var open = store.openFrom(from, now);
        if (open.count() >= MAX_OPEN_PER_ADDRESS) {
            long seconds = Math.max(1, (open.firstExpiry() - now + 999) / 1000);
            throw new AtriumException.TooManyRequests(
                    Msg.of("identity.login-flow.too-many", LoginThrottle.humanDuration(seconds)), seconds);
        }
        String pollToken = Secrets.token(POLL_TOKEN_BYTES);
        String loginToken = Secrets.token(LOGIN_TOKEN_BYTES);
        long expiresAt = now + lifetimeMillis;
        store.insert(ids.next(), TokenHash.of(pollToken), TokenHash.of(loginToken), clientName(userAgent), from, now,
                expiresAt);
        return new Started(pollToken, loginToken, expiresAt);
    }

    /** The User-Agent as a name fit for an app password: no control characters, at most 200 characters. */
    static String clientName(Optional<String> userAgent) {
        String cleaned = userAgent.orElse("").codePoints()
                .map(c -> Character.isISOControl(c) ? ' ' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString().strip().replaceAll(" {2,}", " ");
        if (cleaned.isEmpty()) {
            return UNNAMED_CLIENT;
        }
        if (cleaned.length() > MAX_CLIENT_NAME) {
            int end = MAX_CLIENT_NAME;
            if (Character.isHighSurrogate(cleaned.charAt(end - 1))) {
                end--;
            }
            cleaned = cleaned.substring(0, end).strip();
        }
        return cleaned;
    }

    /**
     * The flow a login link names, while it can still be granted or is granted: 404 for an
     * unknown token (counted against the address, like a failed sign-in), 410 once expired,
     * cancelled or collected.
     */
    public LoginFlow find(String loginToken, String address) {
        throttle.checkTokenGuesses(address);
        Optional<LoginFlow> found = wellFormed(loginToken) ? store.byLoginTokenHash(TokenHash.of(loginToken))
                : Optional.empty();
        if (found.isEmpty()) {
            throttle.tokenGuessFailed(address);
            throw new AtriumException.NotFound(Msg.of("identity.login-flow.none"));
        }
        LoginFlow f = found.get();
        return switch (f.state()) {
            case DELIVERED -> throw new AtriumException.Gone("login-flow-used", Msg.of("identity.login-flow.used"));
            case CANCELLED -> throw new AtriumException.Gone("login-flow-cancelled", Msg.of("identity.login-flow.cancelled"));
            default -> {
                if (f.expired(clock.millis())) {
                    throw expired();
                }
                yield f;
            }
        };
    }

    /** The person, signed in with a browser session, lets the client in: a new app password named after it. */
    public LoginFlow grant(Caller caller, String loginToken) {
        requireBrowser(caller);
        LoginFlow f = find(loginToken, caller.address());
        if (f.state() != LoginFlow.State.PENDING || !store.claim(f.id(), clock.millis())) {
            throw new AtriumException.Conflict(Msg.of("identity.login-flow.granted"));
        }
        SignInService.NewAppPassword created;
        try {
            created = signIn.createAppPassword(caller, f.clientName());
        } catch (RuntimeException e) {
            store.release(f.id());
            throw e;
        }
        if (!store.granted(f.id(), caller.id(), caller.login(), created.password(), created.appPassword().id())) {
            // Expired and purged while the password was being made: nobody will collect it.
            credentials.deleteAppPassword(caller.id(), created.appPassword().id());
            throw expired();
        }
        audit.record(caller, "login-flow-granted", caller.login(), f.clientName());
        return store.byId(f.id()).orElseThrow(LoginFlowService::expired);
    }

    /** The person declines; the client's polls keep answering "pending" until it gives up. */
    public void cancel(Caller caller, String loginToken) {
        requireBrowser(caller);
        LoginFlow f = find(loginToken, caller.address());
        if (f.state() != LoginFlow.State.PENDING || !store.cancel(f.id())) {
            throw new AtriumException.Conflict(Msg.of("identity.login-flow.granted"));
        }
        audit.record(caller, "login-flow-cancelled", caller.login(), f.clientName());
    }

    private static void requireBrowser(Caller caller) {
        if (caller.viaAppPassword() || caller.session().isEmpty()) {
            throw new AtriumException.Forbidden(Msg.of("identity.login-flow.browser-only"));
        }
    }

    /**
     * A client's poll: the credentials exactly once after the grant, otherwise nothing (pending,
     * unknown, expired, cancelled or already collected all look the same to the client).
     */
    public Optional<Delivery> poll(String pollToken, String address) {
        throttle.checkTokenGuesses(address);
        Optional<LoginFlow> found = wellFormed(pollToken) ? store.byPollTokenHash(TokenHash.of(pollToken))
                : Optional.empty();
        if (found.isEmpty()) {
            throttle.tokenGuessFailed(address);
            return Optional.empty();
        }
        LoginFlow f = found.get();
        long now = clock.millis();
        if (f.expired(now)) {
            discardIfGranted(f, address);
            return Optional.empty();
        }
        if (f.state() != LoginFlow.State.GRANTED || f.appPassword().isEmpty() || f.loginName().isEmpty()
                || !store.delivered(f.id(), now)) {
            return Optional.empty();
        }
        audit.record(f.loginName(), "login-flow-delivered", f.loginName(), address, f.clientName());
        return Optional.of(new Delivery(f.loginName().get(), f.appPassword().get()));
    }

    /** Revokes the app passwords of grants never collected, and forgets old flows (housekeeping). */
    public void purgeExpired() {
        long now = clock.millis();
        for (LoginFlow f : store.expiredGrants(now)) {
            discardIfGranted(f, "local");
        }
        store.deleteExpiredBefore(now - KEEP_AFTER_EXPIRY_MS);
    }

    private void discardIfGranted(LoginFlow f, String address) {
        if ((f.state() == LoginFlow.State.GRANTED || f.state() == LoginFlow.State.GRANTING) && store.discardGrant(f.id())) {
            if (f.accountId().isPresent() && f.appPasswordId().isPresent()) {
                credentials.deleteAppPassword(f.accountId().get(), f.appPasswordId().get());
            }
            audit.record(f.loginName(), "login-flow-expired", f.loginName(), address,
                    f.clientName() + ": never collected, app password revoked");
        }
    }

    private static AtriumException expired() {
        return new AtriumException.Gone("login-flow-expired", Msg.of("identity.login-flow.expired"));
    }

    private static boolean wellFormed(String token) {
        return token != null && token.matches(TOKEN_SHAPE);
    }
}
