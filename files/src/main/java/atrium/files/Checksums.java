package atrium.files;

import atrium.core.AtriumException;
import atrium.core.Msg;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.zip.Adler32;

/**
 * The checksums kept with a file, in the Nextcloud form "SHA1:hex MD5:hex": SHA-1 always
 * (the desktop client's default), plus the type a client sent, so it can be verified.
 */
public final class Checksums {
    private final MessageDigest sha1;
    private final Optional<MessageDigest> extraDigest;
    private final Optional<Adler32> adler;
    private final Optional<String> extraType;

    private Checksums(Optional<String> extraType) {
        this.sha1 = digest("SHA-1");
        this.extraType = extraType.filter(t -> !t.equals("SHA1"));
        this.adler = this.extraType.filter("ADLER32"::equals).map(t -> new Adler32());
        this.extraDigest = this.extraType.filter(t -> !t.equals("ADLER32")).map(t -> digest(javaName(t)));
    }

    /** Parses "TYPE:hex" as sent in OC-Checksum; empty when absent. */
    public record Expected(String type, String hex) {
        public static Optional<Expected> parse(Optional<String> header) {
            if (header.isEmpty() || header.get().isBlank()) {
                return Optional.empty();
            }
            String v = header.get().strip();
            int colon = v.indexOf(':');
            if (colon <= 0) {
                throw new AtriumException.Invalid(Msg.of("files.checksum.malformed"));
            }
            String type = v.substring(0, colon).toUpperCase(Locale.ROOT).replace("-", "");
            if (!Map.of("SHA1", 1, "MD5", 1, "ADLER32", 1, "SHA256", 1).containsKey(type)) {
                throw new AtriumException.Invalid(Msg.of("files.checksum.unsupported", type));
            }
            return Optional.of(new Expected(type, v.substring(colon + 1).strip().toLowerCase(Locale.ROOT)));
        }
    }

    public static Checksums start(Optional<Expected> expected) {
        return new Checksums(expected.map(Expected::type));
    }

    public void update(byte[] b, int off, int len) {
        sha1.update(b, off, len);
        extraDigest.ifPresent(d -> d.update(b, off, len));
        adler.ifPresent(a -> a.update(b, off, len));
    }

    /** Finishes; checks the expected value if any; returns the stored form. */
    public String finish(Optional<Expected> expected) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("SHA1", HexFormat.of().formatHex(sha1.digest()));
        extraType.ifPresent(t -> values.put(t, adler.map(a -> String.format("%08x", a.getValue()))
                .orElseGet(() -> HexFormat.of().formatHex(extraDigest.orElseThrow().digest()))));
        expected.ifPresent(e -> {
            if (!e.hex().equals(values.get(e.type()))) {
                throw new AtriumException.Invalid("checksum-mismatch", null, Msg.of("files.checksum.mismatch", e.type()));
            }
        });
        StringBuilder sb = new StringBuilder();
        values.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : " ").append(k).append(':').append(v));
        return sb.toString();
    }

    private static String javaName(String type) {
        return switch (type) {
            case "SHA256" -> "SHA-256";
            case "MD5" -> "MD5";
            default -> "SHA-1";
        };
    }

    private static MessageDigest digest(String name) {
        try {
            return MessageDigest.getInstance(name);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
