package atrium.identity;

import atrium.core.Language;
import atrium.core.Msg;
import java.util.List;
import java.util.Optional;

/**
 * One notification of one account; {@code link} is empty when it leads nowhere.
 *
 * @param ocsId   its id in Nextcloud's notifications API: counted per account from 1, never reused (ADR 0018)
 * @param count   how many events it stands for (a burst of uploads through one file drop); 1 for most
 * @param details the message values of each event, the first {@link Notifications#MAX_DETAILS} only
 * @param params  the message values of the latest event
 */
public record Notification(long id, long ocsId, AccountId account, NotificationKind kind, List<String> params, int count,
                           List<List<String>> details, String link, long createdAt, Optional<Long> readAt) {
    public Msg title() {
        return kind.title(params, count);
    }

    /** The longer text: the e-mail's first paragraphs, the message in Nextcloud's API. */
    public String body(Language lang) {
        if (count == 1) {
            return kind.body(params).text(lang);
        }
        StringBuilder text = new StringBuilder(kind.body(params, count).text(lang));
        for (List<String> event : details) {
            text.append('\n').append(kind.line(event).text(lang));
        }
        if (count > details.size()) {
            text.append('\n').append(Msg.of("identity.notify.more", count - details.size()).text(lang));
        }
        return text.toString();
    }
}
