package atrium.voip;

import atrium.core.Ids;
import atrium.identity.AuditLog;
import atrium.sip.NameAddr;
import atrium.sip.SipRequest;
import atrium.sip.SipResponse;
import atrium.sip.SipUri;
import atrium.sip.transaction.ServerTransaction;
import atrium.sip.transport.Peer;
import atrium.voip.db.PhoneStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The registrar (RFC 3261 §10.3): REGISTER with digest, on the virtual thread {@link SipDispatcher} gives it
 * (database work).
 */
public final class Registrar {
    private static final Logger LOG = Logger.getLogger(Registrar.class.getName());
    private static final int MAX_USER_AGENT = 200;

    /** Expiry bounds in seconds: below {@code min} is 423, above {@code max} is shortened, absent is {@code dflt}. */
    public record Expiry(int min, int max, int dflt) {
    }

    private final PhoneService phones;
    private final PhoneStore store;
    private final SipAuth auth;
    private final AuditLog audit;
    private final Ids ids;
    private final Clock clock;
    private final Expiry expiry;
    private final LiveEvents live;
    private final SipDomain domain;

    public Registrar(PhoneService phones, PhoneStore store, SipAuth auth, AuditLog audit, Ids ids, Clock clock,
                     Expiry expiry, LiveEvents live, SipDomain domain) {
        this.domain = domain;
        this.live = live;
        this.phones = phones;
        this.store = store;
        this.auth = auth;
        this.audit = audit;
        this.ids = ids;
        this.clock = clock;
        this.expiry = expiry;
    }

    /** Answers a REGISTER. */
    void register(ServerTransaction tx) {
        SipRequest r = tx.request();
        String address = SipAuth.address(tx);
        // Before any challenge, like Kamailio: a REGISTER for another domain is nobody's password to guess here.
        // Request-URI: we are no proxy to forward it (RFC 3261 §10.3 step 1) → 403; To: an AOR not of our domain
        // (step 3) → 404.
        if (!domain.ours(r.sipUri().host())) {
            tx.respond(SipAuth.response(r, 403, "Domain Not Served Here"));
            return;
        }
        if (!domain.ours(r.to().sipUri().host())) {
            tx.respond(SipAuth.response(r, 404, "Not Found"));
            return;
        }
        Optional<Device> device = auth.authenticate(tx, false);
        if (device.isEmpty()) {
            return;
        }
        Optional<String> userAgent = r.header("User-Agent");
        Device d = device.get();
        SipUri aor = r.to().sipUri();
        String aorUser = aor.user().orElse("");
        Optional<Extension> extension = phones.extensionOf(d.account());
        if (!aorUser.equals(d.username()) && !extension.map(e -> e.number().equals(aorUser)).orElse(false)) {
            audit.record(Optional.empty(), "sip-register-forbidden", Optional.of(d.username()), address,
                    "tried to register " + aor);
            tx.respond(SipAuth.response(r, 403, "Forbidden"));
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
                tx.respond(SipAuth.response(r, 400, "Contact * needs Expires: 0 and no other Contact"));
                return;
            }
            List<Registration> gone = store.bindings(d.id(), now);
            store.removeAll(d.id());
            gone.forEach(b -> live.registrationRemoved(b.id(), d));
            LOG.fine(() -> "SIP device " + d.username() + " unregistered every contact from " + address);
            tx.respond(ok(r, List.of(), now));
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
        // RFC 3327 §5.3: the Path values as received, first = the proxy nearest to us, where requests to it go first.
        String path = String.join(", ", r.headers().all("Path"));
        for (NameAddr c : contacts) {
            int asked = c.params().get("expires").map(Registrar::seconds).or(() -> expiresHeader).orElse(expiry.dflt());
            if (asked > 0 && asked < expiry.min()) {
                tx.respond(SipAuth.response(r, 423, "Interval Too Brief").with("Min-Expires", Integer.toString(expiry.min())));
                return;
            }
            Registration old = current.get(c.uri());
            if (old != null && old.callId().equals(r.callId()) && cseq <= old.cseq()) {
                tx.respond(SipAuth.response(r, 500, "Out of order REGISTER"));
                return;
            }
            if (asked == 0) {
                removed.add(c.uri());
                continue;
            }
            int granted = Math.min(asked, expiry.max());
            NameAddr stored = new NameAddr(c.displayName(), c.uri(), c.params().without("expires"));
            upserts.add(new Registration(old != null ? old.id() : ids.next(), d.id(), stored.toString(), c.uri(),
                    transport, sourceText, truncate(userAgent), r.callId(), cseq, now + granted * 1000L, path));
        }
        store.apply(d.id(), removed, upserts, now);
        // The bindings now stored, from those read above and this change, without reading them again.
        Map<String, Registration> after = new HashMap<>(current);
        removed.forEach(after::remove);
        upserts.forEach(b -> after.put(b.contactUri(), b));
        tx.respond(ok(r, after.values().stream().sorted(Comparator.comparingLong(Registration::id)).toList(), now));
        removed.stream().map(current::get).filter(Objects::nonNull).forEach(b -> live.registrationRemoved(b.id(), d));
        Optional<String> number = extension.map(Extension::number);
        for (Registration b : upserts) {
            // Just registered over its own connection: connected.
            live.registration(current.containsKey(b.contactUri()) ? "voip.registration.updated"
                    : "voip.registration.added", new SipServer.Binding(b, d, number, SipServer.reachAt(d, b), true));
        }
    }

    /**
     * 200 with every current binding and its remaining seconds (RFC 3261 §10.3 step 8), and the request's Path copied
     * when the phone said it supports path (RFC 3327 §5.3).
     */
    private SipResponse ok(SipRequest r, List<Registration> bindings, long now) {
        SipResponse ok = SipAuth.response(r, 200, "OK").with("Supported", "path");
        if (supportsPath(r)) {
            for (String p : r.headers().all("Path")) {
                ok = ok.with("Path", p);
            }
        }
        for (Registration b : bindings) {
            long left = Math.max(1, (b.expiresAt() - now + 999) / 1000);
            ok = ok.with("Contact", NameAddr.parse(b.contact()).withParam("expires", Long.toString(left)).toString());
        }
        return ok;
    }


    private static int seconds(String value) {
        try {
            long v = Long.parseLong(value.strip());
            if (v < 0) {
                throw new SipDispatcher.BadRequest("Negative expiry");
            }
            return (int) Math.min(v, Integer.MAX_VALUE);
        } catch (NumberFormatException e) {
            throw new SipDispatcher.BadRequest("Bad expiry");
        }
    }

    static String hostPort(Peer p) {
        String host = p.address().getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + p.address().getPort();
    }

    private static String truncate(String s) {
        return s.length() <= MAX_USER_AGENT ? s : s.substring(0, MAX_USER_AGENT);
    }


    private static boolean supportsPath(SipRequest r) {
        return r.headers().all("Supported").stream().anyMatch(t -> t.strip().equalsIgnoreCase("path"));
    }
}
