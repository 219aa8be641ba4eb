package atrium.voip;

/**
 * One binding of a device (RFC 3261 §10): {@code contact} as the phone sent it, {@code contactUri} its URI (the
 * binding's key), and where the REGISTER really came from ({@code transport}, {@code source} = address:port):
 * requests to the phone go there, through the NAT or over the phone's own TCP/TLS connection — or, when {@code path}
 * (RFC 3327: the Path values of the proxies it came through, comma-joined, empty when direct) is set, through those.
 */
public record Registration(long id, DeviceId device, String contact, String contactUri, String transport, String source,
                           String userAgent, String callId, long cseq, long expiresAt, String path) {
}
