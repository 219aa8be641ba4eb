package atrium.files.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import javax.xml.namespace.QName;

/**
 * Writes a 207 Multi-Status body (RFC 4918 section 13) response by response, straight to
 * the output stream, so a Depth 1 listing of ten thousand entries is never held in memory.
 *
 * <p>What the Nextcloud desktop client insists on (protocol notes, section 0): the caller
 * sends {@link #CONTENT_TYPE} exactly; every found property of one resource is in a single
 * propstat whose status is exactly {@code HTTP/1.1 200 OK} ({@link #response} merges
 * propstats of equal status); hrefs are absolute paths, percent-encoded per segment, with a
 * trailing slash for collections ({@link DavPath#href}).
 *
 * <p>Property names in the four namespaces of the root element use its prefixes; any other
 * namespace is declared on the property element itself with the prefix {@code x}, and a
 * property in no namespace is written unprefixed (the document never declares a default
 * namespace).
 */
public final class Multistatus implements Closeable {
    /** The only Content-Type the desktop client's listing job accepts byte for byte. */
    public static final String CONTENT_TYPE = "application/xml; charset=utf-8";
    public static final String DAV = "DAV:";
    public static final String OWNCLOUD = "http://owncloud.org/ns";
    public static final String NEXTCLOUD = "http://nextcloud.org/ns";
    public static final String SABRE = "http://sabredav.org/ns";

    /** The value of {@code d:resourcetype} for a collection; a file's is empty. */
    public static final String COLLECTION = "<d:collection/>";

    private static final String XML_DECLARATION = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";
    private static final Map<String, String> PREFIXES = Map.of(DAV, "d", OWNCLOUD, "oc", NEXTCLOUD, "nc", SABRE, "s");
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter
            .ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    private static final Map<Integer, String> REASONS = Map.ofEntries(
            Map.entry(200, "OK"), Map.entry(201, "Created"), Map.entry(204, "No Content"),
            Map.entry(400, "Bad Request"), Map.entry(401, "Unauthorized"), Map.entry(403, "Forbidden"),
            Map.entry(404, "Not Found"), Map.entry(405, "Method Not Allowed"), Map.entry(409, "Conflict"),
            Map.entry(412, "Precondition Failed"), Map.entry(413, "Payload Too Large"),
            Map.entry(415, "Unsupported Media Type"), Map.entry(422, "Unprocessable Entity"),
            Map.entry(423, "Locked"), Map.entry(424, "Failed Dependency"),
            Map.entry(500, "Internal Server Error"), Map.entry(502, "Bad Gateway"),
            Map.entry(503, "Service Unavailable"), Map.entry(507, "Insufficient Storage"));

    /**
     * The properties of one resource that share a status.
     *
     * @param error a precondition element for {@code <d:error>} (e.g.
     *              {@code <d:cannot-modify-protected-property/>}), or "" for none
     */
    public record Propstat(int status, List<DavProperty> properties, String error) {
        public Propstat {
            properties = List.copyOf(properties);
        }

        public Propstat(int status, List<DavProperty> properties) {
            this(status, properties, "");
        }
    }

    /**
     * How much text gathers before it goes out as UTF-8: each write to the response is a
     * chunk and a system call, and encoding one large string at a time is much cheaper
     * than a Writer's character-by-character encoder.
     */
    private static final int SEND_AT = 32 * 1024;

    private final OutputStream out;
    private final StringBuilder buffer = new StringBuilder(SEND_AT + 4096);
    private boolean closed;

    /** Answers 207 with the multistatus content type and starts the document in the body. */
    public static Multistatus open(ServerResponse res) {
        res.status(Status.MULTI_STATUS_207);
        res.header(HeaderNames.CONTENT_TYPE, CONTENT_TYPE);
        return new Multistatus(res.outputStream());
    }

    /** Starts the document; {@link #close()} ends it and closes {@code stream}. */
    public Multistatus(OutputStream stream) {
        this.out = stream;
        buffer.append(XML_DECLARATION).append("<d:multistatus");
        rootNamespaces(buffer);
        buffer.append('>');
        emit();
    }

    /**
     * One resource with its properties: the found ones in a single 200 propstat, the
     * missing ones in a 404 propstat; either is left out when empty.
     */
    public void response(String href, List<DavProperty> found, List<QName> missing) {
        // The common case of a listing, written without building and merging propstats.
        ensureOpen();
        buffer.append("<d:response><d:href>");
        XmlText.appendText(buffer, href);
        buffer.append("</d:href>");
        if (!found.isEmpty()) {
            propstat(found, 200, "");
        }
        if (!missing.isEmpty()) {
            buffer.append("<d:propstat><d:prop>");
            for (QName name : missing) {
                property(buffer, DavProperty.empty(name));
            }
            buffer.append("</d:prop><d:status>").append(statusLine(404)).append("</d:status></d:propstat>");
        }
        endResponse(!found.isEmpty() || !missing.isEmpty());
    }

