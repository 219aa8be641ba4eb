package atrium.files;

/** A WebDAV property set by a client (PROPPATCH): namespace, local name, XML fragment value. */
public record DeadProperty(String namespace, String name, String value) {
}
