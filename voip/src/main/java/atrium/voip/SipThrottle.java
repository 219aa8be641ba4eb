package atrium.voip;

import atrium.identity.AuditLog;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed SIP digest answers per source address (the "friendly-scanner" pattern): after {@code freeFailures} each
 * further failure is answered later and later, after {@code blockAfter} the address gets 403 to everything for
 * {@code blockMillis}. In memory rather than identity's database-backed LoginThrottle: a scanner sends hundreds of
 * REGISTERs a second, and a database write for each would make the throttle the attack (ADR 0023).
 */
public final class SipThrottle {
    /** Bound on remembered addresses, so a spoofed-source flood cannot fill the heap. */
    private static final int MAX_ADDRESSES = 100_000;

    private record Failures(int count, long firstAt, long blockedUntil) {
    }

    private final Map<String, Failures> byAddress = new ConcurrentHashMap<>();
    private final AuditLog audit;
    private final Clock clock;
    private final int freeFailures;
    private final int blockAfter;
    private final long blockMillis;
    private final long delayMillis;

    public SipThrottle(AuditLog audit, Clock clock, int freeFailures, int blockAfter, long blockMillis, long delayMillis) {
        this.audit = audit;
        this.clock = clock;
        this.freeFailures = freeFailures;
        this.blockAfter = blockAfter;
        this.blockMillis = blockMillis;
        this.delayMillis = delayMillis;
    }

    /** Whether requests from {@code address} are refused now. */
    public boolean blocked(String address) {
        Failures f = byAddress.get(address);
        return f != null && f.blockedUntil() > clock.millis();
    }

    /**
     * Counts a failed digest answer (wrong password, unknown user, replay) from {@code address} and audits it; at the
     * {@code blockAfter}-th the address is blocked. Returns how long to wait before answering (0 while the failures
     * are free). The audit log gets at most {@code blockAfter} entries per address and window, then one for the block.
     */
    public long failed(String address, String username, String why) {
        long now = clock.millis();
        if (byAddress.size() >= MAX_ADDRESSES) {
            purge();
        }
        Failures f = byAddress.compute(address, (a, old) -> {
            if (old == null || now - old.firstAt() > blockMillis && old.blockedUntil() <= now) {
                return new Failures(1, now, 0);
            }
            int count = old.count() + 1;
            return new Failures(count, old.firstAt(), count >= blockAfter ? Math.max(old.blockedUntil(), now + blockMillis)
                    : old.blockedUntil());
        });
        if (f.count() <= blockAfter) {
            audit.record(Optional.empty(), "sip-auth-failed", Optional.of(username), address, why);
        }
        if (f.count() == blockAfter) {
            audit.record(Optional.empty(), "sip-address-blocked", Optional.of(username), address,
                    f.count() + " failed SIP authentications; blocked for " + blockMillis / 1000 + " s");
        }
        return f.count() > freeFailures ? Math.min(delayMillis * (f.count() - freeFailures), 10 * delayMillis) : 0;
    }

    /** Forgets addresses whose window and block are over. */
    public void purge() {
        long now = clock.millis();
        byAddress.values().removeIf(f -> now - f.firstAt() > blockMillis && f.blockedUntil() <= now);
    }
}
