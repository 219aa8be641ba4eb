package atrium.identity.db;

import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** Settings an admin changes at run time (as opposed to the start-up configuration file). */
public final class SettingsStore {
    private final Jdbi jdbi;

    public SettingsStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public Optional<String> get(String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT value FROM identity_settings WHERE name = :n")
                .bind("n", name).mapTo(String.class).findOne());
    }

    /** Forgets a setting, so that what it overrides applies again. */
    public void remove(String name) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM identity_settings WHERE name = :n").bind("n", name).execute());
    }

    public void put(String name, String value) {
        jdbi.useTransaction(h -> {
            int n = h.createUpdate("UPDATE identity_settings SET value = :v WHERE name = :n")
                    .bind("n", name).bind("v", value).execute();
            if (n == 0) {
                h.createUpdate("INSERT INTO identity_settings (name, value) VALUES (:n, :v)")
                        .bind("n", name).bind("v", value).execute();
            }
        });
    }
}
