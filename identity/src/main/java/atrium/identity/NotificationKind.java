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
    INFECTED_UPLOAD,
    /** {0} who wrote, {1} the conversation's name, {2} the message (its start). */
    CHAT_MENTION,
    /** {0} who wrote (a one-to-one conversation), {1} the message (its start). */
    CHAT_MESSAGE;

    public String tag() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static NotificationKind fromTag(String tag) {
        return valueOf(tag.toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    /** The title of {@code count} events (the latest one's {@code params}): the in-app line and the e-mail's subject. */
    public Msg title(List<String> params, int count) {
        if (count > 1) {
            return switch (this) {
                case FILE_DROP_UPLOAD -> Msg.of("identity.notify.file-drop-upload.many", withCount(params, count));
                case CHAT_MENTION -> Msg.of("identity.notify.chat-mention.many", withCount(params, count));
                case CHAT_MESSAGE -> Msg.of("identity.notify.chat-message.many", withCount(params, count));
                case SHARE_RECEIVED, INFECTED_UPLOAD -> title(params, 1);
            };
        }
        Object[] p = params.toArray();
        return switch (this) {
            case SHARE_RECEIVED -> Msg.of("identity.notify.share-received", p);
            case FILE_DROP_UPLOAD -> Msg.of("identity.notify.file-drop-upload", p);
            case INFECTED_UPLOAD -> Msg.of("identity.notify.infected-upload", p);
            case CHAT_MENTION -> Msg.of("identity.notify.chat-mention", p);
            case CHAT_MESSAGE -> Msg.of("identity.notify.chat-message", p);
        };
    }

    /** The e-mail's first paragraph. */
    public Msg body(List<String> params) {
        Object[] p = params.toArray();
        return switch (this) {
            case SHARE_RECEIVED -> Msg.of("identity.notify.share-received.body", p);
            case FILE_DROP_UPLOAD -> Msg.of("identity.notify.file-drop-upload.body", p);
            case INFECTED_UPLOAD -> Msg.of("identity.notify.infected-upload.body", p);
            case CHAT_MENTION -> Msg.of("identity.notify.chat-mention.body", p);
            case CHAT_MESSAGE -> Msg.of("identity.notify.chat-message.body", p);
        };
    }

    /** The e-mail's first paragraph for {@code count} events, followed by one {@link #line} per event. */
    public Msg body(List<String> params, int count) {
        if (count > 1) {
            return switch (this) {
                case FILE_DROP_UPLOAD -> Msg.of("identity.notify.file-drop-upload.many.body", withCount(params, count));
                case CHAT_MENTION -> Msg.of("identity.notify.chat-mention.many.body", withCount(params, count));
                case CHAT_MESSAGE -> Msg.of("identity.notify.chat-message.many.body", withCount(params, count));
                case SHARE_RECEIVED, INFECTED_UPLOAD -> body(params);
            };
        }
        return body(params);
    }

    /** One event of several, in the list under {@link #body(List, int)}. */
    public Msg line(List<String> params) {
        Object[] p = params.toArray();
        return switch (this) {
            case FILE_DROP_UPLOAD -> Msg.of("identity.notify.file-drop-upload.line", p);
            case CHAT_MENTION -> Msg.of("identity.notify.chat-mention.line", p);
            case CHAT_MESSAGE -> Msg.of("identity.notify.chat-message.line", p);
            case SHARE_RECEIVED, INFECTED_UPLOAD -> title(params, 1);
        };
    }

    /** The values of a message about several events: the latest one's, then the count (file-drop uploads, chat). */
    private static Object[] withCount(List<String> params, int count) {
        Object[] p = new Object[params.size() + 1];
        params.toArray(p);
        p[params.size()] = count;
        return p;
    }
}
