package atrium.identity;

import atrium.core.AtriumException;
import atrium.core.Ids;
import atrium.core.Msg;
import atrium.identity.db.AccountStore;
import atrium.identity.db.CredentialStore;
import atrium.identity.db.GroupStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Accounts and groups as admins and group admins manage them. Every method checks what
 * the caller may do: admins everything; a group admin only the members of the groups
 * they administer, never admin rights, never other groups.
 */
public final class AccountService {
    public record Created(UserView user, Optional<String> generatedPassword) {
    }

    private final AccountStore accounts;
    private final GroupStore groups;
    private final CredentialStore credentials;
    private final PasswordHasher hasher;
    private final PasswordPolicy policy;
    private final AuditLog audit;
    private final Ids ids;
    private final Clock clock;
    private final AppPasswordCache verified;
    private final SessionEnds sessionEnds;
    private static final System.Logger LOG = System.getLogger(AccountService.class.getName());
    private final List<GroupMembershipListener> membershipListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    public AccountService(AccountStore accounts, GroupStore groups, CredentialStore credentials, PasswordHasher hasher,
                          PasswordPolicy policy, AuditLog audit, Ids ids, Clock clock, AppPasswordCache verified,
                          SessionEnds sessionEnds) {
        this.verified = verified;
        this.sessionEnds = sessionEnds;
        this.accounts = accounts;
        this.groups = groups;
        this.credentials = credentials;
        this.hasher = hasher;
        this.policy = policy;
        this.audit = audit;
        this.ids = ids;
        this.clock = clock;
    }

    // ---- reading

    public AccountStore.Page search(Caller caller, Optional<String> text, Optional<String> group, int limit, int offset) {
        Optional<Long> groupId = group.map(name -> groups.byName(name)
                .orElseThrow(() -> new AtriumException.NotFound(Msg.of("identity.group.none", name))).id().value());
        Optional<Collection<Long>> within = Optional.empty();
        if (!caller.isAdmin()) {
            List<Long> mine = groups.groupsAdministeredBy(caller.id()).stream().map(g -> g.id().value()).toList();
            if (mine.isEmpty()) {
                throw new AtriumException.Forbidden(Msg.of("identity.users.list-forbidden"));
            }
            within = Optional.of(mine);
        }
        return accounts.search(new AccountStore.Filter(text.filter(t -> !t.isBlank()), groupId, within,
                Math.clamp(limit, 1, 500), Math.max(0, offset)));
    }

    /** Adds group names to a page of accounts with two queries, whatever the page size. */
    public List<UserView> views(List<Account> page) {
        var ids = page.stream().map(Account::id).toList();
        var memberOf = groups.groupsOf(ids);
        var adminOf = groups.administeredBy(ids);
        return page.stream().map(a -> new UserView(a, memberOf.getOrDefault(a.id(), List.of()),
                adminOf.getOrDefault(a.id(), List.of()))).toList();
    }

    public UserView view(Account a) {
        return views(List.of(a)).getFirst();
    }

    public UserView get(Caller caller, String login) {
        Account target = find(login);
        checkManage(caller, target);
        return view(target);
    }

    public Optional<Account> byId(AccountId id) {
        return accounts.byId(id);
    }

    /** The enabled administrators, e.g. the audience of an event only they may see (the phone system's live view). */
    public List<Account> admins() {
        return accounts.admins();
    }

    /**
     * People a user may pick as recipients of a share (the files module's sharee search):
     * enabled accounts whose login, name or e-mail contains the text. Every signed-in user
     * may ask; only what a share dialog shows is returned.
     */
    public List<Account> sharees(String text, int limit) {
        return accounts.search(new AccountStore.Filter(Optional.of(text).filter(t -> !t.isBlank()), Optional.empty(),
                Optional.empty(), Math.clamp(limit, 1, 200), 0)).items().stream().filter(Account::enabled).toList();
    }

