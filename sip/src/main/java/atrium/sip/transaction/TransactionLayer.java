package atrium.sip.transaction;

import atrium.sip.NameAddr;
import atrium.sip.SipMessage;
import atrium.sip.SipRequest;
import atrium.sip.SipResponse;
import atrium.sip.Via;
import atrium.sip.transport.MessageSink;
import atrium.sip.transport.Peer;
import atrium.sip.transport.SipTransports;
import java.io.IOException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The transaction layer (RFC 3261 §17): matches what the transports deliver to client and server transactions
 * (§17.1.3, §17.2.3 — branch with the magic cookie, else the RFC 2543 fields), answers CANCEL (§9.2), and passes
 * the rest to the {@link TransactionUser}. Timers run on one scheduler thread.
 */
public final class TransactionLayer implements MessageSink, AutoCloseable {
    private final SipTransports transports;
    private final Timers timers;
    private final TransactionUser user;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("sip-timers").daemon().factory());
    private final Map<String, ClientTransaction> clients = new ConcurrentHashMap<>();
    private final Map<String, ServerTransaction> servers = new ConcurrentHashMap<>();
    /** INVITE server transactions that sent a 2xx, by Call-ID, CSeq number and From tag: where a 2xx ACK lands. */
    private final Map<String, ServerTransaction> accepted = new ConcurrentHashMap<>();
    private final AtomicLong retransmissions = new AtomicLong();

    /** Creates the layer and makes it the receiver of everything {@code transports} read. */
    public TransactionLayer(SipTransports transports, Timers timers, TransactionUser user) {
        this.transports = transports;
        this.timers = timers;
        this.user = user;
        transports.deliverTo(this);
    }

    /** A new branch: the magic cookie and 64 random bits. */
    public static String newBranch() {
        return Via.MAGIC_COOKIE + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    }

    /**
     * Sends {@code request} in a new client transaction to {@code to}, with a new top Via (our address for that
     * transport, a new branch, rport). Not for ACK, which has no transaction: use {@link #sendStateless}.
     */
    public ClientTransaction send(SipRequest request, Peer to, ClientTransaction.Listener listener) {
        if (request.method().equals("ACK")) {
            throw new IllegalArgumentException("ACK has no transaction");
        }
        Via via = transports.via(to.protocol(), newBranch());
        SipRequest withVia = request.withHeaders(request.headers().addFirst("Via", via.toString()));
        ClientTransaction tx = new ClientTransaction(this, withVia, to, listener, clientKey(via, request.method()));
        clients.put(tx.key, tx);
        tx.start();
        return tx;
    }

    /**
     * CANCELs the INVITE of {@code invite} (RFC 3261 §9.1): same Request-URI, Call-ID, From, To, CSeq number and top
     * Via (so the same branch), Route set kept. Only once a provisional response has come; the caller checks that.
     */
    public ClientTransaction cancel(ClientTransaction invite, ClientTransaction.Listener listener) {
        SipRequest r = invite.request();
        SipRequest cancel = Transaction.sameTransaction(r, "CANCEL", r.header("To").orElseThrow());
        ClientTransaction tx = new ClientTransaction(this, cancel, invite.peer(), listener,
                clientKey(r.topVia(), "CANCEL"));
        clients.put(tx.key, tx);
        tx.start();
        return tx;
    }

    /** Sends outside any transaction: the ACK of a 2xx (adds a top Via with a new branch to requests). */
    public void sendStateless(SipMessage message, Peer to) throws IOException {
        if (message instanceof SipRequest r) {
            message = r.withHeaders(r.headers().addFirst("Via", transports.via(to.protocol(), newBranch()).toString()));
        }
        transports.send(message, to);
    }

    /** How many requests and responses were sent again because their answer or ACK did not come in time. */
    public long retransmissions() {
        return retransmissions.get();
    }

    /** Live transactions (client + server), for tests and monitoring. */
    public int size() {
        return clients.size() + servers.size();
    }

    @Override
    public void received(SipMessage message, Peer from) {
        switch (message) {
            case SipResponse r -> {
                ClientTransaction tx = clients.get(clientKey(r.topVia(), r.cseq().method()));
                if (tx != null) {
                    tx.received(r);
                } else {
                    user.strayResponse(r, from);
                }
            }
            case SipRequest r -> receivedRequest(r, from);
        }
    }

    private void receivedRequest(SipRequest r, Peer from) {
        String method = r.method();
        String key = serverKey(r, method.equals("ACK") ? "INVITE" : method);
        if (method.equals("ACK")) {
            ServerTransaction invite = servers.get(key);
            if (invite != null && invite.awaitsAckOfFinal()) {
                invite.ackOfFinal();
                return;
            }
            ServerTransaction ok = accepted.get(dialogKey(r));
            if (ok != null) {
                ok.ackOf2xx();
            }
            user.ack(r, from);
            return;
        }
        ServerTransaction existing = servers.get(key);
        if (existing != null) {
            existing.retransmitted();
            return;
        }
        ServerTransaction tx = new ServerTransaction(this, r, from, key, dialogKey(r));
        if (servers.putIfAbsent(key, tx) != null) {
            servers.get(key).retransmitted();
            return;
        }
        tx.start();
        if (method.equals("CANCEL")) {
            ServerTransaction invite = servers.get(serverKey(r, "INVITE"));
            if (invite == null) {
                tx.respond(r.response(481, "Call/Transaction Does Not Exist"));
            } else {
                boolean pending = invite.inviteWithoutFinal();
                SipResponse ok = r.response(200, "OK");
                String tag = invite.lastResponse().flatMap(l -> l.to().tag()).orElse("");
                tx.respond(tag.isEmpty() ? ok : ok.withToTag(tag));
                if (pending) {
                    user.cancelled(invite, r);
                }
            }
            return;
        }
        user.request(tx);
    }

    /** §17.1.3: the branch of the top Via and the CSeq method. */
    private static String clientKey(Via top, String method) {
        return top.branch().orElse("") + "|" + method;
    }

    /**
     * §17.2.3: branch + sent-by + method when the branch has the magic cookie; otherwise (RFC 2543 peers) Call-ID,
     * CSeq number, From tag, the whole top Via and the method — ACK and CANCEL of such an INVITE match it too, as
     * §17.2.3 asks, since none of those fields change between them.
     */
    private static String serverKey(SipRequest r, String method) {
        Via top = r.topVia();
        String branch = top.branch().orElse("");
        if (branch.startsWith(Via.MAGIC_COOKIE)) {
            return branch + "|" + top.host() + ":" + top.portOrDefault() + "|" + method;
        }
        Via bare = new Via(top.transport(), top.host(), top.port(),
                top.params().without("received").without("rport"));
        return "2543|" + r.callId() + "|" + r.cseq().number() + "|" + r.from().tag().orElse("") + "|" + bare + "|"
                + method;
    }

    private static String dialogKey(SipRequest r) {
        NameAddr from = r.from();
        return r.callId() + "|" + r.cseq().number() + "|" + from.tag().orElse("");
    }

    Timers timers() {
        return timers;
    }

    SipTransports transports() {
        return transports;
    }

    TransactionUser user() {
        return user;
    }

    ScheduledFuture<?> schedule(Runnable task, long millis) {
        return scheduler.schedule(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                System.getLogger(TransactionLayer.class.getName()).log(System.Logger.Level.ERROR, "SIP timer failed", e);
            }
        }, millis, TimeUnit.MILLISECONDS);
    }

    void retransmitted() {
        retransmissions.incrementAndGet();
    }

    void accepted(ServerTransaction tx) {
        accepted.put(tx.dialogKey, tx);
    }

    void removeClient(ClientTransaction tx) {
        clients.remove(tx.key, tx);
    }

    void removeServer(ServerTransaction tx) {
        servers.remove(tx.key, tx);
        accepted.remove(tx.dialogKey, tx);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
