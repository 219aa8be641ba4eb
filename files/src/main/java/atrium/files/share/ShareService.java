package atrium.files.share;

import atrium.core.AtriumException;
import atrium.core.Ids;
import atrium.core.Msg;
import atrium.core.db.Database;
import atrium.files.FileService;
import atrium.files.Node;
import atrium.files.NodeId;
import atrium.identity.Account;
import atrium.identity.AccountId;
import atrium.identity.AccountService;
import atrium.identity.AuditLog;
import atrium.identity.Caller;
import atrium.identity.Group;
import atrium.identity.GroupId;
import atrium.identity.PasswordHasher;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;

/**
 * Shares of every type (docs/adr/0011-sharing-model.md): creating, changing and deleting
 * them, and resolving, at every request, what a caller sees — the shares mounted at their
 * root ({@link #mounts}) and where a path of their namespace leads ({@link #locate}).
 * Group membership and re-sharers' rights are looked up when asked, never copied.
 */
public final class ShareService {
    /**
     * Admin rules for links ({@code files.share-link-max-expiry-days}, {@code
     * files.share-link-default-expiry-days}, {@code files.share-link-enforce-password}; 0 days:
     * none), as {@link LinkPolicy} has them at the time of a request.
     */
    public record Policy(int linkMaxExpiryDays, int linkDefaultExpiryDays, boolean linkPasswordEnforced) {
    }

    /** A new share as OCS describes it; the path is in the caller's namespace. */
    public record Request(ShareType type, List<String> path, Optional<String> shareWith, Optional<Integer> permissions,
                          Optional<Boolean> publicUpload, Optional<String> password, Optional<String> expireDate,
                          Optional<String> label, Optional<String> note, Optional<Boolean> hideDownload) {
    }

    /** What an update changes; an empty password or expiry date removes it. */
    public record Changes(Optional<Integer> permissions, Optional<Boolean> publicUpload, Optional<String> password,
                          Optional<String> expireDate, Optional<String> label, Optional<String> note,
                          Optional<Boolean> hideDownload) {
    }

    private static final int MAX_CHAIN = 8;
    private static final String TOKEN_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

    private final Jdbi jdbi;
    private final ShareStore store = new ShareStore();
    private final FileService files;
    private final AccountService accounts;
    private final PasswordHasher hasher;
    private final AuditLog audit;
    private final Ids ids;
    private final Clock clock;
    private final Supplier<Policy> policy;
    private final SecureRandom random = new SecureRandom();

    public ShareService(Database db, FileService files, AccountService accounts, PasswordHasher hasher, AuditLog audit,
                        Ids ids, Clock clock, Supplier<Policy> policy) {
        this.jdbi = db.jdbi();
        this.files = files;
        this.accounts = accounts;
        this.hasher = hasher;
        this.audit = audit;
        this.ids = ids;
        this.clock = clock;
        this.policy = policy;
    }

    /**
     * Nextcloud's {@code files_sharing} capability, saying only what works (docs/adr/0011):
     * people and groups, re-sharing, public links with upload and file drop (public page and
     * public WebDAV); no mail is sent. The link rules are the ones in force now. With a
     * maximum, {@code days} is that maximum, as the Nextcloud clients read it when {@code
     * enforced}; a shorter default is in {@code default_days}, which only the console reads.
     */
    public Map<String, Object> capability() {
        Policy rules = policy.get();
        int max = rules.linkMaxExpiryDays();
        int dflt = rules.linkDefaultExpiryDays();
        Map<String, Object> expire = new LinkedHashMap<>();
        expire.put("enabled", max > 0 || dflt > 0);
        if (max > 0 || dflt > 0) {
            expire.put("days", max > 0 ? max : dflt);
            expire.put("enforced", max > 0);
        }
        if (dflt > 0) {
            expire.put("default_days", dflt);
        }
        Map<String, Object> pub = new LinkedHashMap<>();
        pub.put("enabled", true);
        pub.put("password", Map.of("enforced", rules.linkPasswordEnforced(), "askForOptionalPassword", false));
        pub.put("expire_date", expire);
        pub.put("multiple_links", true);
        pub.put("expire_date_internal", Map.of("enabled", false));
        pub.put("expire_date_remote", Map.of("enabled", false));
        pub.put("send_mail", false);
        pub.put("upload", true);
        pub.put("upload_files_drop", true);
        pub.put("custom_tokens", false);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("api_enabled", true);
        out.put("public", pub);
        out.put("resharing", true);
        out.put("user", Map.of("send_mail", false, "expire_date", Map.of("enabled", false)));
        out.put("group_sharing", true);
        out.put("group", Map.of("enabled", true, "expire_date", Map.of("enabled", false)));
        out.put("default_permissions", Permissions.ALL);
        out.put("federation", Map.of("outgoing", false, "incoming", false, "expire_date", Map.of("enabled", false),
                "expire_date_supported", Map.of("enabled", false)));
        out.put("sharee", Map.of("query_lookup_default", false, "always_show_unique", true));
        return out;
    }

