package atrium.identity;

import atrium.core.AtriumException;
import atrium.core.Config;
import atrium.core.Ids;
import atrium.core.Msg;
import atrium.identity.db.AccountStore;
import atrium.identity.db.CredentialStore;
import atrium.identity.db.GroupStore;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Proving who you are: password sign-in in the browser (then the TOTP step), sessions,
 * app passwords for HTTP Basic, password changes. App passwords never open a browser
 * session, and account passwords never work with Basic: that is what keeps 2FA whole.
 */
public final class SignInService {
    public record SignedIn(String token, Session session, Account account) {
    }

    private static final long TOUCH_EVERY_MS = 60_000;

    private final AccountStore accounts;
    private final GroupStore groups;
    private final CredentialStore credentials;
    private final PasswordHasher hasher;
    private final PasswordPolicy policy;
    private final LoginThrottle throttle;
    private final AdminSettings settings;
    private final AuditLog audit;
    private final Ids ids;
    private final Clock clock;
    private final long idleMillis;
    private final long maxMillis;
    private final String dummyHash;
    private final AppPasswordCache verified;
    private final SessionEnds sessionEnds;

    public SignInService(AccountStore accounts, GroupStore groups, CredentialStore credentials, PasswordHasher hasher,
                         PasswordPolicy policy, LoginThrottle throttle, AdminSettings settings, AuditLog audit, Ids ids,
                         Clock clock, Config config, AppPasswordCache verified, SessionEnds sessionEnds) {
        this.verified = verified;
        this.sessionEnds = sessionEnds;
        this.accounts = accounts;
        this.groups = groups;
        this.credentials = credentials;
        this.hasher = hasher;
        this.policy = policy;
        this.throttle = throttle;
        this.settings = settings;
        this.audit = audit;
        this.ids = ids;
        this.clock = clock;
        this.idleMillis = config.integer("session.idle-hours", 1, 24 * 365) * 3_600_000L;
        this.maxMillis = config.integer("session.max-days", 1, 3650) * 86_400_000L;
        // Verifying against a real hash when the login is unknown keeps the timing the same.
        this.dummyHash = hasher.hash("not-a-real-password-" + Secrets.token(8));
    }

    /** Whether the account must use two-factor sign-in (imposed for all, or by one of its groups). */
    public boolean totpRequired(Account a) {
        return settings.requireTotpForAll() || groups.requiresTotp(a.id());
    }

    /** Checks login and password; opens a session whose state says whether a second factor is still due. */
    public SignedIn signIn(String login, String password, Optional<String> userAgent, String address) {
        String key = login == null ? "" : login.strip().toLowerCase(java.util.Locale.ROOT);
        throttle.check(key, address);
        Optional<Account> found = key.isEmpty() ? Optional.empty() : accounts.byLogin(key);
        String hash = found.flatMap(a -> accounts.passwordHash(a.id())).orElse(dummyHash);
        boolean ok = hasher.verify(password == null ? "" : password, hash) && found.isPresent();
        if (!ok || !found.get().enabled()) {
            throttle.failed(key, address);
            audit.record(Optional.empty(), "sign-in-failed", Optional.of(key), address,
                    found.isEmpty() ? "unknown login" : !ok ? "wrong password" : "account disabled");
            throw new AtriumException.Unauthorized("invalid-credentials", Msg.of("identity.sign-in.wrong"));
        }
        Account a = found.get();
        if (hasher.needsRehash(hash) && !hash.startsWith("$sha256$")) {
            accounts.setPasswordHash(a.id(), hasher.hash(password));
        }
        SessionState state = a.totpEnabled() ? SessionState.TOTP_REQUIRED
                : totpRequired(a) ? SessionState.TOTP_ENROLMENT_REQUIRED : SessionState.SIGNED_IN;
        String token = Secrets.token(32);
        long now = clock.millis();
        Session s = new Session(ids.next(), a.id(), state, userAgent.map(ua -> truncate(ua, 400)),
                Optional.of(address), now, now);
        credentials.insertSession(s, TokenHash.of(token));
        if (state == SessionState.SIGNED_IN) {
            completed(a, address, "password");
        } else {
            audit.record(Optional.of(a.login()), "sign-in-password-ok", Optional.of(a.login()), address,
                    state == SessionState.TOTP_REQUIRED ? "second factor due" : "two-factor enrolment due");
        }
        return new SignedIn(token, s, a);
    }

    private void completed(Account a, String address, String how) {
        throttle.succeeded(a.login());
        accounts.touchLogin(a.id(), clock.millis());
        audit.record(Optional.of(a.login()), "sign-in", Optional.of(a.login()), address, how);
    }

    /** Upgrades a session to signed-in after its second factor (called by TwoFactorService). */
    Session upgrade(Session s, Account a, String address, String how) {
        credentials.setSessionState(s.id(), SessionState.SIGNED_IN);
        completed(a, address, how);
        return new Session(s.id(), s.accountId(), SessionState.SIGNED_IN, s.userAgent(), s.address(), s.createdAt(),
                s.lastSeenAt());
    }

    /** The session a cookie names, if it is still valid; refreshes its last-seen time now and then. */
    public Optional<Caller> fromSessionToken(String token, String address) {
        if (token == null || token.length() < 20 || token.length() > 100) {
            return Optional.empty();
        }
        Optional<Session> found = credentials.sessionByTokenHash(TokenHash.of(token));
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Session s = found.get();
        long now = clock.millis();
        if (now - s.lastSeenAt() > idleMillis || now - s.createdAt() > maxMillis) {
            credentials.deleteSession(s.accountId(), s.id());
            return Optional.empty();
        }
        Optional<Account> a = accounts.byId(s.accountId()).filter(Account::enabled);
        if (a.isEmpty()) {
            return Optional.empty();
        }
        if (now - s.lastSeenAt() > TOUCH_EVERY_MS) {
            credentials.touchSession(s.id(), now);
        }
        return Optional.of(new Caller(a.get(), Optional.of(s), false, address));
    }

