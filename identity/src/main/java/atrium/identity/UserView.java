package atrium.identity;

import java.util.List;

/** An account with the names of its groups and of the groups it administers, as the API shows it. */
public record UserView(Account account, List<String> groups, List<String> groupAdminOf) {
}
