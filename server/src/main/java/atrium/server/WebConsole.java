package atrium.server;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Serves the built web console from the jar ({@code web/…}); any other path that is
 * not a file gets index.html, so the single-page app can route by itself.
 */
final class WebConsole implements HttpService {
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml", "png", "image/png", "ico", "image/x-icon", "json", "application/json",
            "woff2", "font/woff2", "txt", "text/plain; charset=utf-8", "webmanifest", "application/manifest+json");

    private final byte[] index;

    WebConsole() {
        byte[] found = read("web/index.html");
        this.index = found != null ? found : ("<!doctype html><meta charset=utf-8><title>Atrium</title>"
                + "<p>The web console was not built. Run <code>./atrium build</code>.").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/*", this::serve);
    }

    private void serve(ServerRequest req, ServerResponse res) {
        String path = req.path().path();
        if (path.startsWith("/api/") || path.equals("/api")) {
            res.next();
            return;
        }
        if (!path.equals("/") && !path.contains("..") && path.matches("/[A-Za-z0-9._/-]+")) {
            byte[] file = read("web" + path);
            if (file != null) {
                String ext = path.substring(path.lastIndexOf('.') + 1);
                res.header(HeaderNames.CONTENT_TYPE, TYPES.getOrDefault(ext, "application/octet-stream"));
                // Vite puts a content hash in every asset name, so those never change.
                res.header(HeaderNames.CACHE_CONTROL, path.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "no-cache");
                res.send(file);
                return;
            }
            if (path.startsWith("/assets/")) {
                res.status(Status.NOT_FOUND_404).send();
                return;
            }
        }
        page(req, res, 200);
    }

    /** The console's page with a status, for routes that know more about the address than "the app is here". */
    void page(ServerRequest req, ServerResponse res, int status) {
        res.status(Status.create(status));
        res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.send(index);
    }

    private static byte[] read(String resource) {
        if (resource.endsWith("/")) {
            return null;
        }
        try (InputStream in = WebConsole.class.getClassLoader().getResourceAsStream(resource)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            // A directory on the class path reads as an error on some class loaders: not a file.
            return null;
        }
    }

    static byte[] resource(String name) {
        try (InputStream in = WebConsole.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
