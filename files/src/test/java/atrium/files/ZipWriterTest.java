package atrium.files;

import static org.assertj.core.api.Assertions.assertThat;

import atrium.identity.AccountId;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZipWriterTest {
    static final long FOUR_GIB_AND_A_BIT = (4L << 30) + 1000;

    static Node file(String name, long size) {
        return new Node(new NodeId(size), new AccountId(1), Optional.of(new NodeId(0)), name, false, size, 1_700_000_000_000L,
                "e", Optional.empty(), Optional.empty(), Optional.empty(), 0);
    }

    /** Zeros, as many as the node's size, made on the fly. */
    static final ZipWriter.Source ZEROS = new ZipWriter.Source() {
        @Override
        public List<Node> children(Node folder) {
            return List.of();
        }

        @Override
        public InputStream read(Node file) {
            return new InputStream() {
                long left = file.size();

                @Override
                public int read() {
                    return left-- > 0 ? 0 : -1;
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    if (left <= 0) {
                        return -1;
                    }
                    int n = (int) Math.min(len, left);
                    java.util.Arrays.fill(b, off, off + n, (byte) 0);
                    left -= n;
                    return n;
                }
            };
        }
    };

    @Test
    void aFileOverFourGibibytesGetsZip64RecordsAndReadsBackWhole(@TempDir Path dir) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new ZipWriter(ZEROS).write(out, List.of(file("huge.bin", FOUR_GIB_AND_A_BIT), file("small.txt", 10)));
        byte[] zip = out.toByteArray();

        // The central directory's entry of huge.bin: sizes 0xFFFFFFFF, the real ones in a ZIP64 extra field (id 1).
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        int central = -1;
        for (int i = zip.length - 46; i >= 0 && central < 0; i--) {
            if (b.getInt(i) == 0x02014b50 && b.getShort(i + 28) == 8) {
                central = new String(zip, i + 46, 8, java.nio.charset.StandardCharsets.UTF_8).equals("huge.bin") ? i : -1;
            }
        }
        assertThat(central).as("central directory entry of huge.bin").isNotNegative();
        assertThat(b.getInt(central + 24)).as("uncompressed size field").isEqualTo(0xFFFFFFFF);
        assertThat(b.getShort(central + 46 + 8)).as("first extra field id").isEqualTo((short) 1);
        assertThat(b.getLong(central + 46 + 8 + 4)).as("ZIP64 uncompressed size").isEqualTo(FOUR_GIB_AND_A_BIT);

        Path file = dir.resolve("out.zip");
        Files.write(file, zip);
        try (ZipFile z = new ZipFile(file.toFile())) {
            ZipEntry huge = z.getEntry("huge.bin");
            assertThat(huge.getSize()).isEqualTo(FOUR_GIB_AND_A_BIT);
            CRC32 crc = new CRC32();
            byte[] zeros = new byte[1 << 20];
            for (long left = FOUR_GIB_AND_A_BIT; left > 0; left -= zeros.length) {
                crc.update(zeros, 0, (int) Math.min(zeros.length, left));
            }
            assertThat(huge.getCrc()).isEqualTo(crc.getValue());
            assertThat(z.getEntry("small.txt").getSize()).isEqualTo(10);
        }
    }
}
