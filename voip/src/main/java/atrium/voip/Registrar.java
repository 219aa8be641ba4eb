package atrium.voip;

import atrium.core.Ids;
import atrium.identity.AuditLog;
import atrium.sip.DigestAlgorithm;
import atrium.sip.DigestCredentials;
import atrium.sip.DigestServer;
import atrium.sip.NameAddr;
import atrium.sip.SipParseException;
import atrium.sip.SipRequest;
import atrium.sip.SipResponse;
import atrium.sip.SipUri;
import atrium.sip.transaction.ServerTransaction;
import atrium.sip.transaction.TransactionUser;
import atrium.sip.transport.Peer;
import atrium.voip.db.PhoneStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The registrar (RFC 3261 §10.3) and, for now, the whole SIP user-agent core: REGISTER with digest, OPTIONS,
 * 405/501 for the rest. Each request is handled on a virtual thread of its own (database work), not on the
 * transport's reading thread.
 */
public final class Registrar implements TransactionUser {
    private static final Logger LOG = Logger.getLogger(Registrar.class.getName());
    static final String ALLOW = "REGISTER, OPTIONS";
    /** Methods we know but do not serve yet (calls come with the B2BUA): 405, not 501 (RFC 3261 §8.2.1). */
    private static final Set<String> KNOWN = Set.of("INVITE", "ACK", "BYE", "CANCEL", "SUBSCRIBE", "NOTIFY", "REFER",
            "MESSAGE", "INFO", "UPDATE", "PRACK", "PUBLISH");
    /** User-Agents of known scanners, as Kamailio's default configuration lists them (sip-pbx-notes §6). */
    private static final Pattern SCANNER = Pattern.compile("friendly|scanner|sipcli|sipvicious|VaxSIPUserAgent|pplsip",
            Pattern.CASE_INSENSITIVE);
    private static final int MAX_USER_AGENT = 200;

    /** Expiry bounds in seconds: below {@code min} is 423, above {@code max} is shortened, absent is {@code dflt}. */
    public record Expiry(int min, int max, int dflt) {
    }

    private final PhoneService phones;
    private final PhoneStore store;
    private final DigestServer digest;
    private final SipThrottle throttle;
    private final AuditLog audit;
    private final Ids ids;
    private final Clock clock;
    private final Expiry expiry;
    private final LiveEvents live;

    public Registrar(PhoneService phones, PhoneStore store, DigestServer digest, SipThrottle throttle, AuditLog audit,
                     Ids ids, Clock clock, Expiry expiry, LiveEvents live) {
        this.live = live;
        this.phones = phones;
        this.store = store;
        this.digest = digest;
        this.throttle = throttle;
        this.audit = audit;
        this.ids = ids;
        this.clock = clock;
        this.expiry = expiry;
    }

