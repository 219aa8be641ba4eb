package atrium.sip.sdp;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Predicate;

/**
 * One media description (RFC 8866 §5.14): its {@code m=} line and the lines under it ({@code i= c= b= k= a=}) in the
 * order read, unknown ones included. Immutable; the {@code with…} methods return changed copies.
 */
public record MediaDescription(String media, int port, OptionalInt portCount, String proto, List<String> formats,
                               List<SdpLine> lines) {
    /** ICE (RFC 8839) attributes: they name addresses around a media relay, so an anchoring B2BUA drops them. */
    private static final Set<String> ICE = Set.of("candidate", "remote-candidates", "end-of-candidates", "ice-ufrag",
            "ice-pwd", "ice-options", "ice-lite", "ice-mismatch", "ice-pacing");

    public MediaDescription {
        SdpLine.checkValue(media + proto);
        if (media.isEmpty() || proto.isEmpty() || media.indexOf(' ') >= 0 || proto.indexOf(' ') >= 0) {
            throw new SdpException("m= needs a media type, a port, a protocol and formats");
        }
        if (port < 0 || port > 65535) {
            throw new SdpException("m= port out of range: " + port);
        }
        formats = List.copyOf(formats);
        lines = List.copyOf(lines);
        for (String f : formats) {
            if (f.isEmpty() || f.indexOf(' ') >= 0 || !f.equals(SdpLine.checkValue(f))) {
                throw new SdpException("bad m= format '" + f + "'");
            }
        }
        lines.forEach(MediaDescription::checkTyped);
    }

    static MediaDescription parse(String value, List<SdpLine> lines) {
        String[] f = value.trim().split(" +");
        if (f.length < 4) {
            throw new SdpException("bad m= line '" + value + "': expected '<media> <port> <proto> <fmt> ...'");
        }
        String[] port = f[1].split("/", -1);
        if (port.length > 2) {
            throw new SdpException("bad m= port '" + f[1] + "'");
        }
        return new MediaDescription(f[0], number(port[0], "m= port", 65535),
                port.length == 2 ? OptionalInt.of(number(port[1], "m= port count", 65535)) : OptionalInt.empty(),
                f[2], List.of(f).subList(3, f.length), lines);
    }

    /** True for a rejected or disabled stream (port 0, RFC 3264 §6) — not the same as hold. */
    public boolean rejected() {
        return port == 0;
    }

    /** True if the protocol carries RTP ({@code RTP/AVP}, {@code RTP/SAVP}, {@code UDP/TLS/RTP/SAVPF} …). */
    public boolean isRtp() {
        return proto.toUpperCase(java.util.Locale.ROOT).contains("RTP/");
    }

    /** The media-level {@code c=}, if any (otherwise the session-level one applies). */
    public Optional<Connection> connection() {
        return lines.stream().filter(l -> l.type() == 'c').findFirst().map(l -> Connection.parse(l.value()));
    }

    /** The values of every {@code a=name…} line, in order ("" for a property attribute). */
    public List<String> attributes(String name) {
        return lines.stream().filter(l -> l.isAttribute(name)).map(SdpLine::attributeValue).toList();
    }

    /** The value of the first {@code a=name…} line. */
    public Optional<String> attribute(String name) {
        return attributes(name).stream().findFirst();
    }

    /** The media-level direction attribute, if written (the session-level one or sendrecv applies otherwise). */
    public Optional<Direction> direction() {
        return lines.stream().flatMap(l -> Direction.ofAttribute(l).stream()).reduce((first, later) -> first);
    }

    /** {@code a=ptime} in milliseconds (RFC 8866 §6.4), fraction dropped. */
    public OptionalInt ptime() {
        return attribute("ptime").map(v -> OptionalInt.of(number(v.trim().replaceFirst("\\.\\d*$", ""), "a=ptime", 100_000)))
                .orElse(OptionalInt.empty());
    }

    /** {@code a=rtcp} (RFC 3605): the RTCP port and, if written, its address. */
    public Optional<Rtcp> rtcp() {
        return attribute("rtcp").map(MediaDescription::parseRtcp);
    }

    /** RTP and RTCP on one port (RFC 5761). */
    public boolean rtcpMux() {
        return !attributes("rtcp-mux").isEmpty();
    }

    /** The formats as RTP payload types (numbers only; empty for a non-RTP stream). */
    public List<Integer> payloadTypes() {
        if (!isRtp()) {
            return List.of();
        }
        return formats.stream().filter(f -> f.matches("\\d{1,3}")).map(Integer::valueOf).toList();
    }

    /**
     * Each RTP payload type offered, in the offer's order of preference, named by its {@code a=rtpmap} or, for a
     * static type without one, by RFC 3551; types with neither (a dynamic type lacking its rtpmap) are left out.
     */
    public List<Codec> codecs() {
        List<Codec> out = new ArrayList<>();
        for (int pt : payloadTypes()) {
            Optional<String> fmtp = fmtp(pt);
            Optional<String> map = attributes("rtpmap").stream().filter(v -> formatOf(v).equals(Integer.toString(pt))).findFirst();
            if (map.isPresent()) {
                String[] enc = map.get().substring(map.get().indexOf(' ')).trim().split("/");
                out.add(new Codec(pt, enc[0], number(enc[1], "a=rtpmap clock rate", Integer.MAX_VALUE),
                        enc.length > 2 ? number(enc[2], "a=rtpmap channels", 255) : 1, fmtp));
            } else {
                Codec.ofStatic(pt).map(c -> new Codec(pt, c.name(), c.clockRate(), c.channels(), fmtp)).ifPresent(out::add);
            }
        }
        return out;
    }

    /** The first codec with this name, e.g. {@code codec(Codec.TELEPHONE_EVENT)}. */
    public Optional<Codec> codec(String name) {
        return codecs().stream().filter(c -> c.is(name)).findFirst();
    }

    /** The {@code a=fmtp} parameters of a payload type. */
    public Optional<String> fmtp(int payloadType) {
        return attributes("fmtp").stream().filter(v -> formatOf(v).equals(Integer.toString(payloadType)))
                .map(v -> v.substring(v.indexOf(' ') + 1).trim()).findFirst();
    }

    public MediaDescription withPort(int newPort) {
        return new MediaDescription(media, newPort, portCount, proto, formats, lines);
    }

    /** A copy whose lines are changed by {@code change} (a list it may edit). */
    MediaDescription withLines(java.util.function.Consumer<List<SdpLine>> change) {
        List<SdpLine> copy = new ArrayList<>(lines);
        change.accept(copy);
        return new MediaDescription(media, port, portCount, proto, formats, copy);
    }

    /** A copy with every direction attribute replaced by one {@code a=<direction>} at the end. */
    public MediaDescription withDirection(Direction direction) {
        return withLines(l -> {
            l.removeIf(line -> Direction.ofAttribute(line).isPresent());
            l.add(SdpLine.attribute(direction.attribute(), ""));
        });
    }

    /** A copy without the ICE attributes ({@code a=candidate}, {@code a=ice-*} …). */
    public MediaDescription withoutIce() {
        return withLines(l -> l.removeIf(isIce()));
    }

    /**
     * A copy offering only these formats (in their order), with the {@code a=rtpmap}/{@code a=fmtp} lines of the
     * dropped ones removed; e.g. to re-offer only the codec a transfer target chose.
     */
    public MediaDescription withFormats(List<String> keep) {
        if (keep.isEmpty()) {
            throw new SdpException("a media line needs at least one format");
        }
        Set<String> kept = new HashSet<>(keep);
        List<SdpLine> copy = new ArrayList<>(lines);
        copy.removeIf(l -> (l.isAttribute("rtpmap") || l.isAttribute("fmtp")) && !kept.contains(formatOf(l.attributeValue())));
        return new MediaDescription(media, port, portCount, proto, keep, copy);
    }

    static Predicate<SdpLine> isIce() {
        return l -> l.type() == 'a' && ICE.contains(l.attributeName().toLowerCase(java.util.Locale.ROOT));
    }

    String mLine() {
        return media + " " + port + portCount.stream().mapToObj(n -> "/" + n).findFirst().orElse("") + " " + proto
                + " " + String.join(" ", formats);
    }

    /** {@code a=rtcp:<port> [IN IP4 <address>]}. */
    public record Rtcp(int port, Optional<Connection> connection) {
        String value() {
            return port + connection.map(c -> " " + c.value()).orElse("");
        }
    }

    private static Rtcp parseRtcp(String value) {
        String v = value.trim();
        int space = v.indexOf(' ');
        int port = number(space < 0 ? v : v.substring(0, space), "a=rtcp port", 65535);
        return new Rtcp(port, space < 0 ? Optional.empty() : Optional.of(Connection.parse(v.substring(space + 1))));
    }

    /** Checks the lines this class reads, so that a bad one fails at parse time with its reason, not later. */
    static void checkTyped(SdpLine line) {
        if ("vostzrm".indexOf(line.type()) >= 0) {
            throw new SdpException("'" + line.type() + "=' is a session-level line, not allowed under m=");
        }
        if (line.type() == 'c') {
            Connection.parse(line.value());
        } else if (line.isAttribute("rtpmap")) {
            String v = line.attributeValue();
            int space = v.indexOf(' ');
            String[] enc = space < 0 ? new String[0] : v.substring(space).trim().split("/", -1);
            if (space < 0 || enc.length < 2 || enc.length > 3 || enc[0].isEmpty()) {
                throw new SdpException("bad a=rtpmap '" + v + "': expected '<payload type> <name>/<clock rate>[/<channels>]'");
            }
            number(formatOf(v), "a=rtpmap payload type", 127);
            number(enc[1], "a=rtpmap clock rate", Integer.MAX_VALUE);
            if (enc.length == 3) {
                number(enc[2], "a=rtpmap channels", 255);
            }
        } else if (line.isAttribute("fmtp")) {
            if (line.attributeValue().indexOf(' ') <= 0) {
                throw new SdpException("bad a=fmtp '" + line.attributeValue() + "': expected '<format> <parameters>'");
            }
        } else if (line.isAttribute("rtcp")) {
            parseRtcp(line.attributeValue());
        } else if (line.isAttribute("ptime")) {
            number(line.attributeValue().trim().replaceFirst("\\.\\d*$", ""), "a=ptime", 100_000);
        }
    }

    private static String formatOf(String rtpmapOrFmtpValue) {
        int space = rtpmapOrFmtpValue.indexOf(' ');
        return space < 0 ? rtpmapOrFmtpValue : rtpmapOrFmtpValue.substring(0, space);
    }

    static int number(String s, String what, int max) {
        if (s.isEmpty() || s.length() > 10 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new SdpException("bad " + what + " '" + s + "'");
        }
        long n = Long.parseLong(s);
        if (n > max) {
            throw new SdpException(what + " out of range: " + s);
        }
        return (int) n;
    }
}
