package atrium.identity;

import atrium.core.Config;
import atrium.core.Ids;
import atrium.core.db.Database;
import atrium.core.mail.Mailer;
import atrium.identity.db.AccountStore;
import atrium.identity.db.AuditStore;
import atrium.identity.db.CredentialStore;
import atrium.identity.db.GroupStore;
import atrium.identity.db.LoginFlowStore;
import atrium.identity.db.NotificationStore;
import atrium.identity.db.SettingsStore;
import atrium.identity.db.ThrottleStore;
import atrium.identity.http.Authentication;
import atrium.identity.http.IdentityRoutes;
import atrium.identity.http.LoginFlowRoutes;
import atrium.identity.http.NextcloudNotificationRoutes;
import atrium.identity.http.NotificationRoutes;
import java.time.Clock;

/** The identity module's parts, built in order by hand; the server and the CLI both use it. */
public final class IdentityModule {
    /** Sign-in failures and token guesses, per account and address; public links use it too. */
    public final LoginThrottle throttle;
    public final AuditLog audit;
    public final AdminSettings settings;
    public final SignInService signIn;
    /** Sessions that ended (sign-out, revocation, password change, account disabled), for /ws. */
    public final SessionEnds sessionEnds = new SessionEnds();
    public final TwoFactorService twoFactor;
    public final AccountService accounts;
    public final UserImportService imports;
    public final LoginFlowService loginFlows;
    public final Authentication authentication;
    public final IdentityRoutes routes;
    public final LoginFlowRoutes loginFlowRoutes;
    /** Outgoing e-mail; owned (and closed) by whoever made it. */
    public final Mailer mailer;
    public final Notifications notifications;
    public final NotificationRoutes notificationRoutes;
    public final NextcloudNotificationRoutes nextcloudNotifications;

    public IdentityModule(Config config, Database db, Ids ids, Clock clock, Mailer mailer) {
        db.migrate("identity");
        var jdbi = db.jdbi();
        var accountStore = new AccountStore(jdbi);
        var groupStore = new GroupStore(jdbi);
        var credentialStore = new CredentialStore(jdbi);
        var hasher = new PasswordHasher();
        var policy = new PasswordPolicy(config.integer("password.min-length", 8, 128));
        this.audit = new AuditLog(new AuditStore(jdbi), ids, clock);
        this.settings = new AdminSettings(new SettingsStore(jdbi));
        this.throttle = new LoginThrottle(new ThrottleStore(jdbi), audit, clock, config);
        var verifiedAppPasswords = new AppPasswordCache(clock);
        this.signIn = new SignInService(accountStore, groupStore, credentialStore, hasher, policy, throttle, settings, audit,
                ids, clock, config, verifiedAppPasswords, sessionEnds);
        this.twoFactor = new TwoFactorService(accountStore, signIn, throttle, audit, clock);
        this.accounts = new AccountService(accountStore, groupStore, credentialStore, hasher, policy, audit, ids, clock,
                verifiedAppPasswords, sessionEnds);
        this.imports = new UserImportService(accounts, audit, ids, clock);
        this.loginFlows = new LoginFlowService(new LoginFlowStore(jdbi), credentialStore, signIn, throttle, audit, ids,
                clock, config);
        this.authentication = new Authentication(signIn);
        this.routes = new IdentityRoutes(authentication, signIn, twoFactor, accounts, imports, settings, audit, config);
        this.loginFlowRoutes = new LoginFlowRoutes(loginFlows, authentication, config);
        this.mailer = mailer;
        this.notifications = new Notifications(new NotificationStore(jdbi), accountStore, mailer, ids, clock, config);
        this.notificationRoutes = new NotificationRoutes(authentication, notifications);
        this.nextcloudNotifications = new NextcloudNotificationRoutes(authentication, notifications);
    }
}
