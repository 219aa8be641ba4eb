package atrium.voip;

import static org.assertj.core.api.Assertions.assertThat;

import atrium.core.Ids;
import atrium.core.db.Database;
import atrium.core.db.TestDatabases;
import atrium.identity.AuditLog;
import atrium.identity.db.AuditStore;
import atrium.sip.ManualClock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The SIP throttle over time: free failures, growing then capped delays, the block, its end, a fresh window. */
class SipThrottleTest {
    private final ManualClock clock = new ManualClock();
    private final Database db = TestDatabases.sqlite();
    private final AuditLog audit;
    private final SipThrottle throttle;

    SipThrottleTest() {
        db.migrate("identity");
        audit = new AuditLog(new AuditStore(db.jdbi()), new Ids(clock, 0), clock);
        // 2 free failures, blocked at the 6th, for 60 s, 100 ms more per failure beyond the free ones.
        throttle = new SipThrottle(audit, clock, 2, 6, 60_000, 100);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void failuresAreFreeThenSlowerThenTheAddressIsBlockedUntilTheBlockEnds() {
        assertThat(throttle.failed("192.0.2.7", "1001-1", "wrong")).isZero();
        assertThat(throttle.failed("192.0.2.7", "1001-1", "wrong")).isZero();
        assertThat(throttle.failed("192.0.2.7", "1001-1", "wrong")).isEqualTo(100);
        assertThat(throttle.failed("192.0.2.7", "1001-1", "wrong")).isEqualTo(200);
        assertThat(throttle.blocked("192.0.2.7")).isFalse();
        throttle.failed("192.0.2.7", "1001-1", "wrong");
        throttle.failed("192.0.2.7", "1001-1", "wrong");
        assertThat(throttle.blocked("192.0.2.7")).isTrue();
        assertThat(throttle.blocked("192.0.2.8")).as("only that address").isFalse();
        // Blocked failures are not audited one by one: a flood writes nothing more.
        assertThat(throttle.failed("192.0.2.7", "1001-1", "wrong")).isEqualTo(500);
        long wait = 0;
        for (int i = 0; i < 50; i++) {
            wait = throttle.failed("192.0.2.7", "1001-1", "wrong");
        }
        assertThat(wait).as("capped at ten times the step").isEqualTo(1000);
        assertThat(audit.search(new AuditStore.Filter(Optional.empty(), Optional.of("sip-auth-failed"),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 100))).hasSize(6);

        clock.advance(Duration.ofSeconds(59));
        assertThat(throttle.blocked("192.0.2.7")).isTrue();
        clock.advance(Duration.ofMillis(60_001)); // the block runs from the last failure
        assertThat(throttle.blocked("192.0.2.7")).isFalse();
        throttle.purge();
        assertThat(throttle.failed("192.0.2.7", "1001-1", "wrong")).as("a new window").isZero();
    }
}
