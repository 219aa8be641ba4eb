package atrium.identity;

import java.util.Optional;

/**
 * A Nextcloud Login Flow v2 (see {@link LoginFlowService}). The app password is present
 * only between the grant and its collection by the client.
 */
public record LoginFlow(long id, String clientName, String address, State state, long createdAt, long expiresAt,
                        Optional<AccountId> accountId, Optional<String> loginName, Optional<String> appPassword,
                        Optional<Long> appPasswordId) {

    public enum State {
        /** Started by a client, waiting for a person to grant it. */
        PENDING,
        /** A grant is creating the app password (a moment; guards against a double grant). */
        GRANTING,
        /** Granted: the app password waits for the client's next poll. */
        GRANTED,
        /** The client collected the app password; the row stays only so that late polls are not taken for guesses. */
        DELIVERED,
        /** The person declined. */
        CANCELLED;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public boolean expired(long now) {
        return now >= expiresAt;
    }

    /** Never prints the app password, so that a log line cannot leak it. */
    @Override
    public String toString() {
        return "LoginFlow[id=" + id + ", clientName=" + clientName + ", state=" + state + ", expiresAt=" + expiresAt
                + ", loginName=" + loginName.orElse("-") + ", appPassword=" + (appPassword.isPresent() ? "***" : "-") + "]";
    }
}
