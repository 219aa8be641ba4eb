package atrium.sip.transaction;

import atrium.sip.SipMessage;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Tests with a {@link TestUa} on UDP and a {@link RawPeer} that talks to it in hand-written SIP. */
abstract class RawPeerTest {
    TestUa ua;
    RawPeer peer;

    abstract Timers timers();

    @BeforeEach
    void startUaAndPeer() throws Exception {
        ua = TestUa.udp(timers());
        peer = new RawPeer();
    }

    @AfterEach
    void stopUaAndPeer() throws Exception {
        peer.close();
        ua.close();
    }

    /** Collects what the peer receives until {@code done} holds for it (within 3 s). */
    List<SipMessage> receiveUntil(Predicate<List<SipMessage>> done) throws InterruptedException {
        List<SipMessage> got = new ArrayList<>();
        TestUa.await(() -> {
            try {
                peer.receive(50).ifPresent(got::add);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            return done.test(got);
        }, Duration.ofSeconds(3));
        return got;
    }
}
