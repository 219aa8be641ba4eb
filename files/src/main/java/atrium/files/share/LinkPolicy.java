package atrium.files.share;

import atrium.core.AtriumException;
import atrium.core.Config;
import atrium.core.Msg;
import atrium.identity.AccountService;
import atrium.identity.AdminSettings;
import atrium.identity.AuditLog;
import atrium.identity.Caller;
import java.util.Optional;

/**
 * The administrators' rules for links: the configuration file's values, each overridden at
 * run time from the console until reset. Read at every request (one query per key), so a
 * change applies to the next link made on any node, without a restart.
 */
public final class LinkPolicy {
    static final String MAX = "files.share-link-max-expiry-days";
    static final String DEFAULT = "files.share-link-default-expiry-days";
    static final String PASSWORD = "files.share-link-enforce-password";
    private static final int MOST_DAYS = 36_500;

    /**
     * A change: an absent field stays as it is, an empty one goes back to the configuration
     * file's value.
     */
    public record Change(Optional<Optional<Integer>> maxExpiryDays, Optional<Optional<Integer>> defaultExpiryDays,
                         Optional<Optional<Boolean>> passwordEnforced) {
    }

    private final AdminSettings settings;
    private final AuditLog audit;
    private final ShareService.Policy configured;

    public LinkPolicy(Config config, AdminSettings settings, AuditLog audit) {
        this.settings = settings;
        this.audit = audit;
        this.configured = new ShareService.Policy(config.integer(MAX, 0, MOST_DAYS), config.integer(DEFAULT, 0, MOST_DAYS),
                config.bool(PASSWORD));
        if (configured.linkMaxExpiryDays() > 0 && configured.linkDefaultExpiryDays() > configured.linkMaxExpiryDays()) {
            throw config.bad(DEFAULT, "the default expiry of links cannot be later than " + MAX + " ("
                    + configured.linkMaxExpiryDays() + " days)");
        }
    }

    /** What the configuration file says, before any administrator's change. */
    public ShareService.Policy configured() {
        return configured;
    }

    /** The rules in force now. A stored value that no longer parses counts as unset. */
    public ShareService.Policy current() {
        return new ShareService.Policy(days(MAX).orElse(configured.linkMaxExpiryDays()),
                days(DEFAULT).orElse(configured.linkDefaultExpiryDays()),
                settings.override(PASSWORD).map(Boolean::parseBoolean).orElse(configured.linkPasswordEnforced()));
    }

    private Optional<Integer> days(String key) {
        try {
            return settings.override(key).map(Integer::parseInt).filter(d -> d >= 0 && d <= MOST_DAYS);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Applies an administrator's change, each key audited; a default later than the maximum is refused. */
    public ShareService.Policy change(Caller caller, Change c) {
        AccountService.requireAdmin(caller);
        c.maxExpiryDays().flatMap(v -> v).ifPresent(d -> checkDays("maxExpiryDays", d));
        c.defaultExpiryDays().flatMap(v -> v).ifPresent(d -> checkDays("defaultExpiryDays", d));
        ShareService.Policy now = current();
        int max = c.maxExpiryDays().map(v -> v.orElse(configured.linkMaxExpiryDays())).orElse(now.linkMaxExpiryDays());
        int dflt = c.defaultExpiryDays().map(v -> v.orElse(configured.linkDefaultExpiryDays())).orElse(now.linkDefaultExpiryDays());
        if (max > 0 && dflt > max) {
            throw AtriumException.Invalid.field("defaultExpiryDays", Msg.of("files.link-policy.default-after-max", dflt, max));
        }
        set(caller, MAX, c.maxExpiryDays().map(v -> v.map(String::valueOf)), configured.linkMaxExpiryDays());
        set(caller, DEFAULT, c.defaultExpiryDays().map(v -> v.map(String::valueOf)), configured.linkDefaultExpiryDays());
        set(caller, PASSWORD, c.passwordEnforced().map(v -> v.map(String::valueOf)), configured.linkPasswordEnforced());
        return current();
    }

    private static void checkDays(String field, int days) {
        if (days < 0 || days > MOST_DAYS) {
            throw AtriumException.Invalid.field(field, Msg.of("files.link-policy.days-range", MOST_DAYS));
        }
    }

    private void set(Caller caller, String key, Optional<Optional<String>> value, Object configuredValue) {
        value.ifPresent(v -> {
            settings.setOverride(key, v);
            audit.record(caller, "settings-changed", key, v.orElse(configuredValue + " (the configuration file's value)"));
        });
    }
}
