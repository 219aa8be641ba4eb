package atrium.server;

import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.logging.SimpleFormatter;
import java.util.logging.StreamHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** One line per log record on standard output: time, level, logger, message. */
final class LogSetup {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    private LogSetup() {
    }

    /**
     * Keeps log handlers alive during shutdown: the JDK's LogManager resets (removes) every
     * handler in a shutdown hook of its own, which would swallow "Atrium stopped".
     */
    public static final class KeepHandlersLogManager extends java.util.logging.LogManager {
        public KeepHandlersLogManager() {
            super();
        }

        @Override
        public void reset() {
            // Deliberately nothing: handlers are configured once and live as long as the process.
        }
    }

    /** Must run before anything touches java.util.logging. */
    static void installManager() {
        System.setProperty("java.util.logging.manager", KeepHandlersLogManager.class.getName());
    }

    static void configure(String level) {
        Level l = switch (level.toLowerCase(Locale.ROOT)) {
            case "error" -> Level.SEVERE;
            case "warn" -> Level.WARNING;
            case "debug" -> Level.FINE;
            default -> Level.INFO;
        };
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        // A StreamHandler of our own: ConsoleHandler.setOutputStream would close System.err.
        Handler h = new StreamHandler(new PrintStream(System.out, true, java.nio.charset.StandardCharsets.UTF_8),
                new SimpleFormatter()) {
            @Override
            public synchronized void publish(LogRecord r) {
                super.publish(r);
                flush();
            }

            @Override
            public synchronized void close() {
                flush();
            }
        };
        h.setLevel(l);
        h.setFormatter(new Formatter() {
            @Override
            public String format(LogRecord r) {
                String name = r.getLoggerName() == null ? "" : r.getLoggerName();
                name = name.substring(name.lastIndexOf('.') + 1);
                StringBuilder sb = new StringBuilder()
                        .append(TIME.format(Instant.ofEpochMilli(r.getMillis()))).append(' ')
                        .append(r.getLevel() == Level.SEVERE ? "ERROR" : r.getLevel() == Level.WARNING ? "WARN" : r.getLevel().getName())
                        .append(' ').append(name).append(": ").append(formatMessage(r)).append('\n');
                if (r.getThrown() != null) {
                    var sw = new java.io.StringWriter();
                    r.getThrown().printStackTrace(new java.io.PrintWriter(sw));
                    sb.append(sw);
                }
                return sb.toString();
            }
        });
        root.addHandler(h);
        root.setLevel(l);
        // Helidon and Hikari are chatty at INFO about things an operator does not need.
        Logger.getLogger("io.helidon").setLevel(l.intValue() < Level.INFO.intValue() ? l : Level.WARNING);
        Logger.getLogger("com.zaxxer.hikari").setLevel(Level.WARNING);
        Logger.getLogger("org.flywaydb").setLevel(Level.WARNING);
    }
}
