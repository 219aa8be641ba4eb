package atrium.identity;

import java.util.Optional;

public record AuditEntry(long id, long at, Optional<String> actor, String action, Optional<String> target,
                         Optional<String> address, Optional<String> detail) {
}
