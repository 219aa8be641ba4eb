package atrium.chat;

import atrium.core.Fold;
import java.util.List;

/**
 * The part of a message shown in a search result: the first place a searched word occurs, with
 * some text before and after, on one line; {@code start}/{@code end} mark the word in it.
 */
public record Snippet(String text, int start, int end) {
    static final int BEFORE = 40;
    static final int LENGTH = 160;

    /** {@code words} folded, as searched; the message holds them all (else it was not found). */
    static Snippet of(String body, List<String> words) {
        Fold.Mapped folded = Fold.mapped(body);
        int at = -1;
        int matchEnd = -1;
        for (String w : words) {
            int i = folded.text().indexOf(w);
            if (i >= 0 && (at < 0 || i < at)) {
                at = i;
                matchEnd = i + w.length();
            }
        }
        if (at < 0) {
            return new Snippet(oneLine(body.substring(0, Math.min(body.length(), LENGTH))), 0, 0);
        }
        int from = folded.origin()[at];
        int to = matchEnd < folded.origin().length ? folded.origin()[matchEnd] : body.length();
        // Whole code points only: the match ends where the next folded char's code point begins.
        int windowStart = Math.max(0, from - BEFORE);
        if (windowStart > 0) {
            int space = body.indexOf(' ', windowStart);
            windowStart = space >= 0 && space < from ? space + 1 : windowStart;
            windowStart = Character.isLowSurrogate(body.charAt(windowStart)) ? windowStart + 1 : windowStart;
        }
        int windowEnd = Math.min(body.length(), Math.max(to, windowStart + LENGTH));
        if (windowEnd < body.length() && Character.isLowSurrogate(body.charAt(windowEnd))) {
            windowEnd++;
        }
        String prefix = windowStart > 0 ? "…" : "";
        String suffix = windowEnd < body.length() ? "…" : "";
        String text = prefix + oneLine(body.substring(windowStart, windowEnd)) + suffix;
        return new Snippet(text, prefix.length() + from - windowStart, prefix.length() + to - windowStart);
    }

    /** Line breaks and tabs as spaces, so the snippet keeps its length and the marks stay right. */
    private static String oneLine(String s) {
        return s.replace('\n', ' ').replace('\r', ' ').replace('\t', ' ');
    }
}
