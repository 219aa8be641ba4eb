package atrium.core.http;

/** What every handler may need about the request beyond its content: id and true client address. */
public record RequestInfo(String id, String clientAddress, boolean secure, String host) {
    /** Scheme and host the client used ("https://atrium.example.com"), trusted proxies believed. */
    public String origin() {
        return (secure ? "https" : "http") + "://" + host;
    }
}
