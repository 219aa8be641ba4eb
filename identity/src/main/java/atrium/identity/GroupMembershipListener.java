package atrium.identity;

/**
 * Told after a person joins or leaves a group, on the node that made the change, so a feature
 * module can follow group membership (chat keeps linked conversations in step) without identity
 * depending on it. Registered at start by the server's wiring.
 */
public interface GroupMembershipListener {
    void joined(GroupId group, AccountId account);

    void left(GroupId group, AccountId account);
}
