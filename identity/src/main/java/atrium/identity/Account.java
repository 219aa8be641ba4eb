package atrium.identity;

import java.util.Optional;

/** A person's account. Credentials live apart from it, in the stores, and never leave them. */
public record Account(
        AccountId id,
        String login,
        String displayName,
        Optional<String> email,
        String language,
        Optional<Long> quotaBytes,
        boolean enabled,
        boolean admin,
        boolean totpEnabled,
        long createdAt,
        Optional<Long> lastLoginAt) {
}