    /** Groups whose name contains the text, ignoring case, for the sharee search. */
    public List<Group> groupsMatching(String text, int limit) {
        String lower = text.toLowerCase(java.util.Locale.ROOT);
        return groups.list(Optional.empty()).stream().map(GroupStore.GroupInfo::group)
                .filter(g -> g.name().toLowerCase(java.util.Locale.ROOT).contains(lower)).limit(Math.clamp(limit, 1, 200))
                .toList();
    }

    /** The groups an account belongs to now: what group shares are resolved against, at every request. */
    public List<Group> groupsOf(AccountId account) {
        return groups.groupsOf(account);
    }

    public Optional<Group> groupById(GroupId id) {
        return groups.byId(id);
    }

    public Optional<Account> byLogin(String login) {
        return accounts.byLogin(login);
    }

    public long count() {
        return accounts.count();
    }

    public Account find(String login) {
        return accounts.byLogin(login)
                .orElseThrow(() -> new AtriumException.NotFound(Msg.of("identity.user.none", login)));
    }

    // ---- writing

    public Created create(Caller caller, String rawLogin, Optional<String> password, AccountChanges c) {
        String login = AccountRules.login(rawLogin);
        if (accounts.byLogin(login).isPresent()) {
            throw new AtriumException.Conflict(Msg.of("identity.login.taken", login));
        }
        List<Group> target = resolveGroups(c.groups().orElse(List.of()));
        if (!caller.isAdmin()) {
            if (c.admin().orElse(false)) {
                throw new AtriumException.Forbidden(Msg.of("identity.admin.only-make-admin"));
            }
            Set<GroupId> mine = administered(caller);
            if (target.isEmpty() || !target.stream().allMatch(g -> mine.contains(g.id()))) {
                throw new AtriumException.Forbidden(Msg.of("identity.group-admin.create-in-own-groups"));
            }
        }
        String displayName = AccountRules.displayName(c.displayName().orElse(""), login);
        Account a = new Account(new AccountId(ids.next()), login, displayName,
                c.email().flatMap(AccountRules::email), AccountRules.language(c.language().orElse("")),
                c.quota().orElse(Optional.empty()), c.enabled().orElse(true), c.admin().orElse(false), false,
                clock.millis(), Optional.empty());
        Optional<String> generated = Optional.empty();
        String hash;
        if (password.isPresent()) {
            policy.check(password.get(), login, displayName);
            hash = hasher.hash(password.get());
        } else {
            generated = Optional.of(Secrets.generatedPassword());
            hash = hasher.hashRandomSecret(generated.get());
        }
        accounts.insert(a, Optional.of(hash));
        for (Group g : target) {
            join(g.id(), a.id());
        }
        audit.record(caller, "user-created", login, target.isEmpty() ? ""
                : "groups: " + String.join(", ", target.stream().map(Group::name).toList()));
        return new Created(view(a), generated);
    }

    public UserView update(Caller caller, String login, AccountChanges c) {
        Account current = find(login);
        checkManage(caller, current);
        if (c.admin().isPresent() && c.admin().get() != current.admin()) {
            if (!caller.isAdmin()) {
                throw new AtriumException.Forbidden(Msg.of("identity.admin.only-change-rights"));
            }
            if (!c.admin().get() && current.id().equals(caller.id())) {
                throw new AtriumException.Conflict(Msg.of("identity.self.remove-admin"));
            }
        }
        if (c.enabled().isPresent() && !c.enabled().get() && current.id().equals(caller.id())) {
            throw new AtriumException.Conflict(Msg.of("identity.self.disable"));
        }
        Account updated = new Account(current.id(), current.login(),
                c.displayName().map(n -> AccountRules.displayName(n, current.login())).orElse(current.displayName()),
                c.email().isPresent() ? AccountRules.email(c.email().get()) : current.email(),
                c.language().map(AccountRules::language).orElse(current.language()),
                c.quota().orElse(current.quotaBytes()), c.enabled().orElse(current.enabled()),
                c.admin().orElse(current.admin()), current.totpEnabled(), current.createdAt(), current.lastLoginAt());
        accounts.update(updated);
        verified.clear();
        if (updated.enabled() != current.enabled() && !updated.enabled()) {
            credentials.deleteSessionsOf(current.id(), Optional.empty());
            sessionEnds.ended(SessionEnds.Ended.all(current.id(), Optional.empty()));
        }
        c.groups().ifPresent(names -> setGroups(caller, current, resolveGroups(names)));
        audit.record(caller, "user-updated", login, describe(current, updated));
        return view(updated);
    }

