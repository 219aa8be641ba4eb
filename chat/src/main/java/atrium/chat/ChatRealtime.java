package atrium.chat;

import atrium.core.AtriumException;
import atrium.core.Msg;
import atrium.core.bus.Audience;
import atrium.core.bus.Event;
import atrium.chat.http.ChatRoutes;
import atrium.core.bus.RealtimeSource;
import atrium.core.bus.Visitor;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Chat's part of /ws: catch-up by message id ({@code since: {"chat": "<id>"}}) and the
 * {@code typing} frame. Caught-up messages come as {@code chat.message.created} when newer than
 * the cursor, as {@code chat.message.updated} (their present state) when older but changed since.
 */
final class ChatRealtime implements RealtimeSource {
    private final ChatService chat;
    private final GuestService guests;
    private final ChatViews views;

    ChatRealtime(ChatService chat, GuestService guests, ChatViews views) {
        this.chat = chat;
        this.guests = guests;
        this.views = views;
    }

    @Override
    public String name() {
        return "chat";
    }

    @Override
    public CatchUp since(long account, String cursor, int limit) {
        long since = ChatModule.cursor(cursor, "since");
        List<Message> missed = chat.missed(account, since, limit + 1);
        boolean complete = missed.size() <= limit;
        Audience me = Audience.of(List.of(account));
        return new CatchUp(missed.stream().limit(limit).map(m -> m.id().value() > since
                ? new Event("chat.message.created", me, views.message(m), Optional.of(ChatService.messageKey(m.id())))
                : new Event("chat.message.updated", me, views.message(m))).toList(), complete);
    }

    /** A chat guest, by the guest cookie: it hears its conversation's messages, reactions and typing. */
    @Override
    public Optional<Visitor> visitor(Map<String, String> cookies) {
        return guests.running(Optional.ofNullable(cookies.get(ChatRoutes.GUEST_COOKIE)))
                .map(g -> new Visitor(g.id(), g.name()));
    }

    @Override
    public Set<String> frameTypes() {
        return Set.of("typing");
    }

    @Override
    public void onFrame(long account, JsonNode frame) {
        String id = frame.path("conversation").asText("");
        if (id.isEmpty()) {
            throw AtriumException.Invalid.field("conversation", Msg.of("chat.typing.conversation"));
        }
        chat.typing(account, new ConversationId(ChatModule.cursor(id, "conversation")));
    }
}
