package atrium.files.http;

import atrium.core.Msg;
import java.util.Map;
import java.util.Optional;

/**
 * A WebDAV protocol error: the status to answer and a message fit for the user, shown
 * by the Nextcloud clients from the Sabre-style error body ({@link Multistatus#errorBody}).
 * The message is a {@link Msg}, rendered in the request's language only when the error is
 * answered, so that the protocol pieces (paths, XML, If header) need not know the language;
 * {@link #getMessage()} is the English text, for logs and tests.
 * The optional condition is an RFC 4918 section 16 precondition element such as
 * {@code <d:lock-token-submitted>…}, written inside {@code <d:error>}.
 */
public final class DavException extends RuntimeException {
    /*
     * 503 is left out on purpose: the desktop client aborts the whole sync when it sees
     * Sabre's ServiceUnavailable exception name (protocol notes, section 0.7).
     */
    private static final Map<Integer, String> SABRE = Map.ofEntries(
            Map.entry(400, "Sabre\\DAV\\Exception\\BadRequest"),
            Map.entry(401, "Sabre\\DAV\\Exception\\NotAuthenticated"),
            Map.entry(402, "Sabre\\DAV\\Exception\\PaymentRequired"),
            Map.entry(403, "Sabre\\DAV\\Exception\\Forbidden"),
            Map.entry(404, "Sabre\\DAV\\Exception\\NotFound"),
            Map.entry(405, "Sabre\\DAV\\Exception\\MethodNotAllowed"),
            Map.entry(409, "Sabre\\DAV\\Exception\\Conflict"),
            Map.entry(412, "Sabre\\DAV\\Exception\\PreconditionFailed"),
            Map.entry(415, "Sabre\\DAV\\Exception\\UnsupportedMediaType"),
            Map.entry(416, "Sabre\\DAV\\Exception\\RequestedRangeNotSatisfiable"),
            Map.entry(423, "Sabre\\DAV\\Exception\\Locked"),
            Map.entry(501, "Sabre\\DAV\\Exception\\NotImplemented"),
            Map.entry(507, "Sabre\\DAV\\Exception\\InsufficientStorage"));

    private final int status;
    private final Msg msg;
    private final String condition;

    public DavException(int status, Msg msg) {
        this(status, msg, "");
    }

    /**
     * @param condition a precondition or postcondition element in the {@code d:} prefix
     *                  (RFC 4918 section 16), or "" for none
     */
    public DavException(int status, Msg msg, String condition) {
        super(null, null, false, false);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("not an error status: " + status);
        }
        this.status = status;
        this.msg = msg;
        this.condition = condition;
    }

    /** The message for the person, to render in the request's language. */
    public Msg msg() {
        return msg;
    }

    @Override
    public String getMessage() {
        return msg.english();
    }

    public int status() {
        return status;
    }

    /** The precondition element for the error body, if any. */
    public Optional<String> condition() {
        return condition.isEmpty() ? Optional.empty() : Optional.of(condition);
    }

    /** The exception class name Nextcloud would send for this status, for {@code <s:exception>}. */
    public String sabreException() {
        return sabreException(status);
    }

    static String sabreException(int status) {
        return SABRE.getOrDefault(status, "Sabre\\DAV\\Exception");
    }
}
