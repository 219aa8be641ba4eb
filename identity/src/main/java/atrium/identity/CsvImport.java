package atrium.identity;

import atrium.core.AtriumException;
import atrium.core.Msg;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the user list of a bulk import, as French or English Excel saves it, into rows
 * checked with {@link AccountRules} and errors that name the line and the problem. Pure:
 * it knows nothing of existing accounts; the import service decides what to create or
 * update, and checks supplied passwords against the policy.
 *
 * <p>What it accepts: UTF-8 with or without BOM; {@code ;} (French Excel), {@code ,} or
 * tab separators, detected on the header line, or named by an Excel {@code sep=;} first
 * line; fields quoted RFC 4180 style, with {@code ""} for a quote and separators or line
 * breaks inside; CRLF, LF or old-Mac CR line ends; blank lines and rows of empty cells
 * (which Excel writes for formatted but empty rows) are skipped. A quote in the middle
 * of an unquoted field is kept as an ordinary character, as Excel reads it.
 */
public final class CsvImport {
    public static final int MAX_ROWS = 10_000;
    public static final int MAX_GROUP_NAME = 64;

    /**
     * One user to import. {@code line} is the physical line where the record starts
     * (the header is line 1). {@code quotaGiven} tells a blank quota cell (keep the
     * current quota) from an explicit "none" (no quota): both have an empty {@code quota}.
     */
    public record ImportRow(int line, String login, String displayName, Optional<String> email, List<String> groups,
                            Optional<Long> quota, boolean quotaGiven, Optional<String> password,
                            Map<ImportColumn, String> extras) {
        public ImportRow {
            groups = List.copyOf(groups);
            extras = Map.copyOf(extras);
        }
    }

    /** A refused line and why, rendered in the reader's language when shown. */
    public record RowError(int line, Msg reason) {
    }

    public record ParsedCsv(List<ImportRow> rows, List<RowError> errors) {
        public ParsedCsv {
            rows = List.copyOf(rows);
            errors = List.copyOf(errors);
        }
    }

    private enum Column {
        LOGIN(Msg.of("identity.csv.column.login")), DISPLAY_NAME(Msg.of("identity.csv.column.display-name")),
        EMAIL(Msg.of("identity.csv.column.email")), GROUPS(Msg.of("identity.csv.column.groups")),
        QUOTA(Msg.of("identity.csv.column.quota")), PASSWORD(Msg.of("identity.csv.column.password"));

        final Msg label;

        Column(Msg label) {
            this.label = label;
        }
    }

    /** Header names after {@link #headerKey}: lower case, no accents, letters and digits only. */
    private static final Map<String, Column> HEADERS = Map.ofEntries(
            Map.entry("login", Column.LOGIN), Map.entry("identifiant", Column.LOGIN),
            Map.entry("utilisateur", Column.LOGIN), Map.entry("username", Column.LOGIN),
            Map.entry("displayname", Column.DISPLAY_NAME), Map.entry("name", Column.DISPLAY_NAME),
            Map.entry("nom", Column.DISPLAY_NAME), Map.entry("nomaffiche", Column.DISPLAY_NAME),
            Map.entry("fullname", Column.DISPLAY_NAME), Map.entry("nomcomplet", Column.DISPLAY_NAME),
            Map.entry("email", Column.EMAIL), Map.entry("mail", Column.EMAIL), Map.entry("courriel", Column.EMAIL),
            Map.entry("adresseemail", Column.EMAIL), Map.entry("emailaddress", Column.EMAIL),
            Map.entry("groups", Column.GROUPS), Map.entry("group", Column.GROUPS),
            Map.entry("groupes", Column.GROUPS), Map.entry("groupe", Column.GROUPS),
            Map.entry("quota", Column.QUOTA),
            Map.entry("password", Column.PASSWORD), Map.entry("motdepasse", Column.PASSWORD));
    private static final Msg COLUMNS_HELP = Msg.of("identity.csv.columns-help");
    private static final Pattern SEP_LINE = Pattern.compile("sep=(.)[ \\t]*(\\r\\n|\\r|\\n|$)");

    private CsvImport() {
    }

    public static ParsedCsv parse(byte[] data) {
        return parse(data, List.of());
    }

