package atrium.sip.sdp;

/**
 * A session description that cannot be taken, with the reason and (when it comes from parsing) the 1-based line
 * number, e.g. "SDP line 7: bad m= port 'x'". A B2BUA answers such an offer with 488 Not Acceptable Here (RFC 3261
 * §13.3.1.3) or, inside an answer, ends the call; the message is fit for a Warning header or a log line.
 */
public final class SdpException extends IllegalArgumentException {
    SdpException(String message) {
        super(message);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this; // bad SDP from the network is routine, not a bug: no stack trace
    }
}
