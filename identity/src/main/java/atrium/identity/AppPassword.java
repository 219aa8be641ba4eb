package atrium.identity;

import java.util.Optional;

public record AppPassword(long id, AccountId accountId, String name, long createdAt, Optional<Long> lastUsedAt) {
}
