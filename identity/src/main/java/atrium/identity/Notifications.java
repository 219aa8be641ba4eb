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
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Tells people what happened: stores an in-app notification and, for the kinds each person
 * wants by e-mail (their choice, else {@code notify.mail}), e-mails it in the account's
 * language to the account's address. Uploads through one file drop come in bursts: they make
 * one notification, and one e-mail once the link has been quiet for
 * {@code notify.file-drop-mail-delay-seconds} (pending in the database, so a restart sends it).
 */
public final class Notifications {
    private static final Logger LOG = Logger.getLogger(Notifications.class.getName());
    /** A burst's e-mail lists this many events, then says how many more. */
    public static final int MAX_DETAILS = 100;

    public record Page(List<Notification> items, long total, long unread) {
    }

    /** One kind's e-mail setting of one person: what they chose, else the server's default. */
    public record MailSetting(NotificationKind kind, boolean mail, boolean byDefault) {
    }

    private final NotificationStore store;
    private final AccountStore accounts;
    private final Mailer mailer;
    private final Ids ids;
    private final Clock clock;
    private final Set<NotificationKind> mailed = EnumSet.noneOf(NotificationKind.class);
    private final long keepMs;
    private final long burstQuietMs;
    /** The shortest e-mail delay another module asked for ({@link #mailWithin}). */
    private final java.util.concurrent.atomic.AtomicLong shortestDelayMs = new java.util.concurrent.atomic.AtomicLong(Long.MAX_VALUE);
    private final Optional<String> publicUrl;

    public Notifications(NotificationStore store, AccountStore accounts, Mailer mailer, Ids ids, Clock clock, Config config) {
        this.store = store;
        this.accounts = accounts;
        this.mailer = mailer;
        this.ids = ids;
        this.clock = clock;
        for (String tag : config.list("notify.mail")) {
            mailed.add(kind(tag).orElseThrow(() -> config.bad("notify.mail", "'" + tag + "' is not one of " + tags())));
        }
        this.keepMs = Duration.ofDays(config.integer("notify.keep-days", 1, 3650)).toMillis();
        this.burstQuietMs = Duration.ofSeconds(config.integer("notify.file-drop-mail-delay-seconds", 0, 86_400)).toMillis();
        this.publicUrl = config.optional("http.public-url").map(u -> u.strip().replaceAll("/+$", ""));
    }

    private static Optional<NotificationKind> kind(String tag) {
        try {
            return Optional.of(NotificationKind.fromTag(tag));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static List<String> tags() {
        return Arrays.stream(NotificationKind.values()).map(NotificationKind::tag).toList();
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

    /**
     * Notifies one account of one event of a burst ({@code burst} names its source, e.g. one
     * file-drop link): joins the open notification of that source, or starts one. Its e-mail
     * waits for the quiet period after the last event. Never throws, as {@link #notify}.
     */
    public void notifyBurst(AccountId to, NotificationKind kind, String burst, List<String> params, String link) {
        try {
            accounts.byId(to).filter(Account::enabled).ifPresent(account -> {
                long now = clock.millis();
                long until = now + burstQuietMs;
                store.addToBurst(draft(account, kind, params, link, now),
                        new NotificationStore.Burst(burst, until, mailWanted(account, kind) ? Optional.of(until) : Optional.empty()),
                        MAX_DETAILS);
            });
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "notification " + kind.tag() + " for account " + to + " not stored", e);
        }
    }

    /**
     * Notifies one account of an event that stays to be seen until the person deals with it
     * ({@link #dismiss}), like chat messages until the conversation is read: events of one
     * {@code key} join one notification, whose e-mail (if the person wants that kind by
     * e-mail) goes {@code mailDelay} after the first of them unless dismissed by then. The
     * pending e-mail is kept in the database, so a restart sends it. Never throws, as {@link #notify}.
     */
    public void notifyUntilSeen(AccountId to, NotificationKind kind, String key, List<String> params, String link,
                                Duration mailDelay) {
        try {
            accounts.byId(to).filter(Account::enabled).ifPresent(account -> {
                long now = clock.millis();
                Optional<Long> mailAt = mailWanted(account, kind) ? Optional.of(now + mailDelay.toMillis()) : Optional.empty();
                store.addUntilSeen(draft(account, kind, params, link, now), key, mailAt, MAX_DETAILS);
            });
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "notification " + kind.tag() + " for account " + to + " not stored", e);
        }
    }

    /** The person has seen what {@code key}'s notification is about: it is read, and its e-mail no longer goes. */
    public void dismiss(AccountId account, String key) {
        try {
            store.dismiss(account, key, clock.millis());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "notification " + key + " of account " + account + " not dismissed", e);
        }
    }

