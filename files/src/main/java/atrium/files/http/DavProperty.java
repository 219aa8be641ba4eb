package atrium.files.http;

import javax.xml.namespace.QName;

/**
 * One property of a resource as {@link Multistatus} writes it: a name and a value that is
 * either text (escaped on output), an XML fragment to put inside the property element, or
 * a whole property element kept as the client sent it (dead properties, see
 * {@link DavXml.Set#element()}).
 */
public record DavProperty(QName name, Value value) {

    public sealed interface Value permits Text, Xml, Element {
    }

    /** Character data; {@code ""} writes an empty element. */
    public record Text(String text) implements Value {
    }

    /**
     * Markup written as is between the property's start and end tags. It may use the
     * prefixes the multistatus root declares ({@code d}, {@code oc}, {@code nc}, {@code s});
     * any other prefix must be declared inside the fragment.
     */
    public record Xml(String fragment) implements Value {
    }

    /** A complete, self-contained property element, written as is. */
    public record Element(String xml) implements Value {
    }

    public static DavProperty text(QName name, String text) {
        return new DavProperty(name, new Text(text));
    }

    public static DavProperty xml(QName name, String fragment) {
        return new DavProperty(name, new Xml(fragment));
    }

    public static DavProperty element(QName name, String xml) {
        return new DavProperty(name, new Element(xml));
    }

    /** The property with no value, as listed in a 404 propstat or a propname answer. */
    public static DavProperty empty(QName name) {
        return new DavProperty(name, new Text(""));
    }

    /** A name in the DAV: namespace. */
    public static QName dav(String localName) {
        return new QName(Multistatus.DAV, localName);
    }

    /** A name in the ownCloud namespace, where the clients look for oc:id, oc:permissions, etc. */
    public static QName oc(String localName) {
        return new QName(Multistatus.OWNCLOUD, localName);
    }

    /** A name in the Nextcloud namespace. */
    public static QName nc(String localName) {
        return new QName(Multistatus.NEXTCLOUD, localName);
    }
}
