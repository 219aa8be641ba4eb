package atrium.identity;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Tells those who hold on to a session beyond one request (the {@code /ws} sockets) that
 * sessions ended: signed out, revoked, or all of an account's (password changed or reset,
 * account disabled). The database no longer has them when listeners hear of it.
 */
public final class SessionEnds {
    /** Which sessions of one account ended. */
    public record Ended(AccountId account, Optional<Long> only, Optional<Long> except) {
        /** One session. */
        static Ended one(AccountId account, long session) {
            return new Ended(account, Optional.of(session), Optional.empty());
        }

        /** Every session of the account but {@code except}. */
        static Ended all(AccountId account, Optional<Long> except) {
            return new Ended(account, Optional.empty(), except);
        }
    }

    private final List<java.util.function.Consumer<Ended>> listeners = new CopyOnWriteArrayList<>();

    public void listen(java.util.function.Consumer<Ended> listener) {
        listeners.add(listener);
    }

    void ended(Ended e) {
        listeners.forEach(l -> l.accept(e));
    }
}
