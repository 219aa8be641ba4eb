package atrium.identity.db;

import atrium.identity.Account;
import atrium.identity.AccountId;
import atrium.identity.TotpState;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/** Accounts, their password hash, their second factor and backup codes. */
public final class AccountStore {
    private static final String COLUMNS = "id, login, display_name, email, language, quota_bytes, enabled, admin, "
            + "totp_secret IS NOT NULL AS totp_enabled, created_at, last_login_at";

    public record Page(List<Account> items, long total) {
    }

    /** Search filter; a group admin's view is limited to members of the groups in {@code withinGroups}. */
    public record Filter(Optional<String> text, Optional<Long> groupId, Optional<Collection<Long>> withinGroups,
                         int limit, int offset) {
    }

    private final Jdbi jdbi;

    public AccountStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    static Account map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Account(new AccountId(rs.getLong("id")), rs.getString("login"), rs.getString("display_name"),
                Rows.string(rs, "email"), rs.getString("language"), Rows.longValue(rs, "quota_bytes"),
                rs.getBoolean("enabled"), rs.getBoolean("admin"), rs.getBoolean("totp_enabled"),
                rs.getLong("created_at"), Rows.longValue(rs, "last_login_at"));
    }

    public void insert(Account a, Optional<String> passwordHash) {
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO identity_accounts (id, login, display_name, email, language, quota_bytes, enabled, admin,
                            password_hash, totp_last_step, created_at, search_text)
                        VALUES (:id, :login, :name, :email, :lang, :quota, :enabled, :admin, :hash, 0, :created, :search)""")
                .bind("search", searchText(a))
                .bind("id", a.id().value()).bind("login", a.login()).bind("name", a.displayName())
                .bind("email", a.email().orElse(null)).bind("lang", a.language())
                .bind("quota", a.quotaBytes().orElse(null)).bind("enabled", a.enabled()).bind("admin", a.admin())
                .bind("hash", passwordHash.orElse(null)).bind("created", a.createdAt())
                .execute());
    }

    /** Updates the profile and flags (not credentials). */
    public void update(Account a) {
        jdbi.useHandle(h -> h.createUpdate("""
                        UPDATE identity_accounts SET display_name = :name, email = :email, language = :lang,
                            quota_bytes = :quota, enabled = :enabled, admin = :admin, search_text = :search WHERE id = :id""")
                .bind("search", searchText(a))
                .bind("id", a.id().value()).bind("name", a.displayName()).bind("email", a.email().orElse(null))
                .bind("lang", a.language()).bind("quota", a.quotaBytes().orElse(null))
                .bind("enabled", a.enabled()).bind("admin", a.admin())
                .execute());
    }

    public Optional<Account> byId(AccountId id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM identity_accounts WHERE id = :id")
                .bind("id", id.value()).map(AccountStore::map).findOne());
    }

    public Optional<Account> byLogin(String login) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM identity_accounts WHERE login = :login")
                .bind("login", login.toLowerCase(Locale.ROOT)).map(AccountStore::map).findOne());
    }

    /** Enabled administrators: whom the server tells about what concerns everyone (an infected upload). */
    public List<Account> admins() {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS
                        + " FROM identity_accounts WHERE admin = :yes AND enabled = :yes ORDER BY id")
                .bind("yes", true).map(AccountStore::map).list());
    }

    public List<Account> byLogins(Collection<String> logins) {
        if (logins.isEmpty()) {
            return List.of();
        }
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM identity_accounts WHERE login IN (<logins>)")
                .bindList("logins", List.copyOf(logins)).map(AccountStore::map).list());
    }

    public Page search(Filter f) {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        // '!' is the LIKE escape, not a backslash: JDBI's SQL parser reads \' as an escaped quote.
        f.text().ifPresent(t -> where.append(" AND search_text LIKE :text ESCAPE '!'"));
        f.groupId().ifPresent(g -> where.append(
                " AND id IN (SELECT account_id FROM identity_group_members WHERE group_id = :group)"));
        f.withinGroups().ifPresent(gs -> where.append(gs.isEmpty() ? " AND 1 = 0"
                : " AND id IN (SELECT account_id FROM identity_group_members WHERE group_id IN (<within>))"));
        return jdbi.withHandle(h -> {
            var count = h.createQuery("SELECT COUNT(*) FROM identity_accounts" + where);
            var list = h.createQuery("SELECT " + COLUMNS + " FROM identity_accounts" + where
                    + " ORDER BY login LIMIT :limit OFFSET :offset");
            for (var q : List.of(count, list)) {
                f.text().ifPresent(t -> q.bind("text", "%" + likeEscape(fold(t)) + "%"));
                f.groupId().ifPresent(g -> q.bind("group", g));
                f.withinGroups().filter(gs -> !gs.isEmpty()).ifPresent(gs -> q.bindList("within", List.copyOf(gs)));
            }
            long total = count.mapTo(Long.class).one();
            List<Account> items = list.bind("limit", f.limit()).bind("offset", f.offset()).map(AccountStore::map).list();
            return new Page(items, total);
        });
    }

    /** Lower case without accents, the form kept in search_text. */
    static String fold(String s) {
        return atrium.core.Fold.fold(s);
    }

    private static String searchText(Account a) {
        return fold(a.login() + " " + a.displayName() + " " + a.email().orElse(""));
    }

    private static String likeEscape(String s) {
        return atrium.core.Fold.likeEscape(s);
    }

    public long count() {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM identity_accounts").mapTo(Long.class).one());
    }

    public void delete(AccountId id) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM identity_accounts WHERE id = :id").bind("id", id.value()).execute());
    }

    public Optional<String> passwordHash(AccountId id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT password_hash FROM identity_accounts WHERE id = :id")
                .bind("id", id.value()).mapTo(String.class).findOne());
    }

    public void setPasswordHash(AccountId id, String hash) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE identity_accounts SET password_hash = :hash WHERE id = :id")
                .bind("id", id.value()).bind("hash", hash).execute());
    }

    public void touchLogin(AccountId id, long at) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE identity_accounts SET last_login_at = :at WHERE id = :id")
                .bind("id", id.value()).bind("at", at).execute());
    }

    public TotpState totp(AccountId id) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT totp_secret, totp_pending_secret, totp_last_step FROM identity_accounts WHERE id = :id")
                .bind("id", id.value())
                .map((rs, ctx) -> new TotpState(Rows.string(rs, "totp_secret"), Rows.string(rs, "totp_pending_secret"),
                        rs.getLong("totp_last_step")))
                .findOne().orElse(new TotpState(Optional.empty(), Optional.empty(), 0)));
    }

    public void setPendingTotp(AccountId id, String secret) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE identity_accounts SET totp_pending_secret = :s WHERE id = :id")
                .bind("id", id.value()).bind("s", secret).execute());
    }

    /** Makes the pending secret the active one and installs fresh backup codes, atomically. */
    public void activateTotp(AccountId id, String secret, long step, List<String> backupCodeHashes) {
        jdbi.useTransaction(h -> {
            h.createUpdate("""
                            UPDATE identity_accounts SET totp_secret = :s, totp_pending_secret = NULL, totp_last_step = :step
                            WHERE id = :id""")
                    .bind("id", id.value()).bind("s", secret).bind("step", step).execute();
            replaceBackupCodes(h, id, backupCodeHashes);
        });
    }

    /**
     * Records that a TOTP step was used; false when that step (or a later one) was used
     * already, so a code cannot be replayed even by two requests racing.
     */
    public boolean claimTotpStep(AccountId id, long step) {
        return jdbi.withHandle(h -> h.createUpdate(
                        "UPDATE identity_accounts SET totp_last_step = :step WHERE id = :id AND totp_last_step < :step")
                .bind("id", id.value()).bind("step", step).execute()) == 1;
    }

    public void clearTotp(AccountId id) {
        jdbi.useTransaction(h -> {
            h.createUpdate("UPDATE identity_accounts SET totp_secret = NULL, totp_pending_secret = NULL WHERE id = :id")
                    .bind("id", id.value()).execute();
            h.createUpdate("DELETE FROM identity_backup_codes WHERE account_id = :id").bind("id", id.value()).execute();
        });
    }

    public void replaceBackupCodes(AccountId id, List<String> hashes) {
        jdbi.useTransaction(h -> replaceBackupCodes(h, id, hashes));
    }

    private static void replaceBackupCodes(org.jdbi.v3.core.Handle h, AccountId id, List<String> hashes) {
        h.createUpdate("DELETE FROM identity_backup_codes WHERE account_id = :id").bind("id", id.value()).execute();
        var batch = h.prepareBatch("INSERT INTO identity_backup_codes (account_id, code_hash) VALUES (:id, :hash)");
        for (String hash : hashes) {
            batch.bind("id", id.value()).bind("hash", hash).add();
        }
        if (!hashes.isEmpty()) {
            batch.execute();
        }
    }

    /** Uses up a backup code; true only the first time. */
    public boolean useBackupCode(AccountId id, String hash) {
        return jdbi.withHandle(h -> h.createUpdate(
                        "DELETE FROM identity_backup_codes WHERE account_id = :id AND code_hash = :hash")
                .bind("id", id.value()).bind("hash", hash).execute()) == 1;
    }

    public int backupCodesLeft(AccountId id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM identity_backup_codes WHERE account_id = :id")
                .bind("id", id.value()).mapTo(Integer.class).one());
    }
}
