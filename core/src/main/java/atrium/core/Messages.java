package atrium.core;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.text.NumberFormat;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The catalogue of messages for people, in every {@link Language}. Each module ships
 * {@code atrium/messages_en.properties} and {@code atrium/messages_fr.properties} (UTF-8);
 * all the copies on the class path are merged, and a key two files define differently is
 * an error when the catalogue loads (the server loads it at start-up).
 * Keys are named after their module ({@code core.}, {@code identity.}, {@code server.}).
 *
 * <p>Placeholders are {@code {0}}, {@code {1}}… and {@code {0,number}} for a count with
 * the language's digit grouping (10,000 / 10 000). Deliberately not {@link
 * java.text.MessageFormat}: there an apostrophe starts a quoted section, so "l'identifiant
 * {0}" loses its placeholder unless every apostrophe is doubled, a rule translators forget
 * and that fails silently; a literal brace, as in "POST /users/{login}", is an error; and
 * every number gets digit grouping, so a limit of 1048576 bytes would read 1,048,576.
 * Here every character is literal except a placeholder.
 *
 * <p>French texts are written with ordinary spaces; when loaded, the space before
 * {@code : ; ? !} and inside {@code « »} becomes a no-break space, so the punctuation never
 * starts a line.
 */
public final class Messages {
    public static final String RESOURCE = "atrium/messages";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\d+)(,number)?}");
    private static final Pattern FRENCH_SPACE_BEFORE = Pattern.compile(" ([:;?!»])");

    private final Map<Language, Map<String, String>> texts;

    private Messages(Map<Language, Map<String, String>> texts) {
        this.texts = texts;
    }

    private static final class Standard {
        static final Messages INSTANCE = load(Messages.class.getClassLoader());
    }

    /** The catalogue of every module on the class path, loaded once. */
    public static Messages standard() {
        return Standard.INSTANCE;
    }

    /** Merges the message files of every module the class loader sees. */
    public static Messages load(ClassLoader loader) {
        Map<Language, Map<String, String>> texts = new EnumMap<>(Language.class);
        for (Language language : Language.values()) {
            String name = RESOURCE + "_" + language.tag() + ".properties";
            Map<String, String> merged = new HashMap<>();
            Map<String, URL> origin = new HashMap<>();
            try {
                for (URL url : Collections.list(loader.getResources(name))) {
                    Properties p = new Properties();
                    try (Reader in = new InputStreamReader(url.openStream(), StandardCharsets.UTF_8)) {
                        p.load(in);
                    }
                    for (String key : p.stringPropertyNames()) {
                        String text = prepare(language, p.getProperty(key));
                        String before = merged.putIfAbsent(key, text);
                        if (before != null && !before.equals(text)) {
                            throw new IllegalStateException("message key '" + key + "' is defined in both "
                                    + origin.get(key) + " and " + url);
                        }
                        origin.putIfAbsent(key, url);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + name, e);
            }
            texts.put(language, Map.copyOf(merged));
        }
        return new Messages(texts);
    }

    private static String prepare(Language language, String text) {
        if (language != Language.FR) {
            return text;
        }
        return FRENCH_SPACE_BEFORE.matcher(text).replaceAll("\u00A0$1").replace("« ", "«\u00A0");
    }

    /** The message in that language; in English if it has no translation; its key if it is unknown. */
    public String render(Msg msg, Language language) {
        Optional<String> pattern = pattern(msg.key(), language).or(() -> pattern(msg.key(), Language.EN));
        if (pattern.isEmpty()) {
            return msg.key();
        }
        Matcher m = PLACEHOLDER.matcher(pattern.get());
        StringBuilder out = new StringBuilder();
        int last = 0;
        while (m.find()) {
            out.append(pattern.get(), last, m.start());
            int index = Integer.parseInt(m.group(1));
            if (index < msg.args().size()) {
                out.append(value(msg.args().get(index), m.group(2) != null, language));
            } else {
                out.append(m.group());
            }
            last = m.end();
        }
        return out.append(pattern.get(), last, pattern.get().length()).toString();
    }

    private String value(Object arg, boolean number, Language language) {
        return switch (arg) {
            case Msg nested -> render(nested, language);
            case Collection<?> items -> items.stream().map(i -> value(i, number, language))
                    .collect(Collectors.joining(", "));
            case Number n when number -> NumberFormat.getIntegerInstance(language.locale()).format(n);
            default -> String.valueOf(arg);
        };
    }

    public Optional<String> pattern(String key, Language language) {
        return Optional.ofNullable(texts.get(language).get(key));
    }

    public boolean has(String key, Language language) {
        return texts.get(language).containsKey(key);
    }

    public Set<String> keys(Language language) {
        return Collections.unmodifiableSet(new TreeSet<>(texts.get(language).keySet()));
    }

    /** The placeholders of a pattern as written, sorted: ["{0}", "{1,number}"]. */
    public static List<String> placeholders(String pattern) {
        return PLACEHOLDER.matcher(pattern).results().map(r -> r.group()).distinct().sorted().toList();
    }
}
