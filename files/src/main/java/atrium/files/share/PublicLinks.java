package atrium.files.share;

import atrium.core.AtriumException;
import atrium.core.Ids;
import atrium.core.Msg;
import atrium.core.db.Database;
import atrium.files.FileService;
import atrium.files.Node;
import atrium.identity.Account;
import atrium.identity.AccountService;
import atrium.identity.AuditLog;
import atrium.identity.Caller;
import atrium.identity.LoginThrottle;
import atrium.identity.NotificationKind;
import atrium.identity.Notifications;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jdbi.v3.core.Jdbi;

/**
 * Public links as an outside person reaches them (docs/api/sharing.md, "Public links"): the
 * token resolved (unknown tokens count as guesses, throttled per address), the password
 * checked (wrong ones slowed down and throttled like sign-ins) and remembered in a signed
 * cookie scoped to the link, downloads counted against the limit, and every access written
 * to the share's activity list.
 */
public final class PublicLinks {
    /** How long a link's password is remembered by the browser that typed it. */
    public static final Duration UNLOCKED_FOR = Duration.ofHours(8);
    private static final int TOKEN_MAX = 64;

    /** A link that exists, has not expired and whose node is live, with where that node is. */
    public record Link(Share share, Node node, List<String> ownerPath, String ownerName) {
        public String token() {
            return share.token().orElseThrow();
        }

        public boolean may(int permission) {
            int p = node.folder() ? share.permissions() : Permissions.forFile(share.permissions());
            return (p & permission) == permission;
        }

        /** Upload-only: the visitor may add files and must see nothing of what is there. */
        public boolean fileDrop() {
            return node.folder() && !may(Permissions.READ) && may(Permissions.CREATE);
        }

        public boolean passwordProtected() {
            return share.passwordHash().isPresent();
        }
    }

    public record Activity(long at, String kind, String address, String detail) {
    }

    private final Jdbi jdbi;
    private final ShareService shares;
    private final FileService files;
    private final AccountService accounts;
    private final LoginThrottle throttle;
    private final AuditLog audit;
    private final Notifications notifications;
    private final Ids ids;
    private final Clock clock;
    private final byte[] cookieKey;

    /** @param cookieKey the HMAC key of the unlock cookies, the same on every node ({@link #cookieKey(Path)}) */
    public PublicLinks(Database db, ShareService shares, FileService files, AccountService accounts, LoginThrottle throttle,
                       AuditLog audit, Notifications notifications, Ids ids, Clock clock, byte[] cookieKey) {
        this.jdbi = db.jdbi();
        this.shares = shares;
        this.files = files;
        this.accounts = accounts;
        this.throttle = throttle;
        this.audit = audit;
        this.notifications = notifications;
        this.ids = ids;
        this.clock = clock;
        this.cookieKey = cookieKey.clone();
    }

    /**
     * The link of a token. An unknown token, a share that is no link and a link whose node is
     * gone are all the same 404, counted as a guess from the address; an expired link is 410.
     * Neither says what was shared.
     */
    public Link open(String token, String address) {
        throttle.checkTokenGuesses(address);
        Optional<Share> found = token.length() <= TOKEN_MAX && token.matches("[A-Za-z0-9]+")
                ? shares.byToken(token).filter(s -> !s.type().internal()) : Optional.empty();
        Optional<Node> node = found.flatMap(s -> files.byId(s.node()));
        Optional<List<String>> path = found.flatMap(s -> files.livePath(s.node()));
        if (found.isEmpty() || node.isEmpty() || path.isEmpty()) {
            throttle.tokenGuessFailed(address);
            throw new AtriumException.NotFound(Msg.of("files.link.not-found"));
        }
        Share s = found.get();
        if (s.expired(LocalDate.now(clock.withZone(ZoneOffset.UTC)))) {
            throw new AtriumException.Gone("link_expired", Msg.of("files.link.expired"));
        }
        String owner = accounts.byId(s.owner()).map(Account::displayName).orElse("");
        return new Link(s, node.get(), path.get(), owner);
    }

    /**
     * Lets the request through when the link has no password, the request carries a valid
     * unlock cookie, or it carries the right password (HTTP Basic, as the Nextcloud clients
     * send it); else 401.
     */
    public void authorize(Link link, Optional<String> password, Optional<String> cookie, String address) {
        if (!link.passwordProtected() || cookie.map(c -> cookieValid(link, c)).orElse(false)) {
            return;
        }
        if (password.isEmpty()) {
            throw new AtriumException.Unauthorized("link_password", Msg.of("files.link.password-needed"));
        }
        unlock(link, password.get(), address);
    }

    /**
     * Checks a link's password; a wrong one is recorded, slowed down and, repeated, blocked
     * (429) for the link from that address and for the address.
     *
     * @return the value of the unlock cookie
     */
    public String unlock(Link link, String password, String address) {
        // Per link and address (and per address, by the throttle itself): someone guessing
        // from one place cannot lock everyone else out of the link.
        String subject = "link:" + link.share().id().value() + "@" + address;
        throttle.check(subject, address);
        if (!shares.passwordMatches(link.share(), password)) {
            record(link, "wrong-password", address, "");
            throttle.failed(subject, address);
            throw new AtriumException.Unauthorized("link_password_wrong", Msg.of("files.link.password-wrong"));
        }
        throttle.succeeded(subject);
        long until = clock.millis() + UNLOCKED_FOR.toMillis();
        return until + "." + sign(link, until);
    }

    /** The name of a link's unlock cookie: one per link, so unlocking one opens no other. */
    public static String cookieName(String token) {
        return "atrium_link_" + token;
    }