    /** Anyone may change their own display name, email and language. */
    public void updateOwnProfile(Caller caller, Optional<String> displayName, Optional<String> email,
                                 Optional<String> language) {
        Account a = find(caller.login());
        Account updated = new Account(a.id(), a.login(),
                displayName.map(n -> AccountRules.displayName(n, a.login())).orElse(a.displayName()),
                email.isPresent() ? AccountRules.email(email.get()) : a.email(),
                language.map(AccountRules::language).orElse(a.language()), a.quotaBytes(), a.enabled(), a.admin(),
                a.totpEnabled(), a.createdAt(), a.lastLoginAt());
        accounts.update(updated);
        verified.clear();
        audit.record(caller, "profile-updated", a.login(), describe(a, updated));
    }

    private static String describe(Account before, Account after) {
        List<String> parts = new ArrayList<>();
        if (!before.displayName().equals(after.displayName())) {
            parts.add("display name");
        }
        if (!before.email().equals(after.email())) {
            parts.add("email");
        }
        if (!before.language().equals(after.language())) {
            parts.add("language");
        }
        if (!before.quotaBytes().equals(after.quotaBytes())) {
            parts.add("quota " + AccountRules.formatQuota(after.quotaBytes()));
        }
        if (before.enabled() != after.enabled()) {
            parts.add(after.enabled() ? "enabled" : "disabled");
        }
        if (before.admin() != after.admin()) {
            parts.add(after.admin() ? "made admin" : "admin removed");
        }
        return String.join(", ", parts);
    }

    /** Replaces the account's memberships; a group admin only touches the groups they administer. */
    private void setGroups(Caller caller, Account target, List<Group> wanted) {
        Set<GroupId> allowed = caller.isAdmin() ? null : administered(caller);
        Set<GroupId> wantedIds = new HashSet<>();
        wanted.forEach(g -> wantedIds.add(g.id()));
        List<Group> current = groups.groupsOf(target.id());
        for (Group g : current) {
            if (!wantedIds.contains(g.id()) && (allowed == null || allowed.contains(g.id()))) {
                leave(g.id(), target.id());
                audit.record(caller, "group-member-removed", g.name(), target.login());
            }
        }
        Set<GroupId> currentIds = new HashSet<>();
        current.forEach(g -> currentIds.add(g.id()));
        for (Group g : wanted) {
            if (!currentIds.contains(g.id())) {
                if (allowed != null && !allowed.contains(g.id())) {
                    throw new AtriumException.Forbidden(Msg.of("identity.group.not-administered", g.name()));
                }
                join(g.id(), target.id());
                audit.record(caller, "group-member-added", g.name(), target.login());
            }
        }
    }

    public void delete(Caller caller, String login) {
        Account target = find(login);
        checkManage(caller, target);
        if (target.id().equals(caller.id())) {
            throw new AtriumException.Conflict(Msg.of("identity.self.delete"));
        }
        accounts.delete(target.id());
        verified.clear();
        audit.record(caller, "user-deleted", login, "");
    }

    /** Sets a new password (or generates one, returned once) and signs the user out everywhere. */
    public Optional<String> resetPassword(Caller caller, String login, Optional<String> password) {
        Account target = find(login);
        checkManage(caller, target);
        Optional<String> generated = Optional.empty();
        if (password.isPresent()) {
            policy.check(password.get(), target.login(), target.displayName());
            accounts.setPasswordHash(target.id(), hasher.hash(password.get()));
        } else {
            generated = Optional.of(Secrets.generatedPassword());
            accounts.setPasswordHash(target.id(), hasher.hashRandomSecret(generated.get()));
        }
        credentials.deleteSessionsOf(target.id(), Optional.empty());
        sessionEnds.ended(SessionEnds.Ended.all(target.id(), Optional.empty()));
        audit.record(caller, "password-reset", login, password.isPresent() ? "set by administrator" : "generated");
        return generated;
    }

