package atrium.files.http;

import atrium.files.Node;
import atrium.files.NodeId;
import atrium.files.Previews;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import javax.xml.namespace.QName;

/**
 * The properties the server computes for a file or folder (RFC 4918 section 15, RFC 4331
 * quotas, and the ownCloud/Nextcloud ones the sync clients read, protocol notes section
 * 3.3). Only {@code d:displayname} and {@code oc:favorite} may be set by a client; they are
 * then kept as dead properties, which take precedence.
 */
final class LiveProperties {
    static final QName RESOURCETYPE = DavProperty.dav("resourcetype");
    static final QName GETLASTMODIFIED = DavProperty.dav("getlastmodified");
    static final QName GETCONTENTLENGTH = DavProperty.dav("getcontentlength");
    static final QName GETETAG = DavProperty.dav("getetag");
    static final QName GETCONTENTTYPE = DavProperty.dav("getcontenttype");
    static final QName CREATIONDATE = DavProperty.dav("creationdate");
    static final QName DISPLAYNAME = DavProperty.dav("displayname");
    static final QName SUPPORTEDLOCK = DavProperty.dav("supportedlock");
    static final QName LOCKDISCOVERY = DavProperty.dav("lockdiscovery");
    static final QName QUOTA_USED = DavProperty.dav("quota-used-bytes");
    static final QName QUOTA_AVAILABLE = DavProperty.dav("quota-available-bytes");
    static final QName OC_ID = DavProperty.oc("id");
    static final QName OC_FILEID = DavProperty.oc("fileid");
    static final QName OC_SIZE = DavProperty.oc("size");
    static final QName OC_PERMISSIONS = DavProperty.oc("permissions");
    static final QName OC_CHECKSUMS = DavProperty.oc("checksums");
    static final QName OC_DATA_FINGERPRINT = DavProperty.oc("data-fingerprint");
    static final QName OC_SHARE_TYPES = DavProperty.oc("share-types");
    static final QName OC_FAVORITE = DavProperty.oc("favorite");
    static final QName NC_HAS_PREVIEW = DavProperty.nc("has-preview");

    /** What allprop returns besides the dead properties: RFC 4918's own live properties (section 9.1). */
    static final List<QName> ALLPROP = List.of(RESOURCETYPE, GETLASTMODIFIED, GETCONTENTLENGTH, GETETAG, GETCONTENTTYPE,
            CREATIONDATE, DISPLAYNAME, SUPPORTEDLOCK, LOCKDISCOVERY);

    /** Every live property, for propname. */
    static final List<QName> ALL = List.of(RESOURCETYPE, GETLASTMODIFIED, GETCONTENTLENGTH, GETETAG, GETCONTENTTYPE,
            CREATIONDATE, DISPLAYNAME, SUPPORTEDLOCK, LOCKDISCOVERY, QUOTA_USED, QUOTA_AVAILABLE, OC_ID, OC_FILEID,
            OC_SIZE, OC_PERMISSIONS, OC_CHECKSUMS, OC_DATA_FINGERPRINT, OC_SHARE_TYPES, OC_FAVORITE, NC_HAS_PREVIEW);

    /** The live properties a PROPPATCH may not touch (403 with cannot-modify-protected-property). */
    static final Set<QName> PROTECTED = protectedNames();

    /** Nextcloud's "unlimited" for quota-available-bytes, which its clients understand. */
    static final long UNLIMITED = -3;

    /** Quota figures of the owner, fetched once per request and only when asked for. */
    /** used: the files' size (quota-used-bytes); counted: what counts against the limit (with trash and versions). */
    record Quota(long used, long counted, Optional<Long> limit) {
        long available() {
            return limit.map(l -> Math.max(0, l - counted)).orElse(UNLIMITED);
        }
    }

    /** One resource being described: the node, whether it is the owner's root, its locks' discovery XML. */
    record Resource(Node node, Supplier<String> lockDiscovery) {
    }

    private final String instanceId;
    private final Supplier<Quota> quota;

    LiveProperties(String instanceId, Supplier<Quota> quota) {
        this.instanceId = instanceId;
        this.quota = quota;
    }

