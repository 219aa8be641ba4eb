package atrium.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The languages Atrium speaks to people in. English is the default and the language of the logs. */
public enum Language {
    EN("en", Locale.ENGLISH),
    FR("fr", Locale.FRENCH);

    private final String tag;
    private final Locale locale;

    Language(String tag, Locale locale) {
        this.tag = tag;
        this.locale = locale;
    }

    /** The two-letter tag: "en", "fr". */
    public String tag() {
        return tag;
    }

    public Locale locale() {
        return locale;
    }

    /** "fr", "FR", "fr-CA", "fr_FR.UTF-8" → FR; anything else → empty. */
    public static Optional<Language> fromTag(String tag) {
        String base = tag.strip().toLowerCase(Locale.ROOT);
        for (Language l : values()) {
            if (base.equals(l.tag) || base.startsWith(l.tag + "-") || base.startsWith(l.tag + "_")
                    || base.startsWith(l.tag + ".")) {
                return Optional.of(l);
            }
        }
        return Optional.empty();
    }

    /**
     * The language an HTTP {@code Accept-Language} header prefers (RFC 9110 section 12.5.4):
     * the first of ours by q-value, ties in the order written; English when none is named.
     */
    public static Language fromAcceptLanguage(String header) {
        record Range(Language language, double q, int order) {
        }
        List<Range> ranges = new ArrayList<>();
        String[] parts = header.split(",");
        for (int i = 0; i < parts.length && i < 50; i++) {
            String[] fields = parts[i].split(";");
            double q = 1;
            for (int f = 1; f < fields.length; f++) {
                String param = fields[f].strip().toLowerCase(Locale.ROOT);
                if (param.startsWith("q=")) {
                    try {
                        q = Double.parseDouble(param.substring(2));
                    } catch (NumberFormatException e) {
                        q = 0;
                    }
                }
            }
            int order = i;
            double weight = q;
            // Only "-" separates subtags here; fromTag's "_" and "." are for POSIX locales.
            String range = fields[0].strip();
            if (range.indexOf('_') < 0 && range.indexOf('.') < 0) {
                fromTag(range).filter(l -> weight > 0).ifPresent(l -> ranges.add(new Range(l, weight, order)));
            }
        }
        return ranges.stream().min(Comparator.comparingDouble(Range::q).reversed().thenComparingInt(Range::order))
                .map(Range::language).orElse(EN);
    }

    /** The language of a POSIX environment: LC_ALL, then LC_MESSAGES, then LANG; English otherwise. */
    public static Language fromEnvironment(Map<String, String> env) {
        for (String name : List.of("LC_ALL", "LC_MESSAGES", "LANG")) {
            String value = env.getOrDefault(name, "");
            if (!value.isBlank()) {
                return fromTag(value).orElse(EN);
            }
        }
        return EN;
    }
}
