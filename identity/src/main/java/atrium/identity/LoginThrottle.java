package atrium.identity;

import atrium.core.AtriumException;
import atrium.core.Config;
import atrium.core.Msg;
import atrium.identity.db.ThrottleStore;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;

/**
 * Slows and then refuses repeated sign-in failures, per account and per address.
 * An address gets three times the account allowance, because a whole office may sit
 * behind one NAT address. Unknown login-flow tokens (links and polls of Nextcloud's Login
 * Flow v2) are counted per address under a subject of their own, so that a client polling
 * a stale flow never blocks the office's sign-ins.
 */
public final class LoginThrottle {
    private static final int ADDRESS_FACTOR = 3;

    private final ThrottleStore store;
    private final AuditLog audit;
    private final Clock clock;
    private final int freeFailures;
    private final int blockAfter;
    private final long blockMillis;
    private final long delayMillis;

    public LoginThrottle(ThrottleStore store, AuditLog audit, Clock clock, Config config) {
        this.store = store;
        this.audit = audit;
        this.clock = clock;
        this.freeFailures = config.integer("login.free-failures", 0, 1000);
        this.blockAfter = config.integer("login.block-after-failures", 1, 10000);
        this.blockMillis = config.integer("login.block-minutes", 1, 100000) * 60_000L;
        this.delayMillis = config.integer("login.delay-ms", 0, 60000);
    }

    private static String accountKey(String login) {
        return "account:" + login.toLowerCase(Locale.ROOT);
    }

    /** Refuses with 429 while the account or the address is blocked. */
    public void check(String login, String address) {
        long now = clock.millis();
        long since = now - blockMillis;
        var byAccount = store.since(accountKey(login), since);
        var byAddress = store.since("address:" + address, since);
        long until = 0;
        if (byAccount.count() >= blockAfter) {
            until = byAccount.latest() + blockMillis;
        }
        if (byAddress.count() >= blockAfter * ADDRESS_FACTOR) {
            until = Math.max(until, byAddress.latest() + blockMillis);
        }
        if (until > now) {
            long seconds = (until - now + 999) / 1000;
            audit.record(Optional.empty(), "sign-in-blocked", Optional.of(login), address,
                    "refused: too many failures (" + byAccount.count() + " for the account, " + byAddress.count()
                            + " from the address)");
            throw new AtriumException.TooManyRequests(Msg.of("identity.throttle.blocked", humanDuration(seconds)), seconds);
        }
    }

    /** Records a failure, then waits longer the more failures there were (virtual threads make the wait cheap). */
    public void failed(String login, String address) {
        long now = clock.millis();
        store.record(accountKey(login), now);
        store.record("address:" + address, now);
        int n = Math.max(store.since(accountKey(login), now - blockMillis).count(),
                store.since("address:" + address, now - blockMillis).count() / ADDRESS_FACTOR);
        slowDown(n);
    }

    private static String tokenKey(String address) {
        return "flow-token:" + address;
    }

    /** Refuses with 429 while an address that tried too many unknown login-flow tokens is blocked. */
    public void checkTokenGuesses(String address) {
        long now = clock.millis();
        var byAddress = store.since(tokenKey(address), now - blockMillis);
        if (byAddress.count() >= blockAfter * ADDRESS_FACTOR) {
            long until = byAddress.latest() + blockMillis;
            if (until > now) {
                long seconds = (until - now + 999) / 1000;
                audit.record(Optional.empty(), "login-flow-blocked", Optional.empty(), address,
                        "refused: " + byAddress.count() + " unknown login-flow tokens from the address");
                throw new AtriumException.TooManyRequests(Msg.of("identity.throttle.tokens", humanDuration(seconds)),
                        seconds);
            }
        }
    }

    /** Records an unknown login-flow token from an address, then waits as after a failed sign-in. */
    public void tokenGuessFailed(String address) {
        long now = clock.millis();
        store.record(tokenKey(address), now);
        slowDown(store.since(tokenKey(address), now - blockMillis).count() / ADDRESS_FACTOR);
    }

    private void slowDown(int failures) {
        if (failures > freeFailures && delayMillis > 0) {
            try {
                Thread.sleep(Math.min(delayMillis * (failures - freeFailures), 10 * delayMillis));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public void succeeded(String login) {
        store.clear(accountKey(login));
    }

    public void purgeOld() {
        store.purge(clock.millis() - blockMillis);
    }

    static Msg humanDuration(long seconds) {
        if (seconds < 90) {
            return Msg.of("identity.duration.seconds", seconds);
        }
        return Msg.of("identity.duration.minutes", (seconds + 59) / 60);
    }
}
