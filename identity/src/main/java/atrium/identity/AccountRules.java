package atrium.identity;

import atrium.core.AtriumException;
import atrium.core.Msg;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules for account fields, shared by the API, the admin console and the CSV
 * import so that all three accept and refuse the same things. Each method returns the
 * normalised value or throws {@link AtriumException.Invalid} naming the field.
 *
 * <p>Quotas use binary multiples under the familiar names: 1 KB = 1024 bytes,
 * 1 MB = 1024² and 1 GB = 1024³, as Windows Explorer and the Nextcloud clients count,
 * so the number an admin types is the number the user sees in the file manager.
 */
public final class AccountRules {
    public static final int MAX_LOGIN = 64;
    public static final int MAX_EMAIL = 254;
    public static final int MAX_DISPLAY_NAME = 200;
    /** Beyond 1 PB a quota is a typo, not a plan. */
    public static final long MAX_QUOTA = 1L << 50;

    private static final long KB = 1L << 10;
    private static final long MB = 1L << 20;
    private static final long GB = 1L << 30;
    private static final long TB = 1L << 40;
    private static final long PB = 1L << 50;
    private static final Map<String, Long> UNITS = Map.ofEntries(
            Map.entry("b", 1L), Map.entry("o", 1L), Map.entry("byte", 1L), Map.entry("bytes", 1L),
            Map.entry("octet", 1L), Map.entry("octets", 1L),
            Map.entry("k", KB), Map.entry("kb", KB), Map.entry("kib", KB), Map.entry("ko", KB),
            Map.entry("m", MB), Map.entry("mb", MB), Map.entry("mib", MB), Map.entry("mo", MB),
            Map.entry("g", GB), Map.entry("gb", GB), Map.entry("gib", GB), Map.entry("go", GB),
            Map.entry("t", TB), Map.entry("tb", TB), Map.entry("tib", TB), Map.entry("to", TB),
            Map.entry("p", PB), Map.entry("pb", PB), Map.entry("pib", PB), Map.entry("po", PB));
    private static final Set<String> NO_QUOTA = Set.of("none", "aucun", "aucune", "unlimited", "illimité",
            "illimite", "no limit", "sans limite", "-");
    private static final Pattern QUOTA = Pattern.compile("(-?)(\\d{1,15}(?:[.,]\\d{1,6})?)\\s*([a-zé]*)");
    private static final Pattern EMAIL_LOCAL_CHARS = Pattern.compile("[\\p{L}\\p{N}!#$%&'*+/=?^_`{|}~.-]+");
    private static final Pattern DOMAIN_LABEL = Pattern.compile("[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]{0,61}[\\p{L}\\p{N}])?");

    private AccountRules() {
    }

    /** Trimmed, lower case, 1–64 of {@code a-z 0-9 . _ - @}, starting with a letter or digit. */
    public static String login(String raw) {
        String login = raw.strip().toLowerCase(Locale.ROOT);
        if (login.isEmpty()) {
            throw AtriumException.Invalid.field("login", Msg.of("identity.login.required"));
        }
        Set<Integer> forbidden = new TreeSet<>();
        login.codePoints().filter(c -> !isLoginChar(c)).forEach(forbidden::add);
        if (!forbidden.isEmpty()) {
            throw AtriumException.Invalid.field("login", Msg.of("identity.login.forbidden-chars",
                    printable(raw.strip()), forbidden.stream().map(AccountRules::describe).toList()));
        }
        if (login.length() > MAX_LOGIN) {
            throw AtriumException.Invalid.field("login", Msg.of("identity.login.too-long", login.length(), MAX_LOGIN));
        }
        char first = login.charAt(0);
        if (!(first >= 'a' && first <= 'z' || first >= '0' && first <= '9')) {
            throw AtriumException.Invalid.field("login", Msg.of("identity.login.bad-start", login, first));
        }
        return login;
    }

