package atrium.files.http;

/** The two kinds of write lock of RFC 4918 section 6.2. */
public enum LockScope {
    EXCLUSIVE,
    SHARED;

    /** The DAV: element name: {@code exclusive} or {@code shared}. */
    public String element() {
        return this == EXCLUSIVE ? "exclusive" : "shared";
    }

    /** Section 9.10.5: only two shared locks are compatible. */
    public boolean compatibleWith(LockScope other) {
        return this == SHARED && other == SHARED;
    }
}
