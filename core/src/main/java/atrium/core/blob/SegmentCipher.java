package atrium.core.blob;

import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals and opens the segments of one blob with AES-256-GCM. One per stream, reused for
 * every segment so the cost per segment is an init, not a provider lookup; not thread-safe.
 */
final class SegmentCipher {
    private final Cipher cipher;
    private final SecretKey key;
    private final byte[] nonce = new byte[12];
    private final byte[] aad = new byte[9];

    SegmentCipher(byte[] dataKey, byte[] noncePrefix) {
        this.key = new SecretKeySpec(dataKey, "AES");
        System.arraycopy(noncePrefix, 0, nonce, 0, BlobFormat.NONCE_PREFIX);
        try {
            this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /** Encrypts {@code len} bytes into {@code out} (which has room for {@code len + TAG}); returns the bytes written. */
    int seal(long index, boolean last, byte[] in, int off, int len, byte[] out) {
        try {
            init(Cipher.ENCRYPT_MODE, index, last);
            return cipher.doFinal(in, off, len, out, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed to encrypt", e);
        }
    }

    /** Decrypts and authenticates one segment into {@code out}; returns its plaintext length. */
    int open(long index, boolean last, byte[] in, int len, byte[] out) throws AEADBadTagException {
        try {
            init(Cipher.DECRYPT_MODE, index, last);
            return cipher.doFinal(in, 0, len, out, 0);
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed to decrypt", e);
        }
    }

    private void init(int mode, long index, boolean last) throws GeneralSecurityException {
        // The counter in the nonce (32 bits) and the index in the associated data (64 bits)
        // say the same thing; the writer refuses to go past 2^32 segments.
        int counter = (int) index;
        nonce[8] = (byte) (counter >>> 24);
        nonce[9] = (byte) (counter >>> 16);
        nonce[10] = (byte) (counter >>> 8);
        nonce[11] = (byte) counter;
        for (int i = 0; i < 8; i++) {
            aad[i] = (byte) (index >>> (56 - 8 * i));
        }
        aad[8] = (byte) (last ? 1 : 0);
        cipher.init(mode, key, new GCMParameterSpec(128, nonce));
        cipher.updateAAD(aad);
    }
}
