package atrium.identity;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Locale;
import java.util.OptionalLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-based one-time passwords as every authenticator app makes them: RFC 6238 with
 * HMAC-SHA1, 6 digits and a 30-second step (the only combination Google Authenticator
 * and most others honour, whatever the URI asks for).
 */
public final class Totp {
    public static final int DIGITS = 6;
    public static final int PERIOD_SECONDS = 30;
    /** RFC 4226 section 4 recommends a shared secret of 160 bits, the HMAC-SHA1 output size. */
    public static final int SECRET_BYTES = 20;
    private static final int MAX_WINDOW = 10;
    private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Totp() {
    }

    public static byte[] newSecret() {
        byte[] secret = new byte[SECRET_BYTES];
        RANDOM.nextBytes(secret);
        return secret;
    }

    /** RFC 4648 section 6 base32, upper case, without the '=' padding apps do not want. */
    public static String base32(byte[] data) {
        StringBuilder out = new StringBuilder((data.length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xFF);
            bits += 8;
            while (bits >= 5) {
                out.append(BASE32.charAt((buffer >> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(BASE32.charAt((buffer << (5 - bits)) & 31));
        }
        return out.toString();
    }

    /**
     * Reads base32 the way people copy it: any case, spaces and trailing '=' ignored.
     *
     * @throws IllegalArgumentException for a character outside the alphabet
     */
    public static byte[] fromBase32(String text) {
        String clean = text.replaceAll("\\s+", "").replaceFirst("=+$", "").toUpperCase(Locale.ROOT);
        byte[] out = new byte[clean.length() * 5 / 8];
        int buffer = 0;
        int bits = 0;
        int n = 0;
        for (int i = 0; i < clean.length(); i++) {
            int value = BASE32.indexOf(clean.charAt(i));
            if (value < 0) {
                throw new IllegalArgumentException("not a base32 character: '" + clean.charAt(i) + "'");
            }
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8) {
                out[n++] = (byte) (buffer >> (bits - 8));
                bits -= 8;
            }
        }
        return out;
    }

    /** The step number of RFC 6238 section 4.2: whole periods since the epoch (T0 = 0). */
    public static long step(Instant now) {
        return Math.floorDiv(now.getEpochSecond(), PERIOD_SECONDS);
    }

    /** The 6-digit code for one step (RFC 4226 section 5.3 dynamic truncation). */
    public static String code(byte[] secret, long step) {
        byte[] counter = new byte[8];
        for (int i = 7; i >= 0; i--) {
            counter[i] = (byte) step;
            step >>>= 8;
        }
        byte[] hmac;
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret, "HmacSHA1"));
            hmac = mac.doFinal(counter);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has HmacSHA1", e);
        }
        int offset = hmac[hmac.length - 1] & 0x0F;
        int binary = ((hmac[offset] & 0x7F) << 24)
                | ((hmac[offset + 1] & 0xFF) << 16)
                | ((hmac[offset + 2] & 0xFF) << 8)
                | (hmac[offset + 3] & 0xFF);
        String code = Integer.toString(binary % 1_000_000);
        return "0".repeat(DIGITS - code.length()) + code;
    }

    /**
     * The step, within {@code window} steps either side of now, whose code is
     * {@code code}; the caller refuses a step not later than the last one accepted, so a
     * code cannot be replayed (RFC 6238 section 5.2). Anything but six ASCII digits
     * matches nothing. Every step of the window is compared, in constant time, so the
     * answer's timing does not tell which step was close.
     */
    public static OptionalLong matchingStep(byte[] secret, String code, Instant now, int window) {
        if (window < 0 || window > MAX_WINDOW) {
            throw new IllegalArgumentException("window must be 0.." + MAX_WINDOW);
        }
        if (code.length() != DIGITS || !code.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return OptionalLong.empty();
        }
        byte[] given = code.getBytes(StandardCharsets.US_ASCII);
        long current = step(now);
        long found = Long.MIN_VALUE;
        // Oldest to newest, keeping the last match: if two steps share the code (one chance
        // in a million), claiming the later one is the safe side for replay protection.
        for (long s = current - window; s <= current + window; s++) {
            if (MessageDigest.isEqual(given, code(secret, s).getBytes(StandardCharsets.US_ASCII))) {
                found = s;
            }
        }
        return found == Long.MIN_VALUE ? OptionalLong.empty() : OptionalLong.of(found);
    }

    /**
     * The enrolment URI for a QR code, in the Key Uri Format of Google Authenticator:
     * {@code otpauth://totp/Issuer:account?secret=…&issuer=…&algorithm=SHA1&digits=6&period=30}.
     */
    public static String otpauthUri(String issuer, String account, byte[] secret) {
        return "otpauth://totp/" + encode(issuer) + ":" + encode(account)
                + "?secret=" + base32(secret)
                + "&issuer=" + encode(issuer)
                + "&algorithm=SHA1&digits=" + DIGITS + "&period=" + PERIOD_SECONDS;
    }

    // URLEncoder writes form encoding; a space must be %20 in a URI, not '+'.
    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
