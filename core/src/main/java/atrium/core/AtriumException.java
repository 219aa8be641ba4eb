package atrium.core;

import java.util.Optional;

/**
 * The errors a user may see. Each carries a message fit for a person, as a {@link Msg}
 * the mapper renders in the language of the request, and a stable code; one mapper per
 * protocol turns them into a status and a body. {@link #getMessage()} is the English
 * text, for logs and the command line.
 */
public abstract sealed class AtriumException extends RuntimeException {
    private final String code;
    private final Msg msg;

    AtriumException(String code, Msg msg) {
        super(null, null, false, false);
        this.code = code;
        this.msg = msg;
    }

    public String code() {
        return code;
    }

    public Msg msg() {
        return msg;
    }

    /** Rendered only when asked: some of these errors are thrown and caught in bulk (imports). */
    @Override
    public String getMessage() {
        return msg.english();
    }

    public abstract int status();

    public Optional<String> field() {
        return Optional.empty();
    }

    public static final class Invalid extends AtriumException {
        private final String field;

        public Invalid(Msg msg) {
            this("invalid", null, msg);
        }

        public Invalid(String code, String field, Msg msg) {
            super(code, msg);
            this.field = field;
        }

        public static Invalid field(String field, Msg msg) {
            return new Invalid("invalid", field, msg);
        }

        @Override
        public int status() {
            return 400;
        }

        @Override
        public Optional<String> field() {
            return Optional.ofNullable(field);
        }
    }

    public static final class Unauthorized extends AtriumException {
        public Unauthorized(String code, Msg msg) {
            super(code, msg);
        }

        @Override
        public int status() {
            return 401;
        }
    }

    public static final class Forbidden extends AtriumException {
        public Forbidden(Msg msg) {
            super("forbidden", msg);
        }

        public Forbidden(String code, Msg msg) {
            super(code, msg);
        }

        @Override
        public int status() {
            return 403;
        }
    }

    public static final class NotFound extends AtriumException {
        public NotFound(Msg msg) {
            super("not-found", msg);
        }

        @Override
        public int status() {
            return 404;
        }
    }

    public static final class Conflict extends AtriumException {
        public Conflict(Msg msg) {
            super("conflict", msg);
        }

        @Override
        public int status() {
            return 409;
        }
    }

    public static final class Gone extends AtriumException {
        public Gone(Msg msg) {
            super("gone", msg);
        }

        /** With a code that says why, when a client shows its own text for each reason. */
        public Gone(String code, Msg msg) {
            super(code, msg);
        }

        @Override
        public int status() {
            return 410;
        }
    }

    public static final class TooLarge extends AtriumException {
        public TooLarge(Msg msg) {
            super("too-large", msg);
        }

        @Override
        public int status() {
            return 413;
        }
    }

    public static final class TooManyRequests extends AtriumException {
        private final long retryAfterSeconds;

        public TooManyRequests(Msg msg, long retryAfterSeconds) {
            super("too-many-attempts", msg);
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }

        @Override
        public int status() {
            return 429;
        }
    }

    public static final class QuotaExceeded extends AtriumException {
        public QuotaExceeded(Msg msg) {
            super("quota-exceeded", msg);
        }

        @Override
        public int status() {
            return 507;
        }
    }

    /** The server's disk is full, or would be past its reserve: no quota of the caller's is at fault. */
    public static final class StorageFull extends AtriumException {
        public StorageFull(Msg msg) {
            super("storage-full", msg);
        }

        @Override
        public int status() {
            return 507;
        }
    }

    /** The content itself is refused (a virus, or a file the virus scanner could not check), as Nextcloud does with 415. */
    public static final class Rejected extends AtriumException {
        public Rejected(String code, Msg msg) {
            super(code, msg);
        }

        @Override
        public int status() {
            return 415;
        }
    }

    /** A service the request needs (the virus scanner) cannot be reached; the same request may work later. */
    public static final class Unavailable extends AtriumException {
        public Unavailable(String code, Msg msg) {
            super(code, msg);
        }

        @Override
        public int status() {
            return 503;
        }
    }
}
