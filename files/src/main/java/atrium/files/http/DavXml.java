package atrium.files.http;

import atrium.core.Msg;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.namespace.QName;
import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads the XML request bodies of PROPFIND, PROPPATCH and LOCK (RFC 4918 section 14), and
 * SEARCH's as a plain {@link Tree} (RFC 5323).
 *
 * <p>The parser is the JDK's StAX reader, namespace-aware, with DTD support, external
 * entities and external DTD/schema access all off. A document type declaration is refused
 * outright (400) as soon as the reader reports it, before any entity it declares could be
 * referenced, so neither XXE nor entity expansion ("billion laughs") can happen; undeclared
 * entity references are then malformed XML. The JDK's StAX factory does not accept
 * {@code FEATURE_SECURE_PROCESSING} as a property; its {@code jdk.xml.*} limits apply by
 * default and element depth is capped here as well. Bodies are read into memory up to a
 * limit (413 beyond it) because they are small and an empty body must be told apart from
 * an empty document.
 *
 * <p>Unknown elements are ignored, as section 17 asks ({@code <propfind><foo/><allprop/>}
 * is an allprop request). Each method reads the stream to its end and closes it.
 */
public final class DavXml {
    /** Default limit on a request body; a PROPPATCH with many dead properties stays far below. */
    public static final int MAX_BODY_BYTES = 1 << 20;
    /** Deepest element nesting accepted, counting the root. */
    public static final int MAX_DEPTH = 100;

    private static final String DAV = Multistatus.DAV;
    private static final Pattern DECLARED_ENCODING = Pattern.compile("encoding\\s*=\\s*[\"']([A-Za-z0-9._-]+)[\"']");

    private DavXml() {
    }

    /** What a PROPFIND asks for (section 14.20). */
    public sealed interface Propfind permits AllProp, PropName, Prop {
    }

    /** All dead properties and the live ones the server deems cheap, plus {@code include}. */
    public record AllProp(List<QName> include) implements Propfind {
        public AllProp {
            include = List.copyOf(include);
        }
    }

    /** The names of all properties, without values. */
    public record PropName() implements Propfind {
    }

    /** The listed properties, in request order, without duplicates. */
    public record Prop(List<QName> names) implements Propfind {
        public Prop {
            names = List.copyOf(names);
        }
    }

    /** One instruction of a PROPPATCH, to be applied in document order (section 9.2). */
    public sealed interface PropertyUpdate permits SetProperty, RemoveProperty {
        QName name();
    }

    /**
     * Sets a property.
     *
     * @param element the whole property element, self-contained: the namespace declarations
     *                it and its descendants need, its attributes and the {@code xml:lang} in
     *                scope (section 4.3). This is what to store for a dead property and hand
     *                back through {@link DavProperty#element}; it round-trips exactly.
     * @param value   the element's content alone (children, text, comments), each child
     *                element self-contained; for {@link DavProperty#xml}
     * @param text    the character data of the content, concatenated; for live properties
     *                whose value is plain text ({@code oc:favorite}, {@code d:displayname})
     * @param lang    the {@code xml:lang} in scope on the property element, if any
     */
    public record SetProperty(QName name, String element, String value, String text, Optional<String> lang)
            implements PropertyUpdate {
    }

    /** Removes a property; removing one that does not exist is not an error (section 14.23). */
    public record RemoveProperty(QName name) implements PropertyUpdate {
    }

    /** A PROPFIND body; an empty body means allprop (section 9.1). */
    public static Propfind propfind(InputStream body) {
        return propfind(body, MAX_BODY_BYTES);
    }

    public static Propfind propfind(InputStream body, int maxBytes) {
        Optional<El> parsed = parse(body, maxBytes);
        if (parsed.isEmpty()) {
            return new AllProp(List.of());
        }
        El root = root(parsed.get(), "propfind");
        Propfind found = null;
        List<QName> include = List.of();
        for (El child : root.elements()) {
            if (!child.isDav()) {
                continue;
            }
            Propfind kind = switch (child.local) {
                case "allprop" -> new AllProp(List.of());
                case "propname" -> new PropName();
                case "prop" -> new Prop(names(child));
                default -> null;
            };
            if (child.local.equals("include")) {
                include = names(child);
            }
            if (kind != null) {
                if (found != null) {
                    throw new DavException(400, Msg.of("files.xml.propfind-several"));
                }
                found = kind;
            }
        }
        if (found == null) {
            throw new DavException(400, Msg.of("files.xml.propfind-empty"));
        }
        return found instanceof AllProp ? new AllProp(include) : found;
    }