    /**
     * One resource with propstats; those with the same status (and error) are merged, in
     * the order of first appearance, and empty ones are dropped (if all are, an empty 200
     * propstat keeps the response valid).
     */
    public void response(String href, List<Propstat> propstats) {
        Map<String, List<DavProperty>> merged = new LinkedHashMap<>();
        Map<String, Propstat> first = new LinkedHashMap<>();
        for (Propstat p : propstats) {
            String key = p.status() + " " + p.error();
            merged.computeIfAbsent(key, k -> new ArrayList<>()).addAll(p.properties());
            first.putIfAbsent(key, p);
        }
        ensureOpen();
        buffer.append("<d:response><d:href>");
        XmlText.appendText(buffer, href);
        buffer.append("</d:href>");
        boolean any = false;
        for (Map.Entry<String, List<DavProperty>> entry : merged.entrySet()) {
            if (entry.getValue().isEmpty()) {
                continue;
            }
            any = true;
            Propstat p = first.get(entry.getKey());
            propstat(entry.getValue(), p.status(), p.error());
        }
        endResponse(any);
    }

    private void propstat(List<DavProperty> properties, int status, String error) {
        buffer.append("<d:propstat><d:prop>");
        for (DavProperty property : properties) {
            property(buffer, property);
        }
        buffer.append("</d:prop><d:status>").append(statusLine(status)).append("</d:status>");
        if (!error.isEmpty()) {
            buffer.append("<d:error>").append(error).append("</d:error>");
        }
        buffer.append("</d:propstat>");
    }

    private void endResponse(boolean anyPropstat) {
        if (!anyPropstat) {
            // A response needs a propstat (section 14.24), even for an empty prop request.
            buffer.append("<d:propstat><d:prop/><d:status>").append(statusLine(200)).append("</d:status></d:propstat>");
        }
        buffer.append("</d:response>");
        emit();
    }

    /** A resource with a status only: a member that could not be copied, moved or deleted. */
    public void status(String href, int status) {
        status(href, status, "");
    }

    /**
     * As {@link #status(String, int)}, with a precondition element for {@code <d:error>},
     * such as {@code <d:lock-token-submitted><d:href>/locked/</d:href></d:lock-token-submitted>}.
     */
    public void status(String href, int status, String error) {
        ensureOpen();
        buffer.append("<d:response><d:href>");
        XmlText.appendText(buffer, href);
        buffer.append("</d:href><d:status>").append(statusLine(status)).append("</d:status>");
        if (!error.isEmpty()) {
            buffer.append("<d:error>").append(error).append("</d:error>");
        }
        buffer.append("</d:response>");
        emit();
    }

