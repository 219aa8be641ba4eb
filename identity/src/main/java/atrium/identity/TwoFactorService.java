package atrium.identity;

import atrium.core.AtriumException;
import atrium.core.Msg;
import atrium.identity.db.AccountStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/** TOTP (RFC 6238) enrolment, verification with replay refusal, and single-use backup codes. */
public final class TwoFactorService {
    public record Setup(String secret, String otpauthUri) {
    }

    public record Status(boolean enabled, boolean required, int backupCodesLeft) {
    }

    private static final String ISSUER = "Atrium";
    private static final int BACKUP_CODES = 10;

    private final AccountStore accounts;
    private final SignInService signIn;
    private final LoginThrottle throttle;
    private final AuditLog audit;
    private final Clock clock;

    public TwoFactorService(AccountStore accounts, SignInService signIn, LoginThrottle throttle, AuditLog audit, Clock clock) {
        this.accounts = accounts;
        this.signIn = signIn;
        this.throttle = throttle;
        this.audit = audit;
        this.clock = clock;
    }

    public Status status(Caller caller) {
        Account a = caller.account();
        return new Status(a.totpEnabled(), signIn.totpRequired(a), accounts.backupCodesLeft(a.id()));
    }

    /** The second sign-in step: a TOTP code or a backup code upgrades the session. */
    public Session verifySignIn(Session session, String code, String address) {
        Account a = accounts.byId(session.accountId()).filter(Account::enabled)
                .orElseThrow(() -> new AtriumException.Unauthorized("unauthorized", Msg.of("identity.sign-in.again")));
        if (session.state() != SessionState.TOTP_REQUIRED) {
            throw new AtriumException.Conflict(Msg.of("identity.totp.not-waiting"));
        }
        throttle.check(a.login(), address);
        String how = check(a, code, address);
        return signIn.upgrade(session, a, address, how);
    }

    /** Returns how the code was accepted ("totp" or "backup code"), or throws after recording the failure. */
    private String check(Account a, String rawCode, String address) {
        String code = rawCode == null ? "" : rawCode.replaceAll("[\\s]", "");
        if (code.matches("\\d{6}")) {
            var state = accounts.totp(a.id());
            if (state.secret().isPresent()) {
                OptionalLong step = Totp.matchingStep(Totp.fromBase32(state.secret().get()), code, clock.instant(), 1);
                if (step.isPresent()) {
                    if (accounts.claimTotpStep(a.id(), step.getAsLong())) {
                        return "totp";
                    }
                    fail(a, address, "code already used");
                    throw new AtriumException.Unauthorized("invalid-code", Msg.of("identity.totp.code-used"));
                }
            }
        } else if (code.length() >= 8 && code.length() <= 20) {
            if (accounts.useBackupCode(a.id(), backupHash(code))) {
                audit.record(java.util.Optional.of(a.login()), "backup-code-used", java.util.Optional.of(a.login()), address,
                        accounts.backupCodesLeft(a.id()) + " backup codes left");
                return "backup code";
            }
        }
        fail(a, address, "wrong code");
        throw new AtriumException.Unauthorized("invalid-code", Msg.of("identity.totp.wrong"));
    }

    private void fail(Account a, String address, String why) {
        throttle.failed(a.login(), address);
        audit.record(java.util.Optional.of(a.login()), "totp-failed", java.util.Optional.of(a.login()), address, why);
    }

    /** Starts enrolment with a fresh secret; nothing changes until it is confirmed with a code. */
    public Setup begin(Caller caller) {
        if (caller.viaAppPassword()) {
            throw new AtriumException.Forbidden(Msg.of("identity.totp.browser-only"));
        }
        byte[] secret = Totp.newSecret();
        String b32 = Totp.base32(secret);
        accounts.setPendingTotp(caller.id(), b32);
        return new Setup(b32, Totp.otpauthUri(ISSUER, caller.login(), secret));
    }

    /** Confirms enrolment with a code from the authenticator; returns the backup codes, shown once. */
    public List<String> confirm(Caller caller, String rawCode) {
        var state = accounts.totp(caller.id());
        if (state.pendingSecret().isEmpty()) {
            throw new AtriumException.Conflict(Msg.of("identity.totp.setup-first"));
        }
        String code = rawCode == null ? "" : rawCode.replaceAll("\\s", "");
        OptionalLong step = Totp.matchingStep(Totp.fromBase32(state.pendingSecret().get()), code, clock.instant(), 1);
        if (step.isEmpty()) {
            fail(caller.account(), caller.address(), "wrong code during enrolment");
            throw new AtriumException.Unauthorized("invalid-code", Msg.of("identity.totp.wrong-enrolment"));
        }
        List<String> codes = newBackupCodes();
        accounts.activateTotp(caller.id(), state.pendingSecret().get(), step.getAsLong(),
                codes.stream().map(TwoFactorService::backupHash).toList());
        audit.record(caller, "totp-enabled", caller.login(), "");
        caller.session().filter(s -> s.state() == SessionState.TOTP_ENROLMENT_REQUIRED)
                .ifPresent(s -> signIn.upgrade(s, caller.account(), caller.address(), "two-factor enrolment"));
        return codes;
    }

    public List<String> regenerateBackupCodes(Caller caller) {
        if (!caller.account().totpEnabled()) {
            throw new AtriumException.Conflict(Msg.of("identity.totp.not-enabled"));
        }
        List<String> codes = newBackupCodes();
        accounts.replaceBackupCodes(caller.id(), codes.stream().map(TwoFactorService::backupHash).toList());
        audit.record(caller, "backup-codes-regenerated", caller.login(), "");
        return codes;
    }

    public void disable(Caller caller, String password) {
        if (signIn.totpRequired(caller.account())) {
            throw new AtriumException.Forbidden(Msg.of("identity.totp.required"));
        }
        if (caller.viaAppPassword()) {
            throw new AtriumException.Forbidden(Msg.of("identity.totp.browser-only"));
        }
        if (!signIn.checkPassword(caller, password)) {
            fail(caller.account(), caller.address(), "wrong password when disabling two-factor");
            throw new AtriumException.Forbidden("invalid-credentials", Msg.of("identity.password.wrong"));
        }
        accounts.clearTotp(caller.id());
        audit.record(caller, "totp-disabled", caller.login(), "by the user");
    }

    /** Backup codes match whatever the case and separators the person types. */
    private static String backupHash(String code) {
        return TokenHash.of(code.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", ""));
    }

    private static List<String> newBackupCodes() {
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < BACKUP_CODES; i++) {
            codes.add(Secrets.backupCode().toLowerCase(Locale.ROOT));
        }
        return codes;
    }
}
