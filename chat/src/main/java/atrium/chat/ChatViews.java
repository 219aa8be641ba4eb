package atrium.chat;

import atrium.chat.db.ConversationStore;
import atrium.chat.db.GuestStore;
import atrium.core.http.Json;
import atrium.identity.AccountId;
import atrium.identity.AccountService;
import atrium.identity.GroupId;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The JSON shapes of conversations and messages, the same in REST answers and in events.
 * Ids are strings (64-bit, more than a JavaScript number holds); people are named by login.
 */
public final class ChatViews {
    private final AccountService accounts;
    private final GuestStore guests;
    private final Clock clock;
    /** Logins never change, so an account's is looked up once. */
    private final Map<Long, String> logins = new ConcurrentHashMap<>();
    /** Nor do guests' names. */
    private final Map<Long, String> guestNames = new ConcurrentHashMap<>();

    ChatViews(AccountService accounts, GuestStore guests, Clock clock) {
        this.accounts = accounts;
        this.guests = guests;
        this.clock = clock;
    }

    /** A guest's name, empty for an account (or a guest removed since). */
    private String guestName(long id) {
        String known = guestNames.get(id);
        if (known != null) {
            return known;
        }
        return guests.byId(id).map(g -> {
            guestNames.put(id, g.name());
            return g.name();
        }).orElse("");
    }

    /** An author or reactor: an account's login, or a guest's name marked as such. */
    private void person(ObjectNode n, long id) {
        String login = login(id);
        if (login.isEmpty() && !guestName(id).isEmpty()) {
            n.putNull("author").put("guest", guestName(id));
        } else {
            n.put("author", login);
        }
    }

    String login(long account) {
        return logins.computeIfAbsent(account, a -> accounts.byId(new AccountId(a)).map(x -> x.login()).orElse(""));
    }

    ObjectNode idOnly(ConversationId id) {
        return Json.MAPPER.createObjectNode().put("conversation", id.toString());
    }

    public ObjectNode conversation(ChatService.Details d) {
        ObjectNode n = head(d.conversation());
        ArrayNode members = n.putArray("members");
        for (Member m : d.members()) {
            members.addObject().put("login", login(m.account())).put("role", m.role().tag())
                    .put("lastReadId", cursor(m.lastReadId()));
        }
        n.put("public", guests.linkOf(d.conversation().id()).isPresent());
        ArrayNode guestList = n.putArray("guests");
        for (Guest g : guests.of(d.conversation().id(), clock.millis())) {
            guestList.addObject().put("id", Long.toString(g.id())).put("name", g.name());
        }
        ArrayNode groups = n.putArray("groups");
        for (long g : d.groups()) {
            accounts.groupById(new GroupId(g)).ifPresent(x -> groups.add(x.name()));
        }
        return n;
    }

    ObjectNode personal(ConversationId id, ConversationStore.Personal p) {
        return idOnly(id).put("muted", p.muted()).put("favourite", p.favourite()).put("archived", p.archived());
    }

    private ObjectNode head(Conversation c) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("id", c.id().toString());
        n.put("kind", c.direct() ? "direct" : "group");
        n.put("name", c.name());
        n.put("readOnly", c.readOnly());
        n.put("createdAt", Instant.ofEpochMilli(c.createdAt()).toString());
        n.put("lastMessageId", cursor(c.lastMessageId()));
        return n;
    }

    private static String cursor(long id) {
        return id == 0 ? null : Long.toString(id);
    }

    /**
     * One line of the caller's conversation list; a one-to-one names the other person ({@code with}); the
     * members' logins let a client filter the list by who is in a conversation.
     */
    public ObjectNode summary(ConversationStore.Summary s) {
        ObjectNode n = head(s.conversation());
        n.put("with", s.conversation().direct() && s.other() != 0 ? login(s.other()) : null);
        n.put("memberCount", s.memberCount());
        ArrayNode members = n.putArray("members");
        s.members().forEach(a -> members.add(login(a)));
        n.put("role", s.role().tag());
        n.put("lastReadId", cursor(s.lastReadId()));
        n.put("unread", s.unread());
        n.put("mentions", s.mentions());
        n.put("muted", s.personal().muted());
        n.put("favourite", s.personal().favourite());
        n.put("archived", s.personal().archived());
        return n;
    }

    /** A search hit: where it is ({@code conversation}: id, kind, name, {@code with}), the message, the snippet. */
    public ObjectNode hit(ChatService.Hit h) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        Conversation c = h.conversation().conversation();
        n.putObject("conversation").put("id", c.id().toString()).put("kind", c.direct() ? "direct" : "group")
                .put("name", c.name())
                .put("with", c.direct() && h.conversation().other() != 0 ? login(h.conversation().other()) : null);
        n.set("message", message(h.message()));
        n.putObject("snippet").put("text", h.snippet().text()).put("start", h.snippet().start())
                .put("end", h.snippet().end());
        return n;
    }

    /** An attachment: what the message shows of its file (ids as strings, like every id). */
    public ObjectNode attachment(ObjectNode n, Attachment a) {
        return n.put("fileId", Long.toString(a.fileId())).put("name", a.name()).put("size", a.size())
                .put("contentType", a.contentType()).put("preview", a.preview());
    }

    public ObjectNode message(Message m) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("id", m.id().toString());
        n.put("conversation", m.conversation().toString());
        person(n, m.author());
        n.put("text", m.body());
        n.put("replyTo", m.replyTo().map(MessageId::toString).orElse(null));
        n.put("createdAt", Instant.ofEpochMilli(m.createdAt()).toString());
        n.put("editedAt", m.editedAt().map(t -> Instant.ofEpochMilli(t).toString()).orElse(null));
        n.put("deleted", m.deleted());
        if (m.attachment().isPresent()) {
            attachment(n.putObject("attachment"), m.attachment().get());
        } else {
            n.putNull("attachment");
        }
        Map<String, ObjectNode> byEmoji = new LinkedHashMap<>();
        ArrayNode reactions = n.putArray("reactions");
        for (Message.Reaction r : m.reactions()) {
            ObjectNode o = byEmoji.computeIfAbsent(r.emoji(), e -> {
                ObjectNode x = reactions.addObject().put("emoji", e);
                x.putArray("logins");
                return x;
            });
            String login = login(r.account());
            if (login.isEmpty() && !guestName(r.account()).isEmpty()) {
                // Only where a guest reacted: most conversations have none.
                (o.has("guests") ? (ArrayNode) o.get("guests") : o.putArray("guests")).add(guestName(r.account()));
            } else {
                ((ArrayNode) o.get("logins")).add(login);
            }
        }
        return n;
    }
}