    /** A PROPPATCH body: its set and remove instructions in document order. */
    public static List<PropertyUpdate> proppatch(InputStream body) {
        return proppatch(body, MAX_BODY_BYTES);
    }

    public static List<PropertyUpdate> proppatch(InputStream body, int maxBytes) {
        El root = root(parse(body, maxBytes)
                .orElseThrow(() -> new DavException(400, Msg.of("files.xml.proppatch-missing"))), "propertyupdate");
        List<PropertyUpdate> updates = new ArrayList<>();
        for (El instruction : root.elements()) {
            boolean set = instruction.isDav("set");
            if (!set && !instruction.isDav("remove")) {
                continue;
            }
            for (El prop : instruction.elements()) {
                if (!prop.isDav("prop")) {
                    continue;
                }
                for (El property : prop.elements()) {
                    updates.add(set ? setProperty(property) : new RemoveProperty(property.name()));
                }
            }
        }
        if (updates.isEmpty()) {
            throw new DavException(400, Msg.of("files.xml.proppatch-empty"));
        }
        return List.copyOf(updates);
    }

    /**
     * A LOCK body. Empty means a refresh of an existing lock (section 9.10.2), which the
     * caller recognises by the If header.
     */
    public static Optional<LockInfo> lockinfo(InputStream body) {
        return lockinfo(body, MAX_BODY_BYTES);
    }

    public static Optional<LockInfo> lockinfo(InputStream body, int maxBytes) {
        Optional<El> parsed = parse(body, maxBytes);
        if (parsed.isEmpty()) {
            return Optional.empty();
        }
        El root = root(parsed.get(), "lockinfo");
        LockScope scope = null;
        boolean write = false;
        Optional<String> owner = Optional.empty();
        for (El child : root.elements()) {
            if (child.isDav("lockscope")) {
                for (El value : child.elements()) {
                    if (value.isDav("exclusive")) {
                        scope = LockScope.EXCLUSIVE;
                    } else if (value.isDav("shared")) {
                        scope = LockScope.SHARED;
                    }
                }
            } else if (child.isDav("locktype")) {
                for (El value : child.elements()) {
                    write |= value.isDav("write");
                }
                if (!write) {
                    throw new DavException(400, Msg.of("files.xml.lock-not-write"));
                }
            } else if (child.isDav("owner")) {
                owner = child.children.isEmpty() ? Optional.empty() : Optional.of(content(child));
            }
        }
        if (scope == null) {
            throw new DavException(400, Msg.of("files.xml.lockscope-missing"));
        }
        if (!write) {
            throw new DavException(400, Msg.of("files.xml.locktype-missing"));
        }
        return Optional.of(new LockInfo(scope, owner));
    }

    /**
     * An element of a request body as a plain tree: its name, its own character data (text of
     * child elements not included) and its child elements. For bodies whose grammar is read
     * elsewhere (SEARCH, {@link DavSearch}), parsed by the same guarded reader as the others.
     */
    public record Tree(QName name, String text, List<Tree> children) {
        public Tree {
            children = List.copyOf(children);
        }

        public boolean is(String namespace, String local) {
            return name.getNamespaceURI().equals(namespace) && name.getLocalPart().equals(local);
        }

        /** The first child of that name, if any. */
        public Optional<Tree> child(String namespace, String local) {
            return children.stream().filter(c -> c.is(namespace, local)).findFirst();
        }
    }

    /** A body as a {@link Tree}; empty when the body is empty. */
    public static Optional<Tree> tree(InputStream body) {
        return parse(body, MAX_BODY_BYTES).map(DavXml::tree);
    }

    private static Tree tree(El el) {
        StringBuilder text = new StringBuilder();
        List<Tree> children = new ArrayList<>();
        for (Node child : el.children) {
            if (child instanceof Chars chars) {
                text.append(chars.text);
            } else if (child instanceof El e) {
                children.add(tree(e));
            }
        }
        return new Tree(el.name(), text.toString(), children);
    }

