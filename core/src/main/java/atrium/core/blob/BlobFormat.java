package atrium.core.blob;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The layout of a blob file, version 1. Every blob starts with a header, encrypted or not,
 * so that a reader knows what it holds (a store without a key refuses ciphertext instead of
 * serving it) and so that a truncated file is caught from its size alone.
 *
 * <pre>
 * offset size
 *  0      4   magic "ATRB"
 *  4      1   version (1)
 *  5      1   mode: 0 plain, 1 AES-256-GCM in segments
 *  6      1   log2 of the plaintext segment size (16 = 64 KiB; 0 when plain)
 *  7      1   reserved, 0
 *  8      8   plaintext size, big-endian
 * -- plain: content follows at 16
 * 16      8   nonce prefix: segment i is sealed with nonce = prefix || i (4 bytes, big-endian)
 * 24     12   nonce of the key wrap
 * 36     48   the blob's 256-bit data key, AES-GCM-wrapped by the master key;
 *             the wrap authenticates bytes 0..23 and the blob id
 * 84          segments: ciphertext || 16-byte tag, each segment's plaintext full size but the
 *             last, which may be shorter (or empty, for an empty blob: there is always one);
 *             each authenticates (index: 8 bytes, last: 1 byte) as associated data
 * </pre>
 *
 * Binding the index and the "last" flag means segments cannot be reordered, dropped or cut
 * off; binding the header and id into the wrap means no header field can be altered and a
 * file cannot be passed off under another id.
 */
final class BlobFormat {
    static final byte[] MAGIC = {'A', 'T', 'R', 'B'};
    static final int VERSION = 1;
    static final int PLAIN = 0;
    static final int ENCRYPTED = 1;
    static final int SEGMENT_SHIFT = 16;
    static final int SEGMENT = 1 << SEGMENT_SHIFT;
    static final int TAG = 16;
    static final int NONCE_PREFIX = 8;
    static final int PLAIN_HEADER = 16;
    static final int WRAP_AAD = 24;
    static final int ENCRYPTED_HEADER = WRAP_AAD + MasterKey.WRAP_NONCE_BYTES + MasterKey.WRAPPED_BYTES;
    /** The nonce holds a 32-bit segment counter: 2^32 segments of 64 KiB, 256 TiB. */
    static final long MAX_SEGMENTS = 1L << 32;

    private BlobFormat() {}

    /** A parsed header; for plain blobs the crypto fields are empty arrays. */
    record Header(int mode, int segmentShift, long size, byte[] noncePrefix, byte[] wrapNonce, byte[] wrappedKey) {
        int length() {
            return mode == PLAIN ? PLAIN_HEADER : ENCRYPTED_HEADER;
        }

        int segment() {
            return 1 << segmentShift;
        }

        long segments() {
            return segmentCount(size, segment());
        }

        /** What the whole file must measure for this header to be true. */
        long fileLength() {
            return mode == PLAIN ? PLAIN_HEADER + size : ENCRYPTED_HEADER + size + TAG * segments();
        }

        /** The header bytes the key wrap authenticates, followed by the blob id. */
        byte[] wrapAad(BlobId id) {
            return BlobFormat.wrapAad(encodePrefix(mode, segmentShift, size, noncePrefix), id);
        }
    }

    static long segmentCount(long size, int segment) {
        return size == 0 ? 1 : (size - 1) / segment + 1;
    }

    static byte[] encodePrefix(int mode, int segmentShift, long size, byte[] noncePrefix) {
        ByteBuffer b = ByteBuffer.allocate(mode == PLAIN ? PLAIN_HEADER : WRAP_AAD);
        b.put(MAGIC).put((byte) VERSION).put((byte) mode).put((byte) segmentShift).put((byte) 0).putLong(size);
        if (mode != PLAIN) {
            b.put(noncePrefix);
        }
        return b.array();
    }

    static byte[] wrapAad(byte[] prefix, BlobId id) {
        byte[] idBytes = id.value().getBytes(StandardCharsets.US_ASCII);
        byte[] aad = Arrays.copyOf(prefix, prefix.length + idBytes.length);
        System.arraycopy(idBytes, 0, aad, prefix.length, idBytes.length);
        return aad;
    }

    static byte[] encodeEncrypted(long size, byte[] noncePrefix, byte[] wrapNonce, byte[] wrappedKey) {
        return ByteBuffer.allocate(ENCRYPTED_HEADER)
                .put(encodePrefix(ENCRYPTED, SEGMENT_SHIFT, size, noncePrefix))
                .put(wrapNonce)
                .put(wrappedKey)
                .array();
    }

    /**
     * Reads and checks the header against the file's length. Does not need the key: a
     * truncated or extended file is caught here, a forged header later by the key unwrap.
     */
    static Header read(FileChannel ch, BlobId id) throws IOException {
        long fileLength = ch.size();
        if (fileLength < PLAIN_HEADER) {
            throw damaged(id, "the file is " + fileLength + " bytes, shorter than a header");
        }
        ByteBuffer b = ByteBuffer.allocate(ENCRYPTED_HEADER);
        b.limit(PLAIN_HEADER);
        readFully(ch, b, 0, id);
        byte[] magic = new byte[MAGIC.length];
        b.flip().get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw damaged(id, "the file does not start with a blob header");
        }
        int version = b.get();
        if (version != VERSION) {
            throw new BlobIntegrityException("blob " + id + " has format version " + version + ", this Atrium reads "
                    + VERSION + " (was it written by a newer version?)");
        }
        int mode = b.get();
        int shift = b.get();
        int reserved = b.get();
        long size = b.getLong();
        if (reserved != 0 || size < 0
                || !(mode == PLAIN && shift == 0 || mode == ENCRYPTED && shift >= 12 && shift <= 24)) {
            throw damaged(id, "its header is invalid");
        }
        Header h;
        if (mode == PLAIN) {
            h = new Header(mode, shift, size, new byte[0], new byte[0], new byte[0]);
        } else {
            if (fileLength < ENCRYPTED_HEADER) {
                throw damaged(id, "the file is " + fileLength + " bytes, shorter than its header");
            }
            b.clear().position(PLAIN_HEADER);
            readFully(ch, b, PLAIN_HEADER, id);
            b.position(PLAIN_HEADER);
            byte[] prefix = new byte[NONCE_PREFIX];
            byte[] wrapNonce = new byte[MasterKey.WRAP_NONCE_BYTES];
            byte[] wrapped = new byte[MasterKey.WRAPPED_BYTES];
            b.get(prefix).get(wrapNonce).get(wrapped);
            h = new Header(mode, shift, size, prefix, wrapNonce, wrapped);
            if (h.segments() > MAX_SEGMENTS) {
                throw damaged(id, "its header gives an impossible size");
            }
        }
        if (h.fileLength() != fileLength) {
            throw damaged(id, "the file is " + fileLength + " bytes where its header implies " + h.fileLength()
                    + " (truncated or extended)");
        }
        return h;
    }

    /** Fills {@code b} from {@code position}; a file ending early means it shrank under us. */
    static void readFully(FileChannel ch, ByteBuffer b, long position, BlobId id) throws IOException {
        long p = position;
        while (b.hasRemaining()) {
            int n = ch.read(b, p);
            if (n < 0) {
                throw damaged(id, "the file ends early (truncated)");
            }
            p += n;
        }
    }

    static BlobIntegrityException damaged(BlobId id, String why) {
        return new BlobIntegrityException("blob " + id + " is damaged: " + why);
    }
}
