package atrium.files.share;

import java.util.Optional;

/** The kinds of share, numbered as Nextcloud numbers them (OCS {@code shareType}). */
public enum ShareType {
    USER(0), GROUP(1), LINK(3), EMAIL(4);

    public final int code;

    ShareType(int code) {
        this.code = code;
    }

    public static Optional<ShareType> of(int code) {
        for (ShareType t : values()) {
            if (t.code == code) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** User and group shares appear in the recipient's own tree; links and e-mail shares do not. */
    public boolean internal() {
        return this == USER || this == GROUP;
    }
}