    public void resetTotp(Caller caller, String login) {
        Account target = find(login);
        checkManage(caller, target);
        accounts.clearTotp(target.id());
        audit.record(caller, "totp-disabled", login, "reset by administrator");
    }

    /** The password policy check alone, for dry runs. */
    public void checkPassword(String password, String login, String displayName) {
        policy.check(password, login, displayName);
    }

    // ---- groups

    public List<GroupStore.GroupInfo> listGroups(Caller caller) {
        if (caller.isAdmin()) {
            return groups.list(Optional.empty());
        }
        List<Long> mine = groups.groupsAdministeredBy(caller.id()).stream().map(g -> g.id().value()).toList();
        if (mine.isEmpty()) {
            throw new AtriumException.Forbidden(Msg.of("identity.groups.list-forbidden"));
        }
        return groups.list(Optional.of(mine));
    }

    public GroupStore.GroupInfo groupInfo(String name) {
        Group g = findGroup(name);
        return groups.list(Optional.of(List.of(g.id().value()))).getFirst();
    }

    public Group createGroup(Caller caller, String rawName) {
        requireAdmin(caller);
        String name = groupName(rawName);
        if (groups.byName(name).isPresent()) {
            throw new AtriumException.Conflict(Msg.of("identity.group.exists", name));
        }
        Group g = new Group(new GroupId(ids.next()), name, false, clock.millis());
        groups.insert(g);
        audit.record(caller, "group-created", name, "");
        return g;
    }

    /** Creates the groups that do not exist yet (bulk import); returns all of them. */
    public List<Group> ensureGroups(Caller caller, Collection<String> names) {
        requireAdmin(caller);
        Set<String> wanted = new LinkedHashSet<>();
        names.forEach(n -> wanted.add(groupName(n)));
        List<Group> out = new ArrayList<>(groups.byNames(wanted));
        Set<String> existing = new HashSet<>();
        out.forEach(g -> existing.add(g.name().toLowerCase(java.util.Locale.ROOT)));
        for (String n : wanted) {
            if (!existing.contains(n.toLowerCase(java.util.Locale.ROOT))) {
                out.add(createGroup(caller, n));
            }
        }
        return out;
    }

    public static String groupName(String raw) {
        String name = raw == null ? "" : raw.strip();
        if (name.isEmpty() || name.codePointCount(0, name.length()) > 64) {
            throw AtriumException.Invalid.field("name", Msg.of("identity.group.name-length"));
        }
        if (name.chars().anyMatch(Character::isISOControl)) {
            throw AtriumException.Invalid.field("name", Msg.of("identity.group.name-control"));
        }
        return name;
    }

    public void deleteGroup(Caller caller, String name) {
        requireAdmin(caller);
        Group g = findGroup(name);
        groups.delete(g.id());
        audit.record(caller, "group-deleted", g.name(), "");
    }

    public void setGroupRequiresTotp(Caller caller, String name, boolean require) {
        requireAdmin(caller);
        Group g = findGroup(name);
        groups.setRequireTotp(g.id(), require);
        audit.record(caller, "settings-changed", g.name(), "require two-factor: " + require);
    }

    /** Every member of a group, for the server's own use (notifying them), not for display. */
    public List<AccountId> memberIds(GroupId group) {
        return groups.members(group);
    }

    public List<UserView> members(Caller caller, String name) {
        Group g = findGroup(name);
        checkGroupManage(caller, g);
        var ids = groups.members(g.id());
        List<Account> list = ids.stream().map(accounts::byId).flatMap(Optional::stream)
                .sorted(java.util.Comparator.comparing(Account::login)).toList();
        return views(list);
    }

    public void addMember(Caller caller, String name, String login) {
        Group g = findGroup(name);
        checkGroupManage(caller, g);
        Account a = find(login);
        if (a.admin() && !caller.isAdmin()) {
            throw new AtriumException.Forbidden(Msg.of("identity.admin.only-manage-admins"));
        }
        join(g.id(), a.id());
        audit.record(caller, "group-member-added", g.name(), a.login());
    }

