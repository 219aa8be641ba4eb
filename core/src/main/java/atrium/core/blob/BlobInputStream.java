package atrium.core.blob;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Objects;
import javax.crypto.AEADBadTagException;

/**
 * Reads plaintext {@code [position, end)} of one blob file with positional reads, so it
 * never depends on the channel's shared position. Holds at most one segment in memory.
 */
abstract sealed class BlobInputStream extends InputStream {
    final FileChannel channel;
    final BlobId id;
    final long end;
    long position;
    private final byte[] single = new byte[1];
    private boolean closed;

    BlobInputStream(FileChannel channel, BlobId id, long start, long end) {
        this.channel = channel;
        this.id = id;
        this.position = start;
        this.end = end;
    }

    @Override
    public int read() throws IOException {
        int n = read(single, 0, 1);
        return n < 0 ? -1 : single[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (closed) {
            throw new IOException("the stream of blob " + id + " is closed");
        }
        if (position >= end) {
            atEnd();
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        int n = readSome(b, off, (int) Math.min(len, end - position));
        position += n;
        return n;
    }

    /** Reads between 1 and {@code len} bytes at {@link #position}, which is before {@link #end}. */
    abstract int readSome(byte[] b, int off, int len) throws IOException;

    /** Called when the range is exhausted; a last chance to verify what was not read. */
    void atEnd() throws IOException {}

    /** Moves ahead without reading: the segments skipped over are never decrypted. */
    @Override
    public long skip(long n) {
        if (n <= 0 || closed) {
            return 0;
        }
        long k = Math.min(n, end - position);
        position += k;
        return k;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        channel.close();
    }

    static final class Plain extends BlobInputStream {
        Plain(FileChannel channel, BlobId id, long start, long end) {
            super(channel, id, start, end);
        }

        @Override
        int readSome(byte[] b, int off, int len) throws IOException {
            int n = channel.read(ByteBuffer.wrap(b, off, len), BlobFormat.PLAIN_HEADER + position);
            if (n <= 0) {
                throw BlobFormat.damaged(id, "the file ends early (truncated)");
            }
            return n;
        }

        @Override
        public int available() {
            return 0;
        }
    }

    /** Decrypts segment by segment, only those the range touches, each when first needed. */
    static final class Encrypted extends BlobInputStream {
        private final SegmentCipher cipher;
        private final int segment;
        private final long lastSegment;
        private final long fileLength;
        private final long size;
        private final byte[] sealed;
        private final byte[] plain;
        private long loaded = -1;
        private int plainLength;

        Encrypted(FileChannel channel, BlobId id, BlobFormat.Header header, SegmentCipher cipher, long start, long end) {
            super(channel, id, start, end);
            this.cipher = cipher;
            this.segment = header.segment();
            this.lastSegment = header.segments() - 1;
            this.fileLength = header.fileLength();
            this.size = header.size();
            this.sealed = new byte[segment + BlobFormat.TAG];
            this.plain = new byte[segment];
        }

        @Override
        int readSome(byte[] b, int off, int len) throws IOException {
            long index = position / segment;
            if (index != loaded) {
                load(index);
            }
            int within = (int) (position - index * segment);
            int n = Math.min(len, plainLength - within);
            if (n <= 0) {
                throw BlobFormat.damaged(id, "segment " + index + " is shorter than its header says");
            }
            System.arraycopy(plain, within, b, off, n);
            return n;
        }

        /**
         * Reading to the end of the blob must mean the last segment was authenticated, even
         * when no byte of it was read (an empty blob, or a skip to the end): otherwise a file
         * cut down to an empty blob's shape would read as empty without complaint.
         */
        @Override
        void atEnd() throws IOException {
            if (end == size && loaded != lastSegment) {
                load(lastSegment);
            }
        }

        private void load(long index) throws IOException {
            loaded = -1;
            long at = BlobFormat.ENCRYPTED_HEADER + index * (segment + BlobFormat.TAG);
            int length = index == lastSegment ? (int) (fileLength - at) : segment + BlobFormat.TAG;
            BlobFormat.readFully(channel, ByteBuffer.wrap(sealed, 0, length), at, id);
            try {
                plainLength = cipher.open(index, index == lastSegment, sealed, length, plain);
            } catch (AEADBadTagException e) {
                throw new BlobIntegrityException("blob " + id + " is damaged: segment " + index
                        + " fails authentication (altered, reordered or truncated)", e);
            }
            loaded = index;
        }

        @Override
        public int available() {
            long index = position / segment;
            if (index != loaded || position >= end) {
                return 0;
            }
            return (int) Math.min(plainLength - (position - index * segment), end - position);
        }
    }
}
