package atrium.files.http;

import atrium.core.Msg;
import java.util.Locale;

/** The Depth request header (RFC 4918 section 10.2). */
public enum Depth {
    ZERO("0"),
    ONE("1"),
    INFINITY("infinity");

    private final String header;

    Depth(String header) {
        this.header = header;
    }

    /** The value as written in a header and in {@code <d:depth>}. */
    public String header() {
        return header;
    }

    /**
     * Reads a Depth header value; the caller picks the default when the header is absent
     * (infinity for PROPFIND, COPY, MOVE and LOCK).
     *
     * @throws DavException 400 for anything but 0, 1 or infinity
     */
    public static Depth parse(String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "0" -> ZERO;
            case "1" -> ONE;
            case "infinity" -> INFINITY;
            default -> throw new DavException(400, Msg.of("files.dav.depth-invalid", value));
        };
    }
}
