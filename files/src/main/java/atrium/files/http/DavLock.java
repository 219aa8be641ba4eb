package atrium.files.http;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * An active write lock (RFC 4918 section 6). {@code path} is the lock root as the caller
 * keys it (normalised: leading slash, no trailing slash except for "/"); a depth-infinity
 * lock also covers every path below it.
 *
 * @param owner     the content of the {@code <d:owner>} element the client sent, if any
 * @param principal who took the lock; only they may use its token (section 6.4)
 */
public record DavLock(String token, String path, LockScope scope, Depth depth, Optional<String> owner,
        String principal, Instant created, Instant expires, Duration timeout) {

    /** True when the lock applies to {@code other}: the lock root itself, or below it for depth infinity. */
    public boolean covers(String other) {
        return path.equals(other) || depth == Depth.INFINITY && LockManager.isBelow(other, path);
    }

    /** Whole seconds left before the lock expires, rounded up, never negative. */
    public long secondsLeft(Instant now) {
        long millis = Duration.between(now, expires).toMillis();
        return millis <= 0 ? 0 : (millis + 999) / 1000;
    }
}
