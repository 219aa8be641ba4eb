package atrium.sip.transaction;

import java.time.Duration;

/**
 * The base timer values of RFC 3261 §17 (Table 4): T1 the round-trip estimate, T2 the cap on retransmit intervals
 * of non-INVITE requests and INVITE responses, T4 how long a message may live in the network. Every other timer is
 * derived from them; tests shrink them.
 */
public record Timers(Duration t1, Duration t2, Duration t4) {
    public static final Timers DEFAULT = new Timers(Duration.ofMillis(500), Duration.ofSeconds(4), Duration.ofSeconds(5));

    /** 64·T1: timers B, F, H, J, L, M, and D on UDP (32 s with the default T1, the minimum §17.1.1.2 asks). */
    long t64() {
        return 64 * t1.toMillis();
    }
}
