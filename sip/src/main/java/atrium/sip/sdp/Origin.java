package atrium.sip.sdp;

import java.math.BigInteger;

/**
 * The {@code o=} line (RFC 8866 §5.2). A B2BUA sends its own origin on each leg and raises the version by exactly one
 * each time the description it sends changes (RFC 3264 §8); an unchanged version means an identical description.
 * Session id and version are kept as the digit strings written (phones use values past 64 bits).
 */
public record Origin(String username, String sessionId, String sessionVersion, String networkType,
                     String addressType, String address) {
    public Origin {
        SdpLine.checkValue(username + sessionId + sessionVersion + networkType + addressType + address);
        if (!sessionId.matches("\\d+") || !sessionVersion.matches("\\d+")) {
            throw new SdpException("o= session id and version must be numbers, got '" + sessionId + "' and '"
                    + sessionVersion + "'");
        }
        if (username.isEmpty() || username.indexOf(' ') >= 0 || networkType.isBlank() || addressType.isBlank()
                || address.isBlank()) {
            throw new SdpException("bad o= line: six space-separated fields needed");
        }
    }

    static Origin parse(String value) {
        String[] f = value.trim().split(" +");
        if (f.length != 6) {
            throw new SdpException("bad o= line '" + value + "': expected six fields");
        }
        return new Origin(f[0], f[1], f[2], f[3], f[4], f[5]);
    }

    /** The same origin with the version raised by one, for a changed description in a re-offer. */
    public Origin nextVersion() {
        return new Origin(username, sessionId, new BigInteger(sessionVersion).add(BigInteger.ONE).toString(),
                networkType, addressType, address);
    }

    String value() {
        return String.join(" ", username, sessionId, sessionVersion, networkType, addressType, address);
    }
}
