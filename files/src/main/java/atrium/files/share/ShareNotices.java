package atrium.files.share;

import atrium.core.Language;
import atrium.core.Msg;
import atrium.core.mail.Mail;
import atrium.core.mail.Mailer;
import atrium.identity.AccountId;
import atrium.identity.AccountService;
import atrium.identity.Caller;
import atrium.identity.NotificationKind;
import atrium.identity.Notifications;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Tells recipients about a new share: people and group members get a notification (and its
 * e-mail); an e-mail share's address gets the link, and the password in a second message so
 * that one intercepted message is not enough to open the link.
 */
public final class ShareNotices {
    private final Notifications notifications;
    private final AccountService accounts;
    private final Mailer mailer;

    public ShareNotices(Notifications notifications, AccountService accounts, Mailer mailer) {
        this.notifications = notifications;
        this.accounts = accounts;
        this.mailer = mailer;
    }

    /**
     * @param base     the address links start with (http.public-url or the request's)
     * @param password the link's password in clear, as the sharer just typed it
     */
    public void created(Caller sharer, Share share, String itemName, String base, Optional<String> password) {
        String who = sharer.account().displayName();
        switch (share.type()) {
            case USER, GROUP -> {
                Set<AccountId> to = new LinkedHashSet<>();
                share.recipientAccount().ifPresent(to::add);
                share.recipientGroup().ifPresent(g -> to.addAll(accounts.memberIds(g)));
                to.remove(sharer.id());
                to.remove(share.owner());
                String name = share.mountName().orElse(itemName);
                for (AccountId id : to) {
                    notifications.notify(id, NotificationKind.SHARE_RECEIVED, List.of(who, name),
                            base + "/files-shared");
                }
            }
            case EMAIL -> mailLink(sharer, share, itemName, base, password);
            case LINK -> {
                // A public link goes wherever its maker sends it; there is nobody to tell.
            }
        }
    }

    private void mailLink(Caller sharer, Share share, String itemName, String base, Optional<String> password) {
        // The recipient has no account and so no language of their own: the sharer's is the best guess.
        Language lang = Notifications.language(sharer.account());
        String to = share.recipientEmail().orElseThrow();
        String who = sharer.account().displayName();
        StringBuilder body = new StringBuilder(Msg.of("files.share.mail.body", who, itemName,
                base + "/s/" + share.token().orElseThrow()).text(lang));
        if (!share.note().isBlank()) {
            body.append("\n\n").append(Msg.of("files.share.mail.note", share.note().strip()).text(lang));
        }
        share.expireDate().ifPresent(d -> body.append("\n\n").append(Msg.of("files.share.mail.expires", d).text(lang)));
        boolean withPassword = password.filter(p -> !p.isEmpty()).isPresent();
        if (withPassword) {
            body.append("\n\n").append(Msg.of("files.share.mail.password-follows").text(lang));
        }
        mailer.send(Mail.of(to, Msg.of("files.share.mail.subject", who, itemName).text(lang), body.toString()));
        if (withPassword) {
            mailer.send(Mail.of(to, Msg.of("files.share.mail.password-subject", itemName).text(lang),
                    Msg.of("files.share.mail.password-body", itemName, who, password.get()).text(lang)));
        }
    }
}
