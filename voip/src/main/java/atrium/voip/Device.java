package atrium.voip;

import atrium.identity.AccountId;

/** A phone or softphone of an extension, with its own SIP username; its secrets stay in the store. */
public record Device(DeviceId id, AccountId account, String username, String label, long createdAt) {
}
