package atrium.chat;

import atrium.chat.db.GuestStore;
import atrium.core.AtriumException;
import atrium.core.Ids;
import atrium.core.Msg;
import atrium.core.bus.Audience;
import atrium.core.bus.Event;
import atrium.core.bus.EventBus;
import atrium.core.bus.Visitor;
import atrium.identity.Caller;
import atrium.identity.LoginThrottle;
import atrium.identity.PasswordHasher;
import atrium.identity.Secrets;
import atrium.identity.TokenHash;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Public group conversations joined by guests through a link (docs/api/chat.md "Guests"). A
 * guest has a name and a session for that one conversation; everything else is refused.
 */
public final class GuestService {
    /** How long a guest session lasts; a guest joins again (with the link) after. */
    public static final Duration SESSION = Duration.ofHours(12);
    private static final int MAX_GUEST_NAME = 100;
    private static final int TOKEN_BYTES = 24;

    /** A guest who just joined, with the secret of their session (kept by the browser only). */
    public record Joined(Guest guest, String session) {
    }

    private final GuestStore store;
    private final ChatService chat;
    private final ChatViews views;
    private final EventBus bus;
    private final PasswordHasher hasher;
    private final LoginThrottle throttle;
    private final Ids ids;
    private final Clock clock;

    GuestService(GuestStore store, ChatService chat, ChatViews views, EventBus bus, PasswordHasher hasher,
                 LoginThrottle throttle, Ids ids, Clock clock) {
        this.bus = bus;
        this.store = store;
        this.chat = chat;
        this.views = views;
        this.hasher = hasher;
        this.throttle = throttle;
        this.ids = ids;
        this.clock = clock;
    }

    /**
     * Makes a group public with a new token (an empty password: none). A link made again gets a
     * new token: the old link and its guests end.
     */
    public GuestStore.Link share(Caller caller, ConversationId id, String password) {
        ChatService.Details d = chat.moderated(caller, id);
        String token = Secrets.token(TOKEN_BYTES);
        Optional<String> hash = password.isEmpty() ? Optional.empty() : Optional.of(hasher.hash(password));
        List<Guest> before = store.of(id, clock.millis());
        store.setLink(id, token, hash);
        ended(id, before);
        chat.publish("chat.conversation.updated", d.members(), views.conversation(chat.details(caller, id)));
        return new GuestStore.Link(id, token, hash);
    }

    public Optional<GuestStore.Link> link(Caller caller, ConversationId id) {
        chat.moderated(caller, id);
        return store.linkOf(id);
    }

    /** The link stops working and every guest's session ends. */
    public void revoke(Caller caller, ConversationId id) {
        ChatService.Details d = chat.moderated(caller, id);
        List<Guest> before = store.of(id, clock.millis());
        if (!store.clearLink(id)) {
            throw new AtriumException.NotFound(Msg.of("chat.link.none"));
        }
        ended(id, before);
        chat.publish("chat.conversation.updated", d.members(), views.conversation(chat.details(caller, id)));
    }

    public void remove(Caller caller, ConversationId id, long guest) {
        ChatService.Details d = chat.moderated(caller, id);
        Optional<Guest> g = store.byId(guest).filter(x -> x.conversation().equals(id));
        if (g.isEmpty() || !store.delete(id, guest)) {
            throw new AtriumException.NotFound(Msg.of("chat.guest.none"));
        }
        ended(id, List.of(g.get()));
        chat.publish("chat.conversation.updated", d.members(), views.conversation(chat.details(caller, id)));
    }

    /**
     * A guest joins: an unknown token is a guess counted against the address (as public share
     * links), a wrong password a failure counted per link and address (as a sign-in).
     */
    public Joined join(String token, String rawName, String password, String address) {
        throttle.checkTokenGuesses(address);
        Optional<GuestStore.Link> found = token.length() <= 64 && token.matches("[A-Za-z0-9_-]+")
                ? store.byToken(token) : Optional.empty();
        if (found.isEmpty()) {
            throttle.tokenGuessFailed(address);
            throw new AtriumException.NotFound(Msg.of("chat.link.not-found"));
        }
        GuestStore.Link link = found.get();
        if (link.passwordHash().isPresent()) {
            String subject = "chat-link:" + link.conversation().value() + "@" + address;
            throttle.check(subject, address);
            if (password.isEmpty()) {
                throw new AtriumException.Unauthorized("link_password", Msg.of("chat.link.password-needed"));
            }
            if (!hasher.verify(password, link.passwordHash().get())) {
                throttle.failed(subject, address);
                throw new AtriumException.Unauthorized("link_password_wrong", Msg.of("chat.link.password-wrong"));
            }
            throttle.succeeded(subject);
        }
        String name = ChatService.name(rawName, MAX_GUEST_NAME);
        long now = clock.millis();
        String session = Secrets.token(32);
        Guest g = new Guest(ids.next(), link.conversation(), name, now + SESSION.toMillis());
        store.insert(g, TokenHash.of(session), now);
        List<Member> members = chat.membersOf(link.conversation());
        chat.publish("chat.conversation.updated", members, views.conversation(chat.everyone(link.conversation())));
        return new Joined(g, session);
    }

    /** The guest of a session cookie; 401 once it expired, was removed or its link revoked. */
    public Guest guest(Optional<String> session) {
        return running(session)
                .orElseThrow(() -> new AtriumException.Unauthorized("guest_session", Msg.of("chat.guest.session")));
    }

    Optional<Guest> running(Optional<String> session) {
        return session.filter(s -> s.length() <= 100).flatMap(s -> store.bySession(TokenHash.of(s), clock.millis()));
    }

    /** Their open /ws sockets close (on every node). */
    private void ended(ConversationId id, List<Guest> gone) {
        if (!gone.isEmpty()) {
            bus.publish(new Event(Visitor.ENDED, Audience.of(gone.stream().map(Guest::id).toList()),
                    views.idOnly(id)));
        }
    }

    public Conversation conversation(Guest g) {
        return chat.conversation(g.conversation());
    }

    public ChatService.Page history(Guest g, long before, int limit) {
        return chat.page(g.conversation(), before, limit);
    }

    public Message post(Guest g, String text, Optional<MessageId> replyTo) {
        return chat.postAsGuest(g, text, replyTo);
    }

    /** A guest reads the attachments of its conversation's messages, as long as its session runs. */
    public Attachment attachment(Guest g, MessageId mid) {
        return chat.attachmentIn(g.conversation(), mid);
    }

    public Message react(Guest g, MessageId mid, String emoji, boolean add) {
        return chat.reactAs(g.id(), g.conversation(), chat.membersOf(g.conversation()), mid, emoji, add);
    }
}