    public void removeMember(Caller caller, String name, String login) {
        Group g = findGroup(name);
        checkGroupManage(caller, g);
        Account a = find(login);
        leave(g.id(), a.id());
        audit.record(caller, "group-member-removed", g.name(), a.login());
    }

    /** Registered once at start, before requests arrive. */
    public void addGroupMembershipListener(GroupMembershipListener listener) {
        membershipListeners.add(listener);
    }

    private void join(GroupId group, AccountId account) {
        groups.addMember(group, account);
        tell(l -> l.joined(group, account));
    }

    private void leave(GroupId group, AccountId account) {
        groups.removeMember(group, account);
        tell(l -> l.left(group, account));
    }

    /**
     * The group change is made and stays made: a listener that fails is logged, not turned into
     * an error for the administrator who changed the group.
     */
    private void tell(java.util.function.Consumer<GroupMembershipListener> call) {
        for (GroupMembershipListener l : membershipListeners) {
            try {
                call.accept(l);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "group membership listener failed", e);
            }
        }
    }

    public void setGroupAdmin(Caller caller, String name, String login, boolean isAdmin) {
        requireAdmin(caller);
        Group g = findGroup(name);
        Account a = find(login);
        if (isAdmin) {
            groups.addAdmin(g.id(), a.id());
        } else {
            groups.removeAdmin(g.id(), a.id());
        }
        audit.record(caller, isAdmin ? "group-admin-added" : "group-admin-removed", g.name(), a.login());
    }

    // ---- permissions

    public Group findGroup(String name) {
        return groups.byName(name).orElseThrow(() -> new AtriumException.NotFound(Msg.of("identity.group.none", name)));
    }

    private List<Group> resolveGroups(List<String> names) {
        List<Group> out = new ArrayList<>();
        for (String n : new LinkedHashSet<>(names)) {
            out.add(findGroup(n));
        }
        return out;
    }

    private Set<GroupId> administered(Caller caller) {
        Set<GroupId> out = new HashSet<>();
        groups.groupsAdministeredBy(caller.id()).forEach(g -> out.add(g.id()));
        return out;
    }

    public static void requireAdmin(Caller caller) {
        if (!caller.isAdmin()) {
            throw new AtriumException.Forbidden(Msg.of("identity.admin.only"));
        }
    }

    /** Admins manage everyone; group admins manage non-admin members of their groups. */
    private void checkManage(Caller caller, Account target) {
        if (caller.isAdmin()) {
            return;
        }
        Set<GroupId> mine = administered(caller);
        boolean member = groups.groupsOf(target.id()).stream().anyMatch(g -> mine.contains(g.id()));
        if (!member || target.admin()) {
            throw new AtriumException.Forbidden(Msg.of("identity.group-admin.manage-own-members"));
        }
    }

    private void checkGroupManage(Caller caller, Group g) {
        if (!caller.isAdmin() && !administered(caller).contains(g.id())) {
            throw new AtriumException.Forbidden(Msg.of("identity.group.not-administered", g.name()));
        }
    }

    public boolean isGroupAdmin(AccountId id) {
        return !groups.groupsAdministeredBy(id).isEmpty();
    }

    /** First start: creates the "admin" account when there is no account at all. */
    public Optional<Account> createFirstAdmin(String password, boolean generated) {
        if (accounts.count() > 0) {
            return Optional.empty();
        }
        if (!generated) {
            policy.check(password, "admin", "Administrator");
        }
        Account a = new Account(new AccountId(ids.next()), "admin", "Administrator", Optional.empty(), "en",
                Optional.empty(), true, true, false, clock.millis(), Optional.empty());
        accounts.insert(a, Optional.of(generated ? hasher.hashRandomSecret(password) : hasher.hash(password)));
        audit.record(Optional.empty(), "user-created", Optional.of("admin"), "local", "first start");
        return Optional.of(a);
    }
}
