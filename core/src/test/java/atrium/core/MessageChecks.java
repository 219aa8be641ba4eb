package atrium.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checks of the message catalogue shared by every module's tests: both languages hold the
 * same keys with the same placeholders, and every key the sources use exists.
 */
public final class MessageChecks {
    /** A key as the code names it: always a literal, so that it can be found here. */
    private static final Pattern USED = Pattern.compile("Msg\\.of\\(\\s*\"([^\"]+)\"");
    private static final Pattern NOT_LITERAL = Pattern.compile("Msg\\.of\\(\\s*[^\"\\s]|new Msg\\(");
    private static final Pattern PLACEHOLDER_INDEX = Pattern.compile("\\{(\\d+)");
    /** A brace with a digit that is not a placeholder, such as "{0,numbr}" or "{0 }": a typo. */
    private static final Pattern BROKEN_PLACEHOLDER = Pattern.compile("\\{\\d++(?!}|,number})");

    private MessageChecks() {
    }

    /** What is wrong with the catalogue: a key missing in one language, placeholders that differ, a typo. */
    public static List<String> problems(Messages messages) {
        List<String> problems = new ArrayList<>();
        Set<String> all = new TreeSet<>();
        for (Language l : Language.values()) {
            all.addAll(messages.keys(l));
        }
        for (String key : all) {
            for (Language l : Language.values()) {
                if (!messages.has(key, l)) {
                    problems.add(key + ": missing in " + l.tag());
                }
            }
            List<String> en = messages.pattern(key, Language.EN).map(MessageChecks::indices).orElse(List.of());
            for (Language l : Language.values()) {
                messages.pattern(key, l).ifPresent(text -> {
                    if (!indices(text).equals(en)) {
                        problems.add(key + ": placeholders " + indices(text) + " in " + l.tag() + " but " + en + " in en");
                    }
                    if (BROKEN_PLACEHOLDER.matcher(text).find()) {
                        problems.add(key + ": a placeholder is misspelt in " + l.tag() + ": " + text);
                    }
                    if (text.isBlank()) {
                        problems.add(key + ": empty in " + l.tag());
                    }
                });
            }
        }
        return problems;
    }

    /** Placeholder numbers, whatever their style: "{0} {1,number}" → [0, 1]. */
    private static List<String> indices(String text) {
        return PLACEHOLDER_INDEX.matcher(text).results().map(r -> r.group(1)).distinct().sorted().toList();
    }

    /** The keys named by {@code Msg.of("…")} in the Java files under a source root. */
    public static Set<String> keysUsedIn(Path sourceRoot) {
        Set<String> keys = new TreeSet<>();
        for (String text : sources(sourceRoot)) {
            USED.matcher(text).results().forEach(r -> keys.add(r.group(1)));
        }
        return keys;
    }

    /** Messages built with a key that is not a literal, which {@link #keysUsedIn} cannot see. */
    public static List<String> nonLiteralKeys(Path sourceRoot) {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(sourceRoot)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java") && !f.endsWith("Msg.java")).toList()) {
                NOT_LITERAL.matcher(Files.readString(file)).results().forEach(r -> found.add(file + ": " + r.group()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    /** The keys used in the sources that are missing from a language. */
    public static List<String> missing(Messages messages, Set<String> used) {
        List<String> missing = new ArrayList<>();
        for (String key : used) {
            for (Language l : Language.values()) {
                if (!messages.has(key, l)) {
                    missing.add(key + " (" + l.tag() + ")");
                }
            }
        }
        return missing;
    }

    private static List<String> sources(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            List<String> out = new ArrayList<>();
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                out.add(Files.readString(file));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
