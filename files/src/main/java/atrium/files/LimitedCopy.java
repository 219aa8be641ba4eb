package atrium.files;

import atrium.core.AtriumException;
import atrium.core.Threads;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Streams an upload into a blob, stopping as soon as it passes the bytes it may take.
 *
 * <p>Past {@link #PARALLEL_AFTER} bytes, the observer (the checksums: SHA-1 runs at
 * about 0.9 GB/s on one core here, slower than AES-GCM) works on a second thread, on the
 * same buffers the blob is being written from, so a large upload costs the time of the
 * slower of the two rather than of both.
 */
final class LimitedCopy {
    private static final int BUFFER = 64 * 1024;
    static final long PARALLEL_AFTER = 1L << 20;
    private static final int PIPELINE_BUFFER = 256 * 1024;
    private static final int PIPELINE_BUFFERS = 4;

    /** Called with each piece before it is written (checksums), in order, on one thread at a time. */
    interface Observer {
        void update(byte[] b, int off, int len);
    }

    /** Nothing to observe: the copy stays on the caller's thread. */
    static final Observer NONE = (b, off, len) -> { };

    private LimitedCopy() {
    }

    static long copy(InputStream in, OutputStream out, long allowed, Observer observer, Supplier<AtriumException> tooMuch) {
        byte[] buf = new byte[BUFFER];
        long total = 0;
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                total += n;
                if (total > allowed) {
                    throw tooMuch.get();
                }
                observer.update(buf, 0, n);
                out.write(buf, 0, n);
                if (total >= PARALLEL_AFTER && observer != NONE) {
                    return total + pipelined(in, out, allowed - total, observer, tooMuch);
                }
            }
            return total;
        } catch (IOException e) {
            throw new UncheckedIOException("the upload broke off", e);
        }
    }

    private record Piece(byte[] buf, int len) {
        static final Piece END = new Piece(new byte[0], -1);
    }

    /** The rest of the copy with the observer on a virtual thread of its own. */
    private static long pipelined(InputStream in, OutputStream out, long allowed, Observer observer,
                                  Supplier<AtriumException> tooMuch) throws IOException {
        BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(PIPELINE_BUFFERS);
        BlockingQueue<Piece> ready = new ArrayBlockingQueue<>(PIPELINE_BUFFERS + 1);
        for (int i = 0; i < PIPELINE_BUFFERS; i++) {
            free.add(new byte[PIPELINE_BUFFER]);
        }
        RuntimeException[] observerFailure = new RuntimeException[1];
        // A buffer goes back to the free queue only from here, once observed; the copying
        // thread is done with it by then too, since it takes a new one only after writing.
        Thread observing = Thread.ofVirtual().name("upload-checksums").start(() -> {
            try {
                for (Piece p = ready.take(); p != Piece.END; p = ready.take()) {
                    observer.update(p.buf(), 0, p.len());
                    free.add(p.buf());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                observerFailure[0] = e;
            }
        });
        long total = 0;
        boolean done = false;
        try {
            while (true) {
                byte[] buf = take(free, observing);
                int n = readFully(in, buf);
                if (n <= 0) {
                    break;
                }
                total += n;
                if (total > allowed) {
                    throw tooMuch.get();
                }
                put(ready, new Piece(buf, n));
                out.write(buf, 0, n);
            }
            put(ready, Piece.END);
            Threads.joinUninterruptibly(observing);
            done = true;
        } finally {
            if (!done) {
                observing.interrupt();
                Threads.joinUninterruptibly(observing);
            }
        }
        if (observerFailure[0] != null) {
            throw observerFailure[0];
        }
        return total;
    }

    private static int readFully(InputStream in, byte[] buf) throws IOException {
        int filled = 0;
        while (filled < buf.length) {
            int n = in.read(buf, filled, buf.length - filled);
            if (n < 0) {
                break;
            }
            filled += n;
        }
        return filled;
    }

    private static byte[] take(BlockingQueue<byte[]> free, Thread observing) throws IOException {
        try {
            byte[] b;
            while ((b = free.poll(1, TimeUnit.SECONDS)) == null) {
                if (!observing.isAlive()) {
                    throw new IllegalStateException("the checksum thread stopped");
                }
            }
            return b;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while copying an upload");
        }
    }

    private static void put(BlockingQueue<Piece> ready, Piece p) throws IOException {
        try {
            ready.put(p);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while copying an upload");
        }
    }
}
