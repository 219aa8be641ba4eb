package atrium.identity;

import java.util.Optional;

/** The stored second factor of an account: the active secret, one being enrolled, the last step used. */
public record TotpState(Optional<String> secret, Optional<String> pendingSecret, long lastStep) {
}
