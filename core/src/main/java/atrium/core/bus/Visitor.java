package atrium.core.bus;

/**
 * Someone on {@code /ws} who is not an account (a chat guest): events addressed to its id reach
 * it, events for everyone (presence) never do. Its id comes from the same generator as accounts.
 */
public record Visitor(long id, String name) {
    /** The event type, addressed to visitors' ids, that closes their sockets (their access ended). */
    public static final String ENDED = "visitor.ended";
}
