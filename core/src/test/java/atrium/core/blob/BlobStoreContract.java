package atrium.core.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import atrium.core.AtriumException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What every {@link BlobStore} must do; each implementation's test runs all of it. */
interface BlobStoreContract {
    int S = BlobFormat.SEGMENT;

    BlobStore store();

    static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    default Blob put(byte[] data) {
        return put(store(), data);
    }

    default byte[] read(BlobId id, long offset, long length) {
        return read(store(), id, offset, length);
    }

    static Blob put(BlobStore store, byte[] data) {
        try (BlobWriter w = store.create()) {
            w.stream().write(data);
            return w.commit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] read(BlobStore store, BlobId id, long offset, long length) {
        try (InputStream in = store.open(id, offset, length)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, S - 1, S, S + 1, 2 * S, 3 * 1024 * 1024 + 17})
    default void aBlobOfAnySizeReadsBackAsWritten(int size) {
        byte[] data = randomBytes(size, size);
        Blob blob = put(data);
        assertThat(blob.size()).isEqualTo(size);
        assertThat(store().exists(blob.id())).isTrue();
        assertThat(store().size(blob.id())).isEqualTo(size);
        assertThat(read(blob.id(), 0, -1)).isEqualTo(data);
        assertThat(read(blob.id(), 0, size)).isEqualTo(data);
    }

    @Test
    default void writesInAnyChunkingGiveTheSameBlob() throws IOException {
        byte[] data = randomBytes(4 * S + 5, 7);
        int[] chunks = {1, 7, S - 8, S, S + 3, 3 * S, 2};
        try (BlobWriter w = store().create()) {
            OutputStream out = w.stream();
            int at = 0;
            for (int i = 0; at < data.length; i++) {
                int n = Math.min(chunks[i % chunks.length], data.length - at);
                if (n == 1) {
                    out.write(data[at]);
                } else {
                    out.write(data, at, n);
                }
                at += n;
                assertThat(w.written()).isEqualTo(at);
            }
            out.flush();
            out.close();
            Blob blob = w.commit();
            assertThat(read(blob.id(), 0, -1)).isEqualTo(data);
        }
    }

    @Test
    default void rangesReadTheRightBytesAtEverySegmentBoundary() {
        int size = 3 * S + 100;
        byte[] data = randomBytes(size, 42);
        BlobId id = put(data).id();
        long[][] ranges = {
            {0, 1}, {0, 0}, {size - 1, 1}, {size - 1, -1}, {size, -1}, {size, 0},
            {S - 1, 1}, {S - 1, 2}, {S, 1}, {S, S}, {S - 1, S + 2}, {2 * S - 5, S + 10},
            {1, size - 2}, {S, -1}, {3 * S, -1}, {3 * S - 1, -1}, {12345, 3 * S - 12345}, {0, size},
        };
        for (long[] r : ranges) {
            int from = (int) r[0];
            int to = r[1] == -1 ? size : (int) (r[0] + r[1]);
            assertThat(read(id, r[0], r[1])).as("range %d+%d", r[0], r[1]).isEqualTo(Arrays.copyOfRange(data, from, to));
        }
    }

    @Test
    default void skippingMovesAcrossSegmentsAndReadingResumesThere() throws IOException {
        byte[] data = randomBytes(5 * S, 3);
        BlobId id = put(data).id();
        try (InputStream in = store().open(id, 10, -1)) {
            assertThat(in.read()).isEqualTo(data[10] & 0xff);
            assertThat(in.skip(2L * S)).isEqualTo(2L * S);
            assertThat(in.readNBytes(100)).isEqualTo(Arrays.copyOfRange(data, 11 + 2 * S, 111 + 2 * S));
            assertThat(in.skip(10L * S)).isEqualTo(5L * S - 111 - 2 * S);
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    default void aRangeBeyondTheEndIsRejected() {
        BlobId id = put(randomBytes(100, 1)).id();
        assertThatThrownBy(() -> store().open(id, 101, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store().open(id, 50, 51)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("100 bytes");
        assertThatThrownBy(() -> store().open(id, -1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store().open(id, 0, -2)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    default void aMissingBlobIsNotFound() {
        BlobId id = new BlobId("0123456789abcdef0123456789abcdef");
        assertThat(store().exists(id)).isFalse();
        assertThatThrownBy(() -> store().open(id, 0, -1)).isInstanceOf(AtriumException.NotFound.class);
        assertThatThrownBy(() -> store().size(id)).isInstanceOf(AtriumException.NotFound.class);
    }

    @Test
    default void anAbortedOrUnclosedWriterLeavesNothingVisible() throws IOException {
        try (BlobWriter w = store().create()) {
            w.stream().write(randomBytes(2 * S, 1));
            w.abort();
            w.abort();
            assertThatThrownBy(w::commit).isInstanceOf(IllegalStateException.class);
        }
        BlobWriter closed = store().create();
        closed.stream().write(randomBytes(100, 2));
        closed.close();
        closed.close();
        assertThatThrownBy(closed::commit).isInstanceOf(IllegalStateException.class);
        try (Stream<BlobId> all = store().list()) {
            assertThat(all).isEmpty();
        }
    }

    @Test
    default void aWriterIsDoneOnceCommitted() throws IOException {
        BlobWriter w = store().create();
        w.stream().write(1);
        Blob blob = w.commit();
        assertThatThrownBy(w::commit).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> w.stream().write(2)).isInstanceOf(IOException.class);
        w.abort();
        w.close();
        assertThat(read(blob.id(), 0, -1)).containsExactly(1);
    }

    @Test
    default void everyNewBlobHasItsOwnId() {
        Blob a = put(new byte[0]);
        Blob b = put(new byte[0]);
        assertThat(a.id()).isNotEqualTo(b.id());
        assertThat(a.id().value()).matches("[0-9a-f]{32}");
    }

    @Test
    default void listReturnsExactlyTheCommittedBlobs() throws IOException {
        List<BlobId> committed = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            committed.add(put(randomBytes(i * 1000, i)).id());
        }
        try (BlobWriter pending = store().create()) {
            pending.stream().write(randomBytes(10, 1));
            store().delete(committed.remove(3));
            try (Stream<BlobId> all = store().list()) {
                assertThat(all).containsExactlyInAnyOrderElementsOf(committed);
            }
        }
    }

    @Test
    default void deletingIsIdempotent() {
        BlobId id = put(randomBytes(10, 1)).id();
        store().delete(id);
        store().delete(id);
        assertThat(store().exists(id)).isFalse();
        assertThatThrownBy(() -> store().open(id, 0, -1)).isInstanceOf(AtriumException.NotFound.class);
    }

    @Test
    default void sixteenThreadsWriteAndReadDifferentBlobsAtOnce() throws Exception {
        int threads = 16;
        CyclicBarrier start = new CyclicBarrier(threads);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<BlobId>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int seed = t;
                results.add(pool.submit(() -> {
                    byte[] data = randomBytes(3 * S + 1000 * seed, seed);
                    start.await();
                    BlobId id;
                    try (BlobWriter w = store().create()) {
                        for (int at = 0; at < data.length; at += 10_000) {
                            w.stream().write(data, at, Math.min(10_000, data.length - at));
                            Thread.yield();
                        }
                        id = w.commit().id();
                    }
                    for (int round = 0; round < 5; round++) {
                        assertThat(read(id, 0, -1)).isEqualTo(data);
                        assertThat(read(id, S - 7, S)).isEqualTo(Arrays.copyOfRange(data, S - 7, 2 * S - 7));
                    }
                    return id;
                }));
            }
            List<BlobId> ids = new ArrayList<>();
            for (Future<BlobId> f : results) {
                ids.add(f.get());
            }
            try (Stream<BlobId> all = store().list()) {
                assertThat(all).containsExactlyInAnyOrderElementsOf(ids);
            }
        }
    }
}
