package atrium.files.share;

import atrium.files.NodeId;
import atrium.identity.AccountId;
import atrium.identity.GroupId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.SqlStatement;

/** The shares in SQL ({@code files_shares}, {@code files_share_members}); every method takes the caller's handle. */
final class ShareStore {
    /** One member's own state of a group share: another mount name, or having left it. */
    record MemberState(ShareId share, Optional<String> mountName, boolean left) {
    }

    void insert(Handle h, Share s) {
        bindAll(h.createUpdate("""
                INSERT INTO files_shares (id, share_type, node_id, owner_id, initiator_id, recipient_account, recipient_group,
                    recipient_email, permissions, mount_name, token, password_hash, expire_date, download_limit,
                    download_count, hide_download, label, note, created_at)
                VALUES (:id, :type, :node, :owner, :initiator, :account, :group, :email, :permissions, :mount, :token,
                    :password, :expire, :limit, :count, :hide, :label, :note, :created)"""), s).execute();
    }

    /** Writes every field a share may change. */
    void update(Handle h, Share s) {
        bindAll(h.createUpdate("""
                UPDATE files_shares SET permissions = :permissions, mount_name = :mount, password_hash = :password,
                    expire_date = :expire, download_limit = :limit, download_count = :count, hide_download = :hide,
                    label = :label, note = :note
                WHERE id = :id"""), s).execute();
    }

    private static <T extends SqlStatement<T>> T bindAll(T q, Share s) {
        return q.bind("id", s.id().value()).bind("type", s.type().code).bind("node", s.node().value())
                .bind("owner", s.owner().value()).bind("initiator", s.initiator().value())
                .bind("account", s.recipientAccount().map(AccountId::value).orElse(null))
                .bind("group", s.recipientGroup().map(GroupId::value).orElse(null))
                .bind("email", s.recipientEmail().orElse(null)).bind("permissions", s.permissions())
                .bind("mount", s.mountName().orElse(null)).bind("token", s.token().orElse(null))
                .bind("password", s.passwordHash().orElse(null))
                .bind("expire", s.expireDate().map(LocalDate::toString).orElse(null))
                .bind("limit", s.downloadLimit().orElse(null)).bind("count", s.downloadCount())
                .bind("hide", s.hideDownload()).bind("label", s.label()).bind("note", s.note())
                .bind("created", s.createdAt());
    }

    void delete(Handle h, ShareId id) {
        h.createUpdate("DELETE FROM files_share_members WHERE share_id = :id").bind("id", id.value()).execute();
        h.createUpdate("DELETE FROM files_shares WHERE id = :id").bind("id", id.value()).execute();
    }

    Optional<Share> byId(Handle h, ShareId id) {
        return h.createQuery("SELECT * FROM files_shares WHERE id = :id").bind("id", id.value())
                .map((rs, ctx) -> map(rs)).findOne();
    }

    Optional<Share> byToken(Handle h, String token) {
        return h.createQuery("SELECT * FROM files_shares WHERE token = :t").bind("t", token)
                .map((rs, ctx) -> map(rs)).findOne();
    }

    /** User shares with the account and group shares with any of the groups, oldest first. */
    List<Share> received(Handle h, AccountId account, Collection<GroupId> groups) {
        String byGroup = groups.isEmpty() ? "" : " OR (share_type = 1 AND recipient_group IN (<groups>))";
        var q = h.createQuery("SELECT * FROM files_shares WHERE ((share_type = 0 AND recipient_account = :a)" + byGroup
                        + ") AND owner_id <> :a AND initiator_id <> :a ORDER BY created_at, id")
                .bind("a", account.value());
        if (!groups.isEmpty()) {
            q.bindList("groups", groups.stream().map(GroupId::value).toList());
        }
        return q.map((rs, ctx) -> map(rs)).list();
    }

