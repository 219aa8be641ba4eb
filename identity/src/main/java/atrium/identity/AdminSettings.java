package atrium.identity;

import atrium.identity.db.SettingsStore;
import java.util.Optional;

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

    /**
     * An administrator's value for a configuration key (e.g. {@code instance.name}), which
     * wins over the configuration file until it is cleared. Read from the database at each
     * call, so that every node sees a change at once, without a restart.
     */
    public Optional<String> override(String configKey) {
        return store.get(configKey);
    }

    /** Sets an override, or with an empty value clears it (the configuration file's value applies again). */
    public void setOverride(String configKey, Optional<String> value) {
        value.ifPresentOrElse(v -> store.put(configKey, v), () -> store.remove(configKey));
    }
}
