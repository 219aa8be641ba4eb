package atrium.files.http;

import atrium.core.Msg;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A request path split into decoded names, and back into an href.
 *
 * <p>Each segment is percent-decoded on its own and must be strict UTF-8 (no overlong
 * forms, no encoded surrogates, nothing above U+10FFFF). Refused with 400: {@code .} and
 * {@code ..} however encoded, an encoded {@code /}, backslashes, control characters
 * (NUL included), U+FFFE and U+FFFF (XML cannot carry them), names over 255 UTF-8 bytes,
 * a raw {@code #} or {@code ?} (a fragment or query the caller should have cut off), and
 * malformed percent escapes. Empty segments ({@code //}) collapse.
 * Names are otherwise kept exactly as sent, never Unicode-normalised: the sync clients
 * send NFC or NFD and expect the same bytes back.
 *
 * <p>{@link #toString()} gives the decoded path ({@code /Docs/a b.txt}); equality ignores
 * the trailing slash.
 */
public final class DavPath {
    /** Longest name in UTF-8 bytes, as on ext4 and most file systems. */
    public static final int MAX_NAME_BYTES = 255;
    public static final DavPath ROOT = new DavPath(List.of(), true);

    private static final String WINDOWS_FORBIDDEN = "\\/:*?\"<>|";
    private static final Set<String> WINDOWS_RESERVED = reservedNames();

    private final List<String> segments;
    private final boolean trailingSlash;

    private DavPath(List<String> segments, boolean trailingSlash) {
        this.segments = List.copyOf(segments);
        this.trailingSlash = trailingSlash;
    }

    /**
     * Splits and decodes a raw (still percent-encoded) absolute path, without query.
     *
     * @throws DavException 400 for anything the class comment lists
     */
    public static DavPath parse(String rawPath) {
        if (!rawPath.startsWith("/")) {
            throw new DavException(400, Msg.of("files.path.not-absolute"));
        }
        List<String> names = new ArrayList<>();
        int start = 1;
        while (start <= rawPath.length()) {
            int slash = rawPath.indexOf('/', start);
            int end = slash < 0 ? rawPath.length() : slash;
            if (end > start) {
                String name = decode(rawPath, start, end);
                checkName(name);
                names.add(name);
            }
            start = end + 1;
        }
        return new DavPath(names, rawPath.endsWith("/"));
    }

    /** A path from decoded names, each checked as by {@link #checkName}. */
    public static DavPath of(List<String> names) {
        for (String name : names) {
            checkName(name);
        }
        return new DavPath(names, names.isEmpty());
    }

    public List<String> segments() {
        return segments;
    }

    /** Whether the request path ended with "/", a hint that the client means a collection. */
    public boolean trailingSlash() {
        return trailingSlash;
    }

    public boolean isRoot() {
        return segments.isEmpty();
    }

    /** The last name; "" for the root. */
    public String name() {
        return segments.isEmpty() ? "" : segments.getLast();
    }

    /** The parent, empty for the root. */
    public Optional<DavPath> parent() {
        if (segments.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new DavPath(segments.subList(0, segments.size() - 1), true));
    }

    /** This path with one more name, checked as by {@link #checkName}. */
    public DavPath child(String name) {
        checkName(name);
        List<String> names = new ArrayList<>(segments);
        names.add(name);
        return new DavPath(names, false);
    }

    public boolean startsWith(DavPath prefix) {
        return segments.size() >= prefix.segments.size()
                && segments.subList(0, prefix.segments.size()).equals(prefix.segments);
    }

    /**
     * What follows {@code prefix}, e.g. the path inside a user's files after the mount
     * {@code /remote.php/dav/files/alice}; empty when this path is not under it.
     */
    public Optional<DavPath> relativeTo(DavPath prefix) {
        if (!startsWith(prefix)) {
            return Optional.empty();
        }
        List<String> rest = segments.subList(prefix.segments.size(), segments.size());
        return Optional.of(new DavPath(rest, trailingSlash || rest.isEmpty()));
    }

    /**
     * The href of this path below an already encoded prefix, each name percent-encoded;
     * collections (and the root) end with "/". {@code href("/remote.php/dav/files/alice", false)}
     * of {@code /Docs/a b.txt} is {@code /remote.php/dav/files/alice/Docs/a%20b.txt}.
     */
    public String href(String encodedPrefix, boolean collection) {
        StringBuilder out = new StringBuilder(encodedPrefix.length() + 16 * segments.size() + 1);
        out.append(encodedPrefix);
        while (!out.isEmpty() && out.charAt(out.length() - 1) == '/') {
            out.setLength(out.length() - 1);
        }
        for (String name : segments) {
            out.append('/').append(encodeSegment(name));
        }
        if (collection || segments.isEmpty()) {
            out.append('/');
        }
        return out.toString();
    }

    /**
     * Percent-encodes one name as UTF-8, keeping only what Sabre keeps: letters, digits
     * and {@code - _ . ~ ( ) : @}. Everything else, {@code % # ? + & ;} and space
     * included, is encoded in upper-case hex.
     */
    public static String encodeSegment(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(bytes.length + 8);
        for (byte b : bytes) {
            int c = b & 0xFF;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-_.~():@".indexOf(c) >= 0) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return out.toString();
    }

    /**
     * The raw path of a Destination header or an If resource tag, which may be an absolute
     * URI ({@code http://host:8080/a/b}) or an absolute path; the query and fragment are
     * dropped. Whether the host is this server is for the caller to judge.
     *
     * @throws DavException 400 for anything else
     */
    public static String rawPathOf(String uriOrPath) {
        String value = uriOrPath.strip();
        String path;
        if (value.startsWith("/") && !value.startsWith("//")) {
            path = value;
        } else {
            int scheme = value.indexOf("://");
            int authority = value.startsWith("//") ? 2 : scheme > 0 && IfHeader.isAbsoluteUri(value) ? scheme + 3 : -1;
            if (authority < 0) {
                throw new DavException(400, Msg.of("files.path.not-uri", value));
            }
            int slash = value.indexOf('/', authority);
            path = slash < 0 ? "/" : value.substring(slash);
        }
        int cut = path.length();
        int query = path.indexOf('?');
        int fragment = path.indexOf('#');
        if (query >= 0) {
            cut = query;
        }
        if (fragment >= 0 && fragment < cut) {
            cut = fragment;
        }
        return path.substring(0, cut);
    }

    /**
     * Checks one decoded name against the rules of the class comment.
     *
     * @throws DavException 400 naming the problem
     */
    public static void checkName(String name) {
        if (name.isEmpty()) {
            throw new DavException(400, Msg.of("files.name.empty"));
        }
        if (name.equals(".") || name.equals("..")) {
            throw new DavException(400, Msg.of("files.name.dot-segment"));
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/') {
                throw new DavException(400, Msg.of("files.name.slash"));
            }
            if (c == '\\') {
                throw new DavException(400, Msg.of("files.name.backslash"));
            }
            if (Character.isISOControl(c)) {
                throw new DavException(400, Msg.of("files.name.control"));
            }
            if (c == '\uFFFE' || c == '\uFFFF') {
                throw new DavException(400, Msg.of("files.name.non-character"));
            }
            if (Character.isHighSurrogate(c) && (i + 1 == name.length() || !Character.isLowSurrogate(name.charAt(i + 1)))
                    || Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(name.charAt(i - 1)))) {
                throw new DavException(400, Msg.of("files.name.unicode"));
            }
        }
        if (utf8Length(name) > MAX_NAME_BYTES) {
            throw new DavException(400, Msg.of("files.name.too-long", MAX_NAME_BYTES));
        }
    }

    /**
     * Why a Windows desktop client could not store a file of this name, if it could not:
     * the characters {@code \\ / : * ? " < >} and {@code |}, control characters, a trailing
     * dot or space, or a reserved device name (CON, PRN, AUX, NUL, COM0–COM9, LPT0–LPT9,
     * also with superscript digits) with or without an extension. The routes refuse such
     * names on creation when {@code files.windows-compatible-names} is on (docs/adr/0010).
     */
    public static Optional<Msg> windowsProblem(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (WINDOWS_FORBIDDEN.indexOf(c) >= 0) {
                return Optional.of(Msg.of("files.name.windows.character", name, String.valueOf(c)));
            }
            if (c < 0x20) {
                return Optional.of(Msg.of("files.name.windows.control", name));
            }
        }
        if (name.endsWith(".")) {
            return Optional.of(Msg.of("files.name.windows.trailing-dot", name));
        }
        if (name.endsWith(" ")) {
            return Optional.of(Msg.of("files.name.windows.trailing-space", name));
        }
        // As Nextcloud's FilenameValidator: the base name ends at the first dot, so "nul.tar.gz" is refused too.
        int dot = name.indexOf('.');
        String base = (dot < 0 ? name : name.substring(0, dot)).stripTrailing();
        if (WINDOWS_RESERVED.contains(base.toUpperCase(Locale.ROOT))) {
            return Optional.of(Msg.of("files.name.windows.reserved", name, base));
        }
        return Optional.empty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DavPath other && segments.equals(other.segments);
    }

    @Override
    public int hashCode() {
        return segments.hashCode();
    }

    /** The decoded path: "/" for the root, "/Docs/a b.txt" otherwise. */
    @Override
    public String toString() {
        return segments.isEmpty() ? "/" : "/" + String.join("/", segments);
    }

    // ---- Decoding --------------------------------------------------------------------

    private static String decode(String raw, int start, int end) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(end - start);
        for (int i = start; i < end; i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= end) {
                    throw new DavException(400, Msg.of("files.path.percent-incomplete"));
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0 || raw.charAt(i + 1) > 0x7F || raw.charAt(i + 2) > 0x7F) {
                    throw new DavException(400, Msg.of("files.path.percent-invalid"));
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else if (c == '#' || c == '?') {
                throw new DavException(400, Msg.of("files.path.raw-char", c, c == '#' ? "%23" : "%3F"));
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                // Raw non-ASCII: taken as the character it is, written as UTF-8.
                int cp = raw.codePointAt(i);
                if (Character.isSurrogate(c) && Character.charCount(cp) == 1) {
                    throw new DavException(400, Msg.of("files.path.unicode"));
                }
                byte[] utf8 = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                bytes.write(utf8, 0, utf8.length);
                i += Character.charCount(cp) - 1;
            }
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            return decoder.decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new DavException(400, Msg.of("files.path.utf8"));
        }
    }

    private static int utf8Length(String s) {
        int length = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                length += 1;
            } else if (c < 0x800) {
                length += 2;
            } else if (Character.isHighSurrogate(c)) {
                length += 4;
                i++;
            } else {
                length += 3;
            }
        }
        return length;
    }

    private static Set<String> reservedNames() {
        List<String> names = new ArrayList<>(List.of("CON", "PRN", "AUX", "NUL"));
        for (String digit : List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "\u00b9", "\u00b2", "\u00b3")) {
            names.add("COM" + digit);
            names.add("LPT" + digit);
        }
        return Set.copyOf(names);
    }
}
