package atrium.sip.sdp;

import java.util.Optional;

/**
 * One payload format of an RTP media line: its payload type with the codec from {@code a=rtpmap} (RFC 8866 §6.6) or,
 * for the static types without one, from RFC 3551's table; and its {@code a=fmtp} parameters if any.
 */
public record Codec(int payloadType, String name, int clockRate, int channels, Optional<String> fmtp) {
    public static final String PCMU = "PCMU";
    public static final String PCMA = "PCMA";
    public static final String G722 = "G722";
    /** RFC 4733 DTMF events; dynamic payload type, often 101. */
    public static final String TELEPHONE_EVENT = "telephone-event";
    public static final String OPUS = "opus";
    /** Comfort noise (RFC 3389). */
    public static final String CN = "CN";

    /** True if this is the named codec (names compare without case, RFC 4855 §3). */
    public boolean is(String codecName) {
        return name.equalsIgnoreCase(codecName);
    }

    /** The codec of a static payload type (RFC 3551 §6, the audio ones phones use), empty for others. */
    public static Optional<Codec> ofStatic(int payloadType) {
        String name = switch (payloadType) {
            case 0 -> PCMU;
            case 3 -> "GSM";
            case 4 -> "G723";
            case 8 -> PCMA;
            case 9 -> G722; // clock 8000 in SDP although the audio is 16 kHz (RFC 3551 §4.5.2)
            case 13 -> CN;
            case 18 -> "G729";
            default -> null;
        };
        return Optional.ofNullable(name).map(n -> new Codec(payloadType, n, 8000, 1, Optional.empty()));
    }
}
