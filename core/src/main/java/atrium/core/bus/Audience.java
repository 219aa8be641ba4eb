package atrium.core.bus;

import java.util.Collection;
import java.util.Set;

/**
 * Who may see an event on their open connections: every signed-in person, some accounts
 * (by account id), or nobody (an event between nodes, for the server itself).
 */
public record Audience(boolean everyone, Set<Long> accounts) {
    private static final Audience NOBODY = new Audience(false, Set.of());
    private static final Audience EVERYONE = new Audience(true, Set.of());

    public Audience {
        accounts = Set.copyOf(accounts);
    }

    public static Audience of(Collection<Long> ids) {
        return new Audience(false, Set.copyOf(ids));
    }

    public static Audience all() {
        return EVERYONE;
    }

    public static Audience nobody() {
        return NOBODY;
    }

    public boolean includes(long account) {
        return everyone || accounts.contains(account);
    }
}