    @Override
    public void request(ServerTransaction tx) {
        Thread.ofVirtual().name("sip-request").start(() -> {
            try {
                handle(tx);
            } catch (SipParseException e) {
                tx.respond(response(tx.request(), e.status() == 0 ? 400 : e.status(), "Bad Request"));
            } catch (BadRequest e) {
                tx.respond(response(tx.request(), 400, e.getMessage()));
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "SIP " + tx.request().method() + " from " + tx.source() + " failed", e);
                tx.respond(response(tx.request(), 500, "Server Internal Error"));
            }
        });
    }

    @Override
    public void ack(SipRequest ack, Peer from) {
        // No INVITE is ever answered 2xx yet, so no ACK belongs to us: dropped (RFC 3261 §17.2.3 leaves them to the TU).
    }

    private void handle(ServerTransaction tx) {
        SipRequest r = tx.request();
        String address = tx.source().address().getAddress().getHostAddress();
        if (throttle.blocked(address)) {
            tx.respond(response(r, 403, "Forbidden"));
            return;
        }
        switch (r.method()) {
            case "REGISTER" -> register(tx, address);
            case "OPTIONS" -> tx.respond(response(r, 200, "OK").with("Allow", ALLOW).with("Accept", "application/sdp"));
            default -> tx.respond(response(r, KNOWN.contains(r.method()) ? 405 : 501,
                    KNOWN.contains(r.method()) ? "Method Not Allowed" : "Not Implemented").with("Allow", ALLOW));
        }
    }

    private void register(ServerTransaction tx, String address) {
        SipRequest r = tx.request();
        Optional<String> userAgent = r.header("User-Agent");
        if (userAgent.isPresent() && SCANNER.matcher(userAgent.get()).find()) {
            throttle.failed(address, r.to().sipUri().user().orElse(""), "scanner User-Agent: " + userAgent.get());
            tx.respond(response(r, 403, "Forbidden"));
            return;
        }
        Optional<String> authorization = r.header("Authorization");
        if (authorization.isEmpty()) {
            tx.respond(challenge(r, false));
            return;
        }
        DigestCredentials credentials;
        try {
            credentials = DigestCredentials.parse(authorization.get());
        } catch (RuntimeException e) {
            tx.respond(response(r, 400, "Bad Authorization"));
            return;
        }
        AtomicReference<Device> device = new AtomicReference<>();
        DigestServer.Verdict verdict = digest.verify(r.method(), credentials, (user, algorithm) ->
                phones.forDigest(user, algorithm).map(a -> {
                    device.set(a.device());
                    return a.ha1();
                }));
        switch (verdict) {
            case STALE -> {
                tx.respond(challenge(r, true));
                return;
            }
            case BAD, REPLAY -> {
                // The same 401 for an unknown user as for a wrong password: nothing to enumerate (sip-pbx-notes §6).
                long wait = throttle.failed(address, credentials.username(), verdict == DigestServer.Verdict.REPLAY
                        ? "replayed digest answer" : "wrong password or unknown SIP username");
                sleep(wait);
                tx.respond(throttle.blocked(address) ? response(r, 403, "Forbidden") : challenge(r, false));
                return;
            }
            case OK -> {
            }
        }
        Device d = device.get();
        SipUri aor = r.to().sipUri();
        String aorUser = aor.user().orElse("");
        Optional<Extension> extension = phones.extensionOf(d.account());
        if (!aorUser.equals(d.username()) && !extension.map(e -> e.number().equals(aorUser)).orElse(false)) {
            audit.record(Optional.empty(), "sip-register-forbidden", Optional.of(d.username()), address,
                    "tried to register " + aor);
            tx.respond(response(r, 403, "Forbidden"));
            return;
        }
        bindings(tx, d, extension, address, userAgent.orElse(""));
    }

    /** The contact part of §10.3: steps 6 to 8, then the 200 listing every binding. */
    private void bindings(ServerTransaction tx, Device d, Optional<Extension> extension, String address,
                          String userAgent) {
        SipRequest r = tx.request();
        List<NameAddr> contacts = r.contacts();
        Optional<Integer> expiresHeader = r.header("Expires").map(Registrar::seconds);
        long now = clock.millis();
        if (contacts.stream().anyMatch(c -> c.equals(NameAddr.STAR) || c.uri().equals("*"))) {
            if (contacts.size() != 1 || expiresHeader.orElse(-1) != 0) {
                tx.respond(response(r, 400, "Contact * needs Expires: 0 and no other Contact"));
                return;
            }
            List<Registration> gone = store.bindings(d.id(), now);
            store.removeAll(d.id());
            gone.forEach(b -> live.registrationRemoved(b.id(), d));
            LOG.fine(() -> "SIP device " + d.username() + " unregistered every contact from " + address);
            tx.respond(ok(r, d, now));
            return;
        }
        Map<String, Registration> current = new HashMap<>();
        store.bindings(d.id(), now).forEach(b -> current.put(b.contactUri(), b));
        List<String> removed = new ArrayList<>();
        List<Registration> upserts = new ArrayList<>();
        Peer source = tx.source();
        String transport = source.protocol().name().toLowerCase(Locale.ROOT);
        String sourceText = hostPort(source);
        long cseq = r.cseq().number();
        for (NameAddr c : contacts) {
            int asked = c.params().get("expires").map(Registrar::seconds).or(() -> expiresHeader).orElse(expiry.dflt());
            if (asked > 0 && asked < expiry.min()) {
                tx.respond(response(r, 423, "Interval Too Brief").with("Min-Expires", Integer.toString(expiry.min())));
                return;
            }
            Registration old = current.get(c.uri());
            if (old != null && old.callId().equals(r.callId()) && cseq <= old.cseq()) {
                tx.respond(response(r, 500, "Out of order REGISTER"));
                return;
            }
            if (asked == 0) {
                removed.add(c.uri());
                continue;
            }
            int granted = Math.min(asked, expiry.max());
            NameAddr stored = new NameAddr(c.displayName(), c.uri(), c.params().without("expires"));
            upserts.add(new Registration(old != null ? old.id() : ids.next(), d.id(), stored.toString(), c.uri(),
                    transport, sourceText, truncate(userAgent), r.callId(), cseq, now + granted * 1000L));
        }
        store.apply(d.id(), removed, upserts, now);
        tx.respond(ok(r, d, now));
        removed.stream().map(current::get).filter(Objects::nonNull).forEach(b -> live.registrationRemoved(b.id(), d));
        Optional<String> number = extension.map(Extension::number);
        for (Registration b : upserts) {
            // Just registered over its own connection: connected.
            live.registration(current.containsKey(b.contactUri()) ? "voip.registration.updated"
                    : "voip.registration.added", new SipServer.Binding(b, d, number, SipServer.reachAt(d, b), true));
        }
    }

    /** 200 with every current binding and its remaining seconds (RFC 3261 §10.3 step 8). */
    private SipResponse ok(SipRequest r, Device d, long now) {
        SipResponse ok = response(r, 200, "OK");
        for (Registration b : store.bindings(d.id(), now)) {
            long left = Math.max(1, (b.expiresAt() - now + 999) / 1000);
            ok = ok.with("Contact", NameAddr.parse(b.contact()).withParam("expires", Long.toString(left)).toString());
        }
        return ok;
    }

    private SipResponse challenge(SipRequest r, boolean stale) {
        // One MD5 challenge: sipp and baresip give up on anything else (sip-pbx-notes §0.1).
        return response(r, 401, "Unauthorized").with("WWW-Authenticate", digest.challenge(DigestAlgorithm.MD5, stale)
                .toString());
    }

    private static SipResponse response(SipRequest r, int status, String reason) {
        SipResponse res = r.response(status, reason);
        return r.to().tag().isPresent() ? res : res.withToTag(Long.toHexString(r.callId().hashCode() & 0xffffffffL));
    }

    private static int seconds(String value) {
        try {
            long v = Long.parseLong(value.strip());
            if (v < 0) {
                throw new BadRequest("Negative expiry");
            }
            return (int) Math.min(v, Integer.MAX_VALUE);
        } catch (NumberFormatException e) {
            throw new BadRequest("Bad expiry");
        }
    }

    static String hostPort(Peer p) {
        String host = p.address().getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + p.address().getPort();
    }

    private static String truncate(String s) {
        return s.length() <= MAX_USER_AGENT ? s : s.substring(0, MAX_USER_AGENT);
    }

    /** A request we can read but not accept: 400 with this reason. */
    private static final class BadRequest extends RuntimeException {
        BadRequest(String reason) {
            super(reason, null, false, false);
        }
    }

    private static void sleep(long millis) {
        if (millis > 0) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
