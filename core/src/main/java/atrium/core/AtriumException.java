package atrium.core;

import java.util.Optional;

/**
 * The errors a user may see. Each carries a message fit for a person and a stable
 * code; one mapper per protocol turns them into a status and a body.
 */
public abstract sealed class AtriumException extends RuntimeException {
    private final String code;

    AtriumException(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public String code() {
        return code;
    }

    public abstract int status();

    public Optional<String> field() {
        return Optional.empty();
    }

    public static final class Invalid extends AtriumException {
        private final String field;

        public Invalid(String message) {
            this("invalid", null, message);
        }

        public Invalid(String code, String field, String message) {
            super(code, message);
            this.field = field;
        }

        public static Invalid field(String field, String message) {
            return new Invalid("invalid", field, message);
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
        public Unauthorized(String code, String message) {
            super(code, message);
        }

        @Override
        public int status() {
            return 401;
        }
    }

    public static final class Forbidden extends AtriumException {
        public Forbidden(String message) {
            super("forbidden", message);
        }

        public Forbidden(String code, String message) {
            super(code, message);
        }

        @Override
        public int status() {
            return 403;
        }
    }

    public static final class NotFound extends AtriumException {
        public NotFound(String message) {
            super("not-found", message);
        }

        @Override
        public int status() {
            return 404;
        }
    }

    public static final class Conflict extends AtriumException {
        public Conflict(String message) {
            super("conflict", message);
        }

        @Override
        public int status() {
            return 409;
        }
    }

    public static final class Gone extends AtriumException {
        public Gone(String message) {
            super("gone", message);
        }

        @Override
        public int status() {
            return 410;
        }
    }

    public static final class TooLarge extends AtriumException {
        public TooLarge(String message) {
            super("too-large", message);
        }

        @Override
        public int status() {
            return 413;
        }
    }

    public static final class TooManyRequests extends AtriumException {
        private final long retryAfterSeconds;

        public TooManyRequests(String message, long retryAfterSeconds) {
            super("too-many-attempts", message);
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
        public QuotaExceeded(String message) {
            super("quota-exceeded", message);
        }

        @Override
        public int status() {
            return 507;
        }
    }
}
