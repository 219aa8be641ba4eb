package atrium.sip.sdp;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A session description (RFC 8866), as a B2BUA anchoring media needs it: the session-level lines and the media
 * descriptions, every line kept in its order so that what we do not understand goes out as it came; typed access to
 * {@code o= c= m=} and the attributes offer/answer (RFC 3264) turns on; and the rewrites of a relaying B2BUA
 * ({@link #anchored}, {@link #withDirection}, {@link #withOrigin}). Immutable.
 *
 * <pre>{@code
 * SessionDescription offer = SessionDescription.parse(invite.body());
 * InetSocketAddress phoneA = offer.mediaAddress(0).orElseThrow();   // where phone A receives audio
 * SessionDescription toB = offer.anchored(relayAddress, List.of(legB.rtpPort())).withOrigin(ourOriginForB);
 * }</pre>
 */
public record SessionDescription(List<SdpLine> sessionLines, List<MediaDescription> media) {
    private static final int MAX_LINES = 4096;

    public SessionDescription {
        sessionLines = List.copyOf(sessionLines);
        media = List.copyOf(media);
        if (sessionLines.isEmpty() || sessionLines.get(0).type() != 'v' || !sessionLines.get(0).value().equals("0")) {
            throw new SdpException("SDP must start with v=0");
        }
        sessionLines.forEach(SessionDescription::checkSessionLine);
        long origins = sessionLines.stream().filter(l -> l.type() == 'o').count();
        if (origins != 1) {
            throw new SdpException("SDP needs exactly one o= line, found " + origins);
        }
        boolean sessionConnection = sessionLines.stream().anyMatch(l -> l.type() == 'c');
        for (int i = 0; i < media.size(); i++) {
            if (!sessionConnection && !media.get(i).rejected() && media.get(i).connection().isEmpty()) {
                throw new SdpException("no c= line for media " + (i + 1) + " nor at session level");
            }
        }
    }

    /** Parses a body as received (UTF-8, RFC 8866 §5.1; CRLF or bare LF line ends, blank lines ignored). */
    public static SessionDescription parse(byte[] body) {
        return parse(new String(body, StandardCharsets.UTF_8));
    }

    public static SessionDescription parse(String text) {
        List<SdpLine> session = new ArrayList<>();
        List<MediaDescription> media = new ArrayList<>();
        String mLine = null;
        List<SdpLine> mediaLines = new ArrayList<>();
        int number = 0;
        int start = 0;
        while (start < text.length()) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                end = text.length();
            }
            String raw = text.substring(start, end > start && text.charAt(end - 1) == '\r' ? end - 1 : end);
            start = end + 1;
            number++;
            if (number > MAX_LINES) {
                throw new SdpException("SDP has more than " + MAX_LINES + " lines");
            }
            if (raw.isBlank()) {
                continue;
            }
            try {
                if (raw.length() < 2 || raw.charAt(1) != '=') {
                    throw new SdpException("expected '<letter>=<value>'");
                }
                SdpLine line = new SdpLine(raw.charAt(0), raw.substring(2));
                // lines are checked as read (construction checks them again) so that an error names its line
                if (line.type() == 'm') {
                    if (mLine != null) {
                        media.add(MediaDescription.parse(mLine, mediaLines));
                    }
                    MediaDescription.parse(line.value(), List.of());
                    mLine = line.value();
                    mediaLines = new ArrayList<>();
                } else if (mLine != null) {
                    MediaDescription.checkTyped(line);
                    mediaLines.add(line);
                } else {
                    checkSessionLine(line);
                    session.add(line);
                }
            } catch (SdpException e) {
                throw new SdpException("SDP line " + number + ": " + e.getMessage());
            }
        }
        try {
            if (mLine != null) {
                media.add(MediaDescription.parse(mLine, mediaLines));
            }
            return new SessionDescription(session, media);
        } catch (SdpException e) {
            throw new SdpException("SDP: " + e.getMessage());
        }
    }

    private static void checkSessionLine(SdpLine line) {
        switch (line.type()) {
            case 'm' -> throw new SdpException("m= lines belong to media descriptions");
            case 'o' -> Origin.parse(line.value());
            case 'c' -> Connection.parse(line.value());
            default -> { }
        }
    }

    public Origin origin() {
        return sessionLines.stream().filter(l -> l.type() == 'o').findFirst().map(l -> Origin.parse(l.value())).orElseThrow();
    }

    /** The session-level {@code c=}, if written. */
    public Optional<Connection> connection() {
        return sessionLines.stream().filter(l -> l.type() == 'c').findFirst().map(l -> Connection.parse(l.value()));
    }

    /** The {@code c=} that applies to media i: its own, else the session's (RFC 8866 §5.7). */
    public Connection connection(int i) {
        return media.get(i).connection().or(this::connection)
                .orElseThrow(() -> new SdpException("no c= line for media " + (i + 1)));
    }

    /** The session-level direction attribute, if written. */
    public Optional<Direction> direction() {
        return sessionLines.stream().flatMap(l -> Direction.ofAttribute(l).stream()).reduce((first, later) -> first);
    }

    /** The direction of media i: its own attribute, else the session's, else sendrecv (RFC 3264 §5.1). */
    public Direction direction(int i) {
        return media.get(i).direction().or(this::direction).orElse(Direction.SENDRECV);
    }

    /** The formats media i offers, in order of preference. */
    public List<String> formats(int i) {
        return media.get(i).formats();
    }

    /** The codecs media i offers, in order of preference (see {@link MediaDescription#codecs()}). */
    public List<Codec> codecs(int i) {
        return media.get(i).codecs();
    }

    /**
     * Where the party receives RTP for media i: connection address and m= port. Empty for a rejected stream (port 0)
     * or a connection address that is not an IP literal. {@code 0.0.0.0} comes back as is: it is RFC 2543 hold
     * ({@link Connection#isUnspecified()}), the relay latches on what it receives anyway.
     */
    public Optional<InetSocketAddress> mediaAddress(int i) {
        MediaDescription m = media.get(i);
        if (m.rejected()) {
            return Optional.empty();
        }
        return connection(i).inetAddress().map(a -> new InetSocketAddress(a, m.port()));
    }

    /**
     * Where the party receives RTCP for media i: {@code a=rtcp} (RFC 3605) if written, the RTP address with
     * {@code a=rtcp-mux} (RFC 5761), else the RTP port + 1 (RFC 3550 §11).
     */
    public Optional<InetSocketAddress> rtcpAddress(int i) {
        MediaDescription m = media.get(i);
        return mediaAddress(i).flatMap(rtp -> {
            if (m.rtcpMux()) {
                return Optional.of(rtp);
            }
            return m.rtcp().map(r -> r.connection().map(c -> c.inetAddress().map(a -> new InetSocketAddress(a, r.port())))
                            .orElse(Optional.of(new InetSocketAddress(rtp.getAddress(), r.port()))))
                    .orElse(Optional.of(new InetSocketAddress(rtp.getAddress(), rtp.getPort() + 1)));
        });
    }

    /**
     * The description a relaying B2BUA sends on: every {@code c=} (session and media level) set to the relay's
     * address, media i's port set to {@code ports.get(i)} (rejected streams keep port 0), {@code a=rtcp} set to that
     * port + 1 (the relay's RTCP port) and the ICE lines dropped, as they would lead the phones around the relay.
     * The origin is not touched: see {@link #withOrigin}.
     */
    public SessionDescription anchored(InetAddress address, List<Integer> ports) {
        if (ports.size() != media.size()) {
            throw new IllegalArgumentException(media.size() + " media lines but " + ports.size() + " ports");
        }
        Connection relay = Connection.of(address);
        SdpLine c = new SdpLine('c', relay.value());
        List<SdpLine> session = new ArrayList<>(sessionLines);
        session.replaceAll(l -> l.type() == 'c' ? c : l);
        session.removeIf(MediaDescription.isIce());
        List<MediaDescription> out = new ArrayList<>();
        for (int i = 0; i < media.size(); i++) {
            MediaDescription m = media.get(i);
            if (m.rejected()) {
                out.add(m.withoutIce());
                continue;
            }
            int port = ports.get(i);
            SdpLine rtcp = SdpLine.attribute("rtcp", new MediaDescription.Rtcp(port + 1, Optional.of(relay)).value());
            out.add(m.withPort(port).withLines(l -> {
                l.replaceAll(line -> line.type() == 'c' ? c : line.isAttribute("rtcp") ? rtcp : line);
                l.removeIf(MediaDescription.isIce());
            }));
        }
        return new SessionDescription(session, out);
    }

    /** A copy without any ICE line, session or media level. */
    public SessionDescription withoutIce() {
        List<SdpLine> session = new ArrayList<>(sessionLines);
        session.removeIf(MediaDescription.isIce());
        return new SessionDescription(session, media.stream().map(MediaDescription::withoutIce).toList());
    }

    /**
     * A copy where every stream (rejected ones aside) has this direction — e.g. {@code SENDONLY} or {@code INACTIVE}
     * to put the other party on hold, {@code SENDRECV} to resume (RFC 3264 §8.4): the session-level direction is
     * removed and each media description gets its own.
     */
    public SessionDescription withDirection(Direction direction) {
        List<SdpLine> session = new ArrayList<>(sessionLines);
        session.removeIf(l -> Direction.ofAttribute(l).isPresent());
        return new SessionDescription(session,
                media.stream().map(m -> m.rejected() ? m : m.withDirection(direction)).toList());
    }

    /** A copy where media i has this direction, the others keeping theirs. */
    public SessionDescription withDirection(int i, Direction direction) {
        List<Direction> each = new ArrayList<>();
        for (int k = 0; k < media.size(); k++) {
            each.add(k == i ? direction : direction(k));
        }
        List<SdpLine> session = new ArrayList<>(sessionLines);
        session.removeIf(l -> Direction.ofAttribute(l).isPresent());
        List<MediaDescription> out = new ArrayList<>();
        for (int k = 0; k < media.size(); k++) {
            // the session-level default goes, so each stream states its own to keep its meaning
            out.add(media.get(k).rejected() ? media.get(k) : media.get(k).withDirection(each.get(k)));
        }
        return new SessionDescription(session, out);
    }

    /** A copy with media i replaced, e.g. by {@code media(i).withFormats(…)}. */
    public SessionDescription withMedia(int i, MediaDescription replacement) {
        List<MediaDescription> out = new ArrayList<>(media);
        out.set(i, replacement);
        return new SessionDescription(sessionLines, out);
    }

    /** A copy with this {@code o=} line (a B2BUA's own origin per leg, RFC 3264 §8). */
    public SessionDescription withOrigin(Origin origin) {
        SdpLine o = new SdpLine('o', origin.value());
        List<SdpLine> session = new ArrayList<>(sessionLines);
        session.replaceAll(l -> l.type() == 'o' ? o : l);
        return new SessionDescription(session, media);
    }

    /** The description as sent: one line per {@code type=value}, each ended by CRLF (RFC 8866 §5). */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(512);
        sessionLines.forEach(l -> b.append(l).append("\r\n"));
        for (MediaDescription m : media) {
            b.append("m=").append(m.mLine()).append("\r\n");
            m.lines().forEach(l -> b.append(l).append("\r\n"));
        }
        return b.toString();
    }

    public byte[] toBytes() {
        return toString().getBytes(StandardCharsets.UTF_8);
    }
}
