package atrium.core;

import java.time.Clock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * 64-bit time-ordered ids: milliseconds since 2024-01-01 (41 bits), node (10 bits),
 * sequence (12 bits). Numeric because the Nextcloud clients need numeric file ids,
 * and made here so the SQL stays portable.
 */
public final class Ids {
    private static final long EPOCH = 1_704_067_200_000L;
    private final Clock clock;
    private final long node;
    private final ReentrantLock lock = new ReentrantLock();
    private long lastMillis = -1;
    private long sequence;

    public Ids(Clock clock, int node) {
        if (node < 0 || node > 1023) {
            throw new IllegalArgumentException("node must be 0..1023");
        }
        this.clock = clock;
        this.node = node;
    }

    /** When an id was made, in epoch milliseconds (a cursor id tells the time it stands for). */
    public static long millis(long id) {
        return (id >>> 22) + EPOCH;
    }

    public long next() {
        lock.lock();
        try {
            long now = Math.max(clock.millis() - EPOCH, lastMillis);
            if (now == lastMillis) {
                sequence = (sequence + 1) & 0xFFF;
                if (sequence == 0) {
                    now = lastMillis + 1; // borrow the next millisecond rather than wait
                }
            } else {
                sequence = 0;
            }
            lastMillis = now;
            return (now << 22) | (node << 12) | sequence;
        } finally {
            lock.unlock();
        }
    }
}
