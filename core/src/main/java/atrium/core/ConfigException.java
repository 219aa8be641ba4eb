package atrium.core;

/** A configuration value that cannot be used; start-up stops with exit code 78 (EX_CONFIG). */
public final class ConfigException extends RuntimeException {
    public static final int EXIT_CODE = 78;

    public ConfigException(String message) {
        super(message);
    }
}
