package atrium.identity;

import atrium.identity.db.SettingsStore;

/** Run-time settings changed from the admin console. */
public final class AdminSettings {
    private static final String REQUIRE_TOTP = "require-totp-for-all";
    private final SettingsStore store;

    public AdminSettings(SettingsStore store) {
        this.store = store;
    }

    public boolean requireTotpForAll() {
        return store.get(REQUIRE_TOTP).map(Boolean::parseBoolean).orElse(false);
    }

    public void setRequireTotpForAll(boolean value) {
        store.put(REQUIRE_TOTP, Boolean.toString(value));
    }
}
