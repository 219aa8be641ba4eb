package atrium.voip;

import atrium.sip.SipParser;
import atrium.sip.transaction.Timers;
import atrium.sip.transaction.TransactionLayer;
import atrium.sip.transport.Peer;
import atrium.sip.transport.Protocol;
import atrium.sip.transport.SipTransports;
import atrium.voip.db.PhoneStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * The SIP listeners (UDP, TCP, TLS) with the transaction layer and the registrar above them; started only when
 * {@code voip.enabled}. Knows the bound ports (port 0 in tests) and the live bindings for the administrators' view.
 */
public final class SipServer implements AutoCloseable {
    /** A live binding with what the live view shows beside it. */
    public record Binding(Registration registration, Device device, Optional<String> extension, String reachAt,
                          boolean connected) {
    }

    /** Where to listen; a port of 0 picks a free one. */
    public record Listen(InetAddress bind, int udpPort, int tcpPort, int tlsPort) {
    }

    private final SipTransports transports;
    private final TransactionLayer layer;
    private final PhoneStore store;
    private final PhoneService phones;
    private final Clock clock;
    private final Optional<String> publicHost;
    private final Map<String, Integer> ports = new LinkedHashMap<>();

    public SipServer(Listen listen, SSLContext tls, Registrar registrar, PhoneStore store, PhoneService phones,
                     Clock clock, Optional<String> publicHost) {
        this.store = store;
        this.phones = phones;
        this.clock = clock;
        this.publicHost = publicHost;
        this.transports = new SipTransports(new SipParser(SipParser.Limits.DEFAULT), tls);
        this.layer = new TransactionLayer(transports, Timers.DEFAULT, registrar);
        String transport = "udp";
        try {
            ports.put(transport, transports.listenUdp(new InetSocketAddress(listen.bind(), listen.udpPort())).getPort());
            transport = "tcp";
            ports.put(transport, transports.listenTcp(new InetSocketAddress(listen.bind(), listen.tcpPort())).getPort());
            transport = "tls";
            ports.put(transport, transports.listenTls(new InetSocketAddress(listen.bind(), listen.tlsPort()), tls).getPort());
        } catch (IOException e) {
            close();
            throw new CannotListen(transport, e);
        }
    }

    /** A SIP listener could not bind: the port is taken or the address is not on this machine. */
    public static final class CannotListen extends UncheckedIOException {
        /** "udp", "tcp" or "tls". */
        public final String transport;

        CannotListen(String transport, IOException cause) {
            super("cannot listen for SIP over " + transport + ": " + cause.getMessage(), cause);
            this.transport = transport;
        }
    }

    /** The bound port of each transport ("udp", "tcp", "tls"). */
    public Map<String, Integer> ports() {
        return Map.copyOf(ports);
    }

    public int port(Protocol protocol) {
        return ports.get(protocol.name().toLowerCase(Locale.ROOT));
    }

    /** The host name phones are told to use, when configured (else the one the console was reached at). */
    public Optional<String> publicHost() {
        return publicHost;
    }

    /** Every live binding; {@code connected}: the TCP/TLS connection it came over is still open (always true for UDP). */
    public List<Binding> registrations() {
        Map<DeviceId, Device> devices = new HashMap<>();
        phones.allDevices().forEach(d -> devices.put(d.id(), d));
        Map<Long, Optional<String>> numbers = new HashMap<>();
        return store.liveBindings(clock.millis()).stream().filter(r -> devices.containsKey(r.device())).map(r -> {
            Device d = devices.get(r.device());
            Optional<String> number = numbers.computeIfAbsent(d.account().value(),
                    a -> phones.extensionOf(d.account()).map(Extension::number));
            Peer peer = peer(r);
            return new Binding(r, d, number, reachAt(d, r), peer.protocol() == Protocol.UDP || transports.connected(peer));
        }).toList();
    }

    /** Where calls to a binding go, as a SIP URI: its source over its transport (through the NAT). */
    static String reachAt(Device d, Registration r) {
        return "sip:" + d.username() + "@" + r.source() + ";transport=" + r.transport();
    }

    /** Where a binding's requests go: its source over its transport, through the NAT or on its own connection. */
    static Peer peer(Registration r) {
        int colon = r.source().lastIndexOf(':');
        String host = r.source().substring(0, colon).replace("[", "").replace("]", "");
        InetSocketAddress a = new InetSocketAddress(host, Integer.parseInt(r.source().substring(colon + 1)));
        return new Peer(Protocol.valueOf(r.transport().toUpperCase(Locale.ROOT)), a);
    }

    @Override
    public void close() {
        layer.close();
        transports.close();
    }
}