    /** Pushes what has been written so far to the client. */
    public void flush() {
        try {
            send();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Ends the document, flushes and closes the stream. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        buffer.append("</d:multistatus>\n");
        try {
            send();
            // Flushed before closing, so the body goes out chunked: a body Helidon holds whole
            // until close is sent with a Content-Length, and to a client asking "TE: trailers"
            // (litmus, through neon) Helidon 4.5 then still appends its stream-result trailer,
            // which the client reads as the start of the next response.
            out.flush();
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the multistatus body is already closed");
        }
    }

    private void emit() {
        if (buffer.length() >= SEND_AT) {
            try {
                send();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private void send() throws IOException {
        out.write(buffer.toString().getBytes(StandardCharsets.UTF_8));
        buffer.setLength(0);
    }

    // ---- Property values --------------------------------------------------------------

    private static void property(StringBuilder out, DavProperty property) {
        if (property.value() instanceof DavProperty.Element element) {
            out.append(element.xml());
            return;
        }
        String content = property.value() instanceof DavProperty.Text text ? XmlText.text(text.text())
                : ((DavProperty.Xml) property.value()).fragment();
        QName name = property.name();
        String ns = name.getNamespaceURI();
        String prefix = PREFIXES.get(ns);
        String qname = prefix != null ? prefix + ":" + name.getLocalPart()
                : ns.isEmpty() ? name.getLocalPart() : "x:" + name.getLocalPart();
        out.append('<').append(qname);
        if (prefix == null && !ns.isEmpty()) {
            out.append(" xmlns:x=\"");
            XmlText.appendAttribute(out, ns);
            out.append('"');
        }
        if (content.isEmpty()) {
            out.append("/>");
        } else {
            out.append('>').append(content).append("</").append(qname).append('>');
        }
    }

    /** {@code getlastmodified}: RFC 1123 in GMT with a two-digit day, as the desktop client parses it. */
    public static String httpDate(Instant instant) {
        // By hand: a listing formats one date per entry, and the formatter cost about a
        // microsecond each. Years of more than four digits keep the formatter's rendering.
        LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0, ZoneOffset.UTC);
        if (t.getYear() < 0 || t.getYear() > 9999) {
            return HTTP_DATE.format(instant);
        }
        StringBuilder b = new StringBuilder(29);
        b.append(DAYS[t.getDayOfWeek().ordinal()]).append(", ");
        digits(b, t.getDayOfMonth(), 2).append(' ').append(MONTHS[t.getMonthValue() - 1]).append(' ');
        digits(b, t.getYear(), 4).append(' ');
        digits(b, t.getHour(), 2).append(':');
        digits(b, t.getMinute(), 2).append(':');
        return digits(b, t.getSecond(), 2).append(" GMT").toString();
    }

    private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
        "Dec"};

    private static StringBuilder digits(StringBuilder b, int value, int width) {
        String s = Integer.toString(value);
        for (int i = s.length(); i < width; i++) {
            b.append('0');
        }
        return b.append(s);
    }

    /** {@code creationdate}: RFC 3339 (ISO 8601) in UTC, to the second (RFC 4918 section 15.1). */
    public static String creationDate(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    /** {@code HTTP/1.1 200 OK} and the like. */
    public static String statusLine(int status) {
        return "HTTP/1.1 " + status + " " + REASONS.getOrDefault(status, "Unknown");
    }

    /** The content of {@code d:supportedlock}: exclusive and shared write locks (section 15.10). */
    public static String supportedLock() {
        return "<d:lockentry><d:lockscope><d:exclusive/></d:lockscope><d:locktype><d:write/></d:locktype></d:lockentry>"
                + "<d:lockentry><d:lockscope><d:shared/></d:lockscope><d:locktype><d:write/></d:locktype></d:lockentry>";
    }

    /**
     * The content of {@code d:lockdiscovery} (section 15.8): one {@code d:activelock} per lock.
     *
     * @param hrefOf turns a lock's path into the href of its lock root
     */
    public static String lockDiscovery(List<DavLock> locks, Function<String, String> hrefOf, Instant now) {
        StringBuilder out = new StringBuilder();
        for (DavLock lock : locks) {
            activeLock(out, lock, hrefOf.apply(lock.path()), now);
        }
        return out.toString();
    }

    /**
     * The whole body of a successful LOCK (section 9.10.6): {@code d:prop} with the
     * lockdiscovery of the locks given (the new or refreshed one).
     */
    public static String lockResponse(List<DavLock> locks, Function<String, String> hrefOf, Instant now) {
        return XML_DECLARATION + "<d:prop xmlns:d=\"DAV:\"><d:lockdiscovery>" + lockDiscovery(locks, hrefOf, now)
                + "</d:lockdiscovery></d:prop>\n";
    }

    private static void activeLock(StringBuilder out, DavLock lock, String rootHref, Instant now) {
        out.append("<d:activelock><d:locktype><d:write/></d:locktype><d:lockscope><d:")
                .append(lock.scope().element()).append("/></d:lockscope><d:depth>")
                .append(lock.depth() == Depth.ZERO ? "0" : "infinity").append("</d:depth>");
        lock.owner().ifPresent(owner -> out.append("<d:owner>").append(owner).append("</d:owner>"));
        out.append("<d:timeout>Second-").append(lock.secondsLeft(now)).append("</d:timeout>")
                .append("<d:locktoken><d:href>");
        XmlText.appendText(out, lock.token());
        out.append("</d:href></d:locktoken><d:lockroot><d:href>");
        XmlText.appendText(out, rootHref);
        out.append("</d:href></d:lockroot></d:activelock>");
    }

    /**
     * The Sabre-style error body the Nextcloud clients read {@code <s:message>} from.
     *
     * @param exception the class name for {@code <s:exception>}, e.g.
     *                  {@code Sabre\DAV\Exception\NotFound}; never ServiceUnavailable except
     *                  for real maintenance (the desktop client then aborts the sync)
     */
    public static String errorBody(String exception, String message) {
        return errorBody(exception, message, "");
    }

    /** As {@link #errorBody(String, String)}, with an RFC 4918 precondition element first. */
    public static String errorBody(String exception, String message, String condition) {
        return XML_DECLARATION + "<d:error xmlns:d=\"DAV:\" xmlns:s=\"http://sabredav.org/ns\">" + condition
                + "<s:exception>" + XmlText.text(exception) + "</s:exception><s:message>" + XmlText.text(message)
                + "</s:message></d:error>\n";
    }

    /** The error body for a protocol error, with its precondition if it has one. */
    public static String errorBody(DavException e) {
        return errorBody(e.sabreException(), e.getMessage(), e.condition().orElse(""));
    }

    private static void rootNamespaces(StringBuilder out) {
        out.append(" xmlns:d=\"DAV:\" xmlns:oc=\"").append(OWNCLOUD).append("\" xmlns:nc=\"").append(NEXTCLOUD)
                .append("\" xmlns:s=\"").append(SABRE).append('"');
    }
}
