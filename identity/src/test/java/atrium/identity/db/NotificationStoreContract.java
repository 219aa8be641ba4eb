package atrium.identity.db;

import static org.assertj.core.api.Assertions.assertThat;

import atrium.identity.AccountId;
import atrium.identity.Notification;
import atrium.identity.NotificationKind;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What notifications rely on from {@link NotificationStore}, on every database. */
public interface NotificationStoreContract extends IdentityStoresFixture {
    default NotificationStore notifications() {
        return new NotificationStore(database().jdbi());
    }

    private AccountId person(long id) {
        accounts().insert(IdentityStoresFixture.account(id, "p" + id, "Person " + id), Optional.empty());
        return new AccountId(id);
    }

    private static Notification upload(long id, AccountId to, String file, long at) {
        List<String> params = List.of("Ann", file, "Inbox");
        return new Notification(id, 0, to, NotificationKind.FILE_DROP_UPLOAD, params, 1, List.of(params), "/files/Inbox", at,
                Optional.empty());
    }

    @Test
    default void ocs_ids_count_from_one_per_account_and_are_never_given_twice() {
        AccountId ann = person(1);
        AccountId ben = person(2);
        assertThat(notifications().insert(upload(10, ann, "a", NOW)).ocsId()).isEqualTo(1);
        assertThat(notifications().insert(upload(11, ann, "b", NOW)).ocsId()).isEqualTo(2);
        assertThat(notifications().insert(upload(12, ben, "c", NOW)).ocsId()).isEqualTo(1);
        notifications().delete(ann, 11);

        assertThat(notifications().insert(upload(13, ann, "d", NOW)).ocsId()).isEqualTo(3);
        assertThat(notifications().byOcsId(ann, 3).map(Notification::id)).contains(13L);
        assertThat(notifications().byOcsId(ben, 3)).isEmpty();
    }

    @Test
    default void events_of_an_open_burst_join_it_and_its_mail_is_claimed_once_then_the_burst_is_closed() {
        AccountId ann = person(1);
        var burst = new NotificationStore.Burst("link:7", NOW + 1000, Optional.of(NOW + 1000));
        notifications().addToBurst(upload(10, ann, "a.pdf", NOW), burst, 2);
        notifications().markAllRead(ann, NOW + 1);
        var later = new NotificationStore.Burst("link:7", NOW + 1500, Optional.of(NOW + 1500));
        Notification grown = notifications().addToBurst(upload(11, ann, "b.pdf", NOW + 500), later, 2);
        notifications().addToBurst(upload(12, ann, "c.pdf", NOW + 600),
                new NotificationStore.Burst("link:7", NOW + 1600, Optional.of(NOW + 1600)), 2);

        assertThat(grown.id()).isEqualTo(10);
        assertThat(grown.ocsId()).isEqualTo(2);
        Notification n = notifications().page(ann, 10, 0).getFirst();
        assertThat(notifications().count(ann)).isEqualTo(1);
        assertThat(n.count()).isEqualTo(3);
        assertThat(n.params()).containsExactly("Ann", "c.pdf", "Inbox");
        assertThat(n.details()).extracting(d -> d.get(1)).containsExactly("a.pdf", "b.pdf");
        assertThat(n.readAt()).as("grown again: unread").isEmpty();

        assertThat(notifications().mailsDue(NOW + 1599, 10)).isEmpty();
        assertThat(notifications().mailsDue(NOW + 1600, 10)).containsExactly(10L);
        assertThat(notifications().claimMail(10, NOW + 1600)).map(Notification::count).contains(3);
        assertThat(notifications().claimMail(10, NOW + 1600)).as("taken once").isEmpty();
        assertThat(notifications().mailsDue(NOW + 5000, 10)).isEmpty();

        notifications().addToBurst(upload(13, ann, "d.pdf", NOW + 700),
                new NotificationStore.Burst("link:7", NOW + 1700, Optional.empty()), 2);
        assertThat(notifications().page(ann, 10, 0)).extracting(Notification::count).containsExactly(1, 3);
        assertThat(notifications().purgeBefore(NOW + 10_000)).isEqualTo(2);
    }

    @Test
    default void a_pending_mail_is_not_purged() {
        AccountId ann = person(1);
        notifications().addToBurst(upload(10, ann, "a.pdf", NOW),
                new NotificationStore.Burst("link:7", NOW + 1000, Optional.of(NOW + 1000)), 100);
        assertThat(notifications().purgeBefore(NOW + 10_000)).isZero();
    }

    @Test
    default void mail_choices_are_kept_per_account_and_kind_and_changed_in_place() {
        AccountId ann = person(1);
        AccountId ben = person(2);
        notifications().chooseMail(ann, Map.of(NotificationKind.SHARE_RECEIVED, false));
        notifications().chooseMail(ann, Map.of(NotificationKind.SHARE_RECEIVED, true, NotificationKind.INFECTED_UPLOAD, false));

        assertThat(notifications().mailChoices(ann)).containsExactlyInAnyOrderEntriesOf(
                Map.of(NotificationKind.SHARE_RECEIVED, true, NotificationKind.INFECTED_UPLOAD, false));
        assertThat(notifications().mailChoices(ben)).isEmpty();
    }

    private static Notification mention(long id, AccountId to, String text, long at) {
        List<String> params = List.of("Ann", "Plans", text);
        return new Notification(id, 0, to, NotificationKind.CHAT_MENTION, params, 1, List.of(params), "/chat/5?m=" + id, at,
                Optional.empty());
    }

    @Test
    default void events_until_seen_join_one_notification_whose_mail_stays_due_from_the_first_until_dismissed() {
        AccountId ben = person(2);
        notifications().addUntilSeen(mention(20, ben, "one", NOW), "chat:5", Optional.of(NOW + 900), 100);
        Notification grown = notifications().addUntilSeen(mention(21, ben, "two", NOW + 500), "chat:5", Optional.of(NOW + 1400), 100);
        assertThat(grown.id()).isEqualTo(20);
        assertThat(grown.count()).isEqualTo(2);
        // Due from the first event: a busy conversation does not push the e-mail back.
        assertThat(notifications().mailsDue(NOW + 900, 10)).containsExactly(20L);

        notifications().dismiss(ben, "chat:5", NOW + 950);
        assertThat(notifications().mailsDue(NOW + 5000, 10)).isEmpty();
        assertThat(notifications().unread(ben)).isZero();
        // Dismissed is closed: the next event starts another notification, with its own e-mail.
        Notification next = notifications().addUntilSeen(mention(22, ben, "three", NOW + 2000), "chat:5", Optional.of(NOW + 2900), 100);
        assertThat(next.id()).isEqualTo(22);
        assertThat(notifications().claimMail(22, NOW + 2900).map(Notification::count)).contains(1);
        // Mailed is closed too; dismissing later still marks it read.
        assertThat(notifications().addUntilSeen(mention(23, ben, "four", NOW + 3000), "chat:5", Optional.empty(), 100).id())
                .isEqualTo(23);
        notifications().dismiss(ben, "chat:5", NOW + 3100);
        assertThat(notifications().unread(ben)).isZero();
        assertThat(notifications().count(ben)).isEqualTo(3);
    }
}