    /**
     * Empty for a blank address, else a trimmed address with a lower-case domain. The
     * check is for typos (a missing @, a space, a domain without a dot), not a full RFC
     * 5322 parser: quoted local parts and IP-literal domains are refused.
     */
    public static Optional<String> email(String raw) {
        String email = raw.strip();
        if (email.isEmpty()) {
            return Optional.empty();
        }
        String shown = printable(email);
        if (email.length() > MAX_EMAIL) {
            throw invalidEmail(Msg.of("identity.email.too-long", email.length(), MAX_EMAIL));
        }
        if (email.codePoints().anyMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c) || isControl(c))) {
            throw invalidEmail(Msg.of("identity.email.space", shown));
        }
        int at = email.indexOf('@');
        if (at < 0 || email.indexOf('@', at + 1) >= 0) {
            throw invalidEmail(Msg.of("identity.email.at", shown));
        }
        String local = email.substring(0, at);
        String domain = email.substring(at + 1).toLowerCase(Locale.ROOT);
        if (local.isEmpty() || local.length() > 64 || !EMAIL_LOCAL_CHARS.matcher(local).matches()
                || local.startsWith(".") || local.endsWith(".") || local.contains("..")) {
            throw invalidEmail(Msg.of("identity.email.local", shown));
        }
        String[] labels = domain.split("\\.", -1);
        if (labels.length < 2) {
            throw invalidEmail(Msg.of("identity.email.dot", shown));
        }
        for (String label : labels) {
            if (!DOMAIN_LABEL.matcher(label).matches()) {
                throw invalidEmail(Msg.of("identity.email.domain", shown));
            }
        }
        if (labels[labels.length - 1].length() < 2 || labels[labels.length - 1].chars().allMatch(Character::isDigit)) {
            throw invalidEmail(Msg.of("identity.email.tld", shown));
        }
        return Optional.of(local + "@" + domain);
    }

    /**
     * Trimmed; the login when blank; at most 200 code points; any letters and emoji, but
     * no control characters, line breaks or bidirectional overrides (which let a name
     * display as something else than it is).
     */
    public static String displayName(String raw, String login) {
        String name = raw.strip();
        if (name.isEmpty()) {
            return login;
        }
        int length = name.codePointCount(0, name.length());
        if (length > MAX_DISPLAY_NAME) {
            throw AtriumException.Invalid.field("displayName",
                    Msg.of("identity.display-name.too-long", length, MAX_DISPLAY_NAME));
        }
        Optional<String> bad = name.codePoints().filter(AccountRules::isForbiddenInName).boxed().findFirst().map(
                c -> String.format("U+%04X", c));
        if (bad.isPresent()) {
            throw AtriumException.Invalid.field("displayName", Msg.of("identity.display-name.control", bad.get()));
        }
        return name;
    }

    /** "fr" or "en" in any case, a region such as fr-FR accepted; blank means "en". */
    public static String language(String raw) {
        String language = raw.strip().toLowerCase(Locale.ROOT);
        if (language.isEmpty()) {
            return "en";
        }
        if (language.matches("(fr|en)([-_][a-z]{2})?")) {
            return language.substring(0, 2);
        }
        throw AtriumException.Invalid.field("language", Msg.of("identity.language.unknown", printable(raw.strip())));
    }

    /**
     * A quota such as {@code 10 GB}, {@code 1,5 To} or {@code 2048 KB} in bytes (binary
     * multiples, see the class comment); empty for no quota ({@code none}, {@code aucun},
     * {@code unlimited} or blank).
     */
    public static Optional<Long> quota(String raw) {
        String text = raw.strip().toLowerCase(Locale.ROOT).replace('\u00A0', ' ');
        if (text.isEmpty() || NO_QUOTA.contains(text)) {
            return Optional.empty();
        }
        Matcher m = QUOTA.matcher(text);
        if (!m.matches()) {
            throw invalidQuota(Msg.of("identity.quota.not-understood", printable(raw.strip())));
        }
        if (!m.group(1).isEmpty()) {
            throw invalidQuota(Msg.of("identity.quota.negative"));
        }
        String unit = m.group(3);
        if (unit.isEmpty()) {
            throw invalidQuota(Msg.of("identity.quota.unit-needed", printable(raw.strip())));
        }
        Long multiplier = UNITS.get(unit);
        if (multiplier == null) {
            throw invalidQuota(Msg.of("identity.quota.unit-unknown", unit));
        }
        BigDecimal bytes = new BigDecimal(m.group(2).replace(',', '.')).multiply(BigDecimal.valueOf(multiplier))
                .setScale(0, RoundingMode.DOWN);
        if (bytes.compareTo(BigDecimal.valueOf(MAX_QUOTA)) > 0) {
            throw invalidQuota(Msg.of("identity.quota.too-large", printable(raw.strip())));
        }
        return Optional.of(bytes.longValueExact());
    }

    /** A quota as a person writes it, "10 GB", "1.5 TB" or "none"; {@link #quota} reads it back unchanged. */
    public static String formatQuota(Optional<Long> quota) {
        if (quota.isEmpty()) {
            return "none";
        }
        long bytes = quota.get();
        String[] names = {"PB", "TB", "GB", "MB", "KB"};
        long[] sizes = {PB, TB, GB, MB, KB};
        for (int i = 0; i < sizes.length; i++) {
            if (bytes >= sizes[i]) {
                BigDecimal value = BigDecimal.valueOf(bytes).divide(BigDecimal.valueOf(sizes[i])).stripTrailingZeros();
                if (value.scale() <= 2) {
                    return value.toPlainString() + " " + names[i];
                }
            }
        }
        return bytes + " B";
    }

    private static boolean isLoginChar(int c) {
        return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-' || c == '@';
    }

    private static boolean isControl(int c) {
        return Character.getType(c) == Character.CONTROL;
    }

    private static boolean isForbiddenInName(int c) {
        int type = Character.getType(c);
        return type == Character.CONTROL || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
                || type == Character.SURROGATE || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069)
                || c == 0x200E || c == 0x200F || c == 0xFEFF;
    }

    /** How a forbidden character is named in a message: 'é', "space", or U+0009 for the invisible. */
    private static Object describe(int c) {
        if (c == ' ') {
            return Msg.of("identity.char.space");
        }
        if (Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c)
                || Character.getType(c) == Character.FORMAT) {
            return String.format("U+%04X", c);
        }
        return Msg.of("core.quoted", new String(Character.toChars(c)));
    }

    // A value echoed in a message must not carry control characters into logs or the UI.
    private static String printable(String value) {
        StringBuilder out = new StringBuilder();
        value.codePoints().limit(80).forEach(c -> {
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04X", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return value.codePointCount(0, value.length()) > 80 ? out + "…" : out.toString();
    }

    private static AtriumException.Invalid invalidEmail(Msg message) {
        return AtriumException.Invalid.field("email", message);
    }

    private static AtriumException.Invalid invalidQuota(Msg message) {
        return AtriumException.Invalid.field("quota", message);
    }
}