    /** The Nextcloud file id: the numeric id zero-padded to 8 digits, then the instance id. */
    static String ocId(NodeId id, String instanceId) {
        return String.format("%08d%s", id.value(), instanceId);
    }

    static String quoted(String etag) {
        return "\"" + etag + "\"";
    }

    /** Whether the property exists on this resource (getcontentlength is for files only, and so on). */
    static boolean applies(QName name, Node node) {
        if (name.equals(GETCONTENTLENGTH) || name.equals(GETCONTENTTYPE) || name.equals(OC_CHECKSUMS)) {
            return !node.folder() && (!name.equals(OC_CHECKSUMS) || node.checksums().isPresent());
        }
        if (name.equals(QUOTA_USED) || name.equals(QUOTA_AVAILABLE)) {
            return node.folder();
        }
        if (name.equals(OC_DATA_FINGERPRINT)) {
            return node.isRoot();
        }
        if (name.equals(DISPLAYNAME)) {
            return !node.isRoot();
        }
        return ALL.contains(name);
    }

    /** The names of the live properties this resource has, in the order of {@code names}. */
    static List<QName> applicable(List<QName> names, Node node) {
        List<QName> out = new ArrayList<>(names.size());
        for (QName name : names) {
            if (applies(name, node)) {
                out.add(name);
            }
        }
        return out;
    }

    /** The value of a live property, empty when the resource has no such property. */
    Optional<DavProperty> value(QName name, Resource r) {
        Node n = r.node();
        if (!applies(name, n)) {
            return Optional.empty();
        }
        String local = name.getLocalPart();
        DavProperty p = switch (name.getNamespaceURI()) {
            case Multistatus.DAV -> switch (local) {
                case "resourcetype" -> n.folder() ? DavProperty.xml(name, Multistatus.COLLECTION) : DavProperty.empty(name);
                case "getlastmodified" -> DavProperty.text(name, Multistatus.httpDate(Instant.ofEpochMilli(n.mtime())));
                case "getcontentlength" -> DavProperty.text(name, Long.toString(n.size()));
                case "getetag" -> DavProperty.text(name, quoted(n.etag()));
                case "getcontenttype" -> DavProperty.text(name, n.contentType().orElse("application/octet-stream"));
                case "creationdate" -> DavProperty.text(name, Multistatus.creationDate(Instant.ofEpochMilli(n.createdAt())));
                case "displayname" -> DavProperty.text(name, n.name());
                case "supportedlock" -> DavProperty.xml(name, Multistatus.supportedLock());
                case "lockdiscovery" -> DavProperty.xml(name, r.lockDiscovery().get());
                case "quota-used-bytes" -> DavProperty.text(name, Long.toString(n.size()));
                case "quota-available-bytes" -> DavProperty.text(name, Long.toString(quota.get().available()));
                default -> null;
            };
            case Multistatus.OWNCLOUD -> switch (local) {
                case "id" -> DavProperty.text(name, ocId(n.id(), instanceId));
                case "fileid" -> DavProperty.text(name, Long.toString(n.id().value()));
                case "size" -> DavProperty.text(name, Long.toString(n.size()));
                // Everything is the caller's own: files RGDNVW, folders RGDNVCK (protocol notes 3.4).
                case "permissions" -> DavProperty.text(name, n.folder() ? "RGDNVCK" : "RGDNVW");
                case "checksums" -> DavProperty.xml(name, "<oc:checksum>" + XmlText.text(n.checksums().orElseThrow())
                        + "</oc:checksum>");
                // Empty and never changed: a change makes the desktop client assume a backup was restored.
                case "data-fingerprint", "share-types" -> DavProperty.empty(name);
                case "favorite" -> DavProperty.text(name, "0");
                default -> null;
            };
            case Multistatus.NEXTCLOUD -> local.equals("has-preview")
                    ? DavProperty.text(name, Boolean.toString(Previews.available(n))) : null;
            default -> null;
        };
        return Optional.ofNullable(p);
    }

    private static Set<QName> protectedNames() {
        List<QName> names = new ArrayList<>(ALL);
        names.remove(DISPLAYNAME);
        names.remove(OC_FAVORITE);
        return Set.copyOf(names);
    }
}
