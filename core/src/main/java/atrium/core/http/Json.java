package atrium.core.http;

import atrium.core.AtriumException;
import atrium.core.Msg;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** JSON in and out of the REST API, with body limits and errors a person can read. */
public final class Json {
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .serializationInclusion(JsonInclude.Include.ALWAYS)
            .build();
    public static final String CONTENT_TYPE = "application/json; charset=utf-8";

    private Json() {
    }

    public static <T> T read(ServerRequest req, Class<T> type, long maxBytes) {
        byte[] body = readBody(req, maxBytes);
        if (body.length == 0) {
            throw new AtriumException.Invalid(Msg.of("core.json.body-needed"));
        }
        try {
            return MAPPER.readValue(body, type);
        } catch (UnrecognizedPropertyException e) {
            throw AtriumException.Invalid.field(e.getPropertyName(), Msg.of("core.json.unknown-field", e.getPropertyName()));
        } catch (JsonProcessingException e) {
            throw new AtriumException.Invalid(Msg.of("core.json.not-valid-for-request", e.getOriginalMessage()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode readTree(ServerRequest req, long maxBytes) {
        byte[] body = readBody(req, maxBytes);
        try {
            return MAPPER.readTree(body);
        } catch (IOException e) {
            throw new AtriumException.Invalid(Msg.of("core.json.not-valid", e.getMessage()));
        }
    }

    /** Refuses (400, naming the field) a JSON object with a field outside {@code allowed}. */
    public static void onlyFields(JsonNode body, java.util.Set<String> allowed) {
        for (java.util.Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw AtriumException.Invalid.field(f, Msg.of("core.json.unknown-field", f));
            }
        }
    }

    /** Reads the whole body, refusing more than maxBytes with 413. */
    public static byte[] readBody(ServerRequest req, long maxBytes) {
        if (!req.content().hasEntity()) {
            return new byte[0];
        }
        req.headers().contentLength().ifPresent(len -> {
            if (len > maxBytes) {
                throw new AtriumException.TooLarge(Msg.of("core.body.too-large", maxBytes));
            }
        });
        try (InputStream in = req.content().inputStream()) {
            byte[] data = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (data.length > maxBytes) {
                throw new AtriumException.TooLarge(Msg.of("core.body.too-large", maxBytes));
            }
            return data;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void send(ServerResponse res, int status, Object body) {
        byte[] bytes;
        try {
            bytes = MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + body.getClass(), e);
        }
        res.status(Status.create(status));
        res.header(HeaderNames.CONTENT_TYPE, CONTENT_TYPE);
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send(bytes);
    }

    public static void ok(ServerResponse res, Object body) {
        send(res, 200, body);
    }

    public static void noContent(ServerResponse res) {
        res.status(Status.NO_CONTENT_204).send();
    }
}
