package atrium.files.http;

import atrium.core.Msg;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a multipart body (RFC 2046 section 5.1.1) one part at a time, as Nextcloud's bulk
 * upload frames it: every part carries its size in a Content-Length header, so a part's
 * content is read by count and never searched for the boundary. Nothing but one header
 * line is held in memory; the whole body may be no longer than a bound.
 *
 * <p>Two kinds of failure: {@link Framing} when the body is not what it claims (the parts
 * after it cannot be found any more), and {@link BrokenOff} when reading the request
 * itself failed (the client went away).
 */
final class MultipartReader {
    private static final int MAX_LINE = 8192;
    private static final int MAX_HEADERS = 64;

    /**
     * The body does not follow the framing (400), or is longer than allowed (413); carries
     * the message for the client.
     */
    static final class Framing extends RuntimeException {
        final int status;
        final Msg msg;
        /** The X-File-Path of the part it happened in; empty between parts. */
        final String path;

        Framing(int status, Msg msg, String path) {
            super(msg.english(), null, false, false);
            this.status = status;
            this.msg = msg;
            this.path = path;
        }
    }

    /** Reading the request failed: the connection broke, or the body ended too early. */
    static final class BrokenOff extends IOException {
        BrokenOff(Throwable cause) {
            super(String.valueOf(cause), cause);
        }
    }

    /** One part: its headers (names in lower case) and its declared size. */
    record Part(Map<String, String> headers, long length) {
        Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name)).filter(v -> !v.isEmpty());
        }
    }

    private final InputStream in;
    private final byte[] delimiter;
    private final long maxBytes;
    private long consumed;
    private long remaining;
    /** The X-File-Path of the part being read, "" between parts. */
    private String currentPath = "";
    /** Whether the CRLF that ends the current part's content has been read. */
    private boolean ended = true;
    private boolean started;
    private boolean finished;
    private boolean broken;

    /**
     * @param maxBytes the most bytes the whole body may have; past it reading throws
     *                 {@link Framing} with status 413
     */
    MultipartReader(InputStream body, String boundary, long maxBytes) {
        this.in = new BufferedInputStream(body, 64 * 1024);
        this.delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        this.maxBytes = maxBytes;
    }

    /**
     * The "boundary" parameter of a {@code multipart/related} Content-Type, quotes removed;
     * empty when the type is another or the parameter is missing.
     */
    static Optional<String> boundary(String contentType) {
        String[] params = contentType.split(";");
        if (!params[0].strip().equalsIgnoreCase("multipart/related")) {
            return Optional.empty();
        }
        for (int i = 1; i < params.length; i++) {
            int eq = params[i].indexOf('=');
            if (eq > 0 && params[i].substring(0, eq).strip().equalsIgnoreCase("boundary")) {
                String v = params[i].substring(eq + 1).strip();
                if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                    v = v.substring(1, v.length() - 1);
                }
                // RFC 2046: 1 to 70 characters.
                return v.isEmpty() || v.length() > 70 ? Optional.empty() : Optional.of(v);
            }
        }
        return Optional.empty();
    }

    /** The X-File-Path of the part being read; "" between parts or when the part has none. */
    String currentPath() {
        return currentPath;
    }

    /** True once reading the request failed: nothing more can be read from it. */
    boolean broken() {
        return broken;
    }

    /**
     * Skips what is left of the current part, then reads the next part's headers.
     *
     * @return empty after the closing boundary
     */
    Optional<Part> next() throws BrokenOff {
        if (finished) {
            return Optional.empty();
        }
        if (started) {
            skipRest();
            endOfContent();
        }
        currentPath = "";
        started = true;
        for (byte b : delimiter) {
            if (readByte() != b) {
                throw framing(Msg.of("files.bulk.boundary-expected"));
            }
        }
        int a = readByte();
        int b = readByte();
        if (a == '-' && b == '-') {
            finished = true;
            drainEpilogue();
            return Optional.empty();
        }
        if (a != '\r' || b != '\n') {
            throw framing(Msg.of("files.bulk.boundary-expected"));
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = readLine(); !line.isEmpty(); line = readLine()) {
            int colon = line.indexOf(':');
            if (colon <= 0 || headers.size() >= MAX_HEADERS) {
                throw framing(Msg.of("files.bulk.part-header"));
            }
            headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
        }
        currentPath = headers.getOrDefault("x-file-path", "");
        String length = headers.getOrDefault("content-length", "");
        if (!length.matches("\\d{1,18}")) {
            throw framing(Msg.of("files.bulk.part-length"));
        }
        remaining = Long.parseLong(length);
        ended = false;
        return Optional.of(new Part(headers, remaining));
    }

    /** The content of the current part: exactly its Content-Length bytes, then end of stream. */
    InputStream content() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                if (remaining == 0) {
                    // Checked before the reader sees the end, so that a part whose
                    // Content-Length is wrong is never stored with the wrong bytes.
                    endOfContent();
                    return -1;
                }
                int n = readSome(b, off, (int) Math.min(len, remaining));
                remaining -= n;
                return n;
            }
        };
    }

    /** The CRLF after a part's content, once. */
    private void endOfContent() throws BrokenOff {
        if (!ended) {
            if (readByte() != '\r' || readByte() != '\n') {
                throw framing(Msg.of("files.bulk.part-end"));
            }
            ended = true;
        }
    }

    private void skipRest() throws BrokenOff {
        byte[] buf = new byte[64 * 1024];
        while (remaining > 0) {
            remaining -= readSome(buf, 0, (int) Math.min(buf.length, remaining));
        }
    }

    /** After the closing boundary: the epilogue is ignored, but read, so the connection stays usable. */
    private void drainEpilogue() throws BrokenOff {
        byte[] buf = new byte[8192];
        while (readUpTo(buf) > 0) {
            // ignored
        }
    }

    private int readUpTo(byte[] buf) throws BrokenOff {
        try {
            int n = in.read(buf);
            count(Math.max(n, 0));
            return n;
        } catch (IOException | RuntimeException e) {
            broken = true;
            throw new BrokenOff(e);
        }
    }

    /** At least one byte; the end of the body here means it was cut short. */
    private int readSome(byte[] b, int off, int len) throws BrokenOff {
        int n;
        try {
            n = in.read(b, off, len);
        } catch (IOException | RuntimeException e) {
            broken = true;
            throw new BrokenOff(e);
        }
        if (n <= 0) {
            broken = true;
            throw new BrokenOff(new IOException("the body ended inside a part"));
        }
        count(n);
        return n;
    }

    private int readByte() throws BrokenOff {
        int c;
        try {
            c = in.read();
        } catch (IOException | RuntimeException e) {
            broken = true;
            throw new BrokenOff(e);
        }
        if (c < 0) {
            broken = true;
            throw new BrokenOff(new IOException("the body ended before the closing boundary"));
        }
        count(1);
        return c;
    }

    /** One header line in UTF-8 (the desktop client sends X-File-Path so), without its CRLF or LF. */
    private String readLine() throws BrokenOff {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        for (int c = readByte(); c != '\n'; c = readByte()) {
            if (line.size() >= MAX_LINE) {
                throw framing(Msg.of("files.bulk.part-header"));
            }
            line.write(c);
        }
        byte[] bytes = line.toByteArray();
        int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    private Framing framing(Msg msg) {
        return new Framing(400, msg, currentPath);
    }

    private void count(long n) {
        consumed += n;
        if (consumed > maxBytes) {
            throw new Framing(413, Msg.of("files.bulk.too-large", maxBytes), currentPath);
        }
    }
}
