package atrium.files;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes files and folders as a zip, streaming: each file is read from its blob and deflated
 * straight into the output, folders are walked one level at a time, so memory stays constant
 * whatever the size (no temporary file, no content held). Names are UTF-8 with the language
 * encoding flag (general purpose bit 11, which ZipOutputStream sets for a UTF-8 charset);
 * sizes past 4 GiB and more than 65,535 entries get ZIP64 records, which ZipOutputStream adds
 * by itself when needed. Folders are kept, empty ones included, as entries ending in "/".
 */
public final class ZipWriter {
    /** Where the content comes from: a folder's children, a file's bytes. */
    public interface Source {
        List<Node> children(Node folder);

        InputStream read(Node file);
    }

    private final Source source;

    public ZipWriter(Source source) {
        this.source = source;
    }

    /** The source of a user's tree. */
    public static Source of(FileService files) {
        return new Source() {
            @Override
            public List<Node> children(Node folder) {
                return files.children(folder);
            }

            @Override
            public InputStream read(Node file) {
                return file.size() == 0 ? InputStream.nullInputStream() : files.read(file, 0, file.size());
            }
        };
    }

    /**
     * Writes the nodes, each at the top of the archive under its name (a second node of the same
     * name becomes "name (2)"), and finishes the archive; the caller closes {@code out}.
     */
    public void write(OutputStream out, List<Node> nodes) throws IOException {
        ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(out, 64 * 1024), StandardCharsets.UTF_8);
        // Speed over size: most large files (photos, videos, archives) are compressed already.
        zip.setLevel(Deflater.BEST_SPEED);
        Set<String> top = new HashSet<>();
        for (Node n : nodes) {
            add(zip, n, unique(top, n.name()));
        }
        zip.finish();
        zip.flush();
    }

    private void add(ZipOutputStream zip, Node node, String name) throws IOException {
        if (node.folder()) {
            ZipEntry e = new ZipEntry(name + "/");
            e.setTime(node.mtime());
            zip.putNextEntry(e);
            zip.closeEntry();
            for (Node child : source.children(node)) {
                add(zip, child, name + "/" + child.name());
            }
            return;
        }
        ZipEntry e = new ZipEntry(name);
        e.setTime(node.mtime());
        zip.putNextEntry(e);
        try (InputStream in = source.read(node)) {
            in.transferTo(zip);
        }
        zip.closeEntry();
    }

    private static String unique(Set<String> taken, String name) {
        String candidate = name;
        for (int i = 2; !taken.add(candidate); i++) {
            candidate = name + " (" + i + ")";
        }
        return candidate;
    }
}
