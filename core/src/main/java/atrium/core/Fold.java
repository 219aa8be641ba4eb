package atrium.core;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Text as a search compares it: compatibility decomposition, accents dropped, lower case, so
 * "ete" finds "Été". Folded by the application, because SQLite and PostgreSQL cannot fold
 * Unicode the same way; the folded form is what search columns hold.
 */
public final class Fold {
    private static final Pattern MARKS = Pattern.compile("\\p{M}+");

    private Fold() {
    }

    public static String fold(String text) {
        return MARKS.matcher(Normalizer.normalize(text, Normalizer.Form.NFKD)).replaceAll("").toLowerCase(Locale.ROOT);
    }

    /**
     * The text folded code point by code point, with where each folded char came from, so that
     * a match found in the folded text can be shown in the original (a search snippet).
     *
     * @param origin for each char of {@code text}, the index in the original of the code point it came from
     */
    public record Mapped(String text, int[] origin) {
    }

    public static Mapped mapped(String original) {
        StringBuilder out = new StringBuilder(original.length());
        int[] origin = new int[original.length() * 4 + 4];
        for (int i = 0; i < original.length(); ) {
            int cp = original.codePointAt(i);
            String f = fold(Character.toString(cp));
            if (out.length() + f.length() > origin.length) {
                origin = java.util.Arrays.copyOf(origin, (out.length() + f.length()) * 2);
            }
            for (int k = 0; k < f.length(); k++) {
                origin[out.length() + k] = i;
            }
            out.append(f);
            i += Character.charCount(cp);
        }
        return new Mapped(out.toString(), java.util.Arrays.copyOf(origin, out.length()));
    }

    /** For a LIKE pattern with {@code ESCAPE '!'}: the text matched as it is, wildcards included. */
    public static String likeEscape(String s) {
        return s.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }
}