    private LocalDate today() {
        return LocalDate.now(clock.withZone(ZoneOffset.UTC));
    }

    private List<GroupId> groupsOf(AccountId account) {
        return accounts.groupsOf(account).stream().map(Group::id).toList();
    }

    // ---- what a recipient sees

    /**
     * The shares mounted at the recipient's root, oldest first, each under a name unique
     * among them and the recipient's own root entries. Expired shares, shares whose node is
     * in the trash, shares the recipient left and re-shares whose initiator lost access are
     * not there.
     */
    public List<Mount> mounts(AccountId recipient) {
        List<Share> received = jdbi.withHandle(h -> store.received(h, recipient, groupsOf(recipient)));
        if (received.isEmpty()) {
            return List.of();
        }
        List<ShareId> groupShares = received.stream().filter(s -> s.type() == ShareType.GROUP).map(Share::id).toList();
        Map<ShareId, ShareStore.MemberState> states = jdbi.withHandle(h -> store.memberStates(h, recipient, groupShares));
        Set<String> taken = new HashSet<>();
        for (Node n : files.children(files.root(recipient))) {
            taken.add(n.name());
        }
        LocalDate today = today();
        Map<NodeId, Mount> out = new LinkedHashMap<>();
        for (Share s : received) {
            Optional<ShareStore.MemberState> state = Optional.ofNullable(states.get(s.id()));
            if (s.expired(today) || state.map(ShareStore.MemberState::left).orElse(false)) {
                continue;
            }
            Optional<List<String>> path = files.livePath(s.node());
            Optional<Node> node = path.flatMap(p -> files.byId(s.node()));
            if (node.isEmpty()) {
                continue;
            }
            int permissions = effective(s, node.get(), 0);
            if ((permissions & Permissions.READ) == 0) {
                continue;
            }
            Mount first = out.get(s.node());
            if (first != null) {
                // Shared with them twice (say, in person and through a group): one mount, with both shares' rights.
                out.put(s.node(), new Mount(first.share(), first.name(), first.node(), first.ownerPath(),
                        first.permissions() | permissions));
                continue;
            }
            String wanted = state.flatMap(ShareStore.MemberState::mountName).or(s::mountName).orElse(node.get().name());
            String name = free(wanted, taken);
            taken.add(name);
            if (s.type() == ShareType.GROUP && !name.equals(wanted)) {
                // Kept for this member, so the name does not change when the other entry goes away.
                jdbi.useTransaction(h -> store.setMember(h, s.id(), recipient, Optional.of(name), Optional.empty()));
            }
            out.put(s.node(), new Mount(s, name, node.get(), path.get(), permissions));
        }
        return List.copyOf(out.values());
    }

    /** The name itself when free, else "name (2)", "name (3)"… with the extension kept last. */
    static String free(String wanted, Set<String> taken) {
        if (!taken.contains(wanted)) {
            return wanted;
        }
        for (int i = 2; ; i++) {
            String candidate = FileService.numbered(wanted, i);
            if (!taken.contains(candidate)) {
                return candidate;
            }
        }
    }

