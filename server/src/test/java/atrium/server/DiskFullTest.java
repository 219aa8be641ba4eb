package atrium.server;

import static org.assertj.core.api.Assertions.assertThat;

import atrium.server.DavBadInputTest.User;
import atrium.server.DavTest.Res;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A full disk: an upload that would eat into {@code files.min-free-space}, or that meets a
 * real ENOSPC on a small file system, is answered 507 with a message and leaves nothing:
 * no file, no temporary blob, the same quota figures.
 */
class DiskFullTest {
    private static final String DISK_FULL = "The server's disk is full: the file was not stored. Nothing was changed;"
            + " ask your administrator to free some space, then send it again.";

    @Test
    void anUploadThatWouldEatIntoTheReserveIs507BeforeItsBodyIsStored() throws IOException {
        try (TestServer server = TestServer.start(Map.of("proxy.enabled", "true", "files.min-free-space", "1 PB"))) {
            User u = User.create(server);
            Res declared = u.send("PUT", u.root() + "/report.pdf", new byte[64 * 1024]);
            assertThat(declared.status()).isEqualTo(507);
            assertThat(declared.text()).contains("<s:exception>Sabre\\DAV\\Exception\\InsufficientStorage</s:exception>");
            assertThat(DavBadInputTest.message(declared)).isEqualTo(DISK_FULL);
            Res french = u.send("PUT", u.root() + "/report.pdf", new byte[10], "Accept-Language", "fr");
            assertThat(DavBadInputTest.message(french)).startsWith("Le disque du serveur est plein\u00a0: le fichier n’a pas");
            Res streamed = u.send("PUT", u.root() + "/report.pdf", new java.io.ByteArrayInputStream(new byte[200_000]));
            assertThat(streamed.status()).as("without Content-Length").isEqualTo(507);
            assertThat(DavBadInputTest.message(streamed)).isEqualTo(DISK_FULL);
            String uploads = "/remote.php/dav/uploads/" + u.login();
            assertThat(u.send("MKCOL", uploads + "/t", null).status()).isEqualTo(201);
            Res chunk = u.send("PUT", uploads + "/t/0000000000000001", new byte[1000]);
            assertThat(chunk.status()).isEqualTo(507);
            assertThat(DavBadInputTest.message(chunk)).isEqualTo(DISK_FULL);

            assertThat(u.send("GET", u.root() + "/report.pdf", null).status()).isEqualTo(404);
            assertThat(u.send("MKCOL", u.root() + "/folders-take-no-space", null).status()).isEqualTo(201);
            assertThat(quotaUsed(u)).isEqualTo("0");
            assertThat(blobFiles(server.dataDir)).as("no blob, no temporary file").isEmpty();
        }
    }

    /**
     * Two uploads that each fit the free space of a 16 MiB tmpfs when they start, but not
     * together: the disk fills under one of them (ENOSPC), which is answered 507; the other
     * is stored whole. Needs the right to mount a tmpfs (root), skipped otherwise.
     */
    @Test
    void uploadsThatFillARealDiskGet507AndLeaveNothingHalfWritten() throws Exception {
        Path mount = Files.createTempDirectory("atrium-small-disk-");
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=16m,mode=0700", "tmpfs", mount.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        Assumptions.assumeTrue(p.waitFor() == 0, "cannot mount a small tmpfs here (needs root): " + output.strip());
        try (TestServer server = TestServer.startIn(mount, Map.of("proxy.enabled", "true", "files.min-free-space", "0"))) {
            User u = User.create(server);
            assertThat(u.put("/before.txt", "already here").status()).isEqualTo(201);
            long usableBefore = Files.getFileStore(mount).getUsableSpace();
            int size = (int) Math.min(12L << 20, usableBefore * 3 / 4);
            assertThat(2L * size).as("together they cannot fit").isGreaterThan(usableBefore);
            CyclicBarrier halfway = new CyclicBarrier(2);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            List<Future<Res>> puts = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    String name = "/big" + i + ".bin";
                    byte fill = (byte) ('a' + i);
                    puts.add(pool.submit(() -> u.send("PUT", u.root() + name, new MeetingStream(size, fill, halfway))));
                }
                List<Integer> statuses = new ArrayList<>();
                for (Future<Res> put : puts) {
                    Res r = put.get(2, TimeUnit.MINUTES);
                    statuses.add(r.status());
                    if (r.status() == 507) {
                        assertThat(DavBadInputTest.message(r)).isEqualTo(DISK_FULL);
                    }
                }
                assertThat(statuses).as("no 500, and the disk was full for at least one").allMatch(s -> s == 201 || s == 507)
                        .contains(507);
                long stored = 0;
                for (int i = 0; i < 2; i++) {
                    Res got = u.send("GET", u.root() + "/big" + i + ".bin", null);
                    if (statuses.get(i) == 201) {
                        assertThat(got.body()).hasSize(size).containsOnly((byte) ('a' + i));
                        stored += size;
                    } else {
                        assertThat(got.status()).as("no partial file is visible").isEqualTo(404);
                    }
                }
                assertThat(quotaUsed(u)).isEqualTo(Long.toString(stored + "already here".length()));
                assertThat(tmpFiles(mount)).as("temporary blobs removed").isEmpty();
                assertThat(Files.getFileStore(mount).getUsableSpace()).as("the space of the failed upload is free again")
                        .isGreaterThan(usableBefore - stored - (1 << 20));
                assertThat(u.send("GET", u.root() + "/before.txt", null).text()).isEqualTo("already here");
            } finally {
                pool.shutdownNow();
            }
        } finally {
            new ProcessBuilder("umount", mount.toString()).inheritIO().start().waitFor();
            Files.deleteIfExists(mount);
        }
    }

    private static String quotaUsed(User u) {
        Res r = u.send("PROPFIND", u.root() + "/", "<d:propfind xmlns:d=\"DAV:\"><d:prop><d:quota-used-bytes/></d:prop>"
                + "</d:propfind>", "Depth", "0");
        return r.xml().getElementsByTagNameNS("DAV:", "quota-used-bytes").item(0).getTextContent();
    }

    private static List<Path> tmpFiles(Path dataDir) throws IOException {
        try (Stream<Path> files = Files.list(dataDir.resolve("blobs/tmp"))) {
            return files.toList();
        }
    }

    /** Blob files and temporary files under the data directory's blob store, the key check file aside. */
    private static List<Path> blobFiles(Path dataDir) throws IOException {
        try (Stream<Path> files = Files.walk(dataDir.resolve("blobs"))) {
            return files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith("key")).toList();
        }
    }

    /** A body of one byte repeated, which stops halfway until the other upload is halfway too. */
    private static final class MeetingStream extends InputStream {
        private final long size;
        private final byte fill;
        private final CyclicBarrier halfway;
        private long sent;
        private boolean met;

        MeetingStream(long size, byte fill, CyclicBarrier halfway) {
            this.size = size;
            this.fill = fill;
            this.halfway = halfway;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0];
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (sent >= size) {
                return -1;
            }
            if (!met && sent >= size / 2) {
                met = true;
                try {
                    halfway.await(1, TimeUnit.MINUTES);
                } catch (Exception e) {
                    throw new IllegalStateException("the other upload never got halfway", e);
                }
            }
            int n = (int) Math.min(len, (met ? size : size / 2) - sent);
            java.util.Arrays.fill(b, off, off + n, fill);
            sent += n;
            return n;
        }
    }
}
