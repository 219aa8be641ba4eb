package atrium.voip;

import atrium.identity.AccountId;

/** A user's extension number. */
public record Extension(AccountId account, String number, long createdAt) {
}