    /** What a share lets its recipient do now: its bits, within what its initiator may still do. */
    private int effective(Share s, Node node, int depth) {
        int bits = node.folder() ? s.permissions() : Permissions.forFile(s.permissions());
        if (s.initiator().equals(s.owner())) {
            return bits;
        }
        return bits & access(s.initiator(), node, depth + 1);
    }

    /** What an account may do on a node: everything on its own, else the union of the shares that reach it. */
    public int access(AccountId account, Node node) {
        return access(account, node, 0);
    }

    private int access(AccountId account, Node node, int depth) {
        if (node.owner().equals(account)) {
            return Permissions.ALL;
        }
        if (depth > MAX_CHAIN) {
            return 0;
        }
        List<NodeId> chain = new ArrayList<>();
        Optional<Node> current = Optional.of(node);
        Map<NodeId, Node> byId = new HashMap<>();
        while (current.isPresent()) {
            chain.add(current.get().id());
            byId.put(current.get().id(), current.get());
            current = current.get().parent().flatMap(files::byId);
        }
        List<GroupId> groups = groupsOf(account);
        List<Share> reaching = jdbi.withHandle(h -> store.internalOn(h, chain, account, groups));
        List<ShareId> groupShares = reaching.stream().filter(s -> s.type() == ShareType.GROUP).map(Share::id).toList();
        Map<ShareId, ShareStore.MemberState> states = jdbi.withHandle(h -> store.memberStates(h, account, groupShares));
        LocalDate today = today();
        int out = 0;
        for (Share s : reaching) {
            if (s.expired(today) || Optional.ofNullable(states.get(s.id())).map(ShareStore.MemberState::left).orElse(false)) {
                continue;
            }
            out |= effective(s, byId.get(s.node()), depth) & (node.folder() ? Permissions.ALL : Permissions.forFile(Permissions.ALL));
        }
        return files.livePath(node.id()).isPresent() ? out : 0;
    }

    /**
     * Where a path of the caller's namespace leads: into a share when its first name is one
     * of the caller's mounts (a mount hides an own entry of the same name), else the caller's
     * own tree with every right.
     */
    public Location locate(AccountId caller, List<String> path) {
        if (!path.isEmpty()) {
            for (Mount m : mounts(caller)) {
                if (m.name().equals(path.getFirst())) {
                    return inside(m, path.subList(1, path.size()));
                }
            }
        }
        return new Location(caller, path, Permissions.ALL, Optional.empty());
    }

    /** The location of a path below a mount (empty: the mount point). */
    public static Location inside(Mount m, List<String> rest) {
        List<String> ownerPath = new ArrayList<>(m.ownerPath());
        ownerPath.addAll(rest);
        return new Location(m.node().owner(), List.copyOf(ownerPath), m.permissions(), Optional.of(m));
    }

    /** Renames a mount point for its recipient only; the name must be free at their root. */
    public void renameMount(AccountId recipient, Mount m, String newName) {
        Set<String> taken = new HashSet<>();
        files.children(files.root(recipient)).forEach(n -> taken.add(n.name()));
        mounts(recipient).stream().filter(o -> !o.share().id().equals(m.share().id())).forEach(o -> taken.add(o.name()));
        if (taken.contains(newName)) {
            throw new AtriumException.Conflict(Msg.of("files.destination.exists", newName));
        }
        jdbi.useTransaction(h -> {
            if (m.share().type() == ShareType.USER) {
                store.update(h, m.share().withMountName(newName));
            } else {
                store.setMember(h, m.share().id(), recipient, Optional.of(newName), Optional.empty());
            }
        });
    }

    /** The recipient leaves a share (deleting its mount point): a user share ends, a group share is hidden for them. */
    public void leave(Caller caller, Mount m) {
        jdbi.useTransaction(h -> {
            if (m.share().type() == ShareType.USER) {
                store.delete(h, m.share().id());
            } else {
                store.setMember(h, m.share().id(), caller.id(), Optional.empty(), Optional.of(clock.millis()));
            }
        });
        audit.record(caller, "files-share-left", describe(m.share()), "");
    }

