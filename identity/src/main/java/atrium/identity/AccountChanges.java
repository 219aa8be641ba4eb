package atrium.identity;

import java.util.List;
import java.util.Optional;

/**
 * What a create or update asks for; an empty field means "leave as it is" on update and
 * "use the default" on create. {@code quota} is itself optional: Optional.of(Optional.empty())
 * means "no quota".
 */
public record AccountChanges(
        Optional<String> displayName,
        Optional<String> email,
        Optional<String> language,
        Optional<Optional<Long>> quota,
        Optional<Boolean> enabled,
        Optional<Boolean> admin,
        Optional<List<String>> groups) {

    public static AccountChanges none() {
        return new AccountChanges(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty());
    }
}
