package atrium.files.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MultipartReaderTest {
    private static MultipartReader reader(String body, long max) {
        return new MultipartReader(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), "b", max);
    }

    private static String content(MultipartReader r) throws Exception {
        try (InputStream in = r.content()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void theBoundaryComesFromAMultipartRelatedContentTypeOnly() {
        assertThat(MultipartReader.boundary("multipart/related; boundary=\"boundary_.oOo._x/y\"")).hasValue("boundary_.oOo._x/y");
        assertThat(MultipartReader.boundary("Multipart/Related;boundary=abc; type=x")).hasValue("abc");
        assertThat(MultipartReader.boundary("multipart/form-data; boundary=abc")).isEmpty();
        assertThat(MultipartReader.boundary("multipart/related")).isEmpty();
        assertThat(MultipartReader.boundary("multipart/related; boundary=\"\"")).isEmpty();
    }

    @Test
    void partsAreReadByTheirLengthWithHeadersInUtf8() throws Exception {
        MultipartReader r = reader("--b\r\nContent-Length: 5\r\nX-File-Path: /Été.txt\r\n\r\nhe\r\nl\r\n"
                + "--b\r\nContent-Length: 0\nx-file-path: /empty\n\n\r\n--b--\r\n", 1000);
        MultipartReader.Part first = r.next().orElseThrow();
        assertThat(first.header("x-file-path")).hasValue("/Été.txt");
        assertThat(r.currentPath()).isEqualTo("/Été.txt");
        // The content may itself contain CRLF and what looks like a boundary: only the count matters.
        assertThat(content(r)).isEqualTo("he\r\nl");
        MultipartReader.Part second = r.next().orElseThrow();
        assertThat(second.length()).isZero();
        assertThat(content(r)).isEmpty();
        assertThat(r.next()).isEmpty();
        assertThat(r.next()).isEmpty();
    }

    @Test
    void anUnreadPartIsSkipped() throws Exception {
        MultipartReader r = reader("--b\r\nContent-Length: 3\r\n\r\nabc\r\n--b\r\nContent-Length: 1\r\n\r\nz\r\n--b--", 1000);
        r.next().orElseThrow();
        r.next().orElseThrow();
        assertThat(content(r)).isEqualTo("z");
        assertThat(r.next()).isEqualTo(Optional.empty());
    }

    @Test
    void aWrongLengthIsCaughtBeforeTheReaderSeesTheEndOfThePart() throws Exception {
        MultipartReader r = reader("--b\r\nContent-Length: 2\r\nX-File-Path: /a\r\n\r\nabc\r\n--b--\r\n", 1000);
        r.next().orElseThrow();
        InputStream in = r.content();
        assertThat(in.readNBytes(2)).isEqualTo("ab".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(in::read).isInstanceOfSatisfying(MultipartReader.Framing.class, f -> {
            assertThat(f.msg.key()).isEqualTo("files.bulk.part-end");
            assertThat(f.path).isEqualTo("/a");
        });
    }

    @Test
    void framingErrorsNameWhatIsWrong() throws Exception {
        assertThatThrownBy(() -> reader("garbage", 1000).next()).isInstanceOfSatisfying(MultipartReader.Framing.class,
                f -> assertThat(f.msg.key()).isEqualTo("files.bulk.boundary-expected"));
        assertThatThrownBy(() -> reader("--b\r\nX-File-Path: /a\r\n\r\nabc\r\n--b--", 1000).next())
                .isInstanceOfSatisfying(MultipartReader.Framing.class, f -> {
                    assertThat(f.msg.key()).isEqualTo("files.bulk.part-length");
                    assertThat(f.path).isEqualTo("/a");
                });
        assertThatThrownBy(() -> reader("--b\r\nno colon\r\n\r\n", 1000).next())
                .isInstanceOfSatisfying(MultipartReader.Framing.class, f -> assertThat(f.msg.key()).isEqualTo("files.bulk.part-header"));
        assertThatThrownBy(() -> reader("--b\r\nX: " + "y".repeat(9000) + "\r\n", 100_000).next())
                .isInstanceOfSatisfying(MultipartReader.Framing.class, f -> assertThat(f.msg.key()).isEqualTo("files.bulk.part-header"));
    }

    @Test
    void aBodyCutShortIsBrokenOff() throws Exception {
        MultipartReader r = reader("--b\r\nContent-Length: 10\r\n\r\nabc", 1000);
        r.next().orElseThrow();
        assertThatThrownBy(() -> content(r)).isInstanceOf(MultipartReader.BrokenOff.class);
        assertThat(r.broken()).isTrue();
        // No closing boundary after the last part.
        MultipartReader open = reader("--b\r\nContent-Length: 1\r\n\r\na\r\n", 1000);
        open.next().orElseThrow();
        assertThat(content(open)).isEqualTo("a");
        assertThatThrownBy(open::next).isInstanceOf(MultipartReader.BrokenOff.class);
    }

    @Test
    void theWholeBodyIsBoundedWhileItIsRead() throws Exception {
        MultipartReader r = reader("--b\r\nContent-Length: 100\r\nX-File-Path: /big\r\n\r\n" + "x".repeat(100) + "\r\n--b--", 80);
        r.next().orElseThrow();
        assertThatThrownBy(() -> content(r)).isInstanceOfSatisfying(MultipartReader.Framing.class, f -> {
            assertThat(f.status).isEqualTo(413);
            assertThat(f.path).isEqualTo("/big");
        });
    }
}
