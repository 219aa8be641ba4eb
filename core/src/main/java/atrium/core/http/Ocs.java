package atrium.core.http;

import atrium.core.AtriumException;
import atrium.core.Language;
import atrium.core.Msg;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The OCS envelope in the two forms Nextcloud answers: JSON when the client asks for it
 * ({@code format=json} or an {@code Accept} naming JSON), else XML, Nextcloud's default.
 * Version 1 answers HTTP 200 with status code 100 (or the error's code) inside; version 2
 * answers the HTTP status and repeats it inside. JSON stays compact: the desktop client
 * reads the status code with a regex on the raw body. Every OCS route of every module
 * answers through here (files' sharing and discovery, identity's notifications).
 */
public final class Ocs {
    private static final Logger LOG = Logger.getLogger(Ocs.class.getName());

    private Ocs() {
    }

    /**
     * Answers with what {@code action} returns, or with its error in the OCS form: the user's
     * message for an {@link AtriumException}, a bare "internal error" with the request id for
     * anything else (whose cause is logged, never sent).
     */
    public static void reply(ServerRequest req, ServerResponse res, int version, Supplier<Object> action) {
        answer(req, res, version, false, action);
    }

    /**
     * As {@link #reply}, with an ETag of the answer's data: a client that sends it back in
     * {@code If-None-Match} gets 304 and no body (Nextcloud's notifications API; its clients
     * poll every few minutes).
     */
    public static void replyTagged(ServerRequest req, ServerResponse res, int version, Supplier<Object> action) {
        answer(req, res, version, true, action);
    }

    private static void answer(ServerRequest req, ServerResponse res, int version, boolean tagged, Supplier<Object> action) {
        Language lang = HttpPlumbing.language(req);
        try {
            Object data = action.get();
            if (tagged) {
                String etag = etag(data);
                res.header(HeaderNames.ETAG, etag);
                if (req.headers().first(HeaderNames.IF_NONE_MATCH).map(v -> matches(v, etag)).orElse(false)) {
                    res.header(HeaderNames.CACHE_CONTROL, "no-store");
                    res.status(Status.NOT_MODIFIED_304).send();
                    return;
                }
            }
            ok(req, res, version, data);
        } catch (AtriumException e) {
            if (e.status() == 401) {
                res.header(HeaderNames.WWW_AUTHENTICATE, "Basic realm=\"Atrium\", charset=\"UTF-8\"");
            }
            failure(req, res, version, e.status(), e.msg().text(lang));
        } catch (RuntimeException e) {
            String id = HttpPlumbing.info(req).id();
            LOG.log(Level.SEVERE, "request " + id + " failed", e);
            failure(req, res, version, 500, Msg.of("core.internal", id).text(lang));
        }
    }

    /** A strong ETag of the data as JSON: the same data, in the same language, gives the same tag. */
    static String etag(Object data) {
        try {
            byte[] json = Json.MAPPER.writeValueAsBytes(data);
            return "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json), 0, 16) + "\"";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** RFC 9110 §13.1.2: a list of tags, or "*"; weak comparison. */
    private static boolean matches(String ifNoneMatch, String etag) {
        for (String candidate : ifNoneMatch.split(",")) {
            String c = candidate.strip();
            if (c.equals("*") || c.replaceFirst("^W/", "").equals(etag)) {
                return true;
            }
        }
        return false;
    }

    public static boolean json(ServerRequest req) {
        return req.query().first("format").map(f -> f.equalsIgnoreCase("json"))
                .orElseGet(() -> req.headers().first(HeaderNames.ACCEPT).map(a -> a.contains("json")).orElse(false));
    }

    public static void ok(ServerRequest req, ServerResponse res, int version, Object data) {
        send(req, res, version, 200, "ok", version == 1 ? 100 : 200, "OK", data);
    }

    public static void failure(ServerRequest req, ServerResponse res, int version, int status, String message) {
        int http = version == 1 && status != 401 ? 200 : status;
        send(req, res, version, http, "failure", status, message, List.of());
    }

    private static void send(ServerRequest req, ServerResponse res, int version, int http, String status, int code,
                             String message, Object data) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("status", status);
        meta.put("statuscode", code);
        meta.put("message", message);
        meta.put("totalitems", "");
        meta.put("itemsperpage", "");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        if (json(req)) {
            Json.send(res, http, Map.of("ocs", Map.of("meta", meta, "data", data)));
            return;
        }
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?>\n<ocs>");
        element(xml, "meta", meta);
        element(xml, "data", data);
        xml.append("</ocs>\n");
        res.status(Status.create(http));
        res.header(HeaderNames.CONTENT_TYPE, "application/xml; charset=utf-8");
        res.send(xml.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Nextcloud's XML form: maps as elements, list items as {@code <element>}, true as 1, false and null as empty. */
    private static void element(StringBuilder xml, String name, Object value) {
        xml.append('<').append(name).append('>');
        switch (value) {
            case null -> {
            }
            case Map<?, ?> map -> map.forEach((k, v) -> element(xml, k.toString(), v));
            case List<?> list -> list.forEach(v -> element(xml, "element", v));
            case Boolean b -> xml.append(b ? "1" : "");
            default -> xml.append(escape(value.toString()));
        }
        xml.append("</").append(name).append('>');
    }

    private static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                default -> {
                    if (ch >= 0x20 || ch == '\t' || ch == '\n' || ch == '\r') {
                        out.append(ch);
                    }
                }
            }
        }
        return out.toString();
    }
}
