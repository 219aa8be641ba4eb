package atrium.voip.call;

import atrium.sip.NameAddr;
import atrium.sip.SipMessage;
import atrium.sip.SipParseException;
import atrium.sip.SipRequest;
import atrium.sip.SipResponse;
import atrium.sip.dialog.Dialog;
import atrium.sip.transaction.ClientTransaction;
import atrium.sip.transaction.ServerTransaction;
import atrium.sip.transport.Peer;
import atrium.voip.CallLog;
import atrium.voip.CallRecordId;
import atrium.voip.Device;
import atrium.voip.Extension;
import atrium.voip.Registration;
import atrium.voip.SipDispatcher;
import atrium.voip.media.RelayLeg;
import atrium.voip.media.RelaySession;
import atrium.sip.sdp.Direction;
import atrium.sip.sdp.SdpException;
import atrium.sip.sdp.SessionDescription;
import java.net.InetAddress;
import java.time.Duration;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One call through the B2BUA: the caller's leg (A, we are its UAS) and one branch per ringing binding of the callee
 * (B legs, we are their UAC); once a branch answers, the call is two confirmed dialogs bridged together. Every event
 * (a response on a branch, a request in a dialog, a CANCEL, a timer) is queued with {@link #run} and handled one at a
 * time on a virtual thread, in arrival order, so the state below needs no lock.
 */
final class Call {
    private static final Logger LOG = Logger.getLogger(Call.class.getName());

    enum State { RINGING, ANSWERED, ENDED }

    /** A binding to ring: the callee's device and where it registered from. */
    record Target(Device device, Registration binding) {
    }

    /**
     * One confirmed dialog of this call, where its peer is reached and the relay leg that faces it; {@code caller}:
     * the dialog of the caller's INVITE (the session timer's refresher).
     */
    record Leg(Call call, Dialog dialog, Peer peer, boolean caller, RelayLeg relay) {
    }

    /** One forked INVITE to a binding of the callee. */
    private final class Branch {
        final Target target;
        final Peer peer;
        ClientTransaction tx;
        Dialog dialog;
        boolean provisional;
        boolean cancelWanted;
        boolean cancelSent;
        /** The final status, 0 while none. */
        int status;
        /** The ACK we sent to its 2xx, sent again for each retransmission of it. */
        SipRequest ack;

        Branch(Target target) {
            this.target = target;
            this.peer = target.binding().peer();
        }
    }

    /** What a fork tells the one who started it: the call's first ringing, or a transfer's. */
    private interface ForkResult {
        /** A 1xx above 100 from a branch still wanted. */
        void ringing(Branch b, SipResponse r);

        /** The first 2xx, ACKed right after; every other branch has been CANCELled. */
        void answered(Branch b, SipResponse r);

        /** No branch answered: the status to give, as for any call (ADR 0031). */
        void failed(int status, String reason, CallLog.Outcome outcome);
    }

    /**
     * Parallel INVITEs to every binding of an extension (ADR 0031): the first 2xx wins and the others are CANCELled,
     * a 6xx stops the search, else busy only if every phone is busy, the same status from all passes, else 480; no
     * answer within voip.ring-timeout → 480. Used for the call itself and for the target of a transfer.
     */
    private final class Fork {
        private final List<Branch> branches = new ArrayList<>();
        private final ForkResult result;
        private ScheduledFuture<?> ringTimer;
        /** Answered, failed or stopped: later 1xx are CANCELled, later 2xx ACKed and BYEd. */
        private boolean over;

        Fork(ForkResult result) {
            this.result = result;
        }

        /** INVITEs with {@code sdp} on {@code relay} to each target, from {@code fromNumber} to {@code toNumber}. */
        void start(List<Target> targets, Optional<String> fromDisplay, String fromNumber, String toNumber,
                   SessionDescription sdp, RelayLeg relay) {
            for (Target t : targets) {
                Branch b = new Branch(t);
                String host = b2bua.host(b.peer.protocol(), inviteA.request());
                SipRequest invite = SipRequest.create("INVITE", t.binding().contactUri(),
                                B2bua.uri(fromDisplay, fromNumber, host).withTag(Dialog.newTag()),
                                B2bua.uri(Optional.empty(), toNumber, host), Dialog.newTag() + "@atrium", 1)
                        .with("Contact", contact(b.peer.protocol())).with("Allow", B2bua.ALLOW);
                invite = invite.withHeaders(invite.headers().with("Max-Forwards", Integer.toString(maxForwards)));
                invite = invite.withBody("application/sdp", anchored(sdp, relay));
                branches.add(b);
                // Responses are queued behind this task, so b.tx is set before any of them is handled.
                b.tx = b2bua.send(invite, b.peer, listener(b));
            }
            ringTimer = b2bua.schedule(() -> run(this::noAnswer), b2bua.ringTimeout());
        }

        private ClientTransaction.Listener listener(Branch b) {
            return new ClientTransaction.Listener() {
                @Override
                public void response(SipResponse response) {
                    run(() -> branchResponse(b, response));
                }

                @Override
                public void failed(ClientTransaction.Failure failure) {
                    run(() -> branchFinal(b, failure == ClientTransaction.Failure.TIMEOUT ? 408 : 503));
                }
            };
        }

        private void branchResponse(Branch b, SipResponse r) {
            int status = r.status();
            if (status < 200) {
                if (status == 100) {
                    return;
                }
                b.provisional = true;
                if (b.dialog == null && r.to().tag().isPresent()) {
                    b.dialog = Dialog.uac(b.tx.request(), r);
                }
                if (b.cancelWanted || over) {
                    cancel(b);
                    return;
                }
                result.ringing(b, r);
                return;
            }
            if (status < 300) {
                answered(b, r);
                return;
            }
            branchFinal(b, status);
        }

        private void answered(Branch b, SipResponse r) {
            if (b.ack != null) {
                b2bua.sendAck(b.ack, b.peer); // a retransmitted 2xx
                return;
            }
            Dialog d = b.dialog != null && b.dialog.id().equals(Dialog.Id.ofResponse(r)) ? b.dialog
                    : Dialog.uac(b.tx.request(), r);
            d.confirm(Optional.of(r));
            b.dialog = d;
            b.status = r.status();
            b.ack = d.ack(r.cseq().number());
            if (over) {
                // A second answer (RFC 3261 §13.2.2.4), or one after the search ended: ACK then BYE.
                b2bua.sendAck(b.ack, b.peer);
                bye(d, b.peer);
                return;
            }
            stop();
            // The dialog is registered before the ACK leaves: the phone may send a request (REFER, BYE) at once.
            result.answered(b, r);
            b2bua.sendAck(b.ack, b.peer);
        }

        private void branchFinal(Branch b, int status) {
            if (b.status != 0) {
                return;
            }
            b.status = status;
            if (over) {
                return;
            }
            if (status >= 600) {
                // A global failure ends the search (RFC 3261 §16.7 step 5): 603 Decline from one phone stops the others.
                stop();
                result.failed(status, status == 603 ? "Decline" : "Global Failure",
                        status == 603 ? CallLog.Outcome.DECLINED : CallLog.Outcome.FAILED);
                return;
            }
            if (branches.stream().allMatch(x -> x.status != 0)) {
                // Like a ring group: busy only if every phone is busy; the same answer from all passes; else 480.
                int first = branches.getFirst().status;
                boolean same = branches.stream().allMatch(x -> x.status == first);
                int code = same ? first : 480;
                stop();
                result.failed(code, same ? reason(first) : "Temporarily Unavailable",
                        code == 486 ? CallLog.Outcome.BUSY : CallLog.Outcome.FAILED);
            }
        }

        private void noAnswer() {
            if (!over) {
                stop();
                result.failed(480, "Temporarily Unavailable", CallLog.Outcome.NO_ANSWER);
            }
        }

        /** Ends the search: the ring timer, and CANCEL to every branch still without a final answer. */
        void stop() {
            over = true;
            if (ringTimer != null) {
                ringTimer.cancel(false);
            }
            branches.forEach(this::cancel);
        }

        boolean over() {
            return over;
        }

        /** CANCELs a branch still without a final answer, at once if it rang, else at its first 1xx (§9.1). */
        private void cancel(Branch b) {
            b.cancelWanted = true;
            if (b.status == 0 && b.provisional && !b.cancelSent) {
                b.cancelSent = true;
                b2bua.layer.cancel(b.tx, IGNORE);
            }
        }
    }

    final long id;
    final ServerTransaction inviteA;
    private final B2bua b2bua;
    private final Device caller;
    private final String fromNumber;
    private final Optional<String> fromName;
    private final String toNumber;
    private final int maxForwards;
    private final long since;
    private final Peer peerA;
    private final String tagA = Dialog.newTag();
    private final Dialog dialogA;
    /** The relay: its leg a faces the caller, b the callee. */
    private final RelaySession media;
    /** The address written in the SDP we send: where phones reach the relay. */
    private final InetAddress mediaAddress;
    private final SessionDescription offer;
    /** The last SDP each relay leg's phone sent: what a transfer offers the new phone on that phone's behalf. */
    private final Map<RelayLeg, SessionDescription> lastSdp = new ConcurrentHashMap<>();
    /** This call in the call log. */
    private final CallRecordId record;
    private boolean loggedRinging;
    /** The RFC 4028 session interval agreed with the caller (the refresher), when it supports timers. */
    private final Optional<Duration> sessionExpires;
    private ScheduledFuture<?> sessionTimer;
    private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();
    private volatile State state = State.RINGING;
    /** The devices of the phones in the call (on relay leg a, then b), for the live view. */
    private volatile List<String> devices;
    private final Fork ringing = new Fork(new Ringing());
    /** The leg facing relay leg a (the caller's until a transfer) and the one facing b. */
    private Leg legA;
    private Leg legB;
    /** The phones of a blind transfer's target while they ring (one transfer at a time). */
    private Optional<Transferring> transfer = Optional.empty();
    private boolean sentEarlyMedia;
    private boolean offerPending;

    Call(B2bua b2bua, long id, ServerTransaction inviteA, Device caller, String fromNumber, Optional<String> fromName,
         String toNumber, int maxForwards, RelaySession media, InetAddress mediaAddress, SessionDescription offer,
         CallRecordId record, Optional<Duration> sessionExpires) {
        this.record = record;
        this.sessionExpires = sessionExpires;
        this.media = media;
        this.mediaAddress = mediaAddress;
        this.offer = offer;
        this.b2bua = b2bua;
        this.id = id;
        this.inviteA = inviteA;
        this.caller = caller;
        this.fromNumber = fromNumber;
        this.fromName = fromName;
        this.toNumber = toNumber;
        this.maxForwards = maxForwards;
        this.since = b2bua.clock.millis();
        this.peerA = inviteA.source();
        this.dialogA = Dialog.uas(inviteA.request(), tagA);
        this.devices = List.of(caller.username());
    }

    /** Queues {@code task}; tasks of one call run one at a time in order. */
    void run(Runnable task) {
        queue.add(task);
        drain();
    }

    private void drain() {
        if (!draining.compareAndSet(false, true)) {
            return;
        }
        Thread.ofVirtual().name("sip-call-" + id).start(() -> {
            try {
                for (Runnable t = queue.poll(); t != null; t = queue.poll()) {
                    try {
                        t.run();
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "SIP call " + id + ": event failed", e);
                    }
                }
            } finally {
                draining.set(false);
                if (!queue.isEmpty()) {
                    drain();
                }
            }
        });
    }

    B2bua.LiveCall live() {
        return new B2bua.LiveCall(id, fromNumber, toNumber, state.name().toLowerCase(java.util.Locale.ROOT), since,
                devices);
    }

    // ---- ringing

    void fork(List<Target> targets) {
        ringing.start(targets, fromName, fromNumber, toNumber, offer, media.b());
        expect(media.a(), offer);
        // Ringing is silent: the media timer starts when the call is answered (setHeld(false) restarts it).
        media.setHeld(true);
        media.onIdle(() -> run(this::mediaStopped));
    }

    /** The call's own fork: its progress and answer go to the caller. */
    private final class Ringing implements ForkResult {
        @Override
        public void ringing(Branch b, SipResponse r) {
            int status = r.status();
            // Early media from the first branch that offers it; the others ring without SDP (ADR 0031).
            boolean early = r.body().length > 0 && !sentEarlyMedia;
            sentEarlyMedia |= early;
            SipResponse toA = responseToA(status == 183 && !early ? 180 : status,
                    status == 183 && !early ? "Ringing" : r.reason());
            respondA(early ? withSdp(toA, r, media.b(), media.a()) : toA);
            if (!loggedRinging) {
                loggedRinging = true;
                b2bua.record(id, log -> log.ringing(record));
            }
        }

        @Override
        public void answered(Branch b, SipResponse r) {
            state = State.ANSWERED;
            devices = List.of(caller.username(), b.target.device().username());
            dialogA.confirm(Optional.empty());
            legA = new Leg(Call.this, dialogA, peerA, true, media.a());
            legB = new Leg(Call.this, b.dialog, b.peer, false, media.b());
            b2bua.addLeg(legA);
            b2bua.addLeg(legB);
            media.setHeld(false);
            respondA(withSdp(withSessionTimer(responseToA(200, "OK").with("Allow", B2bua.ALLOW)), r, media.b(),
                    media.a()));
            armSessionTimer();
            b2bua.record(id, log -> log.answered(record, b.target.device().id()));
        }

        @Override
        public void failed(int status, String reason, CallLog.Outcome outcome) {
            finish(status, reason, outcome);
        }
    }

    void callerCancelled() {
        if (state == State.RINGING && !ringing.over()) {
            ringing.stop();
            finish(487, "Request Terminated", CallLog.Outcome.CANCELLED);
        }
    }

    /** The caller never ACKed our 200 (timer L): it cannot hear us, hang up both legs. */
    void callerNeverAcked() {
        if (state == State.ANSWERED) {
            hangUp(Optional.empty());
        }
    }

    /** Ends the ringing call with a final answer to the caller. */
    private void finish(int status, String reason, CallLog.Outcome outcome) {
        respondA(responseToA(status, reason));
        b2bua.record(id, log -> log.ended(record, outcome, status));
        end();
    }

    // ---- in a dialog

    void inDialog(Leg from, ServerTransaction tx) {
        SipRequest r = tx.request();
        if (state == State.ENDED) {
            tx.respond(r.response(481, "Call/Transaction Does Not Exist"));
            return;
        }
        if (!from.dialog().acceptRemoteCseq(r)) {
            tx.respond(r.response(500, "CSeq Out of Order"));
            return;
        }
        Leg to = from == legA ? legB : legA;
        switch (r.method()) {
            case "BYE" -> {
                tx.respond(r.response(200, "OK"));
                if (transfer.isPresent() && transfer.get().transferor == from) {
                    transfer.get().transferorLeft();
                    return;
                }
                bye(to.dialog(), to.peer());
                end();
            }
            case "INVITE" -> reinvite(from, to, tx);
            case "UPDATE", "INFO", "NOTIFY" -> forward(from, to, tx);
            case "OPTIONS" -> tx.respond(SipDispatcher.options(r));
            case "REFER" -> refer(from, to, tx);
            default -> tx.respond(r.response(405, "Method Not Allowed").with("Allow", B2bua.ALLOW));
        }
    }

    /**
     * A re-INVITE (hold, resume, a new offer) passed to the other leg as its own re-INVITE; its answer comes back in
     * our 2xx. We ACK the other leg's 2xx ourselves: the offer was in the re-INVITE, so the ACK carries nothing.
     */
    private void reinvite(Leg from, Leg to, ServerTransaction tx) {
        SipRequest r = tx.request();
        if (offerPending) {
            tx.respond(r.response(491, "Request Pending"));
            return;
        }
        SipRequest out;
        try {
            out = withSdp(to.dialog().request("INVITE").with("Contact", contact(to.peer().protocol())), r,
                    from.relay(), to.relay());
        } catch (SdpException e) {
            tx.respond(r.response(488, "Not Acceptable Here"));
            return;
        }
        offerPending = true;
        from.dialog().refreshTarget(r);
        if (r.body().length > 0) {
            // Hold (RFC 3264 §8.4): an offer that stops receiving (sendonly, inactive) is silent on purpose.
            SessionDescription sd = SessionDescription.parse(r.body());
            media.setHeld(!sd.media().isEmpty() && !sd.direction(0).receives());
        }
        b2bua.send(out, to.peer(), new ClientTransaction.Listener() {
            @Override
            public void response(SipResponse response) {
                run(() -> reinviteAnswered(from, to, tx, out, response));
            }

            @Override
            public void failed(ClientTransaction.Failure failure) {
                run(() -> {
                    offerPending = false;
                    tx.respond(r.response(failure == ClientTransaction.Failure.TIMEOUT ? 408 : 503,
                            "Peer Unreachable"));
                    hangUp(Optional.empty());
                });
            }
        });
    }

    private void reinviteAnswered(Leg from, Leg to, ServerTransaction tx, SipRequest out, SipResponse response) {
        int status = response.status();
        if (status < 200) {
            return;
        }
        if (status < 300) {
            b2bua.sendAck(to.dialog().ack(out.cseq().number()), to.peer());
            if (!offerPending) {
                return; // a retransmitted 2xx: ACKed again above
            }
            to.dialog().refreshTarget(response);
            SipResponse ok = tx.request().response(200, "OK").with("Contact", contact(from.peer().protocol()))
                    .with("Allow", B2bua.ALLOW);
            if (from.caller()) {
                ok = withSessionTimer(ok); // the caller's re-INVITE refreshes the session (RFC 4028 §9)
                armSessionTimer();
            }
            tx.respond(withSdp(ok, response, to.relay(), from.relay()));
        } else {
            tx.respond(tx.request().response(status, response.reason()));
        }
        offerPending = false;
        if (status == 408 || status == 481) {
            hangUp(Optional.empty()); // RFC 3261 §14.1: the dialog is gone
        }
    }

    /** UPDATE, INFO (DTMF as SIP INFO), NOTIFY: passed to the other leg, its final answer passed back. */
    private void forward(Leg from, Leg to, ServerTransaction tx) {
        SipRequest r = tx.request();
        if (r.method().equals("UPDATE")) {
            from.dialog().refreshTarget(r);
        }
        SipRequest out = withSdp(to.dialog().request(r.method()), r, from.relay(), to.relay());
        for (String h : new String[] {"Event", "Subscription-State", "Info-Package"}) {
            Optional<String> v = r.header(h);
            if (v.isPresent()) {
                out = out.with(h, v.get());
            }
        }
        if (r.method().equals("UPDATE")) {
            out = out.with("Contact", contact(to.peer().protocol()));
        }
        b2bua.send(out, to.peer(), new ClientTransaction.Listener() {
            @Override
            public void response(SipResponse response) {
                if (response.status() >= 200) {
                    SipResponse back = tx.request().response(response.status(), response.reason());
                    if (r.method().equals("UPDATE") && response.status() < 300) {
                        back = back.with("Contact", contact(from.peer().protocol()));
                        if (from.caller()) {
                            back = withSessionTimer(back); // an UPDATE refreshes the session too (RFC 4028 §9)
                            run(Call.this::armSessionTimer);
                        }
                    }
                    tx.respond(withSdp(back, response, to.relay(), from.relay()));
                }
            }

            @Override
            public void failed(ClientTransaction.Failure failure) {
                tx.respond(r.response(408, "Request Timeout"));
            }
        });
    }

    /**
     * A blind transfer (RFC 3515): the party that sends REFER in the call's dialog leaves, the other one is connected
     * to the extension in Refer-To. We answer 202 and report in NOTIFYs (message/sipfrag): 100 Trying, then the
     * target's final answer. The target's phones ring as for any call, offered the SDP of the party that stays on
     * the relay leg the transferor used, so the party that stays keeps its media path; when one answers, the
     * transferor gets BYE. On failure the call goes on as before.
     */
    private void refer(Leg transferor, Leg transferee, ServerTransaction tx) {
        SipRequest r = tx.request();
        Optional<String> referTo = r.header("Refer-To").or(() -> r.header("r"));
        if (referTo.isEmpty()) {
            tx.respond(r.response(400, "Missing Refer-To"));
            return;
        }
        if (transfer.isPresent() || offerPending) {
            tx.respond(r.response(491, "Request Pending"));
            return;
        }
        if (referTo.get().toLowerCase(java.util.Locale.ROOT).contains("replaces=")) {
            // Attended transfer (REFER with Replaces, RFC 3891) is not built: refuse rather than half-do it.
            tx.respond(r.response(501, "Not Implemented").with("Warning",
                    "399 atrium \"Attended transfer is not supported\""));
            return;
        }
        String number;
        try {
            number = NameAddr.parse(referTo.get()).sipUri().user().orElse("");
        } catch (SipParseException e) {
            tx.respond(r.response(400, "Bad Refer-To"));
            return;
        }
        transferor.dialog().refreshTarget(r);
        tx.respond(r.response(202, "Accepted").with("Contact", contact(transferor.peer().protocol())));
        notifyTransfer(transferor, "100 Trying", false);
        Optional<Extension> extension = number.isEmpty() ? Optional.empty() : b2bua.extension(number);
        if (extension.isEmpty()) {
            notifyTransfer(transferor, "404 Not Found", true);
            return;
        }
        List<Target> targets = b2bua.targets(extension.get());
        if (targets.isEmpty()) {
            notifyTransfer(transferor, "480 Temporarily Unavailable", true);
            return;
        }
        SessionDescription stays = lastSdp.getOrDefault(transferee.relay(), offer);
        // The new phone must send and receive, even if the transferor had put the other party on hold first.
        SessionDescription sdp = stays.media().isEmpty() ? stays : stays.withDirection(0, Direction.SENDRECV);
        Transferring t = new Transferring(transferor, number);
        transfer = Optional.of(t);
        Optional<String> display = transferee.caller() ? fromName : Optional.empty();
        t.fork.start(targets, display, transferee.caller() ? fromNumber : toNumber, number, sdp, transferor.relay());
    }

    /** A transfer's fork: its outcome goes to the transferor in NOTIFYs; an answer replaces the transferor's leg. */
    private final class Transferring implements ForkResult {
        private final Leg transferor;
        private final String target;
        private final Fork fork = new Fork(this);
        /** The transferor hung up while the target rang (RFC 5589 §6 lets it): nobody to NOTIFY or BYE. */
        private boolean transferorGone;

        Transferring(Leg transferor, String target) {
            this.transferor = transferor;
            this.target = target;
        }

        /** The transferor's BYE while the target rings: its leg ends, the transferee waits for the target. */
        void transferorLeft() {
            transferorGone = true;
            transferor.dialog().terminate();
            b2bua.removeLeg(transferor);
        }

        @Override
        public void ringing(Branch b, SipResponse r) {
            // Only 100 Trying and the final answer are reported: RFC 3515 leaves further NOTIFYs to the notifier.
        }

        @Override
        public void answered(Branch b, SipResponse r) {
            transfer = Optional.empty();
            if (state != State.ANSWERED) {
                run(() -> bye(b.dialog, b.peer)); // after the ACK
                return;
            }
            Leg joined = new Leg(Call.this, b.dialog, b.peer, false, transferor.relay());
            Optional<SessionDescription> answer;
            try {
                answer = r.body().length == 0 ? Optional.empty() : Optional.of(SessionDescription.parse(r.body()));
            } catch (SdpException e) {
                run(() -> bye(b.dialog, b.peer)); // after the ACK
                failed(488, "Not Acceptable Here", CallLog.Outcome.FAILED);
                return;
            }
            answer.ifPresent(sd -> expect(joined.relay(), sd));
            if (!transferorGone) {
                notifyTransfer(transferor, "200 OK", true);
                // The transferor's phone sends until it has our BYE: a stray packet of its stream could latch the
                // relay leg before the target's first one and keep it (ADR 0030). Once it has answered the BYE,
                // the leg is pointed at the target again, which forgets any such latch.
                b2bua.send(transferor.dialog().request("BYE"), transferor.peer(), new ClientTransaction.Listener() {
                    @Override
                    public void response(SipResponse response) {
                        if (response.status() >= 200) {
                            answer.ifPresent(sd -> run(() -> {
                                if (state == State.ANSWERED) {
                                    expect(joined.relay(), sd);
                                }
                            }));
                        }
                    }

                    @Override
                    public void failed(ClientTransaction.Failure failure) {
                    }
                });
                transferor.dialog().terminate();
                b2bua.removeLeg(transferor);
            }
            b2bua.addLeg(joined);
            String device = b.target.device().username();
            if (transferor == legA) {
                legA = joined;
                devices = List.of(device, devices.getLast());
            } else {
                legB = joined;
                devices = List.of(devices.getFirst(), device);
            }
            if (transferor.caller() && sessionTimer != null) {
                sessionTimer.cancel(false); // the refresher left: no one refreshes the session any more
            }
            b2bua.record(id, log -> log.transferred(record, target, CallLog.TransferKind.BLIND));
        }

        @Override
        public void failed(int status, String reason, CallLog.Outcome outcome) {
            transfer = Optional.empty();
            if (state != State.ANSWERED) {
                return;
            }
            if (transferorGone) {
                hangUp(Optional.of(transferor)); // the transferee is alone: end the call
            } else {
                notifyTransfer(transferor, status + " " + reason, true);
            }
        }
    }

    /** A NOTIFY of the implicit "refer" subscription (RFC 3515 §2.4.4) carrying the target's status line. */
    private void notifyTransfer(Leg to, String statusLine, boolean last) {
        SipRequest n = to.dialog().request("NOTIFY").with("Contact", contact(to.peer().protocol()))
                .with("Event", "refer")
                .with("Subscription-State", last ? "terminated;reason=noresource" : "active;expires=60")
                .withBody("message/sipfrag;version=2.0",
                        ("SIP/2.0 " + statusLine + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        b2bua.send(n, to.peer(), IGNORE);
    }

    /** BYE on both legs (or the one given is already gone) and the end of the call. */
    private void hangUp(Optional<Leg> gone) {
        for (Leg l : new Leg[] {legA, legB}) {
            if (l != null && gone.map(g -> g != l).orElse(true)) {
                bye(l.dialog(), l.peer());
            }
        }
        end();
    }

    private void bye(Dialog d, Peer peer) {
        b2bua.send(d.request("BYE"), peer, IGNORE);
        d.terminate();
    }

    /** Session-Expires with the caller as refresher and Require: timer, when the caller supports timers. */
    private SipResponse withSessionTimer(SipResponse ok) {
        return sessionExpires.map(se -> ok.with("Session-Expires", se.toSeconds() + ";refresher=uac")
                .with("Require", "timer")).orElse(ok);
    }

    /**
     * (Re)starts the wait for the caller's next refresh: without one, the call ends min(32 s, interval/3) before
     * the interval runs out (RFC 4028 §10), BYE to both phones.
     */
    private void armSessionTimer() {
        if (sessionExpires.isEmpty()) {
            return;
        }
        if (sessionTimer != null) {
            sessionTimer.cancel(false);
        }
        Duration se = sessionExpires.get();
        Duration wait = se.minus(Duration.ofSeconds(Math.min(32, se.toSeconds() / 3)));
        sessionTimer = b2bua.schedule(() -> run(() -> {
            if (state == State.ANSWERED) {
                LOG.info("SIP call " + id + ": session not refreshed in " + se.toSeconds() + " s, hanging up");
                hangUp(Optional.empty());
            }
        }), wait);
    }

    private void end() {
        if (state == State.ENDED) {
            return;
        }
        if (state == State.ANSWERED) {
            b2bua.record(id, log -> log.ended(record, CallLog.Outcome.ANSWERED, 200));
        }
        state = State.ENDED;
        ringing.stop();
        transfer.ifPresent(t -> t.fork.stop());
        if (sessionTimer != null) {
            sessionTimer.cancel(false);
        }
        dialogA.terminate();
        media.close();
        b2bua.ended(this);
    }

    /** No RTP from either phone for voip.media-timeout while not held: a phone vanished, hang up both legs. */
    private void mediaStopped() {
        if (state == State.ANSWERED) {
            LOG.info("SIP call " + id + ": no media for the media timeout, hanging up");
            hangUp(Optional.empty());
        }
    }

    // ---- messages

    private String contact(atrium.sip.transport.Protocol protocol) {
        return b2bua.contact(protocol, inviteA.request());
    }

    /** Tells the relay leg facing a phone where that phone's SDP says it receives (it latches on what arrives anyway). */
    private void expect(RelayLeg leg, SessionDescription sd) {
        lastSdp.put(leg, sd);
        if (sd.media().isEmpty()) {
            return;
        }
        Optional<InetSocketAddress> rtp = sd.mediaAddress(0);
        if (rtp.isPresent() && !rtp.get().getAddress().isAnyLocalAddress()) {
            try {
                leg.expect(rtp.get(), sd.rtcpAddress(0).orElse(rtp.get()));
            } catch (IllegalArgumentException e) {
                LOG.fine(() -> "relay cannot send to " + rtp.get() + ": waits for the phone's first packet");
            }
        }
    }

    /**
     * The SDP for the other side: the first stream on the relay leg facing the receiver, any further stream refused
     * (port 0: the relay carries one stream per call), ICE dropped (ADR 0030).
     */
    private byte[] anchored(SessionDescription sd, RelayLeg towardsReceiver) {
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < sd.media().size(); i++) {
            ports.add(i == 0 ? towardsReceiver.rtpPort() : 0);
        }
        return sd.anchored(mediaAddress, ports).toBytes();
    }

    /**
     * {@code target} with the body of {@code source}: an SDP is read (where the sender receives, told to
     * {@code fromSender}) and rewritten onto the relay ({@code towardsReceiver}); any other body passes as it is.
     */
    private <M extends SipMessage> M withSdp(M target, SipMessage source, RelayLeg fromSender, RelayLeg towardsReceiver) {
        boolean sdp = source.header("Content-Type").map(t -> t.strip().toLowerCase(java.util.Locale.ROOT)
                .startsWith("application/sdp")).orElse(false);
        if (source.body().length == 0 || !sdp) {
            return withBodyOf(target, source);
        }
        SessionDescription sd = SessionDescription.parse(source.body());
        expect(fromSender, sd);
        return withBody(target, "application/sdp", anchored(sd, towardsReceiver));
    }

    private SipResponse responseToA(int status, String reason) {
        SipRequest a = inviteA.request();
        SipResponse res = a.response(status, reason).withToTag(tagA);
        if (status > 100 && status < 300) {
            res = res.with("Contact", contact(peerA.protocol()));
            for (String rr : a.headers().all("Record-Route")) {
                res = res.with("Record-Route", rr);
            }
        }
        return res;
    }

    private void respondA(SipResponse r) {
        inviteA.respond(r);
    }

    /** {@code target} with the body and Content-Type of {@code source}, if it has a body. */
    private static <M extends SipMessage> M withBodyOf(M target, SipMessage source) {
        byte[] body = source.body();
        return body.length == 0 ? target
                : withBody(target, source.header("Content-Type").orElse("application/octet-stream"), body);
    }

    @SuppressWarnings("unchecked")
    private static <M extends SipMessage> M withBody(M target, String type, byte[] body) {
        return (M) switch (target) {
            case SipRequest q -> q.withBody(type, body);
            case SipResponse s -> s.withBody(type, body);
        };
    }

    private static String reason(int status) {
        return switch (status) {
            case 486 -> "Busy Here";
            case 404 -> "Not Found";
            case 408 -> "Request Timeout";
            case 488 -> "Not Acceptable Here";
            case 503 -> "Service Unavailable";
            default -> "Temporarily Unavailable";
        };
    }

    private static final ClientTransaction.Listener IGNORE = new ClientTransaction.Listener() {
        @Override
        public void response(SipResponse response) {
        }

        @Override
        public void failed(ClientTransaction.Failure failure) {
        }
    };
}
