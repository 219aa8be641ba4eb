package atrium.sip.sdp;

import java.util.Locale;
import java.util.Optional;

/** The media direction attributes (RFC 3264 §5.1, §6.1, §8.4): what a party does with a stream. */
public enum Direction {
    SENDRECV, SENDONLY, RECVONLY, INACTIVE;

    /** The attribute name as written in SDP, e.g. "sendonly". */
    public String attribute() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True if this party sends media. */
    public boolean sends() {
        return this == SENDRECV || this == SENDONLY;
    }

    /** True if this party receives media. */
    public boolean receives() {
        return this == SENDRECV || this == RECVONLY;
    }

    /**
     * The direction an answerer takes to an offer with this direction, when it is willing to do everything the
     * offer allows (RFC 3264 §6.1): sendonly → recvonly, recvonly → sendonly, others unchanged.
     */
    public Direction answer() {
        return switch (this) {
            case SENDONLY -> RECVONLY;
            case RECVONLY -> SENDONLY;
            default -> this;
        };
    }

    static Optional<Direction> ofAttribute(SdpLine line) {
        if (line.type() != 'a' || line.value().indexOf(':') >= 0) {
            return Optional.empty();
        }
        for (Direction d : values()) {
            if (d.attribute().equalsIgnoreCase(line.value())) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }
}
