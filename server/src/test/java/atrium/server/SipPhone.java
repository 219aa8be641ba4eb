package atrium.server;

import static org.assertj.core.api.Assertions.assertThat;

import atrium.sip.DigestChallenge;
import atrium.sip.DigestCredentials;
import atrium.sip.NameAddr;
import atrium.sip.SipParser;
import atrium.sip.SipRequest;
import atrium.sip.SipResponse;
import atrium.sip.transaction.ClientTransaction;
import atrium.sip.transaction.ServerTransaction;
import atrium.sip.transaction.Timers;
import atrium.sip.transaction.TransactionLayer;
import atrium.sip.transaction.TransactionUser;
import atrium.sip.transport.Peer;
import atrium.sip.transport.Protocol;
import atrium.sip.transport.SipTransports;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A phone written with the sip library, for the registrar's edge cases over real sockets: sends a REGISTER (or any
 * request) and answers a 401 with digest the way phones do (same Call-ID, next CSeq).
 */
final class SipPhone implements TransactionUser, AutoCloseable {
    final SipTransports transports;
    final TransactionLayer layer;
    final Peer server;
    final String callId = "reg-" + System.nanoTime() + "@127.0.0.1";
    private long cseq = 1;

    /** A phone talking to the server's SIP port for {@code protocol} on 127.0.0.1. */
    SipPhone(Protocol protocol, int serverPort) throws Exception {
        transports = new SipTransports(new SipParser(SipParser.Limits.DEFAULT), TestClient.trustAll());
        layer = new TransactionLayer(transports, Timers.DEFAULT, this);
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        transports.listenUdp(any);
        transports.listenTcp(any);
        transports.listenTls(any, TlsFiles.sslContext(TlsFiles.selfSigned(Files.createTempDirectory("sip-phone-tls"))));
        server = new Peer(protocol, new InetSocketAddress(InetAddress.getLoopbackAddress(), serverPort));
    }

    int localPort() {
        return transports.local(server.protocol()).orElseThrow().getPort();
    }

    /** A Contact of this phone, as phones write it. */
    String contact(String user) {
        return "<sip:" + user + "@127.0.0.1:" + localPort() + ";transport="
                + server.protocol().name().toLowerCase(Locale.ROOT) + ">";
    }

    /** A REGISTER from {@code user} for the AOR {@code aorUser}, with these Contact values and Expires (if any). */
    SipRequest register(String aorUser, List<String> contacts, Optional<Integer> expires) {
        return register("127.0.0.1", aorUser + "@127.0.0.1", contacts, expires);
    }

    /** A REGISTER to the registrar {@code sip:registrar} for the AOR {@code sip:aor} (user@host). */
    SipRequest register(String registrar, String aor, List<String> contacts, Optional<Integer> expires) {
        NameAddr to = NameAddr.parse("<sip:" + aor + ">");
        SipRequest r = SipRequest.create("REGISTER", "sip:" + registrar, to.withTag("t" + callId.hashCode()), to, callId,
                cseq++).with("User-Agent", "Atrium test phone");
        for (String c : contacts) {
            r = r.with("Contact", c);
        }
        return expires.isPresent() ? r.with("Expires", expires.get().toString()) : r;
    }

    /** Sends {@code request}; on 401 answers the challenge as {@code user}/{@code password} and sends it again. */
    SipResponse withDigest(SipRequest request, String user, String password) throws InterruptedException {
        SipResponse first = send(request);
        if (first.status() != 401) {
            return first;
        }
        return answering(request, DigestChallenge.parse(first.header("WWW-Authenticate").orElseThrow()), user, password);
    }

    /** Sends {@code request} again with the next CSeq and an answer to {@code challenge}. */
    SipResponse answering(SipRequest request, DigestChallenge challenge, String user, String password)
            throws InterruptedException {
        String answer = DigestCredentials.answer(challenge, request.method(), request.uri(), user, password,
                Long.toHexString(System.nanoTime()), 1).toString();
        SipRequest again = request.withHeaders(request.headers().with("CSeq", cseq++ + " " + request.method())
                .with("Authorization", answer));
        return send(again);
    }

    /** Sends a request in a client transaction; returns its final response. */
    SipResponse send(SipRequest request) throws InterruptedException {
        BlockingQueue<Object> heard = new LinkedBlockingQueue<>();
        layer.send(request, server, new ClientTransaction.Listener() {
            @Override
            public void response(SipResponse response) {
                if (response.status() >= 200) {
                    heard.add(response);
                }
            }

            @Override
            public void failed(ClientTransaction.Failure failure) {
                heard.add(failure);
            }
        });
        Object r = heard.poll(40, TimeUnit.SECONDS);
        assertThat(r).as("a final response to " + request.method()).isInstanceOf(SipResponse.class);
        return (SipResponse) r;
    }

    @Override
    public void request(ServerTransaction tx) {
        tx.respond(tx.request().response(200, "OK"));
    }

    @Override
    public void ack(SipRequest ack, Peer from) {
    }

    @Override
    public void close() throws IOException {
        layer.close();
        transports.close();
    }
}
