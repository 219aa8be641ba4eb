package atrium.chat;

import java.util.Locale;

/** A member's role in a group conversation; in a one-to-one both are members. */
public enum Role {
    OWNER, MODERATOR, MEMBER;

    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Rename, add and remove members, lock, delete others' messages. */
    public boolean moderates() {
        return this != MEMBER;
    }
}
