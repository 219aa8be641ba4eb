package atrium.identity;

import java.util.List;
import java.util.Optional;

/** One notification of one account; {@code link} is empty when it leads nowhere. */
public record Notification(long id, AccountId account, NotificationKind kind, List<String> params, String link,
                           long createdAt, Optional<Long> readAt) {
}
