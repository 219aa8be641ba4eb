package atrium.identity.db;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What the admin settings rely on from {@link SettingsStore}, on every database. */
public interface SettingsStoreContract extends IdentityStoresFixture {

    @Test
    default void a_setting_never_put_is_empty() {
        assertThat(settings().get("password-min-length")).isEmpty();
    }

    @Test
    default void a_setting_put_twice_keeps_the_last_value_and_leaves_the_others() {
        settings().put("password-min-length", "10");
        settings().put("welcome-text", "Bienvenue à l'Atrium ✨");

        settings().put("password-min-length", "12");

        assertThat(settings().get("password-min-length")).contains("12");
        assertThat(settings().get("welcome-text")).contains("Bienvenue à l'Atrium ✨");
    }

    @Test
    default void a_long_value_reads_back_unchanged() {
        String value = "é".repeat(2000);

        settings().put("banner", value);

        assertThat(settings().get("banner")).contains(value);
    }

    @Test
    default void an_empty_value_is_kept_apart_from_no_value() {
        settings().put("banner", "");

        assertThat(settings().get("banner")).contains("");
    }
}
