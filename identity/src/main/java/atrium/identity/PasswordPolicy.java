package atrium.identity;

import atrium.core.AtriumException;
import atrium.core.Msg;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Refuses the passwords that fall first to guessing, following NIST SP 800-63B section
 * 5.1.1.2: a minimum length, a list of the most common breached passwords, the
 * account's own login and name, and trivial sequences. No rules about character
 * classes: they make passwords harder to remember without making them harder to guess.
 *
 * <p>The list is {@code /atrium/identity/common-passwords.txt}, one lower-case password
 * a line, English and French ones, since the firms using Atrium write in both.
 */
public final class PasswordPolicy {
    public static final int MAX_LENGTH = 256;
    private static final String CODE = "weak-password";
    private static final String FIELD = "password";
    private static final String RESOURCE = "/atrium/identity/common-passwords.txt";
    /** Rows of a QWERTY and an AZERTY keyboard, the alphabet and the digits, in typing order. */
    private static final List<String> SEQUENCES = List.of(
            "abcdefghijklmnopqrstuvwxyz", "0123456789",
            "qwertyuiop", "asdfghjkl", "zxcvbnm",
            "azertyuiop", "qsdfghjklm", "wxcvbn",
            "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p", "1aqw2zsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
            "qazwsxedcrfvtgbyhnujmikolp", "azqswxdcfrvbgtnhyjukilomp");
    private static final Set<String> COMMON = load();

    private final int minLength;

    public PasswordPolicy(int minLength) {
        if (minLength < 1 || minLength > MAX_LENGTH) {
            throw new IllegalArgumentException("minLength must be 1.." + MAX_LENGTH);
        }
        this.minLength = minLength;
    }

    public int minLength() {
        return minLength;
    }

    /**
     * Throws {@code Invalid("weak-password", "password", …)} with a message saying what
     * is wrong when the password may not be used for this account.
     */
    public void check(String password, String login, String displayName) {
        int length = password.codePointCount(0, password.length());
        if (length < minLength) {
            throw weak(Msg.of("identity.password.too-short", minLength, length));
        }
        if (length > MAX_LENGTH) {
            throw weak(Msg.of("identity.password.too-long", MAX_LENGTH));
        }
        String lower = password.toLowerCase(Locale.ROOT);
        // Also without the digits and symbols tacked on at the ends ("aaaaaaaa1", "qwertyuiop!"),
        // as long as what remains is most of the password.
        if (affixVariants(lower).stream().anyMatch(core -> core.length() * 3 >= length * 2
                && isRepetitionOrSequence(core))) {
            throw weak(Msg.of("identity.password.sequence"));
        }
        if (isCommon(lower)) {
            throw weak(Msg.of("identity.password.common"));
        }
        String loginKey = login.strip().toLowerCase(Locale.ROOT);
        if (loginKey.length() >= 3 && (lower.contains(loginKey) || fold(lower).contains(fold(loginKey)))) {
            throw weak(Msg.of("identity.password.login"));
        }
        if (isName(lower, displayName)) {
            throw weak(Msg.of("identity.password.name"));
        }
    }

    /** The text as is, and without symbols, or digits and symbols, at its start, its end or both. */
    private static Set<String> affixVariants(String text) {
        Set<String> variants = new LinkedHashSet<>();
        variants.add(text);
        for (String affix : List.of("[\\p{P}\\p{S}\\s]+", "[\\p{N}\\p{P}\\p{S}\\s]+")) {
            String trailing = text.replaceFirst(affix + "$", "");
            variants.add(trailing);
            variants.add(text.replaceFirst("^" + affix, ""));
            variants.add(trailing.replaceFirst("^" + affix, ""));
        }
        variants.remove("");
        return variants;
    }

    private static boolean isRepetitionOrSequence(String lower) {
        int[] cps = lower.codePoints().toArray();
        // A short unit repeated: "aaaaaa", "abababab", "123123123".
        for (int unit = 1; unit <= 4 && unit * 2 <= cps.length; unit++) {
            boolean repeated = true;
            for (int i = unit; i < cps.length && repeated; i++) {
                repeated = cps[i] == cps[i - unit];
            }
            if (repeated) {
                return true;
            }
        }
        for (String sequence : SEQUENCES) {
            if (follows(lower, sequence) || follows(lower, new StringBuilder(sequence).reverse().toString())) {
                return true;
            }
        }
        return false;
    }

    /** Whether each character is the next of the sequence (wrapping around, as in 7890123). */
    private static boolean follows(String text, String sequence) {
        if (text.length() < 2) {
            return false;
        }
        for (int i = 1; i < text.length(); i++) {
            int previous = sequence.indexOf(text.charAt(i - 1));
            if (previous < 0 || sequence.charAt((previous + 1) % sequence.length()) != text.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Looks the password up as typed, then without the digits and punctuation people add
     * at either end to satisfy a rule ("Password123!", "2024soleil"), then with the
     * usual letter-for-digit swaps undone ("P@ssw0rd").
     */
    private static boolean isCommon(String lower) {
        Set<String> candidates = new LinkedHashSet<>();
        for (String base : List.of(lower, fold(lower))) {
            for (String variant : affixVariants(base)) {
                candidates.add(variant);
                candidates.add(unleet(variant, 'i'));
                candidates.add(unleet(variant, 'l'));
            }
        }
        return candidates.stream().anyMatch(COMMON::contains);
    }

    private static String unleet(String text, char one) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            out.append(switch (c) {
                case '@', '4' -> 'a';
                case '0' -> 'o';
                case '1', '!', '|' -> one;
                case '3', '€' -> 'e';
                case '5', '$' -> 's';
                case '7', '+' -> 't';
                case '8' -> 'b';
                case '9' -> 'g';
                default -> c;
            });
        }
        return out.toString();
    }

    /** The password equals the display name, one of its words, or its words run together. */
    private static boolean isName(String lower, String displayName) {
        String core = fold(lower).replaceAll("[^\\p{L}\\p{N}]", "").replaceFirst("\\p{N}+$", "");
        if (core.isEmpty()) {
            return false;
        }
        List<String> words = new ArrayList<>();
        for (String word : fold(displayName.toLowerCase(Locale.ROOT)).split("[^\\p{L}\\p{N}]+")) {
            if (word.length() >= 3) {
                words.add(word);
            }
        }
        String joined = String.join("", words);
        return !joined.isEmpty() && (core.equals(joined) || words.contains(core)
                || core.equals(String.join("", words.reversed())));
    }

    /** Lower-case text without accents, so "Zoé" and "zoe" compare equal. */
    private static String fold(String text) {
        return Normalizer.normalize(text, Normalizer.Form.NFD).replaceAll("\\p{M}+", "");
    }

    private static AtriumException.Invalid weak(Msg message) {
        return new AtriumException.Invalid(CODE, FIELD, message);
    }

    private static Set<String> load() {
        InputStream in = PasswordPolicy.class.getResourceAsStream(RESOURCE);
        if (in == null) {
            throw new IllegalStateException(RESOURCE + " is missing from the jar");
        }
        Set<String> words = new HashSet<>(4096);
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String word = line.strip().toLowerCase(Locale.ROOT);
                if (!word.isEmpty()) {
                    words.add(word);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
        return Collections.unmodifiableSet(words);
    }

    /** How many passwords the list holds, for the tests. */
    static int commonCount() {
        return COMMON.size();
    }

    static boolean isListed(String password) {
        return COMMON.contains(password);
    }
}
