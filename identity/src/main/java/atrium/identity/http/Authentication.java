package atrium.identity.http;

import atrium.core.AtriumException;
import atrium.core.Msg;
import atrium.core.http.HttpPlumbing;
import atrium.identity.Caller;
import atrium.identity.SessionState;
import atrium.identity.SignInService;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.SetCookie;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the caller of a request: a browser session cookie (with a CSRF token on every
 * unsafe request) or HTTP Basic with an app password. Other modules use it too.
 */
public final class Authentication {
    public static final String SESSION_COOKIE = "atrium_session";
    public static final String CSRF_COOKIE = "atrium_csrf";
    public static final String CSRF_HEADER = "X-CSRF-Token";
    private static final Set<Method> SAFE = Set.of(Method.GET, Method.HEAD, Method.OPTIONS);

    private final SignInService signIn;

    public Authentication(SignInService signIn) {
        this.signIn = signIn;
    }

    private record Resolved(Optional<Caller> caller) {
    }

    /** The caller, whatever the state of their session; resolved once per request. */
    public Optional<Caller> resolve(ServerRequest req) {
        var cached = req.context().get(Resolved.class);
        if (cached.isPresent()) {
            return cached.get().caller();
        }
        String address = HttpPlumbing.info(req).clientAddress();
        Optional<Caller> caller = Optional.empty();
        Optional<String> auth = req.headers().first(HeaderNames.AUTHORIZATION);
        if (auth.isPresent() && auth.get().regionMatches(true, 0, "Basic ", 0, 6)) {
            String[] userPass = decodeBasic(auth.get().substring(6).strip());
            caller = Optional.of(signIn.fromBasic(userPass[0], userPass[1], address));
        } else {
            Optional<String> token = cookie(req, SESSION_COOKIE);
            if (token.isPresent()) {
                caller = signIn.fromSessionToken(token.get(), address);
                if (caller.isPresent() && !SAFE.contains(req.prologue().method())) {
                    checkCsrf(req);
                }
            }
        }
        req.context().register(new Resolved(caller));
        return caller;
    }

    /** A fully signed-in caller, or 401. */
    public Caller require(ServerRequest req) {
        Caller c = resolve(req).orElseThrow(Authentication::signInNeeded);
        if (c.session().map(s -> s.state() != SessionState.SIGNED_IN).orElse(false)) {
            throw signInNeeded();
        }
        return c;
    }

    /** A signed-in caller or one whose session may only enrol a second factor. */
    public Caller requireForEnrolment(ServerRequest req) {
        Caller c = resolve(req).orElseThrow(Authentication::signInNeeded);
        if (c.session().map(s -> s.state() == SessionState.TOTP_REQUIRED).orElse(false)) {
            throw signInNeeded();
        }
        return c;
    }

    private static AtriumException signInNeeded() {
        return new AtriumException.Unauthorized("unauthorized", Msg.of("identity.sign-in.first"));
    }

    /** Double-submit check: the header must equal the CSRF cookie, which other sites cannot read. */
    public static void checkCsrf(ServerRequest req) {
        Optional<String> cookie = cookie(req, CSRF_COOKIE);
        Optional<String> header = req.headers().first(HeaderNames.create(CSRF_HEADER));
        if (cookie.isEmpty() || header.isEmpty() || cookie.get().length() < 16
                || !MessageDigest.isEqual(cookie.get().getBytes(StandardCharsets.UTF_8),
                header.get().getBytes(StandardCharsets.UTF_8))) {
            throw new AtriumException.Forbidden("csrf", Msg.of("identity.csrf"));
        }
    }

    public static Optional<String> cookie(ServerRequest req, String name) {
        return req.headers().cookies().first(name).asOptional();
    }

    /** Makes sure the browser holds a CSRF cookie; returns its value. */
    public static String ensureCsrfCookie(ServerRequest req, ServerResponse res) {
        Optional<String> existing = cookie(req, CSRF_COOKIE).filter(v -> v.matches("[A-Za-z0-9_-]{16,100}"));
        if (existing.isPresent()) {
            return existing.get();
        }
        String value = atrium.identity.Secrets.token(24);
        res.headers().addCookie(SetCookie.builder(CSRF_COOKIE, value).path("/").secure(secure(req))
                .sameSite(SetCookie.SameSite.STRICT).build());
        return value;
    }

    public static void setSessionCookie(ServerRequest req, ServerResponse res, String token) {
        res.headers().addCookie(SetCookie.builder(SESSION_COOKIE, token).path("/").httpOnly(true).secure(secure(req))
                .sameSite(SetCookie.SameSite.STRICT).build());
    }

    public static void clearSessionCookie(ServerRequest req, ServerResponse res) {
        res.headers().addCookie(SetCookie.builder(SESSION_COOKIE, "").path("/").httpOnly(true).secure(secure(req))
                .sameSite(SetCookie.SameSite.STRICT).maxAge(Duration.ZERO).build());
    }

    private static boolean secure(ServerRequest req) {
        return HttpPlumbing.info(req).secure();
    }

    private static String[] decodeBasic(String encoded) {
        try {
            String s = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
            int colon = s.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException();
            }
            return new String[] {s.substring(0, colon), s.substring(colon + 1)};
        } catch (IllegalArgumentException e) {
            throw new AtriumException.Unauthorized("invalid-credentials", Msg.of("identity.auth.malformed"));
        }
    }
}
