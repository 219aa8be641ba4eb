package atrium.identity;

import java.util.Optional;

public record Session(long id, AccountId accountId, SessionState state, Optional<String> userAgent,
                      Optional<String> address, long createdAt, long lastSeenAt) {
}
