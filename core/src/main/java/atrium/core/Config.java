package atrium.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The validated configuration: defaults from {@code atrium-defaults.conf}, then
 * {@code <data>/atrium.conf}, then {@code ATRIUM_<KEY>} environment variables.
 * An unknown key or a bad value stops start-up with a message naming the key.
 */
public final class Config {
    public static final String FILE_NAME = "atrium.conf";
    private static final String DEFAULTS = "/atrium-defaults.conf";

    private final Path dataDir;
    private final Map<String, String> values;
    private final Map<String, String> sources;

    private Config(Path dataDir, Map<String, String> values, Map<String, String> sources) {
        this.dataDir = dataDir;
        this.values = values;
        this.sources = sources;
    }

    /** Loads the configuration for the data directory named by ATRIUM_DATA (default ./data). */
    public static Config load(Map<String, String> env) {
        Path dataDir = Path.of(env.getOrDefault("ATRIUM_DATA", "data")).toAbsolutePath().normalize();
        return load(dataDir, env);
    }

    public static Config load(Path dataDir, Map<String, String> env) {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> sources = new LinkedHashMap<>();
        for (var e : parse(readDefaults(), DEFAULTS).entrySet()) {
            values.put(e.getKey(), e.getValue());
            sources.put(e.getKey(), "default");
        }
        Path file = dataDir.resolve(FILE_NAME);
        if (Files.isRegularFile(file)) {
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new ConfigException("cannot read " + file + ": " + e.getMessage());
            }
            for (var e : parse(text, file.toString()).entrySet()) {
                if (!values.containsKey(e.getKey())) {
                    throw new ConfigException(file + ": unknown key '" + e.getKey() + "' (see docs/configuration.md)");
                }
                values.put(e.getKey(), e.getValue());
                sources.put(e.getKey(), file.toString());
            }
        }
        for (String key : List.copyOf(values.keySet())) {
            String fromEnv = env.get(envName(key));
            if (fromEnv != null) {
                values.put(key, fromEnv.strip());
                sources.put(key, "environment " + envName(key));
            }
        }
        return new Config(dataDir, values, sources);
    }

    /** Returns a copy with some keys replaced (tests and the CLI use it). */
    public Config with(Map<String, String> overrides) {
        Map<String, String> v = new LinkedHashMap<>(values);
        Map<String, String> s = new LinkedHashMap<>(sources);
        overrides.forEach((k, val) -> {
            if (!v.containsKey(k)) {
                throw new ConfigException("unknown key '" + k + "'");
            }
            v.put(k, val);
            s.put(k, "override");
        });
        return new Config(dataDir, v, s);
    }

    public static String envName(String key) {
        return "ATRIUM_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public Path dataDir() {
        return dataDir;
    }

    public Map<String, String> keys() {
        return Map.copyOf(values);
    }

    public String string(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("no such config key: " + key);
        }
        return v;
    }

    public Optional<String> optional(String key) {
        String v = string(key);
        return v.isEmpty() ? Optional.empty() : Optional.of(v);
    }

    public int integer(String key, int min, int max) {
        return (int) longValue(key, min, max);
    }

    public long longValue(String key, long min, long max) {
        String v = string(key);
        try {
            long i = Long.parseLong(v);
            if (i < min || i > max) {
                throw bad(key, "must be between " + min + " and " + max);
            }
            return i;
        } catch (NumberFormatException e) {
            throw bad(key, "must be a whole number");
        }
    }

    /** A number that may have a fraction, written with a dot ({@code 0.5}); for durations tests shorten. */
    public double decimal(String key, double min, double max) {
        String v = string(key).strip();
        if (!v.matches("[0-9]{1,9}(\\.[0-9]{1,9})?")) {
            throw bad(key, "must be a number such as 20 or 0.5");
        }
        double d = Double.parseDouble(v);
        if (d < min || d > max) {
            throw bad(key, "must be between " + plain(min) + " and " + plain(max));
        }
        return d;
    }

    private static String plain(double d) {
        return java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }

    public int port(String key) {
        return integer(key, 0, 65535);
    }

    public boolean bool(String key) {
        return switch (string(key).toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw bad(key, "must be true or false");
        };
    }

    public <E extends Enum<E>> E oneOf(String key, Class<E> type) {
        String v = string(key).toUpperCase(Locale.ROOT).replace('-', '_');
        try {
            return Enum.valueOf(type, v);
        } catch (IllegalArgumentException e) {
            List<String> allowed = Arrays.stream(type.getEnumConstants())
                    .map(c -> c.name().toLowerCase(Locale.ROOT).replace('_', '-')).toList();
            throw bad(key, "must be one of " + allowed);
        }
    }

    public List<String> list(String key) {
        String v = string(key);
        List<String> out = new ArrayList<>();
        for (String part : v.split(",")) {
            if (!part.isBlank()) {
                out.add(part.strip());
            }
        }
        return out;
    }

    /** A path value, relative paths taken from the data directory; empty = none. */
    public Optional<Path> path(String key) {
        return optional(key).map(p -> dataDir.resolve(p).normalize());
    }

    public ConfigException bad(String key, String problem) {
        // A password in a URL (redis://:secret@host) is hidden like a password key.
        String shown = key.contains("password") ? "***" : values.get(key).replaceAll("(://[^/@]*:)[^/@]*@", "$1***@");
        return new ConfigException("config key '" + key + "' (" + sources.get(key) + ", value '" + shown + "'): " + problem);
    }

    static String readDefaults() {
        try (InputStream in = Config.class.getResourceAsStream(DEFAULTS)) {
            if (in == null) {
                throw new IllegalStateException(DEFAULTS + " missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The documented defaults, in file order, for docs and the CLI. */
    public static Map<String, String> defaults() {
        return parse(readDefaults(), DEFAULTS);
    }

    static Map<String, String> parse(String text, String origin) {
        Map<String, String> out = new LinkedHashMap<>();
        String[] lines = text.split("\r?\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException(origin + " line " + (i + 1) + ": expected 'key = value', found '" + line + "'");
            }
            String key = line.substring(0, eq).strip();
            if (!key.matches("[a-z][a-z0-9.-]*")) {
                throw new ConfigException(origin + " line " + (i + 1) + ": '" + key + "' is not a valid key (lower case, dots, dashes)");
            }
            if (out.containsKey(key)) {
                throw new ConfigException(origin + " line " + (i + 1) + ": key '" + key + "' appears twice");
            }
            out.put(key, line.substring(eq + 1).strip());
        }
        return out;
    }
}
