package atrium.identity;

import atrium.core.AtriumException;
import atrium.core.Config;
import atrium.core.Ids;
import atrium.core.Language;
import atrium.core.Msg;
import atrium.core.mail.Mail;
import atrium.core.mail.Mailer;
import atrium.identity.db.AccountStore;
import atrium.identity.db.NotificationStore;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Tells people what happened: stores an in-app notification and, for the kinds listed in
 * {@code notify.mail}, e-mails it in the account's language to the account's address.
 */
public final class Notifications {
    private static final Logger LOG = Logger.getLogger(Notifications.class.getName());

    public record Page(List<Notification> items, long total, long unread) {
    }

    private final NotificationStore store;
    private final AccountStore accounts;
    private final Mailer mailer;
    private final Ids ids;
    private final Clock clock;
    private final Set<NotificationKind> mailed = EnumSet.noneOf(NotificationKind.class);
    private final long keepMs;
    private final java.util.Optional<String> publicUrl;

    public Notifications(NotificationStore store, AccountStore accounts, Mailer mailer, Ids ids, Clock clock, Config config) {
        this.store = store;
        this.accounts = accounts;
        this.mailer = mailer;
        this.ids = ids;
        this.clock = clock;
        for (String tag : config.list("notify.mail")) {
            try {
                mailed.add(NotificationKind.fromTag(tag));
            } catch (IllegalArgumentException e) {
                throw config.bad("notify.mail", "'" + tag + "' is not one of " + List.of(NotificationKind.values())
                        .stream().map(NotificationKind::tag).toList());
            }
        }
        this.keepMs = Duration.ofDays(config.integer("notify.keep-days", 1, 3650)).toMillis();
        this.publicUrl = config.optional("http.public-url").map(u -> u.strip().replaceAll("/+$", ""));
    }

    /**
     * Notifies one account. Never throws: what caused it (a share, an upload) has happened
     * and must not be undone or reported as failed because a notification could not be kept.
     */
    public void notify(AccountId to, NotificationKind kind, List<String> params, String link) {
        try {
            accounts.byId(to).filter(Account::enabled).ifPresent(account -> deliver(account, kind, params, link));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "notification " + kind.tag() + " for account " + to + " not stored", e);
        }
    }

    /** Notifies every enabled administrator. */
    public void notifyAdmins(NotificationKind kind, List<String> params, String link) {
        try {
            accounts.admins().forEach(admin -> deliver(admin, kind, params, link));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "notification " + kind.tag() + " for the administrators not stored", e);
        }
    }

    private void deliver(Account account, NotificationKind kind, List<String> params, String link) {
        store.insert(new Notification(ids.next(), account.id(), kind, List.copyOf(params), link, clock.millis(),
                java.util.Optional.empty()));
        if (mailed.contains(kind) && account.email().isPresent()) {
            Language lang = language(account);
            // A link within the console ("/files/x") can only be mailed when the public address is known.
            String absolute = link.startsWith("/") ? publicUrl.map(u -> u + link).orElse("") : link;
            String body = kind.body(params).text(lang)
                    + (absolute.isEmpty() ? "" : "\n\n" + Msg.of("identity.notify.open", absolute).text(lang))
                    + "\n\n-- \n" + Msg.of("identity.notify.footer").text(lang);
            mailer.send(Mail.of(account.email().get(), kind.title(params).text(lang), body));
        }
    }

    public static Language language(Account account) {
        return Language.fromTag(account.language()).orElse(Language.EN);
    }

    public Page list(Caller caller, int limit, int offset) {
        if (limit < 1 || limit > 200 || offset < 0) {
            throw new AtriumException.Invalid(Msg.of("identity.notify.page", 1, 200));
        }
        return new Page(store.page(caller.id(), limit, offset), store.count(caller.id()), store.unread(caller.id()));
    }

    public void markRead(Caller caller, long id) {
        if (!store.markRead(caller.id(), id, clock.millis())) {
            throw notFound();
        }
    }

    public void markAllRead(Caller caller) {
        store.markAllRead(caller.id(), clock.millis());
    }

    public void delete(Caller caller, long id) {
        if (!store.delete(caller.id(), id)) {
            throw notFound();
        }
    }

    /** Another person's notification is "not found" too: its existence is not theirs to learn. */
    private static AtriumException notFound() {
        return new AtriumException.NotFound(Msg.of("identity.notify.none"));
    }

    /** Housekeeping: forgets notifications older than {@code notify.keep-days}. */
    public void purgeExpired() {
        store.purgeBefore(clock.millis() - keepMs);
    }
}
