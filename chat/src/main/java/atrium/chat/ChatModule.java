package atrium.chat;

import atrium.chat.db.ConversationStore;
import atrium.chat.db.GuestStore;
import atrium.chat.db.MessageStore;
import atrium.chat.http.ChatRoutes;
import atrium.core.AtriumException;
import atrium.core.Config;
import atrium.core.Ids;
import atrium.core.Msg;
import atrium.core.bus.EventBus;
import atrium.core.bus.RealtimeSource;
import atrium.core.db.Database;
import atrium.files.FilesModule;
import atrium.identity.AccountId;
import atrium.identity.GroupId;
import atrium.identity.GroupMembershipListener;
import atrium.identity.IdentityModule;
import atrium.identity.PasswordHasher;
import java.time.Clock;
import java.time.Duration;

/** The chat module's parts, built in order by hand. */
public final class ChatModule {
    public final ChatService chat;
    public final GuestService guests;
    public final ChatRoutes routes;
    public final ChatFiles files;
    /** What /ws needs of chat: catch-up and the typing frame. */
    public final RealtimeSource realtime;

    public ChatModule(Config config, Database db, Ids ids, Clock clock, IdentityModule identity, FilesModule files,
                      EventBus bus) {
        db.migrate("chat");
        var jdbi = db.jdbi();
        GuestStore guestStore = new GuestStore(jdbi);
        ChatViews views = new ChatViews(identity.accounts, guestStore, clock);
        RateLimit rateLimit = new RateLimit(config.integer("chat.rate-limit", 1, 100_000), clock);
        MessageStore messageStore = new MessageStore(jdbi);
        // Messages written before search existed get their search text now (once; fast when none is left).
        while (messageStore.backfillSearch(1000) > 0) {
            Thread.onSpinWait();
        }
        Duration mentionMailDelay = Duration.ofSeconds(config.integer("chat.mention-mail-delay-seconds", 0, 604_800));
        identity.notifications.mailWithin(mentionMailDelay);
        this.chat = new ChatService(new ConversationStore(jdbi), guestStore, messageStore, identity.accounts, views, bus, ids,
                clock, rateLimit, config.integer("chat.max-message-chars", 1, 1_000_000), identity.notifications,
                mentionMailDelay);
        identity.accounts.addGroupMembershipListener(new GroupMembershipListener() {
            @Override
            public void joined(GroupId group, AccountId account) {
                chat.groupJoined(group, account);
            }

            @Override
            public void left(GroupId group, AccountId account) {
                chat.groupLeft(group, account);
            }
        });
        this.guests = new GuestService(guestStore, chat, views, bus, new PasswordHasher(), identity.throttle, ids, clock);
        this.files = new ChatFiles(files.files);
        this.routes = new ChatRoutes(identity.authentication, chat, guests, views,
                config.longValue("http.max-body-bytes", 1024, 1L << 30), this.files, files.files, files.previewRoutes);
        this.realtime = new ChatRealtime(chat, guests, views);
    }

    /** A message id given by a client (a cursor, a reply, a read marker): a whole number, 0 for "from the start". */
    public static long cursor(String value, String field) {
        try {
            long v = Long.parseLong(value.strip());
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw AtriumException.Invalid.field(field, Msg.of("chat.id", field));
    }
}