    private static SetProperty setProperty(El property) {
        StringBuilder element = new StringBuilder();
        write(property, Scope.EMPTY, element, true);
        StringBuilder text = new StringBuilder();
        property.collectText(text);
        Optional<String> lang = property.lang.isEmpty() ? Optional.empty() : Optional.of(property.lang);
        return new SetProperty(property.name(), element.toString(), content(property), text.toString(), lang);
    }

    private static List<QName> names(El parent) {
        LinkedHashSet<QName> names = new LinkedHashSet<>();
        for (El child : parent.elements()) {
            names.add(child.name());
        }
        return List.copyOf(names);
    }

    private static El root(El root, String expected) {
        if (!root.isDav(expected)) {
            throw new DavException(400, Msg.of("files.xml.wrong-root", expected, "{" + root.ns + "}" + root.local));
        }
        return root;
    }

    // ---- Parsing --------------------------------------------------------------------------

    private static Optional<El> parse(InputStream body, int maxBytes) {
        byte[] bytes = readBounded(body, maxBytes);
        if (isBlank(bytes)) {
            return Optional.empty();
        }
        checkUtf8(bytes);
        XMLStreamReader reader = null;
        try {
            reader = factory().createXMLStreamReader(new ByteArrayInputStream(bytes));
            return Optional.of(build(reader));
        } catch (XMLStreamException e) {
            throw malformed(e);
        } finally {
            if (reader != null) {
                try {
                    reader.close();
                } catch (XMLStreamException ignored) {
                    // Nothing is held open: the input is a byte array.
                }
            }
        }
    }

    private static XMLInputFactory factory() {
        // newDefaultFactory skips the service lookup; a factory per body keeps readers independent.
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        factory.setProperty(XMLInputFactory.IS_COALESCING, false);
        factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        factory.setProperty("jdk.xml.maxElementDepth", MAX_DEPTH + 1);
        factory.setXMLResolver((publicId, systemId, baseUri, namespace) -> {
            throw new XMLStreamException("external entities are not allowed");
        });
        return factory;
    }