    /** {@link #sendDueMails} must run often enough for e-mails due this soon after their event. */
    public void mailWithin(Duration delay) {
        shortestDelayMs.accumulateAndGet(delay.toMillis(), Math::min);
    }

    /** Notifies every enabled administrator. */
    public void notifyAdmins(NotificationKind kind, List<String> params, String link) {
        try {
            accounts.admins().forEach(admin -> deliver(admin, kind, params, link));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "notification " + kind.tag() + " for the administrators not stored", e);
        }
    }

    private Notification draft(Account account, NotificationKind kind, List<String> params, String link, long now) {
        List<String> values = List.copyOf(params);
        return new Notification(ids.next(), 0, account.id(), kind, values, 1, List.of(values), link, now, Optional.empty());
    }

    private void deliver(Account account, NotificationKind kind, List<String> params, String link) {
        Notification n = store.insert(draft(account, kind, params, link, clock.millis()));
        if (mailWanted(account, kind)) {
            mail(account, n);
        }
    }

    /** Whether e-mail is on for this server (mail.host set). */
    public boolean mailEnabled() {
        return mailer.enabled();
    }

    private boolean mailWanted(Account account, NotificationKind kind) {
        return mailer.enabled() && account.email().isPresent()
                && store.mailChoices(account.id()).getOrDefault(kind, mailed.contains(kind));
    }

    private void mail(Account account, Notification n) {
        Language lang = language(account);
        // A link within the console ("/files/x") can only be mailed when the public address is known.
        String absolute = n.link().startsWith("/") ? publicUrl.map(u -> u + n.link()).orElse("") : n.link();
        String body = n.body(lang)
                + (absolute.isEmpty() ? "" : "\n\n" + Msg.of("identity.notify.open", absolute).text(lang))
                + "\n\n-- \n" + Msg.of("identity.notify.footer").text(lang);
        mailer.send(Mail.of(account.email().orElseThrow(), n.title().text(lang), body));
    }

    /**
     * Sends the e-mails of bursts whose quiet period is over. Run every {@link #burstTick};
     * a node that finds one already taken by another node leaves it.
     */
    public void sendDueMails() {
        long now = clock.millis();
        for (long id : store.mailsDue(now, 500)) {
            // Asked again at sending time: the person may have turned this e-mail off during the burst.
            store.claimMail(id, now).ifPresent(n -> accounts.byId(n.account()).filter(Account::enabled)
                    .filter(a -> mailWanted(a, n.kind())).ifPresent(a -> mail(a, n)));
        }
    }

    /** How often {@link #sendDueMails} should run: a tenth of the shortest delay, within 0.2 s and 30 s. */
    public Duration burstTick() {
        return Duration.ofMillis(Math.clamp(Math.min(burstQuietMs, shortestDelayMs.get()) / 10, 200, 30_000));
    }

    /** The caller's e-mail setting of every kind. */
    public List<MailSetting> mailSettings(Caller caller) {
        Map<NotificationKind, Boolean> chosen = store.mailChoices(caller.id());
        return Arrays.stream(NotificationKind.values()).map(k -> new MailSetting(k,
                chosen.getOrDefault(k, mailed.contains(k)), !chosen.containsKey(k))).toList();
    }

    /** Sets some kinds' e-mail on or off ({@code {"share-received": false}}); the others stay as they are. */
    public List<MailSetting> chooseMail(Caller caller, Map<String, ?> choices) {
        Map<NotificationKind, Boolean> parsed = new EnumMap<>(NotificationKind.class);
        choices.forEach((tag, value) -> {
            NotificationKind k = kind(tag).orElseThrow(() -> AtriumException.Invalid.field(tag,
                    Msg.of("identity.notify.unknown-kind", tag, tags())));
            if (!(value instanceof Boolean b)) {
                throw AtriumException.Invalid.field(tag, Msg.of("identity.notify.mail-setting", tag));
            }
            parsed.put(k, b);
        });
        store.chooseMail(caller.id(), parsed);
        return mailSettings(caller);
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

    /** One of the caller's notifications by its id in Nextcloud's API. */
    public Notification byOcsId(Caller caller, long ocsId) {
        return store.byOcsId(caller.id(), ocsId).orElseThrow(Notifications::notFound);
    }

    public void deleteAll(Caller caller) {
        store.deleteAll(caller.id());
    }

    /** The address a notification's link leads to, for a client outside the console. */
    public String absoluteLink(Notification n, String requestOrigin) {
        return n.link().startsWith("/") ? publicUrl.orElse(requestOrigin) + n.link() : n.link();
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
