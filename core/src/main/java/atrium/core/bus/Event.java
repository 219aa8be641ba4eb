package atrium.core.bus;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import java.util.Optional;

/**
 * Something that happened, for whoever listens: {@code type} names it ({@code chat.message.created}),
 * {@code data} is what a client is shown, as JSON so an event crossing nodes through Redis arrives
 * exactly as it left. {@code key}, when present, names the thing the event brings
 * ({@code chat.message:123}): a client catching up is not sent the same thing twice.
 */
public record Event(String type, Audience audience, ObjectNode data, Optional<String> key) {
    public Event {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(audience, "audience");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(key, "key");
    }

    public Event(String type, Audience audience, ObjectNode data) {
        this(type, audience, data, Optional.empty());
    }
}
