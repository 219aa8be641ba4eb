package atrium.chat;

import atrium.core.AtriumException;
import atrium.core.Msg;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * At most {@code limit} messages per account in any 10 seconds, on this node. Kept in memory:
 * it stops a runaway script or a flood, not a determined attacker spreading over nodes.
 */
final class RateLimit {
    private static final long WINDOW_MS = 10_000;

    private final int limit;
    private final Clock clock;
    private final Map<Long, Deque<Long>> recent = new ConcurrentHashMap<>();

    RateLimit(int limit, Clock clock) {
        this.limit = limit;
        this.clock = clock;
    }

    void check(long account) {
        long now = clock.millis();
        Deque<Long> times = recent.computeIfAbsent(account, k -> new ArrayDeque<>());
        synchronized (times) {
            while (!times.isEmpty() && times.peekFirst() <= now - WINDOW_MS) {
                times.pollFirst();
            }
            if (times.size() >= limit) {
                long retry = Math.max(1, (times.peekFirst() + WINDOW_MS - now + 999) / 1000);
                throw new AtriumException.TooManyRequests(Msg.of("chat.message.rate", limit, WINDOW_MS / 1000), retry);
            }
            times.addLast(now);
        }
    }
}
