package atrium.sip;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Mutations of captured SIP messages for fuzzing: byte-level ({@link #mutate}) for the parser, and header-level
 * ({@link #malform}: a mandatory header dropped, a bad Content-Length, an injected header line) for the server tests
 * that throw garbage at a running Atrium.
 */
public final class Mutations {
    private static final byte[] INTERESTING = ",;:<>\"\\ \t\r\n=@?[]%\0\u00ff0123456789zZ".getBytes(StandardCharsets.ISO_8859_1);
    private static final String[] MANDATORY = {"Via", "From", "To", "Call-ID", "CSeq", "Content-Length"};
    private static final String[] BAD_LENGTHS = {"-1", "abc", "99999999999999999999", "4", "70000", "0x10", "", "1 1"};
    private static final String[] INJECTIONS = {"\rVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKevil", "\nContact: *",
            "\0Authorization: Digest username=\"1001\"", "\r\n\r\nINVITE sip:x@y SIP/2.0", "\r\n Folded: continuation"};

    private Mutations() {
    }

    /** One to four byte-level changes: flips, deletions, duplications, truncation, inserts, huge runs. */
    public static byte[] mutate(byte[] seed, Random r) {
        byte[] b = seed.clone();
        int rounds = 1 + r.nextInt(4);
        for (int k = 0; k < rounds && b.length > 0; k++) {
            int at = r.nextInt(b.length);
            switch (r.nextInt(7)) {
                case 0 -> b[at] = (byte) r.nextInt(256);
                case 1 -> b[at] = INTERESTING[r.nextInt(INTERESTING.length)];
                case 2 -> { // delete a range
                    int len = Math.min(b.length - at, 1 + r.nextInt(20));
                    byte[] out = new byte[b.length - len];
                    System.arraycopy(b, 0, out, 0, at);
                    System.arraycopy(b, at + len, out, at, b.length - at - len);
                    b = out;
                }
                case 3 -> { // duplicate a range
                    int len = Math.min(b.length - at, 1 + r.nextInt(200));
                    byte[] out = new byte[b.length + len];
                    System.arraycopy(b, 0, out, 0, at + len);
                    System.arraycopy(b, at, out, at + len, b.length - at);
                    b = out;
                }
                case 4 -> b = Arrays.copyOf(b, at); // truncate
                case 5 -> { // insert interesting bytes
                    int len = 1 + r.nextInt(8);
                    byte[] out = new byte[b.length + len];
                    System.arraycopy(b, 0, out, 0, at);
                    for (int i = 0; i < len; i++) {
                        out[at + i] = INTERESTING[r.nextInt(INTERESTING.length)];
                    }
                    System.arraycopy(b, at, out, at + len, b.length - at);
                    b = out;
                }
                default -> { // a huge run of one byte, for limits and loops
                    int len = 1000 + r.nextInt(30_000);
                    byte[] out = new byte[b.length + len];
                    System.arraycopy(b, 0, out, 0, at);
                    Arrays.fill(out, at, at + len, INTERESTING[r.nextInt(INTERESTING.length)]);
                    System.arraycopy(b, at, out, at + len, b.length - at);
                    b = out;
                }
            }
        }
        return b;
    }

    /** A header-level malformation of a whole message: drops a mandatory header, spoils Content-Length or injects a line. */
    public static byte[] malform(byte[] seed, Random r) {
        String text = new String(seed, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        String head = end < 0 ? text : text.substring(0, end);
        String rest = end < 0 ? "" : text.substring(end);
        List<String> lines = new ArrayList<>(Arrays.asList(head.split("\r\n", -1)));
        switch (r.nextInt(3)) {
            case 0 -> {
                String name = MANDATORY[r.nextInt(MANDATORY.length)];
                lines.removeIf(l -> l.regionMatches(true, 0, name + ":", 0, name.length() + 1));
            }
            case 1 -> {
                lines.removeIf(l -> l.regionMatches(true, 0, "Content-Length:", 0, 15));
                lines.add("Content-Length: " + BAD_LENGTHS[r.nextInt(BAD_LENGTHS.length)]);
                if (r.nextBoolean()) {
                    lines.add("Content-Length: " + r.nextInt(1000));
                }
            }
            default -> {
                int at = 1 + r.nextInt(Math.max(1, lines.size() - 1));
                if (at < lines.size()) {
                    lines.set(at, lines.get(at) + INJECTIONS[r.nextInt(INJECTIONS.length)]);
                }
            }
        }
        return (String.join("\r\n", lines) + rest).getBytes(StandardCharsets.ISO_8859_1);
    }
}
