package atrium.files.http;

import atrium.core.Msg;
import atrium.files.FileService;
import atrium.files.Node;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** A file's content as the answer to a GET or HEAD, one byte range of it when asked: WebDAV, public links and chat attachments alike. */
public final class FileResponse {
    private FileResponse() {
    }

    /** Status, headers and (unless HEAD) the bytes; the caller has checked access and preconditions. */
    public static void send(ServerRequest req, ServerResponse res, FileService files, Node node, boolean head) {
        long size = node.size();
        long offset = 0;
        long length = size;
        Optional<long[]> range = head ? Optional.empty() : range(req, res, node);
        if (range.isPresent()) {
            offset = range.get()[0];
            length = range.get()[1] - offset + 1;
            res.status(Status.PARTIAL_CONTENT_206);
            res.header(HeaderNames.CONTENT_RANGE, "bytes " + offset + "-" + range.get()[1] + "/" + size);
        } else {
            res.status(Status.OK_200);
        }
        res.header(HeaderNames.ACCEPT_RANGES, "bytes");
        res.header(HeaderNames.CONTENT_TYPE, node.contentType().orElse("application/octet-stream"));
        // Uploaded content never runs as part of the console: a download, in a sandbox.
        res.header(HeaderNames.CONTENT_DISPOSITION, "attachment; filename*=UTF-8''"
                + URLEncoder.encode(node.name(), StandardCharsets.UTF_8).replace("+", "%20"));
        res.header(HeaderNames.create("Content-Security-Policy"), "sandbox; default-src 'none'");
        res.header(HeaderNames.CONTENT_LENGTH, Long.toString(length));
        if (head) {
            res.send();
            return;
        }
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = files.read(node, offset, length); OutputStream out = res.outputStream()) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                try {
                    out.write(buffer, 0, n);
                } catch (IOException | RuntimeException e) {
                    throw new DavRoutes.ClientGone(e);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the request asks for the file from its first byte (a whole download, not the rest of one). */
    static boolean fromStart(ServerRequest req, Node node) {
        return req.headers().first(HeaderNames.RANGE).map(v -> v.strip().matches("(?i)bytes=0*-.*")).orElse(true);
    }

    /**
     * A single byte range (RFC 9110 section 14.2) as {first, last}; empty to send the whole
     * file: no Range header, one we do not serve (several ranges, another unit, a syntax
     * error) or an If-Range that no longer matches.
     *
     * @throws DavException 416 when the range starts beyond the end
     */
    private static Optional<long[]> range(ServerRequest req, ServerResponse res, Node node) {
        Optional<String> header = req.headers().first(HeaderNames.RANGE);
        if (header.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> ifRange = req.headers().first(HeaderNames.IF_RANGE);
        if (ifRange.isPresent()) {
            String v = ifRange.get().strip();
            boolean matches = v.startsWith("\"") ? v.equals(LiveProperties.quoted(node.etag()))
                    : DavRoutes.httpDate(v).map(d -> node.mtime() / 1000 <= d).orElse(false);
            if (!matches) {
                return Optional.empty();
            }
        }
        String v = header.get().strip();
        if (!v.regionMatches(true, 0, "bytes=", 0, 6) || v.indexOf(',') >= 0) {
            return Optional.empty();
        }
        String spec = v.substring(6).strip();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return Optional.empty();
        }
        long size = node.size();
        String first = spec.substring(0, dash).strip();
        String last = spec.substring(dash + 1).strip();
        try {
            long start;
            long end;
            if (first.isEmpty()) {
                long suffix = Long.parseLong(last);
                if (suffix <= 0 || size == 0) {
                    throw unsatisfiable(res, size);
                }
                start = Math.max(0, size - suffix);
                end = size - 1;
            } else {
                start = Long.parseLong(first);
                end = last.isEmpty() ? Long.MAX_VALUE : Long.parseLong(last);
                if (start < 0 || end < start) {
                    return Optional.empty();
                }
                if (start >= size) {
                    throw unsatisfiable(res, size);
                }
                end = Math.min(end, size - 1);
            }
            return Optional.of(new long[] {start, end});
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static DavException unsatisfiable(ServerResponse res, long size) {
        res.header(HeaderNames.CONTENT_RANGE, "bytes */" + size);
        return new DavException(416, Msg.of("files.dav.range-unsatisfiable", size));
    }

}
