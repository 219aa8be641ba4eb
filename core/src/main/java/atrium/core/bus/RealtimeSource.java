package atrium.core.bus;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a module offers the {@code /ws} connection layer besides its live events: what a
 * reconnecting client missed, and the client frames it answers (docs/api/realtime.md).
 * Accounts are given by id: the connection layer has checked who is connected.
 */
public interface RealtimeSource {
    /** The name a client uses in {@code subscribe}'s {@code since} object ({@code chat}). */
    String name();

    /**
     * The events the account missed after {@code cursor} (an opaque string the module gave the
     * client, for chat a message id), oldest first, at most {@code limit}. An unreadable cursor
     * is an {@link atrium.core.AtriumException.Invalid}.
     */
    CatchUp since(long account, String cursor, int limit);

    /** The client frame types this module answers (chat: {@code typing}). */
    Set<String> frameTypes();

    /** Answers one client frame; refusals are {@link atrium.core.AtriumException}s, sent back as error frames. */
    void onFrame(long account, JsonNode frame);

    /**
     * A connection without a signed-in session may still be a visitor this module knows by one
     * of its cookies (chat: a guest); the default knows none.
     */
    default Optional<Visitor> visitor(Map<String, String> cookies) {
        return Optional.empty();
    }

    /** {@code complete} is false when more than {@code limit} events were missed: the client reloads instead. */
    record CatchUp(List<Event> events, boolean complete) {
        public CatchUp {
            events = List.copyOf(events);
        }
    }
}
