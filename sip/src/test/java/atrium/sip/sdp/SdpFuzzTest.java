package atrium.sip.sdp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * Mutations of real offers: the parser either refuses with {@link SdpException} or accepts a description that
 * serialises and parses to the same value and survives the B2BUA's rewrites; all in bounded time.
 */
class SdpFuzzTest {
    private static final int MUTATIONS = 10_000;
    private static final byte[] INTERESTING = " :/=\r\n\0amcv0123456789".getBytes(StandardCharsets.ISO_8859_1);

    @Test
    void mutatedOffersOnlyEverFailWithSdpException() throws Exception {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        Random random = new Random(seed);
        List<byte[]> seeds = new java.util.ArrayList<>(SdpTest.CAPTURES_WITH_SDP.stream()
                .map(c -> SdpTest.body(c).getBytes(StandardCharsets.UTF_8)).toList());
        seeds.add(SdpTest.ICE_OFFER.getBytes(StandardCharsets.UTF_8));
        InetAddress relay = InetAddress.getByName("192.0.2.9");
        int[] accepted = {0};
        Assertions.assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int i = 0; i < MUTATIONS; i++) {
                byte[] input = mutate(seeds.get(random.nextInt(seeds.size())), random);
                try {
                    SessionDescription sdp = SessionDescription.parse(input);
                    accepted[0]++;
                    assertThat(SessionDescription.parse(sdp.toString())).isEqualTo(sdp);
                    for (int m = 0; m < sdp.media().size(); m++) {
                        sdp.direction(m);
                        sdp.codecs(m);
                        sdp.mediaAddress(m);
                        sdp.rtcpAddress(m);
                        sdp.media().get(m).ptime();
                    }
                    SessionDescription out = sdp.anchored(relay, Collections.nCopies(sdp.media().size(), 30000))
                            .withDirection(Direction.SENDONLY);
                    assertThat(SessionDescription.parse(out.toBytes())).isEqualTo(out);
                } catch (SdpException refused) {
                    assertThat(refused.getMessage()).isNotBlank();
                } catch (RuntimeException | AssertionError e) {
                    fail("seed " + seed + ", mutation " + i + ": " + e + " on\n" + new String(input, StandardCharsets.UTF_8), e);
                }
            }
        });
        assertThat(accepted[0]).as("seed %d", seed).isBetween(MUTATIONS / 50, MUTATIONS - MUTATIONS / 50);
    }

    private static byte[] mutate(byte[] in, Random r) {
        byte[] b = in.clone();
        int n = 1 + r.nextInt(3);
        for (int k = 0; k < n; k++) {
            int at = r.nextInt(b.length);
            switch (r.nextInt(4)) {
                case 0 -> b[at] = INTERESTING[r.nextInt(INTERESTING.length)];
                case 1 -> b[at] = (byte) r.nextInt(256);
                case 2 -> b = java.util.Arrays.copyOf(b, Math.max(1, at)); // truncate
                default -> {
                    byte[] dup = new byte[b.length + 8];
                    System.arraycopy(b, 0, dup, 0, at);
                    System.arraycopy(b, at, dup, at + 8, b.length - at);
                    System.arraycopy(b, at, dup, at, Math.min(8, b.length - at));
                    b = dup;
                }
            }
        }
        return b;
    }
}
