package atrium.core.blob;

import atrium.core.Threads;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Writes one blob to a temporary file of a {@link LocalBlobStore}; commit moves it into place. */
final class LocalBlobWriter implements BlobWriter {
    private static final Logger LOG = Logger.getLogger(LocalBlobWriter.class.getName());

    private enum State { OPEN, COMMITTED, ABORTED }

    /**
     * How much a writer lets pile up in the page cache before it starts pushing it to disk.
     * Without this the kernel holds a large upload back until the fsync of commit, which
     * then waits about a second per GiB with nothing else to do.
     */
    static final long FLUSH_EVERY = 32L << 20;

    private final LocalBlobStore store;
    private final BlobId id;
    private final Path tmp;
    private final FileChannel channel;
    private final Body body;
    private final Out out = new Out();
    private State state = State.OPEN;
    private boolean failed;
    private long written;
    private long flushRequestedAt;
    /** The background fdatasync of what was written so far, if one was started. */
    private Thread flushing;
    private volatile IOException flushFailure;

    private LocalBlobWriter(LocalBlobStore store, BlobId id, Path tmp, FileChannel channel, Body body) throws IOException {
        this.store = store;
        this.id = id;
        this.tmp = tmp;
        this.channel = channel;
        this.body = body;
        // The header goes in last, once the size is known; the body starts after its place.
        channel.position(body.headerLength());
    }

    static LocalBlobWriter plain(LocalBlobStore store, BlobId id, Path tmp, FileChannel channel) throws IOException {
        return new LocalBlobWriter(store, id, tmp, channel, new PlainBody(channel));
    }

    static LocalBlobWriter encrypted(LocalBlobStore store, BlobId id, Path tmp, FileChannel channel, MasterKey key,
            SecureRandom random) throws IOException {
        return new LocalBlobWriter(store, id, tmp, channel, new EncryptedBody(channel, id, key, random));
    }

    @Override
    public OutputStream stream() {
        return out;
    }

    @Override
    public long written() {
        return written;
    }

    @Override
    public Blob commit() {
        if (state != State.OPEN) {
            throw new IllegalStateException("blob " + id + " was already " + state.name().toLowerCase());
        }
        if (failed) {
            abort();
            throw new IllegalStateException("a write to blob " + id + " failed, so it was discarded");
        }
        try {
            byte[] header = body.finish(written);
            writeFully(channel, ByteBuffer.wrap(header), 0);
            awaitFlush();
            if (flushFailure != null) {
                throw flushFailure;
            }
            // force(true): the file's length is metadata, and it must be on disk before the
            // name is, or a crash could leave a visible blob shorter than its header says.
            channel.force(true);
            channel.close();
            store.publish(tmp, id);
            state = State.COMMITTED;
            return new Blob(id, written);
        } catch (IOException e) {
            abort();
            throw new UncheckedIOException("blob " + id + " could not be committed: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            abort();
            throw e;
        } finally {
            store.released(tmp);
            body.destroy();
        }
    }

    @Override
    public void abort() {
        if (state != State.OPEN) {
            return;
        }
        state = State.ABORTED;
        body.destroy();
        try {
            awaitFlush();
            channel.close();
            Files.deleteIfExists(tmp);
        } catch (IOException e) {
            // Not worth failing the caller, whose blob is discarded either way:
            // sweepTemporary removes what is left.
            LOG.log(Level.WARNING, "cannot remove temporary blob file " + tmp, e);
        } finally {
            store.released(tmp);
        }
    }

    @Override
    public void close() {
        abort();
    }

    /**
     * Starts an fdatasync of what was written so far on a virtual thread, once
     * {@link #FLUSH_EVERY} more bytes arrived and the previous one is done: the disk then
     * writes while the upload still streams in, and commit's fsync has little left to do.
     * Durability is still decided by that final fsync alone.
     */
    private void flushInBackground() {
        if (written - flushRequestedAt < FLUSH_EVERY || flushing != null && flushing.isAlive()) {
            return;
        }
        flushRequestedAt = written;
        flushing = Thread.ofVirtual().name("blob-flush-" + id).start(() -> {
            try {
                channel.force(false);
            } catch (IOException e) {
                flushFailure = e;
            }
        });
    }

    private void awaitFlush() {
        if (flushing != null) {
            Threads.joinUninterruptibly(flushing);
        }
    }

    private final class Out extends OutputStream {
        private boolean closed;

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (closed || state != State.OPEN) {
                throw new IOException("blob " + id + " is no longer open for writing");
            }
            if (failed) {
                throw new IOException("an earlier write to blob " + id + " failed");
            }
            try {
                body.write(b, off, len);
                written += len;
                flushInBackground();
            } catch (IOException | RuntimeException e) {
                failed = true;
                throw e;
            }
        }

        /** Only ends writing through this stream; the blob still waits for commit or abort. */
        @Override
        public void close() {
            closed = true;
        }
    }