    /** The types of the shares the caller made or owns on each of the nodes (oc:share-types). */
    public Map<NodeId, Set<Integer>> shareTypes(AccountId caller, Collection<NodeId> nodes) {
        Map<NodeId, Set<Integer>> out = new HashMap<>();
        if (nodes.isEmpty()) {
            return out;
        }
        for (Share s : jdbi.withHandle(h -> store.madeOrOwnedBy(h, caller, true, Optional.of(nodes)))) {
            out.computeIfAbsent(s.node(), k -> new TreeSet<>()).add(s.type().code);
        }
        return out;
    }

    /** Who an account is, for the owner properties of shared items and the OCS share fields. */
    public Optional<Account> account(AccountId id) {
        return accounts.byId(id);
    }

    // ---- the owner's side: create, change, delete, list

    public Share create(Caller caller, Request r) {
        Location where = locate(caller.id(), r.path());
        if (r.path().isEmpty()) {
            throw new AtriumException.Forbidden(Msg.of("files.share.root"));
        }
        Node node = files.resolve(where.owner(), where.path())
                .orElseThrow(() -> new AtriumException.NotFound(Msg.of("files.share.path-missing", "/" + String.join("/", r.path()))));
        if (!where.may(Permissions.SHARE)) {
            throw new AtriumException.Forbidden(Msg.of("files.share.no-reshare", node.name()));
        }
        int held = node.folder() ? where.permissions() : Permissions.forFile(where.permissions());
        int permissions = requestedPermissions(r.type(), node, r.permissions(), r.publicUpload());
        if ((permissions & ~held) != 0) {
            throw new AtriumException.Forbidden(Msg.of("files.share.escalation", node.name()));
        }
        Optional<AccountId> account = Optional.empty();
        Optional<GroupId> group = Optional.empty();
        Optional<String> email = Optional.empty();
        Optional<String> mountName = Optional.empty();
        Optional<String> token = Optional.empty();
        String with = r.shareWith().map(String::strip).orElse("");
        switch (r.type()) {
            case USER -> {
                Account recipient = accounts.byLogin(with).filter(Account::enabled)
                        .orElseThrow(() -> new AtriumException.NotFound(Msg.of("files.share.no-user", with)));
                if (recipient.id().equals(caller.id()) || recipient.id().equals(node.owner())) {
                    throw new AtriumException.Forbidden(Msg.of("files.share.self"));
                }
                account = Optional.of(recipient.id());
                mountName = Optional.of(userMountName(recipient.id(), node.name()));
            }
            case GROUP -> {
                Group g = accounts.groupsMatching(with, 200).stream().filter(x -> x.name().equalsIgnoreCase(with)).findFirst()
                        .orElseThrow(() -> new AtriumException.NotFound(Msg.of("files.share.no-group", with)));
                group = Optional.of(g.id());
                mountName = Optional.of(node.name());
            }
            case EMAIL -> {
                if (!EMAIL.matcher(with).matches()) {
                    throw AtriumException.Invalid.field("shareWith", Msg.of("files.share.bad-email", with));
                }
                email = Optional.of(with);
                token = Optional.of(newToken());
            }
            case LINK -> token = Optional.of(newToken());
        }
        if (r.type().internal()) {
            AccountId recipient = account.orElse(null);
            Optional<GroupId> g = group;
            boolean duplicate = jdbi.withHandle(h -> store.madeOrOwnedBy(h, caller.id(), false, Optional.of(List.of(node.id()))))
                    .stream().anyMatch(s -> s.type() == r.type() && (recipient != null
                            ? s.recipientAccount().equals(Optional.of(recipient)) : s.recipientGroup().equals(g)));
            if (duplicate) {
                throw new AtriumException.Conflict(Msg.of("files.share.duplicate", node.name(), with));
            }
        }
        Optional<String> hash = r.password().filter(p -> !p.isEmpty()).map(p -> {
            if (r.type().internal()) {
                throw AtriumException.Invalid.field("password", Msg.of("files.share.password-internal"));
            }
            return hasher.hash(p);
        });
        Policy rules = policy.get();
        if (!r.type().internal() && rules.linkPasswordEnforced() && hash.isEmpty()) {
            throw new AtriumException.Forbidden(Msg.of("files.share.password-required"));
        }
        Optional<LocalDate> expire = expiry(rules, r.type(), r.expireDate(), true);
        Share share = new Share(new ShareId(ids.next()), r.type(), node.id(), node.owner(), caller.id(), account, group, email,
                permissions, mountName, token, hash, expire, Optional.empty(), 0, r.hideDownload().orElse(false),
                r.label().orElse(""), r.note().orElse(""), clock.millis());
        jdbi.useTransaction(h -> store.insert(h, share));
        audit.record(caller, "files-share-created", describe(share), "permissions " + permissions);
        return share;
    }

