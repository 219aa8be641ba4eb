package atrium.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StreamFramerTest {
    private final SipParser parser = new SipParser(SipParser.Limits.DEFAULT);

    /** Every capture, with keep-alives between some of them, as one TCP stream. */
    private static byte[] stream() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        for (String name : Captures.NAMES) {
            out.writeBytes(Captures.parse(name).toBytes());
            if (i++ % 3 == 0) {
                out.writeBytes("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            }
        }
        return out.toByteArray();
    }

    private static List<StreamFramer.Frame> drain(StreamFramer f) {
        List<StreamFramer.Frame> frames = new ArrayList<>();
        for (var next = f.next(); next.isPresent(); next = f.next()) {
            frames.add(next.get());
        }
        return frames;
    }

    private List<StreamFramer.Frame> frame(byte[] data, int chunk) {
        StreamFramer f = new StreamFramer(parser, true);
        List<StreamFramer.Frame> frames = new ArrayList<>();
        Random random = new Random(chunk);
        for (int i = 0; i < data.length; ) {
            int n = chunk > 0 ? Math.min(chunk, data.length - i) : Math.min(1 + random.nextInt(700), data.length - i);
            f.feed(data, i, n);
            i += n;
            frames.addAll(drain(f));
        }
        assertThat(f.buffered()).isZero();
        return frames;
    }

    @Test
    void theSameMessagesComeOutWhateverTheReadSizes() {
        byte[] data = stream();
        List<StreamFramer.Frame> whole = frame(data, data.length);
        assertThat(whole).filteredOn(StreamFramer.Message.class::isInstance).hasSize(Captures.NAMES.size());
        assertThat(whole).filteredOn(StreamFramer.Ping.class::isInstance).hasSize((Captures.NAMES.size() + 2) / 3);
        for (int chunk : new int[] {1, 2, 3, 7, 100, 0}) {
            List<StreamFramer.Frame> pieces = frame(data, chunk);
            assertThat(pieces).hasSameSizeAs(whole);
            for (int i = 0; i < whole.size(); i++) {
                if (whole.get(i) instanceof StreamFramer.Message(SipMessage m)) {
                    SipMessage p = ((StreamFramer.Message) pieces.get(i)).message();
                    assertThat(p.startLine()).isEqualTo(m.startLine());
                    assertThat(p.headers()).isEqualTo(m.headers());
                    assertThat(p.body()).isEqualTo(m.body());
                } else {
                    assertThat(pieces.get(i)).isEqualTo(whole.get(i));
                }
            }
        }
    }

    @Test
    void aSingleCrlfOnAConnectionWeOpenedIsAPong() {
        StreamFramer f = new StreamFramer(parser, false);
        byte[] pong = "\r\n".getBytes(StandardCharsets.US_ASCII);
        f.feed(pong, 0, 2);
        assertThat(drain(f)).containsExactly(new StreamFramer.Pong());
    }

    @Test
    void aStreamMessageWithoutContentLengthLosesTheFramingAndClosesTheConnection() {
        StreamFramer f = new StreamFramer(parser, true);
        byte[] b = ("OPTIONS sip:b@h SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\nFrom: <sip:a@h>;tag=1\r\n"
                + "To: <sip:b@h>\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        f.feed(b, 0, b.length);
        SipParseException e = catchThrowableOfType(SipParseException.class, f::next);
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.fatal()).isTrue();
        assertThat(e.reason()).isEqualTo("Content-Length is required on a stream");
    }

    @Test
    void aBadMessageWithIntactFramingIsSkippedAndTheNextOneRead() {
        StreamFramer f = new StreamFramer(parser, true);
        byte[] bad = ("OPTIONS sip:b@h SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\nFrom: <sip:a@h>;tag=1\r\n"
                + "To: <sip:b@h>\r\nCSeq: 1 OPTIONS\r\nContent-Length: 2\r\n\r\nhi").getBytes(StandardCharsets.UTF_8);
        byte[] good = Captures.parse("sipp/bye.sip").toBytes();
        f.feed(bad, 0, bad.length);
        f.feed(good, 0, good.length);
        SipParseException e = catchThrowableOfType(SipParseException.class, f::next);
        assertThat(e.fatal()).isFalse();
        assertThat(e.reason()).isEqualTo("Missing Call-ID");
        assertThat(drain(f)).singleElement().isInstanceOfSatisfying(StreamFramer.Message.class,
                m -> assertThat(((SipRequest) m.message()).method()).isEqualTo("BYE"));
    }

    @Test
    void endlessHeadersAreCutAtTheLimit() {
        StreamFramer f = new StreamFramer(new SipParser(new SipParser.Limits(1024, 100, 1024)), true);
        byte[] junk = "X-Junk: 0123456789012345678901234567890123456789\r\n".getBytes(StandardCharsets.US_ASCII);
        SipParseException e = null;
        for (int i = 0; i < 100 && e == null; i++) {
            f.feed(junk, 0, junk.length);
            e = catchThrowableOfType(SipParseException.class, f::next);
        }
        assertThat(e).isNotNull();
        assertThat(e.status()).isEqualTo(513);
        assertThat(e.fatal()).isTrue();
    }
}
