package atrium.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * Throws many thousand mutations of the captured messages at the parser, as datagrams and as streams: the only
 * failure allowed is the library's own {@link SipParseException}, every accepted message must serialise and parse
 * again, and the whole run must finish in bounded time (no hang, no quadratic blow-up).
 */
class SipParserFuzzTest {
    private static final int MUTATIONS = 30_000;
    private final SipParser parser = new SipParser(SipParser.Limits.DEFAULT);

    @Test
    void mutatedCapturesOnlyEverFailWithTheParsersOwnError() {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        Random random = new Random(seed);
        List<byte[]> seeds = Captures.NAMES.stream().map(Captures::bytes).toList();
        int[] accepted = {0};
        Assertions.assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int i = 0; i < MUTATIONS; i++) {
                byte[] input = Mutations.mutate(seeds.get(random.nextInt(seeds.size())), random);
                try {
                    accepted[0] += check(input) ? 1 : 0;
                } catch (RuntimeException | StackOverflowError e) {
                    fail("seed " + seed + ", mutation " + i + ": " + e + " on\n"
                            + new String(input, StandardCharsets.ISO_8859_1), e);
                }
            }
        });
        // some mutations are harmless (inside a body or a value), so both outcomes must occur
        assertThat(accepted[0]).as("seed %d", seed).isBetween(MUTATIONS / 50, MUTATIONS - MUTATIONS / 50);
    }

    /** True if the datagram was accepted. */
    private boolean check(byte[] input) {
        boolean accepted;
        try {
            SipMessage m = parser.parseDatagram(input, 0, input.length);
            useEverything(m);
            byte[] again = m.toBytes();
            SipMessage m2 = parser.parseDatagram(again, 0, again.length);
            assertThat(m2.headers().without("Content-Length")).isEqualTo(m.headers().without("Content-Length"));
            accepted = true;
        } catch (SipParseException e) {
            assertThat(e.status()).isIn(0, 400, 413, 416, 505, 513);
            accepted = false;
        }
        StreamFramer framer = new StreamFramer(parser, true);
        framer.feed(input, 0, input.length);
        for (int n = 0; n < 100; n++) {
            try {
                var frame = framer.next();
                if (frame.isEmpty()) {
                    break;
                }
                if (frame.get() instanceof StreamFramer.Message(SipMessage m)) {
                    useEverything(m);
                }
            } catch (SipParseException e) {
                if (e.fatal()) {
                    break;
                }
            }
        }
        return accepted;
    }

    private static void useEverything(SipMessage m) {
        m.vias().forEach(v -> v.branch());
        m.contacts();
        m.from().tag();
        m.to().tag();
        m.cseq();
        m.callId();
        if (m instanceof SipRequest r && r.uri().regionMatches(true, 0, "sip", 0, 3)) {
            r.sipUri();
        }
    }
}
