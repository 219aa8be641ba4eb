package atrium.files.share;

import atrium.files.Node;
import java.util.List;

/**
 * A share as its recipient sees it: a file or folder at their root, under its mount name.
 *
 * @param ownerPath   the shared node's path in its owner's tree (at this request)
 * @param permissions what the recipient may do inside: the share's bits, cut down to what
 *                    its initiator may still do
 */
public record Mount(Share share, String name, Node node, List<String> ownerPath, int permissions) {
}
