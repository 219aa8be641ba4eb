package atrium.identity.db;

import atrium.identity.AccountId;
import atrium.identity.Group;
import atrium.identity.GroupId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;

/** Groups, their members and their group admins. */
public final class GroupStore {
    public record GroupInfo(Group group, int memberCount, List<String> adminLogins) {
    }

    private final Jdbi jdbi;

    public GroupStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    private static Group map(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Group(new GroupId(rs.getLong("id")), rs.getString("name"), rs.getBoolean("require_totp"),
                rs.getLong("created_at"));
    }

    public void insert(Group g) {
        jdbi.useHandle(h -> h.createUpdate(
                        "INSERT INTO identity_groups (id, name, require_totp, created_at) VALUES (:id, :name, :req, :at)")
                .bind("id", g.id().value()).bind("name", g.name()).bind("req", g.requireTotp()).bind("at", g.createdAt())
                .execute());
    }

    public Optional<Group> byId(GroupId id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM identity_groups WHERE id = :id").bind("id", id.value())
                .map((rs, ctx) -> map(rs)).findOne());
    }

    public Optional<Group> byName(String name) {
        return byNames(List.of(name)).stream().findFirst();
    }

    /**
     * Groups whose name equals one of {@code names} ignoring case. Compared in Java, not with
     * SQL LOWER: SQLite's folds ASCII only, so "Équipe" was not found even when spelt exactly.
     */
    public List<Group> byNames(Collection<String> names) {
        if (names.isEmpty()) {
            return List.of();
        }
        Set<String> lower = names.stream().map(n -> n.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM identity_groups ORDER BY name")
                .map((rs, ctx) -> map(rs)).list())
                .stream().filter(g -> lower.contains(g.name().toLowerCase(Locale.ROOT))).toList();
    }

    public void setRequireTotp(GroupId id, boolean require) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE identity_groups SET require_totp = :r WHERE id = :id")
                .bind("id", id.value()).bind("r", require).execute());
    }

    public void delete(GroupId id) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM identity_groups WHERE id = :id").bind("id", id.value()).execute());
    }

    /** Every group (or only the given ones) with its member count and admins, in two queries. */
    public List<GroupInfo> list(Optional<Collection<Long>> only) {
        return jdbi.withHandle(h -> {
            String filter = only.map(ids -> ids.isEmpty() ? " WHERE 1 = 0" : " WHERE g.id IN (<ids>)").orElse("");
            var q = h.createQuery("""
                    SELECT g.id, g.name, g.require_totp, g.created_at,
                           (SELECT COUNT(*) FROM identity_group_members m WHERE m.group_id = g.id) AS members
                    FROM identity_groups g""" + filter + " ORDER BY g.name");
            only.filter(ids -> !ids.isEmpty()).ifPresent(ids -> q.bindList("ids", List.copyOf(ids)));
            List<Object[]> rows = q.map((rs, ctx) -> new Object[] {map(rs), rs.getInt("members")}).list();
            Map<Long, List<String>> admins = new HashMap<>();
            h.createQuery("""
                            SELECT ga.group_id, a.login FROM identity_group_admins ga
                            JOIN identity_accounts a ON a.id = ga.account_id ORDER BY a.login""")
                    .map((rs, ctx) -> Map.entry(rs.getLong(1), rs.getString(2)))
                    .forEach(e -> admins.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
            return rows.stream().map(r -> {
                Group g = (Group) r[0];
                return new GroupInfo(g, (Integer) r[1], admins.getOrDefault(g.id().value(), List.of()));
            }).toList();
        });
    }

    public void addMember(GroupId group, AccountId account) {
        link("identity_group_members", group, account);
    }

    public void removeMember(GroupId group, AccountId account) {
        unlink("identity_group_members", group, account);
    }

    public void addAdmin(GroupId group, AccountId account) {
        link("identity_group_admins", group, account);
    }

    public void removeAdmin(GroupId group, AccountId account) {
        unlink("identity_group_admins", group, account);
    }

    /** Adds a (group, account) row to a link table; adding it twice changes nothing. */
    private void link(String table, GroupId group, AccountId account) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO " + table + " (group_id, account_id) SELECT :g, :a"
                        + " WHERE NOT EXISTS (SELECT 1 FROM " + table + " WHERE group_id = :g AND account_id = :a)")
                .bind("g", group.value()).bind("a", account.value()).execute());
    }

    private void unlink(String table, GroupId group, AccountId account) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM " + table + " WHERE group_id = :g AND account_id = :a")
                .bind("g", group.value()).bind("a", account.value()).execute());
    }

    /** Group names per account, for a page of accounts, in one query. */
    public Map<AccountId, List<String>> groupsOf(Collection<AccountId> accounts) {
        return namesPerAccount("identity_group_members", accounts);
    }

    /** Names of the groups each account administers, in one query. */
    public Map<AccountId, List<String>> administeredBy(Collection<AccountId> accounts) {
        return namesPerAccount("identity_group_admins", accounts);
    }

    private Map<AccountId, List<String>> namesPerAccount(String table, Collection<AccountId> accounts) {
        Map<AccountId, List<String>> out = new HashMap<>();
        if (accounts.isEmpty()) {
            return out;
        }
        List<Long> ids = accounts.stream().map(AccountId::value).distinct().toList();
        jdbi.useHandle(h -> h.createQuery("SELECT t.account_id, g.name FROM " + table + " t "
                        + "JOIN identity_groups g ON g.id = t.group_id WHERE t.account_id IN (<ids>) ORDER BY g.name")
                .bindList("ids", ids)
                .map((rs, ctx) -> Map.entry(new AccountId(rs.getLong(1)), rs.getString(2)))
                .forEach(e -> out.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue())));
        return out;
    }

    public List<Group> groupsAdministeredBy(AccountId account) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT g.* FROM identity_groups g JOIN identity_group_admins ga ON ga.group_id = g.id
                        WHERE ga.account_id = :a ORDER BY g.name""")
                .bind("a", account.value()).map((rs, ctx) -> map(rs)).list());
    }

    public List<Group> groupsOf(AccountId account) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT g.* FROM identity_groups g JOIN identity_group_members m ON m.group_id = g.id
                        WHERE m.account_id = :a ORDER BY g.name""")
                .bind("a", account.value()).map((rs, ctx) -> map(rs)).list());
    }

    public List<AccountId> members(GroupId group) {
        return jdbi.withHandle(h -> h.createQuery("SELECT account_id FROM identity_group_members WHERE group_id = :g")
                .bind("g", group.value()).map((rs, ctx) -> new AccountId(rs.getLong(1))).list());
    }

    /** True when any group the account belongs to imposes two-factor sign-in. */
    public boolean requiresTotp(AccountId account) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT COUNT(*) FROM identity_group_members m JOIN identity_groups g ON g.id = m.group_id
                        WHERE m.account_id = :a AND g.require_totp = :yes""")
                .bind("a", account.value()).bind("yes", true).mapTo(Integer.class).one()) > 0;
    }
}