    private static El build(XMLStreamReader r) throws XMLStreamException {
        List<El> stack = new ArrayList<>();
        El root = null;
        while (r.hasNext()) {
            int event = r.next();
            switch (event) {
                case XMLStreamConstants.DTD -> throw new DavException(400, Msg.of("files.xml.doctype"));
                case XMLStreamConstants.ENTITY_REFERENCE, XMLStreamConstants.ENTITY_DECLARATION,
                        XMLStreamConstants.NOTATION_DECLARATION -> throw new DavException(400, Msg.of("files.xml.entity"));
                case XMLStreamConstants.START_ELEMENT -> {
                    if (stack.size() >= MAX_DEPTH) {
                        throw new DavException(400, Msg.of("files.xml.too-deep", MAX_DEPTH));
                    }
                    El parent = stack.isEmpty() ? null : stack.getLast();
                    El el = startElement(r, parent == null ? "" : parent.lang);
                    if (parent != null) {
                        parent.children.add(el);
                    } else {
                        root = el;
                    }
                    stack.add(el);
                }
                case XMLStreamConstants.END_ELEMENT -> stack.removeLast();
                case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                    if (!stack.isEmpty()) {
                        stack.getLast().addText(r.getText());
                    }
                }
                case XMLStreamConstants.COMMENT -> {
                    if (!stack.isEmpty()) {
                        stack.getLast().children.add(new Comment(r.getText()));
                    }
                }
                case XMLStreamConstants.PROCESSING_INSTRUCTION -> {
                    if (!stack.isEmpty()) {
                        String data = r.getPIData();
                        stack.getLast().children.add(new Pi(r.getPITarget(), data == null ? "" : data));
                    }
                }
                default -> {
                    // START_DOCUMENT, END_DOCUMENT, ATTRIBUTE and NAMESPACE carry nothing more.
                }
            }
        }
        if (root == null) {
            throw new DavException(400, Msg.of("files.xml.no-root"));
        }
        return root;
    }

    private static El startElement(XMLStreamReader r, String inheritedLang) {
        Map<String, String> declarations = new LinkedHashMap<>();
        for (int i = 0; i < r.getNamespaceCount(); i++) {
            declarations.put(nonNull(r.getNamespacePrefix(i)), nonNull(r.getNamespaceURI(i)));
        }
        List<Attr> attributes = new ArrayList<>(r.getAttributeCount());
        String lang = inheritedLang;
        for (int i = 0; i < r.getAttributeCount(); i++) {
            Attr a = new Attr(nonNull(r.getAttributePrefix(i)), nonNull(r.getAttributeNamespace(i)),
                    r.getAttributeLocalName(i), r.getAttributeValue(i));
            attributes.add(a);
            if (a.ns.equals(XMLConstants.XML_NS_URI) && a.local.equals("lang")) {
                lang = a.value;
            }
        }
        return new El(nonNull(r.getPrefix()), nonNull(r.getNamespaceURI()), r.getLocalName(), declarations,
                attributes, lang, inheritedLang);
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }

    private static byte[] readBounded(InputStream in, int maxBytes) {
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) != -1) {
                if (out.size() + n > maxBytes) {
                    throw new DavException(413, Msg.of("files.xml.too-large", maxBytes));
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isBlank(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }

    /**
     * A body in UTF-8 (no UTF-16 byte order mark, no other encoding declared) is checked
     * here: the JDK parser would report bad bytes on standard error as well as throw.
     */
    private static void checkUtf8(byte[] bytes) {
        if (bytes.length >= 2 && (bytes[0] == (byte) 0xFE && bytes[1] == (byte) 0xFF
                || bytes[0] == (byte) 0xFF && bytes[1] == (byte) 0xFE)) {
            return;
        }
        String head = new String(bytes, 0, Math.min(bytes.length, 200), StandardCharsets.ISO_8859_1);
        Matcher declared = DECLARED_ENCODING.matcher(head);
        if (head.startsWith("<?xml") && declared.find() && head.indexOf("?>") > declared.start()
                && !declared.group(1).equalsIgnoreCase("UTF-8")) {
            return;
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
        } catch (CharacterCodingException e) {
            throw new DavException(400, Msg.of("files.xml.not-utf8"));
        }
    }

    /** The parser's own words stay English (they come from the JDK); what surrounds them is translated. */
    private static DavException malformed(XMLStreamException e) {
        String message = e.getMessage() == null ? "unreadable" : e.getMessage();
        int at = message.indexOf("Message: ");
        if (at >= 0) {
            message = message.substring(at + "Message: ".length());
        }
        // Xerces reports namespace errors by message key; say them in words.
        Object detail = message.strip();
        if (message.contains("#EmptyPrefixedAttName")) {
            detail = Msg.of("files.xml.prefix-empty-uri");
        } else if (message.contains("#ElementPrefixUnbound") || message.contains("#AttributePrefixUnbound")) {
            detail = Msg.of("files.xml.prefix-unbound");
        } else if (message.startsWith("http://www.w3.org/TR/1999/REC-xml-names-19990114#")) {
            detail = Msg.of("files.xml.namespace-error", message.substring(message.indexOf('#') + 1));
        }
        Location where = e.getLocation();
        return where == null || where.getLineNumber() < 0 ? new DavException(400, Msg.of("files.xml.malformed", detail))
                : new DavException(400, Msg.of("files.xml.malformed-at", where.getLineNumber(), where.getColumnNumber(), detail));
    }

    // ---- A small tree and its serialisation ---------------------------------------------

    private sealed interface Node permits El, Chars, Comment, Pi {
    }

    private record Attr(String prefix, String ns, String local, String value) {
    }

    private record Comment(String text) implements Node {
    }

    private record Pi(String target, String data) implements Node {
    }

    private static final class Chars implements Node {
        final StringBuilder text = new StringBuilder();
    }

    private static final class El implements Node {
        final String prefix;
        final String ns;
        final String local;
        final Map<String, String> declarations;
        final List<Attr> attributes;
        /** The xml:lang in scope here, "" when none. */
        final String lang;
        final String inheritedLang;
        final List<Node> children = new ArrayList<>();

        El(String prefix, String ns, String local, Map<String, String> declarations, List<Attr> attributes,
                String lang, String inheritedLang) {
            this.prefix = prefix;
            this.ns = ns;
            this.local = local;
            this.declarations = declarations;
            this.attributes = attributes;
            this.lang = lang;
            this.inheritedLang = inheritedLang;
        }

        QName name() {
            return new QName(ns, local);
        }

        boolean isDav() {
            return ns.equals(DAV);
        }

        boolean isDav(String name) {
            return isDav() && local.equals(name);
        }

        List<El> elements() {
            List<El> elements = new ArrayList<>();
            for (Node child : children) {
                if (child instanceof El el) {
                    elements.add(el);
                }
            }
            return elements;
        }

        void addText(String text) {
            if (!children.isEmpty() && children.getLast() instanceof Chars chars) {
                chars.text.append(text);
            } else {
                Chars chars = new Chars();
                chars.text.append(text);
                children.add(chars);
            }
        }

        boolean hasOwnLang() {
            for (Attr a : attributes) {
                if (a.ns.equals(XMLConstants.XML_NS_URI) && a.local.equals("lang")) {
                    return true;
                }
            }
            return false;
        }

        void collectText(StringBuilder out) {
            for (Node child : children) {
                if (child instanceof Chars chars) {
                    out.append(chars.text);
                } else if (child instanceof El el) {
                    el.collectText(out);
                }
            }
        }
    }

    /** Prefix bindings already declared in the output being written. */
    private record Scope(Scope parent, Map<String, String> bindings) {
        static final Scope EMPTY = new Scope(null, Map.of("", ""));

        String lookup(String prefix) {
            for (Scope s = this; s != null; s = s.parent) {
                String uri = s.bindings.get(prefix);
                if (uri != null) {
                    return uri;
                }
            }
            return null;
        }
    }

    /** The children of {@code parent}, each top-level element declaring what it needs. */
    private static String content(El parent) {
        StringBuilder out = new StringBuilder();
        for (Node child : parent.children) {
            writeNode(child, Scope.EMPTY, out);
        }
        return out.toString();
    }

    /**
     * Writes an element with the namespace declarations it had in the source, plus those
     * its own name and attribute names need that the output does not yet bind.
     */
    private static void write(El el, Scope scope, StringBuilder out, boolean top) {
        Map<String, String> declare = new LinkedHashMap<>(el.declarations);
        need(el.prefix, el.ns, declare, scope);
        for (Attr a : el.attributes) {
            if (!a.prefix.isEmpty() && !a.prefix.equals(XMLConstants.XML_NS_PREFIX)) {
                need(a.prefix, a.ns, declare, scope);
            }
        }
        out.append('<');
        appendQName(out, el.prefix, el.local);
        for (Map.Entry<String, String> d : declare.entrySet()) {
            out.append(d.getKey().isEmpty() ? " xmlns" : " xmlns:" + d.getKey()).append("=\"");
            XmlText.appendAttribute(out, d.getValue());
            out.append('"');
        }
        if (top && !el.hasOwnLang() && !el.inheritedLang.isEmpty()) {
            out.append(" xml:lang=\"");
            XmlText.appendAttribute(out, el.inheritedLang);
            out.append('"');
        }
        for (Attr a : el.attributes) {
            out.append(' ');
            appendQName(out, a.prefix, a.local);
            out.append("=\"");
            XmlText.appendAttribute(out, a.value);
            out.append('"');
        }
        if (el.children.isEmpty()) {
            out.append("/>");
            return;
        }
        out.append('>');
        Scope inner = declare.isEmpty() ? scope : new Scope(scope, new HashMap<>(declare));
        for (Node child : el.children) {
            writeNode(child, inner, out);
        }
        out.append("</");
        appendQName(out, el.prefix, el.local);
        out.append('>');
    }

    private static void writeNode(Node node, Scope scope, StringBuilder out) {
        switch (node) {
            case El el -> write(el, scope, out, false);
            case Chars chars -> XmlText.appendText(out, chars.text.toString());
            case Comment comment -> out.append("<!--").append(comment.text()).append("-->");
            case Pi pi -> out.append("<?").append(pi.target()).append(pi.data().isEmpty() ? "" : " ")
                    .append(pi.data()).append("?>");
        }
    }

    private static void need(String prefix, String uri, Map<String, String> declare, Scope scope) {
        String bound = declare.containsKey(prefix) ? declare.get(prefix) : scope.lookup(prefix);
        if (!uri.equals(bound)) {
            declare.put(prefix, uri);
        }
    }

    private static void appendQName(StringBuilder out, String prefix, String local) {
        if (!prefix.isEmpty()) {
            out.append(prefix).append(':');
        }
        out.append(local);
    }
}
