package atrium.identity;

import atrium.core.Msg;
import java.util.List;
import java.util.Locale;

/** What a notification is about; the values of its messages ({0}, {1}, …) are listed with each kind. */
public enum NotificationKind {
    /** {0} who shared, {1} the file or folder's name. */
    SHARE_RECEIVED,
    /** {0} the uploader's nickname, {1} the file's name, {2} the file-drop folder. */
    FILE_DROP_UPLOAD,
    /** {0} the file's name, {1} the virus signature, {2} who uploaded it. */
    INFECTED_UPLOAD;

    public String tag() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static NotificationKind fromTag(String tag) {
        return valueOf(tag.toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    /** The title: the in-app line and the e-mail's subject. */
    public Msg title(List<String> params) {
        Object[] p = params.toArray();
        return switch (this) {
            case SHARE_RECEIVED -> Msg.of("identity.notify.share-received", p);
            case FILE_DROP_UPLOAD -> Msg.of("identity.notify.file-drop-upload", p);
            case INFECTED_UPLOAD -> Msg.of("identity.notify.infected-upload", p);
        };
    }

    /** The e-mail's first paragraph. */
    public Msg body(List<String> params) {
        Object[] p = params.toArray();
        return switch (this) {
            case SHARE_RECEIVED -> Msg.of("identity.notify.share-received.body", p);
            case FILE_DROP_UPLOAD -> Msg.of("identity.notify.file-drop-upload.body", p);
            case INFECTED_UPLOAD -> Msg.of("identity.notify.infected-upload.body", p);
        };
    }
}