    /** HTTP Basic with an app password (never the account password). */
    public Caller fromBasic(String login, String appPassword, String address) {
        String key = login == null ? "" : login.strip().toLowerCase(java.util.Locale.ROOT);
        boolean usable = appPassword != null && appPassword.length() <= 200;
        String tokenHash = usable ? TokenHash.of(appPassword) : "";
        // A secret that verified seconds ago needs neither the queries nor the throttle
        // check: the throttle is there against guessing, and this is no guess.
        Optional<AppPasswordCache.Entry> hit = usable ? verified.get(tokenHash) : Optional.empty();
        if (hit.isPresent() && hit.get().account().login().equals(key)) {
            return new Caller(hit.get().account(), Optional.empty(), true, address);
        }
        throttle.check(key, address);
        long generation = verified.generation();
        Optional<AppPassword> p = usable ? credentials.appPasswordByTokenHash(tokenHash) : Optional.empty();
        Optional<Account> a = p.flatMap(x -> accounts.byId(x.accountId()))
                .filter(acc -> acc.login().equals(key) && acc.enabled());
        if (a.isEmpty()) {
            throttle.failed(key, address);
            audit.record(Optional.empty(), "sign-in-failed", Optional.of(key), address, "HTTP Basic: wrong app password");
            throw new AtriumException.Unauthorized("invalid-credentials", Msg.of("identity.sign-in.wrong-app-password"));
        }
        long now = clock.millis();
        if (p.get().lastUsedAt().map(t -> now - t > TOUCH_EVERY_MS).orElse(true)) {
            credentials.touchAppPassword(p.get().id(), now);
        }
        verified.put(tokenHash, p.get(), a.get(), generation);
        return new Caller(a.get(), Optional.empty(), true, address);
    }

    public void signOut(Caller caller) {
        caller.session().ifPresent(s -> {
            credentials.deleteSession(caller.id(), s.id());
            sessionEnds.ended(SessionEnds.Ended.one(caller.id(), s.id()));
        });
        audit.record(caller, "sign-out", caller.login(), "");
    }

    public void changePassword(Caller caller, String current, String next) {
        String hash = accounts.passwordHash(caller.id()).orElse(dummyHash);
        if (!hasher.verify(current == null ? "" : current, hash)) {
            throttle.failed(caller.login(), caller.address());
            audit.record(caller, "password-change-failed", caller.login(), "wrong current password");
            throw new AtriumException.Forbidden("invalid-credentials", Msg.of("identity.password.current-wrong"));
        }
        policy.check(next == null ? "" : next, caller.login(), caller.account().displayName());
        accounts.setPasswordHash(caller.id(), hasher.hash(next));
        credentials.deleteSessionsOf(caller.id(), caller.session().map(Session::id));
        sessionEnds.ended(SessionEnds.Ended.all(caller.id(), caller.session().map(Session::id)));
        audit.record(caller, "password-changed", caller.login(), "other sessions signed out");
    }

    public boolean checkPassword(Caller caller, String password) {
        return hasher.verify(password == null ? "" : password, accounts.passwordHash(caller.id()).orElse(dummyHash));
    }

    // ---- sessions and app passwords of the caller

    public List<Session> sessions(Caller caller) {
        return credentials.sessionsOf(caller.id());
    }

    public void revokeSession(Caller caller, long id) {
        if (!credentials.deleteSession(caller.id(), id)) {
            throw new AtriumException.NotFound(Msg.of("identity.session.none"));
        }
        sessionEnds.ended(SessionEnds.Ended.one(caller.id(), id));
        audit.record(caller, "session-revoked", caller.login(), "session " + id);
    }

    public record NewAppPassword(AppPassword appPassword, String password) {
    }

    public NewAppPassword createAppPassword(Caller caller, String rawName) {
        if (caller.viaAppPassword()) {
            throw new AtriumException.Forbidden(Msg.of("identity.app-password.no-nesting"));
        }
        String name = rawName == null ? "" : rawName.strip();
        if (name.isEmpty() || name.length() > 200 || name.chars().anyMatch(Character::isISOControl)) {
            throw AtriumException.Invalid.field("name", Msg.of("identity.app-password.name"));
        }
        String password = Secrets.appPassword();
        AppPassword p = new AppPassword(ids.next(), caller.id(), name, clock.millis(), Optional.empty());
        credentials.insertAppPassword(p, TokenHash.of(password));
        audit.record(caller, "app-password-created", caller.login(), name);
        return new NewAppPassword(p, password);
    }

    public List<AppPassword> appPasswords(Caller caller) {
        return credentials.appPasswordsOf(caller.id());
    }

    public void revokeAppPassword(Caller caller, long id) {
        boolean deleted = credentials.deleteAppPassword(caller.id(), id);
        verified.clear();
        if (!deleted) {
            throw new AtriumException.NotFound(Msg.of("identity.app-password.none"));
        }
        audit.record(caller, "app-password-revoked", caller.login(), "app password " + id);
    }

    public void purgeExpired() {
        long now = clock.millis();
        credentials.deleteExpiredSessions(now - idleMillis, now - maxMillis);
        throttle.purgeOld();
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