    /** With the columns other modules handle ({@link ImportColumn}) besides identity's own. */
    public static ParsedCsv parse(byte[] data, List<ImportColumn> extraColumns) {
        if (data.length >= 2 && ((data[0] & 0xFF) == 0xFF && (data[1] & 0xFF) == 0xFE
                || (data[0] & 0xFF) == 0xFE && (data[1] & 0xFF) == 0xFF)) {
            return fatal(1, Msg.of("identity.csv.utf16"));
        }
        int start = data.length >= 3 && (data[0] & 0xFF) == 0xEF && (data[1] & 0xFF) == 0xBB
                && (data[2] & 0xFF) == 0xBF ? 3 : 0;
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(data, start, data.length - start);
        CharBuffer out = CharBuffer.allocate(data.length - start);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            int line = 1;
            for (int i = 0; i < in.position(); i++) {
                if (data[i] == '\n') {
                    line++;
                }
            }
            return fatal(line, Msg.of("identity.csv.not-utf8", line));
        }
        decoder.flush(out);
        return parseText(out.flip().toString(), extraColumns);
    }

    private static ParsedCsv parseText(String text, List<ImportColumn> extraColumns) {
        if (text.isBlank()) {
            return fatal(1, Msg.of("identity.csv.empty"));
        }
        int position = 0;
        int firstLine = 1;
        Optional<Character> declared = Optional.empty();
        Matcher sepLine = SEP_LINE.matcher(text);
        if (sepLine.lookingAt()) {
            declared = Optional.of(sepLine.group(1).charAt(0));
            position = sepLine.end();
            firstLine = 2;
        }
        int headerStart = position;
        char separator = declared.orElseGet(() -> detectSeparator(text, headerStart));
        List<CsvRecord> records = new Tokenizer(text, position, firstLine, separator).records();
        records.removeIf(CsvRecord::isBlank);
        if (records.isEmpty()) {
            return fatal(1, Msg.of("identity.csv.empty"));
        }
        CsvRecord header = records.removeFirst();
        if (header.problem().isPresent()) {
            return fatal(header.line(), header.problem().get().inHeader());
        }
        Map<Column, Integer> columns = new EnumMap<>(Column.class);
        Map<ImportColumn, Integer> extras = new LinkedHashMap<>();
        List<Msg> errors = new ArrayList<>();
        List<Msg> unknown = new ArrayList<>();
        List<Integer> unnamed = new ArrayList<>();
        for (int i = 0; i < header.cells().size(); i++) {
            String name = header.cells().get(i).strip();
            if (name.isEmpty()) {
                unnamed.add(i);
                continue;
            }
            String key = headerKey(name);
            Column column = HEADERS.get(key);
            Optional<ImportColumn> extra = extraColumns.stream().filter(x -> x.headers().contains(key)).findFirst();
            if (column == null && extra.isPresent()) {
                Integer before = extras.putIfAbsent(extra.get(), i);
                if (before != null) {
                    errors.add(Msg.of("identity.csv.column-twice", extra.get().label(), before + 1, i + 1));
                }
            } else if (column == null) {
                unknown.add(Msg.of("core.quoted", name));
            } else if (columns.containsKey(column)) {
                errors.add(Msg.of("identity.csv.column-twice", column.label, columns.get(column) + 1, i + 1));
            } else {
                columns.put(column, i);
            }
        }
        if (!columns.containsKey(Column.LOGIN)) {
            List<Msg> found = header.cells().stream().filter(c -> !c.isBlank()).map(c -> Msg.of("core.quoted", c.strip()))
                    .limit(8).toList();
            return fatal(header.line(), Msg.of("identity.csv.login-column-missing", found, COLUMNS_HELP));
        }
        if (!unknown.isEmpty()) {
            errors.add(0, unknown.size() == 1 ? Msg.of("identity.csv.unknown-column", unknown, COLUMNS_HELP)
                    : Msg.of("identity.csv.unknown-columns", unknown, COLUMNS_HELP));
        }
        if (!errors.isEmpty()) {
            return new ParsedCsv(List.of(), errors.stream().map(e -> new RowError(header.line(), e)).toList());
        }
        if (records.size() > MAX_ROWS) {
            return fatal(records.get(MAX_ROWS).line(), Msg.of("identity.csv.too-many-rows", records.size(), MAX_ROWS));
        }
        return new Rows(columns, extras, header.cells().size(), unnamed).read(records);
    }

    /** The separator is the more frequent of ';' and ',' outside quotes on the header line (';' on a tie, as French Excel). */
    private static char detectSeparator(String text, int from) {
        int semicolons = 0;
        int commas = 0;
        int tabs = 0;
        boolean quoted = false;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && (c == '\n' || c == '\r')) {
                break;
            } else if (!quoted && c == ';') {
                semicolons++;
            } else if (!quoted && c == ',') {
                commas++;
            } else if (!quoted && c == '\t') {
                tabs++;
            }
        }
        if (semicolons == 0 && commas == 0 && tabs > 0) {
            return '\t';
        }
        return commas > semicolons ? ',' : ';';
    }

    /** "Nom affiché" → "nomaffiche", "E-mail" → "email", "Mot de passe" → "motdepasse". */
    private static String headerKey(String name) {
        return Normalizer.normalize(name, Normalizer.Form.NFD).replaceAll("\\p{M}+", "").toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9]", "");
    }

    private static ParsedCsv fatal(int line, Msg reason) {
        return new ParsedCsv(List.of(), List.of(new RowError(line, reason)));
    }

    /** A quote never closed, or text after a closing quote; {@code line} is where the quote opened. */
    private record QuoteProblem(boolean unclosed, int column, int line) {
        Msg inRow() {
            return unclosed ? Msg.of("identity.csv.quote-unclosed", column, line)
                    : Msg.of("identity.csv.text-after-quote", column);
        }

        Msg inHeader() {
            return unclosed ? Msg.of("identity.csv.header-quote-unclosed", column, line)
                    : Msg.of("identity.csv.header-text-after-quote", column);
        }
    }

    /** One CSV record: the line it starts on, its cells, and what is wrong with its quoting, if anything. */
    private record CsvRecord(int line, List<String> cells, Optional<QuoteProblem> problem) {
        boolean isBlank() {
            return problem.isEmpty() && cells.stream().allMatch(String::isBlank);
        }
    }

    /** RFC 4180 with the leniencies listed in the class comment. */
    private static final class Tokenizer {
        private final String text;
        private final char separator;
        private int i;
        private int line;

        Tokenizer(String text, int start, int firstLine, char separator) {
            this.text = text;
            this.i = start;
            this.line = firstLine;
            this.separator = separator;
        }

        List<CsvRecord> records() {
            List<CsvRecord> records = new ArrayList<>();
            while (i < text.length()) {
                int recordLine = line;
                List<String> cells = new ArrayList<>();
                Optional<QuoteProblem> problem = Optional.empty();
                while (true) {
                    StringBuilder cell = new StringBuilder();
                    if (i < text.length() && text.charAt(i) == '"') {
                        int quoteLine = line;
                        if (!readQuoted(cell)) {
                            cells.add(cell.toString());
                            records.add(new CsvRecord(recordLine, cells,
                                    Optional.of(new QuoteProblem(true, cells.size(), quoteLine))));
                            return records;
                        }
                        int before = cell.length();
                        readPlain(cell);
                        if (cell.length() > before && problem.isEmpty() && !cell.substring(before).isBlank()) {
                            problem = Optional.of(new QuoteProblem(false, cells.size() + 1, line));
                        }
                    } else {
                        readPlain(cell);
                    }
                    cells.add(cell.toString());
                    if (i >= text.length()) {
                        break;
                    }
                    char c = text.charAt(i++);
                    if (c == separator) {
                        if (i >= text.length()) {
                            cells.add("");
                            break;
                        }
                        continue;
                    }
                    // A line end: CRLF, LF or CR.
                    if (c == '\r' && i < text.length() && text.charAt(i) == '\n') {
                        i++;
                    }
                    line++;
                    break;
                }
                records.add(new CsvRecord(recordLine, cells, problem));
            }
            return records;
        }

        /** Reads up to the separator or the end of the line. */
        private void readPlain(StringBuilder cell) {
            while (i < text.length()) {
                char c = text.charAt(i);
                if (c == separator || c == '\n' || c == '\r') {
                    return;
                }
                cell.append(c);
                i++;
            }
        }

        /** Reads a quoted value, the opening quote at {@code i}; false if it never closes. */
        private boolean readQuoted(StringBuilder cell) {
            i++;
            while (i < text.length()) {
                char c = text.charAt(i++);
                if (c == '"') {
                    if (i < text.length() && text.charAt(i) == '"') {
                        cell.append('"');
                        i++;
                        continue;
                    }
                    return true;
                }
                if (c == '\r' || c == '\n') {
                    if (c == '\r' && i < text.length() && text.charAt(i) == '\n') {
                        i++;
                    }
                    line++;
                    cell.append('\n');
                    continue;
                }
                cell.append(c);
            }
            return false;
        }
    }

    /** Turns the data records into checked rows. */
    private static final class Rows {
        private final Map<Column, Integer> columns;
        private final Map<ImportColumn, Integer> extras;
        /** Per unique extra column, the first line of each value. */
        private final Map<ImportColumn, Map<String, Integer>> firstLineOfValue = new HashMap<>();
        private final int width;
        private final List<Integer> unnamed;
        private final Map<String, Integer> firstLineOfLogin = new HashMap<>();
        private final List<ImportRow> rows = new ArrayList<>();
        private final List<RowError> errors = new ArrayList<>();

        Rows(Map<Column, Integer> columns, Map<ImportColumn, Integer> extras, int width, List<Integer> unnamed) {
            this.columns = columns;
            this.extras = extras;
            this.width = width;
            this.unnamed = unnamed;
        }

        ParsedCsv read(List<CsvRecord> records) {
            for (CsvRecord record : records) {
                read(record);
            }
            return new ParsedCsv(rows, errors);
        }

        private void read(CsvRecord record) {
            int line = record.line();
            if (record.problem().isPresent()) {
                errors.add(new RowError(line, record.problem().get().inRow()));
                return;
            }
            List<String> cells = record.cells();
            if (cells.size() != width) {
                errors.add(new RowError(line, cells.size() == 1 ? Msg.of("identity.csv.cells-one", cells.size(), width)
                        : Msg.of("identity.csv.cells-many", cells.size(), width)));
                return;
            }
            List<Msg> problems = new ArrayList<>();
            for (int index : unnamed) {
                if (!cells.get(index).isBlank()) {
                    problems.add(Msg.of("identity.csv.unnamed-column", index + 1));
                }
            }
            String rawLogin = cell(cells, Column.LOGIN);
            Optional<String> login = check(problems, () -> AccountRules.login(rawLogin));
            if (login.isPresent()) {
                Integer first = firstLineOfLogin.putIfAbsent(login.get(), line);
                if (first != null) {
                    problems.add(Msg.of("identity.csv.login-repeated", login.get(), first));
                }
            }
            Optional<String> displayName = check(problems,
                    () -> AccountRules.displayName(cell(cells, Column.DISPLAY_NAME), login.orElse(rawLogin.strip())));
            Optional<Optional<String>> email = check(problems, () -> AccountRules.email(cell(cells, Column.EMAIL)));
            String rawQuota = cell(cells, Column.QUOTA);
            boolean quotaGiven = !rawQuota.isBlank();
            Optional<Optional<Long>> quota = check(problems, () -> AccountRules.quota(rawQuota));
            List<String> groups = groups(cell(cells, Column.GROUPS), problems);
            String password = cell(cells, Column.PASSWORD);
            Map<ImportColumn, String> extraCells = new LinkedHashMap<>();
            extras.forEach((column, index) -> {
                String value = cells.get(index).strip();
                if (value.isEmpty()) {
                    return;
                }
                column.check(value, login.orElse(rawLogin.strip())).ifPresent(problems::add);
                Integer first = column.unique()
                        ? firstLineOfValue.computeIfAbsent(column, c -> new HashMap<>()).putIfAbsent(value, line) : null;
                if (first != null) {
                    problems.add(Msg.of("identity.csv.value-repeated", column.label(), value, first));
                }
                extraCells.put(column, value);
            });
            if (!problems.isEmpty()) {
                for (Msg problem : problems) {
                    errors.add(new RowError(line, problem));
                }
                return;
            }
            rows.add(new ImportRow(line, login.orElseThrow(), displayName.orElseThrow(), email.orElseThrow(), groups,
                    quota.orElseThrow(), quotaGiven, password.isEmpty() ? Optional.empty() : Optional.of(password),
                    extraCells));
        }

        /** The cell of a column, or "" when the file has no such column. */
        private String cell(List<String> cells, Column column) {
            Integer index = columns.get(column);
            return index == null ? "" : cells.get(index);
        }

        private static List<String> groups(String raw, List<Msg> problems) {
            Set<String> groups = new LinkedHashSet<>();
            for (String part : raw.split(",")) {
                String name = part.strip();
                if (name.isEmpty()) {
                    continue;
                }
                int length = name.codePointCount(0, name.length());
                if (length > MAX_GROUP_NAME) {
                    problems.add(Msg.of("identity.csv.group-too-long", name.substring(0, name.offsetByCodePoints(0, 20)),
                            length, MAX_GROUP_NAME));
                } else if (name.codePoints().anyMatch(c -> Character.getType(c) == Character.CONTROL)) {
                    problems.add(Msg.of("identity.csv.group-control"));
                } else {
                    groups.add(name);
                }
            }
            return List.copyOf(groups);
        }

        private static <T> Optional<T> check(List<Msg> problems, Supplier<T> rule) {
            try {
                return Optional.of(rule.get());
            } catch (AtriumException.Invalid e) {
                problems.add(e.msg());
                return Optional.empty();
            }
        }
    }
}