    private boolean cookieValid(Link link, String value) {
        int dot = value.indexOf('.');
        if (dot < 1) {
            return false;
        }
        try {
            long until = Long.parseLong(value.substring(0, dot));
            return until > clock.millis() && MessageDigest.isEqual(sign(link, until).getBytes(StandardCharsets.US_ASCII),
                    value.substring(dot + 1).getBytes(StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Bound to the share and its password hash: a new password, or another link, makes old cookies worthless. */
    private String sign(Link link, long until) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(cookieKey, "HmacSHA256"));
            String data = link.share().id().value() + "|" + until + "|" + link.share().passwordHash().orElse("");
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** 403 for links that hide downloads (preview only). */
    public static void requireDownloadable(Link link) {
        if (link.share().hideDownload()) {
            throw new AtriumException.Forbidden("link_no_download", Msg.of("files.link.no-download"));
        }
    }

    /**
     * Counts one download, in one statement so that two at once cannot both take the last
     * one; 410 once the limit is used up.
     */
    public void countDownload(Link link, String address, String detail) {
        int changed = jdbi.withHandle(h -> h.createUpdate("""
                UPDATE files_shares SET download_count = download_count + 1
                WHERE id = :id AND (download_limit IS NULL OR download_count < download_limit)""")
                .bind("id", link.share().id().value()).execute());
        if (changed == 0) {
            throw new AtriumException.Gone("link_downloads_used", Msg.of("files.link.downloads-used"));
        }
        record(link, "download", address, detail);
    }

    /** One line of the share's activity list. */
    public void record(Link link, String kind, String address, String detail) {
        jdbi.useHandle(h -> h.createUpdate("""
                INSERT INTO files_share_activity (id, share_id, kind, address, detail, created_at)
                VALUES (:id, :share, :kind, :address, :detail, :at)""")
                .bind("id", ids.next()).bind("share", link.share().id().value()).bind("kind", kind)
                .bind("address", address).bind("detail", detail.length() > 4000 ? detail.substring(0, 4000) : detail)
                .bind("at", clock.millis()).execute());
    }

    /**
     * A file written through a link: in the activity list, and for file drops in the audit log
     * and a notification of the owner (who cannot see the drop's visitors any other way); the
     * uploads of one burst through one link make one notification and one e-mail.
     */
    public void uploaded(Link link, List<String> ownerPath, String address, String nickname) {
        String path = "/" + String.join("/", ownerPath.subList(link.ownerPath().size(), ownerPath.size()));
        String detail = nickname.isBlank() ? path : path + " (" + nickname.strip() + ")";
        record(link, "upload", address, detail);
        if (link.fileDrop()) {
            String owner = accounts.byId(link.share().owner()).map(Account::login).orElse("");
            audit.record(Optional.empty(), "files-link-upload", Optional.of(owner), address,
                    "share=" + link.share().id().value() + " path=/" + String.join("/", ownerPath)
                            + (nickname.isBlank() ? "" : " by=" + nickname.strip()));
            accounts.byId(link.share().owner()).ifPresent(o -> notifications.notifyBurst(o.id(), NotificationKind.FILE_DROP_UPLOAD,
                    "link:" + link.share().id().value(),
                    List.of(nickname.isBlank() ? Msg.of("files.notify.anonymous").text(Notifications.language(o)) : nickname.strip(),
                            ownerPath.getLast(), link.node().name()),
                    consoleFolder(ownerPath.subList(0, ownerPath.size() - 1))));
        }
    }

    /** The web console's address of a folder, relative: "/files/Devis%202026". */
    private static String consoleFolder(List<String> path) {
        StringBuilder out = new StringBuilder("/files");
        for (String segment : path) {
            out.append('/').append(java.net.URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return out.toString();
    }

    /** The share's activity, newest first: for its maker or the item's owner only (404 for anyone else, as OCS). */
    public List<Activity> activity(Caller caller, ShareId id) {
        Share s = shares.visible(caller, id);
        if (!s.owner().equals(caller.id()) && !s.initiator().equals(caller.id())) {
            throw new AtriumException.NotFound(Msg.of("files.share.not-found", id.value()));
        }
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT kind, address, detail, created_at FROM files_share_activity WHERE share_id = :id
                ORDER BY created_at DESC, id DESC""").bind("id", id.value())
                .map((rs, ctx) -> new Activity(rs.getLong("created_at"), rs.getString("kind"), rs.getString("address"),
                        rs.getString("detail"))).list());
    }

    /**
     * Where a file dropped under a name lands: that name when it is free, else "name (2)",
     * "name (3)"… before the extension, as Nextcloud's file drop does. Visitors of a file drop
     * never replace anything.
     */
    public List<String> freeName(Link link, List<String> ownerPath) {
        String name = ownerPath.getLast();
        List<String> parent = ownerPath.subList(0, ownerPath.size() - 1);
        String candidate = name;
        for (int i = 2; files.resolve(link.share().owner(), append(parent, candidate)).isPresent(); i++) {
            candidate = FileService.numbered(name, i);
        }
        return append(parent, candidate);
    }

    private static List<String> append(List<String> parent, String name) {
        List<String> out = new ArrayList<>(parent);
        out.add(name);
        return out;
    }

    /** The unlock cookies' key, made once and kept with the master key. */
    public static byte[] cookieKey(Path file) {
        try {
            if (Files.exists(file)) {
                byte[] key = Files.readAllBytes(file);
                if (key.length == 32) {
                    return key;
                }
            }
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(tmp, key);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + file, e);
        }
    }
}