    /** Internal shares of the given nodes that reach the account (directly or through one of the groups). */
    List<Share> internalOn(Handle h, Collection<NodeId> nodes, AccountId account, Collection<GroupId> groups) {
        if (nodes.isEmpty()) {
            return List.of();
        }
        String byGroup = groups.isEmpty() ? "" : " OR (share_type = 1 AND recipient_group IN (<groups>))";
        var q = h.createQuery("SELECT * FROM files_shares WHERE node_id IN (<nodes>) AND ((share_type = 0 AND"
                        + " recipient_account = :a)" + byGroup + ")")
                .bindList("nodes", nodes.stream().map(NodeId::value).toList()).bind("a", account.value());
        if (!groups.isEmpty()) {
            q.bindList("groups", groups.stream().map(GroupId::value).toList());
        }
        return q.map((rs, ctx) -> map(rs)).list();
    }

    /** Shares the account made or whose node it owns, oldest first; only those on the given nodes when some are given. */
    List<Share> madeOrOwnedBy(Handle h, AccountId account, boolean owned, Optional<Collection<NodeId>> nodes) {
        if (nodes.isPresent() && nodes.get().isEmpty()) {
            return List.of();
        }
        String who = owned ? "(initiator_id = :a OR owner_id = :a)" : "initiator_id = :a";
        var q = h.createQuery("SELECT * FROM files_shares WHERE " + who
                        + (nodes.isPresent() ? " AND node_id IN (<nodes>)" : "") + " ORDER BY created_at, id")
                .bind("a", account.value());
        nodes.ifPresent(n -> q.bindList("nodes", n.stream().map(NodeId::value).toList()));
        return q.map((rs, ctx) -> map(rs)).list();
    }

    Map<ShareId, MemberState> memberStates(Handle h, AccountId account, Collection<ShareId> shares) {
        Map<ShareId, MemberState> out = new HashMap<>();
        if (shares.isEmpty()) {
            return out;
        }
        h.createQuery("SELECT * FROM files_share_members WHERE account_id = :a AND share_id IN (<shares>)")
                .bind("a", account.value()).bindList("shares", shares.stream().map(ShareId::value).toList())
                .map((rs, ctx) -> new MemberState(new ShareId(rs.getLong("share_id")),
                        Optional.ofNullable(rs.getString("mount_name")), rs.getObject("left_at") != null))
                .forEach(m -> out.put(m.share(), m));
        return out;
    }

    void setMember(Handle h, ShareId share, AccountId account, Optional<String> mountName, Optional<Long> leftAt) {
        h.createUpdate("DELETE FROM files_share_members WHERE share_id = :s AND account_id = :a")
                .bind("s", share.value()).bind("a", account.value()).execute();
        h.createUpdate("INSERT INTO files_share_members (share_id, account_id, mount_name, left_at) VALUES (:s, :a, :m, :l)")
                .bind("s", share.value()).bind("a", account.value()).bind("m", mountName.orElse(null))
                .bind("l", leftAt.orElse(null)).execute();
    }

    private static Share map(ResultSet rs) throws SQLException {
        return new Share(new ShareId(rs.getLong("id")), ShareType.of(rs.getInt("share_type")).orElseThrow(),
                new NodeId(rs.getLong("node_id")), new AccountId(rs.getLong("owner_id")),
                new AccountId(rs.getLong("initiator_id")), optionalLong(rs, "recipient_account").map(AccountId::new),
                optionalLong(rs, "recipient_group").map(GroupId::new), Optional.ofNullable(rs.getString("recipient_email")),
                rs.getInt("permissions"), Optional.ofNullable(rs.getString("mount_name")),
                Optional.ofNullable(rs.getString("token")), Optional.ofNullable(rs.getString("password_hash")),
                Optional.ofNullable(rs.getString("expire_date")).map(LocalDate::parse),
                optionalLong(rs, "download_limit").map(Long::intValue), rs.getInt("download_count"),
                rs.getBoolean("hide_download"), rs.getString("label"), rs.getString("note"), rs.getLong("created_at"));
    }

    private static Optional<Long> optionalLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(v);
    }
}
