package atrium.chat;

import atrium.core.AtriumException;
import atrium.core.Msg;
import atrium.files.FileService;
import atrium.files.Node;
import atrium.files.NodeId;
import atrium.files.Previews;
import atrium.files.http.DavException;
import atrium.files.http.DavPath;
import atrium.identity.AccountId;
import atrium.identity.Caller;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * Attachments as files of their sender's Files (ADR 0027): an upload goes into the sender's
 * {@value #FOLDER} folder through {@link FileService#write}, the path of every upload (quota,
 * virus scanner, atomic commit); a file picked from Files is used where it is, without a copy.
 * Members then read it through the conversation, never through a share.
 */
public final class ChatFiles {
    /** Fixed, as Nextcloud Talk's default: the same path whatever language the sender reads. */
    public static final String FOLDER = "Talk";
    private static final int MAX_NUMBER = 10_000;

    private final FileService files;

    ChatFiles(FileService files) {
        this.files = files;
    }

    /**
     * Streams a body into the caller's {@value #FOLDER} folder under {@code rawName}, or
     * "name (2).ext" and so on when that name is taken: an attachment never replaces an
     * earlier one.
     */
    public Attachment upload(Caller caller, String rawName, InputStream body, long declaredLength) {
        String name = rawName.strip();
        try {
            DavPath.checkName(name);
        } catch (DavException e) {
            throw AtriumException.Invalid.field("name", e.msg());
        }
        AccountId owner = caller.id();
        folder(owner);
        for (int n = 1; n <= MAX_NUMBER; n++) {
            String candidate = n == 1 ? name : FileService.numbered(name, n);
            FileService.Target t = files.target(owner, List.of(FOLDER, candidate));
            if (t.node().isPresent()) {
                continue;
            }
            // Checked again at the commit: an upload of the same name finishing first keeps its file.
            var upload = new FileService.Upload(Optional.empty(), Optional.empty(), existing -> {
                if (existing.isPresent()) {
                    throw new AtriumException.Conflict(Msg.of("chat.file.name-taken", candidate));
                }
            }).from(caller);
            return of(files.write(owner, t, body, declaredLength, upload).node());
        }
        throw new AtriumException.Conflict(Msg.of("chat.file.name-taken", name));
    }

    /** The caller's {@value #FOLDER} folder, made when missing. */
    private void folder(AccountId owner) {
        Optional<Node> found = files.resolve(owner, List.of(FOLDER));
        if (found.isEmpty()) {
            try {
                files.mkdir(owner, List.of(FOLDER));
                return;
            } catch (AtriumException.Conflict e) {
                // Made by a parallel upload in the meantime: checked below.
                found = files.resolve(owner, List.of(FOLDER));
            }
        }
        if (found.isEmpty() || !found.get().folder()) {
            throw new AtriumException.Conflict(Msg.of("chat.file.folder-taken", FOLDER));
        }
    }

    /** A file of the caller's own Files (not a folder, not in the trash), attached where it is. */
    public Attachment pick(Caller caller, NodeId id) {
        return files.liveById(caller.id(), id).filter(n -> !n.folder()).map(ChatFiles::of)
                .orElseThrow(() -> AtriumException.Invalid.field("file", Msg.of("chat.file.none")));
    }

    /** The file an attachment points at, while it is still in its owner's Files. */
    public Node open(Attachment a) {
        return files.liveById(new AccountId(a.owner()), new NodeId(a.fileId())).filter(n -> !n.folder())
                .orElseThrow(() -> new AtriumException.NotFound(Msg.of("chat.attachment.gone", a.name())));
    }

    private static Attachment of(Node n) {
        return new Attachment(n.id().value(), n.owner().value(), n.name(), n.size(),
                n.contentType().orElse("application/octet-stream"), Previews.available(n));
    }
}