    /** The permissions of a new share: asked for, or Nextcloud's defaults (31 for people, 1 for links). */
    private static int requestedPermissions(ShareType type, Node node, Optional<Integer> asked, Optional<Boolean> publicUpload) {
        int p;
        if (publicUpload.orElse(false) && !type.internal()) {
            if (!node.folder()) {
                throw AtriumException.Invalid.field("publicUpload", Msg.of("files.share.upload-folder-only"));
            }
            p = Permissions.READ | Permissions.UPDATE | Permissions.CREATE | Permissions.DELETE;
        } else {
            p = asked.orElse(type.internal() ? Permissions.ALL : Permissions.READ);
        }
        if (p < 0 || p > Permissions.ALL) {
            throw AtriumException.Invalid.field("permissions", Msg.of("files.share.bad-permissions", p));
        }
        if (!node.folder()) {
            p = Permissions.forFile(p);
        }
        boolean fileDrop = !type.internal() && node.folder() && p == Permissions.CREATE;
        if ((p & Permissions.READ) == 0 && !fileDrop) {
            throw AtriumException.Invalid.field("permissions", Msg.of("files.share.no-read"));
        }
        if (!type.internal()) {
            // Links cannot be re-shared: whoever has the link is not known to us.
            p &= ~Permissions.SHARE;
        }
        return p;
    }

    /** The name a new user share takes at its recipient's root: the node's, numbered when taken. */
    private String userMountName(AccountId recipient, String name) {
        Set<String> taken = new HashSet<>();
        files.children(files.root(recipient)).forEach(n -> taken.add(n.name()));
        mounts(recipient).forEach(m -> taken.add(m.name()));
        return free(name, taken);
    }

    /**
     * An expiry date from OCS ({@code YYYY-MM-DD}, or a date-time whose date is taken); for
     * links, at most {@code files.share-link-max-expiry-days} ahead. A new link without a date
     * gets the default ({@code files.share-link-default-expiry-days}), else the maximum; with
     * a maximum, removing the date sets it to the maximum.
     */
    private Optional<LocalDate> expiry(Policy rules, ShareType type, Optional<String> text, boolean creating) {
        Optional<LocalDate> date = text.map(String::strip).filter(t -> !t.isEmpty()).map(t -> {
            try {
                return LocalDate.parse(t.length() > 10 ? t.substring(0, 10) : t);
            } catch (DateTimeParseException e) {
                throw AtriumException.Invalid.field("expireDate", Msg.of("files.share.bad-date", t));
            }
        });
        if (date.isPresent() && date.get().isBefore(today())) {
            throw AtriumException.Invalid.field("expireDate", Msg.of("files.share.date-past", date.get().toString()));
        }
        int max = rules.linkMaxExpiryDays();
        int dflt = rules.linkDefaultExpiryDays();
        if (!type.internal() && date.isEmpty() && creating && dflt > 0) {
            return Optional.of(today().plusDays(max > 0 ? Math.min(dflt, max) : dflt));
        }
        if (!type.internal() && max > 0) {
            LocalDate latest = today().plusDays(max);
            if (date.isEmpty() && (creating || text.isPresent())) {
                return Optional.of(latest);
            }
            if (date.isPresent() && date.get().isAfter(latest)) {
                throw AtriumException.Invalid.field("expireDate", Msg.of("files.share.date-too-late", max));
            }
        }
        return date;
    }

