package atrium.voip;

import atrium.sip.SipParseException;
import atrium.sip.SipRequest;
import atrium.sip.SipResponse;
import atrium.sip.transaction.ServerTransaction;
import atrium.sip.transaction.TransactionUser;
import atrium.sip.transport.Peer;
import atrium.voip.call.B2bua;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The transaction user above the SIP listeners: REGISTER to the {@link Registrar}, OPTIONS answered here, calls
 * (INVITE, ACK, CANCEL, BYE, re-INVITE, UPDATE, INFO, NOTIFY, REFER…) to the {@link B2bua}. Requests that start
 * something are handled on a virtual thread of their own (database work), never on the transport's reading thread;
 * the B2BUA queues in-dialog requests on their call.
 */
public final class SipDispatcher implements TransactionUser {
    private static final Logger LOG = Logger.getLogger(SipDispatcher.class.getName());
    /** Methods we know but do not serve outside a dialog: 405, not 501 (RFC 3261 §8.2.1). */
    private static final Set<String> KNOWN = Set.of("SUBSCRIBE", "MESSAGE", "PUBLISH", "PRACK");
    /** Methods that only make sense inside a dialog: without a To tag there is none, 481 (§12.2.2). */
    private static final Set<String> IN_DIALOG = Set.of("BYE", "INFO", "UPDATE", "NOTIFY", "REFER");

    private final Registrar registrar;
    private final SipAuth auth;
    /** Set once by {@link SipServer} before any listener starts: the B2BUA needs the layer this dispatcher is under. */
    private B2bua calls;

    public SipDispatcher(Registrar registrar, SipAuth auth) {
        this.registrar = registrar;
        this.auth = auth;
    }

    void calls(B2bua b2bua) {
        this.calls = b2bua;
    }

    @Override
    public void request(ServerTransaction tx) {
        SipRequest r = tx.request();
        if (r.to().tag().isPresent() && !r.method().equals("REGISTER") && !r.method().equals("OPTIONS")) {
            calls.inDialog(tx);
            return;
        }
        Thread.ofVirtual().name("sip-request").start(() -> {
            try {
                outOfDialog(tx);
            } catch (SipParseException e) {
                tx.respond(SipAuth.response(r, e.status() == 0 ? 400 : e.status(), "Bad Request"));
            } catch (BadRequest e) {
                tx.respond(SipAuth.response(r, 400, e.getMessage()));
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "SIP " + r.method() + " from " + tx.source() + " failed", e);
                tx.respond(SipAuth.response(r, 500, "Server Internal Error"));
            }
        });
    }

    private void outOfDialog(ServerTransaction tx) {
        SipRequest r = tx.request();
        if (auth.blocked(tx)) {
            tx.respond(SipAuth.response(r, 403, "Forbidden"));
            return;
        }
        String method = r.method();
        if (method.equals("REGISTER")) {
            registrar.register(tx);
        } else if (method.equals("OPTIONS")) {
            tx.respond(options(r));
        } else if (method.equals("INVITE")) {
            calls.invite(tx);
        } else if (IN_DIALOG.contains(method)) {
            tx.respond(SipAuth.response(r, 481, "Call/Transaction Does Not Exist"));
        } else {
            boolean known = KNOWN.contains(method);
            tx.respond(SipAuth.response(r, known ? 405 : 501, known ? "Method Not Allowed" : "Not Implemented")
                    .with("Allow", B2bua.ALLOW));
        }
    }

    /** 200 to OPTIONS, inside a dialog or not: what we allow and accept. */
    public static SipResponse options(SipRequest r) {
        return SipAuth.response(r, 200, "OK").with("Allow", B2bua.ALLOW).with("Accept", "application/sdp");
    }

    @Override
    public void ack(SipRequest ack, Peer from) {
        // The ACK of a 2xx the B2BUA sent: every offer was answered in that 2xx, so the ACK carries nothing to pass
        // on (RFC 3261 §13.3.1.4 leaves it to the UA core), and the transaction layer already stopped resending it.
    }

    @Override
    public void cancelled(ServerTransaction invite, SipRequest cancel) {
        calls.cancelled(invite);
    }

    @Override
    public void noAck(ServerTransaction invite) {
        calls.noAck(invite);
    }

    /** A request we can read but not accept: 400 with this reason. */
    public static final class BadRequest extends RuntimeException {
        public BadRequest(String reason) {
            super(reason, null, false, false);
        }
    }
}
