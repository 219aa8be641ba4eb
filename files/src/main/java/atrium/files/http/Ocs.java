package atrium.files.http;

import atrium.core.http.Json;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The OCS envelope in the two forms Nextcloud answers: JSON when the client asks for it
 * ({@code format=json} or an {@code Accept} naming JSON), else XML, Nextcloud's default.
 * Version 1 answers HTTP 200 with status code 100 (or the error's code) inside; version 2
 * answers the HTTP status and repeats it inside. JSON stays compact: the desktop client
 * reads the status code with a regex on the raw body.
 */
public final class Ocs {
    private Ocs() {
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
