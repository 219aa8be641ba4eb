package atrium.sip.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import atrium.sip.DigestAlgorithm;
import atrium.sip.DigestCredentials;
import atrium.sip.DigestServer;
import atrium.sip.NameAddr;
import atrium.sip.SipParser;
import atrium.sip.SipRequest;
import atrium.sip.SipResponse;
import atrium.sip.transport.Peer;
import atrium.sip.transport.Protocol;
import atrium.sip.transport.SipTransports;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;

/** A tiny user agent written with the library, as a test peer: answers INVITE 180 + 200 (or a set status), the rest 200. */
final class TestUa implements TransactionUser, AutoCloseable {
    static final byte[] SDP = ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n").getBytes(StandardCharsets.US_ASCII);

    final SipTransports transports;
    final TransactionLayer layer;
    final List<SipRequest> requests = new CopyOnWriteArrayList<>();
    final List<SipRequest> acks = new CopyOnWriteArrayList<>();
    final List<SipRequest> cancels = new CopyOnWriteArrayList<>();
    final AtomicInteger noAcks = new AtomicInteger();
    /** The final status for INVITEs: 200, a failure code, or 0 to leave them ringing. */
    volatile int inviteStatus = 200;
    /** When set, REGISTERs are challenged and checked against these users' passwords (a minimal registrar). */
    volatile Optional<Registrar> registrar = Optional.empty();
    final List<DigestServer.Verdict> verdicts = new CopyOnWriteArrayList<>();

    record Registrar(DigestServer digest, Map<String, String> passwords) {
    }

    TestUa(Timers timers, SSLContext tlsClient) {
        transports = new SipTransports(new SipParser(SipParser.Limits.DEFAULT), tlsClient);
        layer = new TransactionLayer(transports, timers, this);
    }

    static TestUa udp(Timers timers) throws Exception {
        TestUa ua = new TestUa(timers, SSLContext.getDefault());
        ua.transports.listenUdp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return ua;
    }

    int port(Protocol p) {
        return transports.local(p).orElseThrow().getPort();
    }

    @Override
    public void request(ServerTransaction tx) {
        SipRequest r = tx.request();
        requests.add(r);
        if (r.method().equals("REGISTER") && registrar.isPresent()) {
            register(tx, registrar.get());
            return;
        }
        if (!r.method().equals("INVITE")) {
            tx.respond(r.response(200, "OK"));
            return;
        }
        String tag = "uas" + requests.size();
        tx.respond(r.response(180, "Ringing").withToTag(tag));
        int status = inviteStatus;
        if (status == 200) {
            String transport = tx.source().protocol().name().toLowerCase(java.util.Locale.ROOT);
            tx.respond(r.response(200, "OK").withToTag(tag)
                    .with("Contact", "<sip:uas@127.0.0.1:" + port(tx.source().protocol()) + ";transport=" + transport + ">")
                    .withBody("application/sdp", SDP));
        } else if (status != 0) {
            tx.respond(r.response(status, "Busy Here").withToTag(tag));
        }
    }

    private void register(ServerTransaction tx, Registrar reg) {
        SipRequest r = tx.request();
        Optional<String> auth = r.header("Authorization");
        DigestServer.Verdict v = auth.map(a -> reg.digest().verify(r.method(), DigestCredentials.parse(a),
                (user, alg) -> Optional.ofNullable(reg.passwords().get(user)).map(p -> alg.ha1(user, reg.digest().realm(), p))))
                .orElse(DigestServer.Verdict.STALE);
        if (auth.isPresent()) {
            verdicts.add(v);
        }
        SipResponse answer = switch (v) {
            case OK -> {
                SipResponse ok = r.response(200, "OK").withToTag("reg");
                for (NameAddr c : r.contacts()) {
                    ok = ok.with("Contact", c.params().has("expires") ? c.toString() : c.withParam("expires",
                            r.header("Expires").orElse("60")).toString());
                }
                yield ok;
            }
            case STALE -> r.response(401, "Unauthorized").withToTag("reg").with("WWW-Authenticate",
                    reg.digest().challenge(DigestAlgorithm.MD5, auth.isPresent()).toString());
            case REPLAY, BAD -> r.response(403, "Forbidden").withToTag("reg");
        };
        tx.respond(answer);
    }

    @Override
    public void cancelled(ServerTransaction invite, SipRequest cancel) {
        cancels.add(cancel);
        String tag = invite.lastResponse().flatMap(l -> l.to().tag()).orElse("uas");
        invite.respond(invite.request().response(487, "Request Terminated").withToTag(tag));
    }

    @Override
    public void ack(SipRequest ack, Peer from) {
        acks.add(ack);
    }

    @Override
    public void noAck(ServerTransaction invite) {
        noAcks.incrementAndGet();
    }

    /** The listener of one client transaction, collecting what it heard. */
    static final class Heard implements ClientTransaction.Listener {
        final BlockingQueue<SipResponse> responses = new LinkedBlockingQueue<>();
        final BlockingQueue<ClientTransaction.Failure> failures = new LinkedBlockingQueue<>();

        @Override
        public void response(SipResponse response) {
            responses.add(response);
        }

        @Override
        public void failed(ClientTransaction.Failure failure) {
            failures.add(failure);
        }

        /** The next response with a final status, skipping provisionals. */
        SipResponse awaitFinal() throws InterruptedException {
            while (true) {
                SipResponse r = responses.poll(10, TimeUnit.SECONDS);
                assertThat(r).as("a final response (failures: %s)", failures).isNotNull();
                if (r.status() >= 200) {
                    return r;
                }
            }
        }
    }

    /** A call from this UA to {@code to}: INVITE, ACK of the 200, BYE; returns the 200 of the BYE. */
    SipResponse call(Peer to, String requestUri) throws Exception {
        String transport = to.protocol().name().toLowerCase(java.util.Locale.ROOT);
        NameAddr from = NameAddr.parse("<sip:uac@127.0.0.1>").withTag("uac" + System.nanoTime());
        String callId = "call-" + System.nanoTime() + "@127.0.0.1";
        SipRequest invite = SipRequest.create("INVITE", requestUri, from, NameAddr.parse("<" + requestUri + ">"), callId, 1)
                .with("Contact", "<sip:uac@127.0.0.1:" + port(to.protocol()) + ";transport=" + transport + ">")
                .withBody("application/sdp", SDP);
        Heard heard = new Heard();
        layer.send(invite, to, heard);
        SipResponse ok = heard.awaitFinal();
        assertThat(ok.status()).isEqualTo(200);
        String target = ok.contacts().getFirst().uri();
        layer.sendStateless(SipRequest.create("ACK", target, from, ok.to(), callId, 1), to);
        Heard byeHeard = new Heard();
        layer.send(SipRequest.create("BYE", target, from, ok.to(), callId, 2), to, byeHeard);
        return byeHeard.awaitFinal();
    }

    static void await(BooleanSupplier condition, Duration within) throws InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met within " + within);
            }
            Thread.sleep(10);
        }
    }

    @Override
    public void close() throws IOException {
        layer.close();
        transports.close();
    }
}