    private String newToken() {
        StringBuilder b = new StringBuilder(32);
        for (int i = 0; i < 32; i++) {
            b.append(TOKEN_ALPHABET.charAt(random.nextInt(TOKEN_ALPHABET.length())));
        }
        return b.toString();
    }

    /**
     * A share the caller may see: one they made, own the node of, or received (directly or
     * through a group they are in now). Anything else is "not found", never "forbidden", so
     * share ids cannot be probed.
     */
    public Share visible(Caller caller, ShareId id) {
        Share s = jdbi.withHandle(h -> store.byId(h, id))
                .orElseThrow(() -> new AtriumException.NotFound(Msg.of("files.share.not-found", id.value())));
        if (manages(caller, s) || receives(caller.id(), s)) {
            return s;
        }
        throw new AtriumException.NotFound(Msg.of("files.share.not-found", id.value()));
    }

    private static boolean manages(Caller caller, Share s) {
        return s.initiator().equals(caller.id()) || s.owner().equals(caller.id());
    }

    private boolean receives(AccountId account, Share s) {
        return switch (s.type()) {
            case USER -> s.recipientAccount().equals(Optional.of(account));
            case GROUP -> s.recipientGroup().map(g -> groupsOf(account).contains(g)).orElse(false);
            default -> false;
        };
    }

    public Share update(Caller caller, ShareId id, Changes c) {
        Share s = visible(caller, id);
        if (!manages(caller, s)) {
            throw new AtriumException.Forbidden(Msg.of("files.share.not-yours"));
        }
        Node node = files.byId(s.node()).orElseThrow(() -> new AtriumException.NotFound(Msg.of("files.share.not-found", id.value())));
        Share changed = s;
        if (c.permissions().isPresent() || c.publicUpload().isPresent()) {
            int p = requestedPermissions(s.type(), node, c.permissions().or(() -> c.publicUpload().filter(u -> !u)
                    .map(u -> Permissions.READ)), c.publicUpload().filter(u -> u));
            int held = s.initiator().equals(s.owner()) ? Permissions.ALL : access(s.initiator(), node);
            if ((p & ~(node.folder() ? held : Permissions.forFile(held))) != 0) {
                throw new AtriumException.Forbidden(Msg.of("files.share.escalation", node.name()));
            }
            changed = changed.withPermissions(p);
        }
        if (c.password().isPresent()) {
            if (s.type().internal()) {
                throw AtriumException.Invalid.field("password", Msg.of("files.share.password-internal"));
            }
            String p = c.password().get();
            if (p.isEmpty() && policy.get().linkPasswordEnforced()) {
                throw new AtriumException.Forbidden(Msg.of("files.share.password-required"));
            }
            changed = changed.withPassword(p.isEmpty() ? Optional.empty() : Optional.of(hasher.hash(p)));
        }
        if (c.expireDate().isPresent()) {
            changed = changed.withExpireDate(expiry(policy.get(), s.type(), c.expireDate(), false));
        }
        changed = changed.withTexts(c.label().orElse(changed.label()), c.note().orElse(changed.note()),
                c.hideDownload().orElse(changed.hideDownload()));
        Share result = changed;
        jdbi.useTransaction(h -> store.update(h, result));
        audit.record(caller, "files-share-changed", describe(result), "permissions " + result.permissions()
                + (c.password().isPresent() ? ", password " + (c.password().get().isEmpty() ? "removed" : "set") : "")
                + (c.expireDate().isPresent() ? ", expires " + result.expireDate().map(LocalDate::toString).orElse("never") : ""));
        return result;
    }