    static void writeFully(FileChannel ch, ByteBuffer b, long position) throws IOException {
        long p = position;
        while (b.hasRemaining()) {
            p += ch.write(b, p);
        }
    }

    static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /** The content after the header, as the store's mode wants it. */
    private sealed interface Body {
        int headerLength();

        void write(byte[] b, int off, int len) throws IOException;

        /** Writes what is still buffered and returns the header. */
        byte[] finish(long size) throws IOException;

        void destroy();
    }

    private static final class PlainBody implements Body {
        private final FileChannel channel;
        private final byte[] buffer = new byte[BlobFormat.SEGMENT];
        private int buffered;

        PlainBody(FileChannel channel) {
            this.channel = channel;
        }

        @Override
        public int headerLength() {
            return BlobFormat.PLAIN_HEADER;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (buffered + len > buffer.length) {
                flush();
            }
            if (len >= buffer.length) {
                writeFully(channel, ByteBuffer.wrap(b, off, len));
            } else {
                System.arraycopy(b, off, buffer, buffered, len);
                buffered += len;
            }
        }

        private void flush() throws IOException {
            writeFully(channel, ByteBuffer.wrap(buffer, 0, buffered));
            buffered = 0;
        }

        @Override
        public byte[] finish(long size) throws IOException {
            flush();
            return BlobFormat.encodePrefix(BlobFormat.PLAIN, 0, size, new byte[0]);
        }

        @Override
        public void destroy() {}
    }

    /**
     * Seals 64 KiB segments as they fill. A full segment is held back until more bytes
     * arrive, because only then is it known not to be the last one.
     */
    private static final class EncryptedBody implements Body {
        private static final int S = BlobFormat.SEGMENT;
        private final FileChannel channel;
        private final BlobId id;
        private final MasterKey masterKey;
        private final SecureRandom random;
        private final byte[] dataKey = new byte[32];
        private final byte[] noncePrefix = new byte[BlobFormat.NONCE_PREFIX];
        private final SegmentCipher cipher;
        private final byte[] plain = new byte[S];
        private final byte[] sealed = new byte[S + BlobFormat.TAG];
        private int buffered;
        private long index;

        EncryptedBody(FileChannel channel, BlobId id, MasterKey masterKey, SecureRandom random) {
            this.channel = channel;
            this.id = id;
            this.masterKey = masterKey;
            this.random = random;
            random.nextBytes(dataKey);
            random.nextBytes(noncePrefix);
            this.cipher = new SegmentCipher(dataKey, noncePrefix);
        }

        @Override
        public int headerLength() {
            return BlobFormat.ENCRYPTED_HEADER;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                if (buffered == S) {
                    seal(plain, 0, S, false);
                    buffered = 0;
                }
                if (buffered == 0 && len > S) {
                    // More than a segment still to come: seal straight from the caller's array.
                    seal(b, off, S, false);
                    off += S;
                    len -= S;
                    continue;
                }
                int n = Math.min(S - buffered, len);
                System.arraycopy(b, off, plain, buffered, n);
                buffered += n;
                off += n;
                len -= n;
            }
        }

        private void seal(byte[] src, int off, int len, boolean last) throws IOException {
            if (index >= BlobFormat.MAX_SEGMENTS) {
                throw new IOException("blob " + id + " is larger than an encrypted blob can be (256 TiB)");
            }
            int n = cipher.seal(index, last, src, off, len, sealed);
            writeFully(channel, ByteBuffer.wrap(sealed, 0, n));
            index++;
        }

        @Override
        public byte[] finish(long size) throws IOException {
            seal(plain, 0, buffered, true);
            byte[] wrapNonce = new byte[MasterKey.WRAP_NONCE_BYTES];
            random.nextBytes(wrapNonce);
            byte[] prefix = BlobFormat.encodePrefix(BlobFormat.ENCRYPTED, BlobFormat.SEGMENT_SHIFT, size, noncePrefix);
            byte[] wrapped = masterKey.wrap(dataKey, wrapNonce, BlobFormat.wrapAad(prefix, id));
            return BlobFormat.encodeEncrypted(size, noncePrefix, wrapNonce, wrapped);
        }

        @Override
        public void destroy() {
            Arrays.fill(dataKey, (byte) 0);
            Arrays.fill(plain, (byte) 0);
        }
    }
}
