package atrium.files.share;

import atrium.files.NodeId;
import atrium.identity.AccountId;
import atrium.identity.GroupId;
import java.time.LocalDate;
import java.util.Optional;

/**
 * One share of a file or folder (docs/adr/0011-sharing-model.md). The owner owns the node and
 * pays for what is written into it; the initiator made the share (the owner, or someone
 * re-sharing what was shared with them). The recipient is an account (user share), a group
 * (resolved at every request), an e-mail address, or nobody (a link, reached by its token).
 *
 * @param mountName    where the share appears at the recipient's root: the user's name for a
 *                     user share, the default for the members of a group
 * @param passwordHash Argon2id, for links and e-mail shares; never leaves the server
 * @param expireDate   the last day the share works (UTC)
 */
public record Share(ShareId id, ShareType type, NodeId node, AccountId owner, AccountId initiator,
                    Optional<AccountId> recipientAccount, Optional<GroupId> recipientGroup,
                    Optional<String> recipientEmail, int permissions, Optional<String> mountName,
                    Optional<String> token, Optional<String> passwordHash, Optional<LocalDate> expireDate,
                    Optional<Integer> downloadLimit, int downloadCount, boolean hideDownload, String label, String note,
                    long createdAt) {

    public boolean expired(LocalDate today) {
        return expireDate.map(today::isAfter).orElse(false);
    }

    Share withPermissions(int p) {
        return new Share(id, type, node, owner, initiator, recipientAccount, recipientGroup, recipientEmail, p, mountName,
                token, passwordHash, expireDate, downloadLimit, downloadCount, hideDownload, label, note, createdAt);
    }

    Share withPassword(Optional<String> hash) {
        return new Share(id, type, node, owner, initiator, recipientAccount, recipientGroup, recipientEmail, permissions,
                mountName, token, hash, expireDate, downloadLimit, downloadCount, hideDownload, label, note, createdAt);
    }

    Share withExpireDate(Optional<LocalDate> date) {
        return new Share(id, type, node, owner, initiator, recipientAccount, recipientGroup, recipientEmail, permissions,
                mountName, token, passwordHash, date, downloadLimit, downloadCount, hideDownload, label, note, createdAt);
    }

    Share withTexts(String newLabel, String newNote, boolean hide) {
        return new Share(id, type, node, owner, initiator, recipientAccount, recipientGroup, recipientEmail, permissions,
                mountName, token, passwordHash, expireDate, downloadLimit, downloadCount, hide, newLabel, newNote, createdAt);
    }

    /** A new limit, or none, counts from zero again, as Nextcloud's files_downloadlimit does. */
    Share withDownloadLimit(Optional<Integer> limit) {
        return new Share(id, type, node, owner, initiator, recipientAccount, recipientGroup, recipientEmail, permissions,
                mountName, token, passwordHash, expireDate, limit, 0, hideDownload, label, note, createdAt);
    }

    Share withMountName(String name) {
        return new Share(id, type, node, owner, initiator, recipientAccount, recipientGroup, recipientEmail, permissions,
                Optional.of(name), token, passwordHash, expireDate, downloadLimit, downloadCount, hideDownload, label, note,
                createdAt);
    }
}