    /**
     * The link or e-mail share of the token, for its initiator or the owner of its node
     * only: to anyone else it does not exist (404), as in Nextcloud's files_downloadlimit.
     */
    public Share limitable(Caller caller, String token) {
        return jdbi.withHandle(h -> store.byToken(h, token))
                .filter(s -> !s.type().internal() && manages(caller, s))
                .orElseThrow(() -> new AtriumException.NotFound(Msg.of("files.share.link-not-found")));
    }

    /**
     * Sets (at least 1) or removes the download limit of a link; either way its count starts
     * again from zero, as Nextcloud's files_downloadlimit does.
     */
    public Share limitDownloads(Caller caller, String token, Optional<Integer> limit) {
        Share s = limitable(caller, token);
        if (limit.isPresent() && limit.get() < 1) {
            throw AtriumException.Invalid.field("limit", Msg.of("files.share.bad-limit", limit.get()));
        }
        Share result = s.withDownloadLimit(limit);
        jdbi.useTransaction(h -> store.update(h, result));
        audit.record(caller, "files-share-changed", describe(result),
                "download limit " + limit.map(String::valueOf).orElse("removed"));
        return result;
    }

    /** The initiator or owner deletes a share; a recipient leaves it (Nextcloud's "delete from self"). */
    public void delete(Caller caller, ShareId id) {
        Share s = visible(caller, id);
        if (!manages(caller, s)) {
            for (Mount m : mounts(caller.id())) {
                if (m.share().id().equals(id)) {
                    leave(caller, m);
                    return;
                }
            }
            throw new AtriumException.NotFound(Msg.of("files.share.not-found", id.value()));
        }
        jdbi.useTransaction(h -> store.delete(h, s.id()));
        audit.record(caller, "files-share-deleted", describe(s), "");
    }

    /**
     * The shares the caller made (and, with {@code owned}, those others made of the caller's
     * nodes), on the given nodes only when some are given.
     */
    public List<Share> made(AccountId caller, boolean owned, Optional<Collection<NodeId>> nodes) {
        return jdbi.withHandle(h -> store.madeOrOwnedBy(h, caller, owned, nodes));
    }

    /** Whether the text matches the share's password (links and e-mail shares, for the public page to come). */
    public boolean passwordMatches(Share s, String password) {
        return s.passwordHash().map(hash -> hasher.verify(password, hash)).orElse(true);
    }

    public Optional<Share> byToken(String token) {
        return jdbi.withHandle(h -> store.byToken(h, token));
    }

    /**
     * The path of a share's node as the caller sees it: in their own tree, or through one of
     * their mounts; empty when they cannot reach it.
     */
    public Optional<List<String>> pathFor(AccountId caller, Share s, List<Mount> callerMounts) {
        Optional<List<String>> ownerPath = files.livePath(s.node());
        if (ownerPath.isEmpty()) {
            return Optional.empty();
        }
        if (s.owner().equals(caller)) {
            return ownerPath;
        }
        for (Mount m : callerMounts) {
            List<String> base = m.ownerPath();
            List<String> p = ownerPath.get();
            if (m.node().owner().equals(s.owner()) && p.size() >= base.size() && p.subList(0, base.size()).equals(base)) {
                List<String> out = new ArrayList<>();
                out.add(m.name());
                out.addAll(p.subList(base.size(), p.size()));
                return Optional.of(out);
            }
        }
        return Optional.empty();
    }

    /** For the audit log: the share's id, type and recipient. */
    private String describe(Share s) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("share", Long.toString(s.id().value()));
        d.put("type", s.type().name().toLowerCase(java.util.Locale.ROOT));
        s.recipientAccount().flatMap(accounts::byId).ifPresent(a -> d.put("with", a.login()));
        s.recipientGroup().flatMap(accounts::groupById).ifPresent(g -> d.put("with", g.name()));
        s.recipientEmail().ifPresent(e -> d.put("with", e));
        files.livePath(s.node()).ifPresent(p -> d.put("path", "/" + String.join("/", p)));
        StringBuilder b = new StringBuilder();
        d.forEach((k, v) -> b.append(b.isEmpty() ? "" : " ").append(k).append('=').append(v));
        return b.toString();
    }
}
