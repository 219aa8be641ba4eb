package atrium.files.http;

import atrium.core.Msg;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The WebDAV If header (RFC 4918 section 10.4): parsing, evaluation, and the lock tokens
 * it submits.
 *
 * <pre>
 * If = ( 1*No-tag-list | 1*Tagged-list )
 * Tagged-list = Resource-Tag 1*List      Resource-Tag = "&lt;" Simple-ref "&gt;"
 * List = "(" 1*Condition ")"             Condition = ["Not"] (State-token | "[" entity-tag "]")
 * </pre>
 *
 * The header is true when at least one list is true; a list is true when all its
 * conditions are. A state token matches when a lock with that token applies to the
 * resource (the resource is anywhere in the lock's scope); an entity tag matches the
 * resource's current one by the weak comparison; an unmapped resource has neither, so only
 * {@code Not} conditions hold for it (section 10.4.4). Every state token in the header
 * counts as submitted, whether or not its list was true (section 10.4.1): that is what the
 * {@code (<token>) (Not <DAV:no-lock>)} idiom relies on.
 */
public final class IfHeader {

    public sealed interface Condition permits StateToken, EntityTag {
        boolean negated();
    }

    /** {@code <urn:uuid:…>}, {@code <opaquelocktoken:…>}, {@code <DAV:no-lock>}: the URI without brackets. */
    public record StateToken(boolean negated, String token) implements Condition {
    }

    /** {@code ["etag"]}: the entity tag as written, quotes and any {@code W/} included. */
    public record EntityTag(boolean negated, String etag) implements Condition {
    }

    /**
     * The conditions of one list, for the resource named by the tag before it (as sent:
     * an absolute URI or an absolute path), or for the request URI when untagged.
     */
    public record IfList(Optional<String> resource, List<Condition> conditions) {
        public IfList {
            conditions = List.copyOf(conditions);
        }
    }

    /** What evaluation needs to know about a resource named by a URL. */
    public interface Resources {
        /**
         * The current entity tag of the resource, quoted as in an ETag header; empty when
         * the URL is unmapped. {@code url} is the request URL given to
         * {@link #evaluate} or a resource tag as sent ({@link DavPath#rawPathOf} gives its path).
         */
        Optional<String> etag(String url);

        /** The tokens of every lock that applies to the resource, its own and its ancestors' depth-infinity ones. */
        Collection<String> lockTokens(String url);
    }

    private final List<IfList> lists;
    private final boolean tagged;

    private IfHeader(List<IfList> lists, boolean tagged) {
        this.lists = List.copyOf(lists);
        this.tagged = tagged;
    }

    /**
     * @throws DavException 400 when the value does not follow the grammar
     */
    public static IfHeader parse(String value) {
        return new Parser(value).header();
    }

    public List<IfList> lists() {
        return lists;
    }

    /** True for the Tagged-list form. */
    public boolean tagged() {
        return tagged;
    }

    /** Every state token in the header, in order of appearance, negated ones included. */
    public Set<String> submittedTokens() {
        Set<String> tokens = new LinkedHashSet<>();
        for (IfList list : lists) {
            for (Condition condition : list.conditions()) {
                if (condition instanceof StateToken token) {
                    tokens.add(token.token());
                }
            }
        }
        return tokens;
    }

    /**
     * Evaluates the header; false means 412 Precondition Failed.
     *
     * @param requestUrl the resource untagged lists are about, passed to {@code resources} as is
     */
    public boolean evaluate(String requestUrl, Resources resources) {
        Map<String, Optional<String>> etags = new HashMap<>();
        Map<String, Collection<String>> tokens = new HashMap<>();
        for (IfList list : lists) {
            String url = list.resource().orElse(requestUrl);
            boolean all = true;
            for (Condition condition : list.conditions()) {
                boolean matches = switch (condition) {
                    case StateToken token -> tokens.computeIfAbsent(url, resources::lockTokens).contains(token.token());
                    case EntityTag tag -> etags.computeIfAbsent(url, resources::etag)
                            .map(current -> opaque(current).equals(opaque(tag.etag()))).orElse(false);
                };
                if (matches == condition.negated()) {
                    all = false;
                    break;
                }
            }
            if (all) {
                return true;
            }
        }
        return false;
    }

    /**
     * The token of a Lock-Token header (section 10.5), {@code <urn:uuid:…>}, without its brackets.
     *
     * @throws DavException 400 when the value is not a Coded-URL
     */
    public static String parseLockToken(String header) {
        String value = header.strip();
        if (value.length() < 3 || value.charAt(0) != '<' || value.charAt(value.length() - 1) != '>') {
            throw new DavException(400, Msg.of("files.lock-token.brackets"));
        }
        String token = value.substring(1, value.length() - 1);
        if (!isAbsoluteUri(token)) {
            throw new DavException(400, Msg.of("files.lock-token.invalid"));
        }
        return token;
    }

    /** The opaque part of an entity tag: without {@code W/} and quotes, for the weak comparison. */
    static String opaque(String etag) {
        String tag = etag.strip();
        if (tag.startsWith("W/") || tag.startsWith("w/")) {
            tag = tag.substring(2);
        }
        if (tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"")) {
            tag = tag.substring(1, tag.length() - 1);
        }
        return tag;
    }

    /** {@code scheme ":" …} with no white space or angle brackets (RFC 3986 absolute-URI, loosely). */
    static boolean isAbsoluteUri(String s) {
        int colon = s.indexOf(':');
        return colon >= 1 && colon < s.length() - 1 && isScheme(s, colon) && hasNoBadChars(s);
    }

    private static boolean isScheme(String s, int colon) {
        if (!Character.isLetter(s.charAt(0)) || s.charAt(0) > 0x7F) {
            return false;
        }
        for (int i = 1; i < colon; i++) {
            char c = s.charAt(i);
            boolean ok = c < 0x80 && (Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean hasNoBadChars(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c == '<' || c == '>' || c == 0x7F) {
                return false;
            }
        }
        return true;
    }

    private static final class Parser {
        private final String s;
        private int pos;

        Parser(String s) {
            this.s = s;
        }

        IfHeader header() {
            List<IfList> lists = new ArrayList<>();
            String tag = null;
            boolean tagged = false;
            skipSpace();
            if (end()) {
                throw bad(Msg.of("files.if.empty"));
            }
            while (!end()) {
                char c = s.charAt(pos);
                if (c == '<') {
                    if (!lists.isEmpty() && !tagged) {
                        throw bad(Msg.of("files.if.mixed"));
                    }
                    tagged = true;
                    int at = pos;
                    tag = angle();
                    if (!tag.startsWith("/") && !isAbsoluteUri(tag)) {
                        throw bad(Msg.of("files.if.tag-not-uri", at));
                    }
                    skipSpace();
                    if (end() || s.charAt(pos) != '(') {
                        throw bad(Msg.of("files.if.tag-without-list", tag));
                    }
                } else if (c == '(') {
                    lists.add(new IfList(Optional.ofNullable(tag), list()));
                } else {
                    throw bad(Msg.of("files.if.unexpected", String.valueOf(c), pos));
                }
                skipSpace();
            }
            return new IfHeader(lists, tagged);
        }

        private List<Condition> list() {
            pos++; // '('
            List<Condition> conditions = new ArrayList<>();
            while (true) {
                skipSpace();
                if (end()) {
                    throw bad(Msg.of("files.if.list-open"));
                }
                if (s.charAt(pos) == ')') {
                    pos++;
                    break;
                }
                conditions.add(condition());
            }
            if (conditions.isEmpty()) {
                throw bad(Msg.of("files.if.list-empty"));
            }
            return conditions;
        }

        private Condition condition() {
            boolean negated = false;
            if (s.regionMatches(true, pos, "Not", 0, 3)) {
                int after = pos + 3;
                if (after < s.length() && (isSpace(s.charAt(after)) || s.charAt(after) == '<' || s.charAt(after) == '[')) {
                    negated = true;
                    pos = after;
                    skipSpace();
                }
            }
            if (end()) {
                throw bad(Msg.of("files.if.not-alone"));
            }
            char c = s.charAt(pos);
            if (c == '<') {
                int at = pos;
                String token = angle();
                if (!isAbsoluteUri(token)) {
                    throw bad(Msg.of("files.if.token-not-uri", at));
                }
                return new StateToken(negated, token);
            }
            if (c == '[') {
                return new EntityTag(negated, entityTag());
            }
            throw bad(Msg.of("files.if.unexpected", String.valueOf(c), pos));
        }

        private String angle() {
            int close = s.indexOf('>', pos + 1);
            if (close < 0) {
                throw bad(Msg.of("files.if.angle-open", pos));
            }
            String inside = s.substring(pos + 1, close);
            if (inside.isEmpty() || !hasNoBadChars(inside)) {
                throw bad(Msg.of("files.if.not-uri", inside));
            }
            pos = close + 1;
            return inside;
        }

        /** {@code [W/"…"]} or {@code ["…"]}; a bare {@code [tag]} is taken as the tag {@code "tag"}. */
        private String entityTag() {
            int start = pos + 1;
            int i = start;
            if (s.startsWith("W/", i)) {
                i += 2;
            }
            if (i < s.length() && s.charAt(i) == '"') {
                int close = i + 1;
                while (close < s.length() && s.charAt(close) != '"') {
                    close++;
                }
                if (close + 1 >= s.length() || s.charAt(close + 1) != ']') {
                    throw bad(Msg.of("files.if.etag-open", pos));
                }
                pos = close + 2;
                return s.substring(start, close + 1);
            }
            int close = s.indexOf(']', start);
            String bare = close < 0 ? "" : s.substring(start, close);
            if (bare.isEmpty() || !hasNoBadChars(bare) || bare.indexOf('"') >= 0) {
                throw bad(Msg.of("files.if.etag-malformed", pos));
            }
            pos = close + 1;
            return "\"" + bare + "\"";
        }

        private void skipSpace() {
            while (pos < s.length() && isSpace(s.charAt(pos))) {
                pos++;
            }
        }

        private boolean end() {
            return pos >= s.length();
        }

        private static boolean isSpace(char c) {
            return c == ' ' || c == '\t' || c == '\r' || c == '\n';
        }

        private DavException bad(Msg why) {
            return new DavException(400, Msg.of("files.if.malformed", why));
        }
    }
}
