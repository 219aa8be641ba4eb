package atrium.identity;

public record Group(GroupId id, String name, boolean requireTotp, long createdAt) {
}
