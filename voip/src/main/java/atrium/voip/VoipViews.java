package atrium.voip;

import atrium.core.http.Json;
import atrium.identity.Account;
import atrium.identity.AccountId;
import atrium.identity.AccountService;
import atrium.voip.db.PhoneStore;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The JSON shapes of calls and registrations, the same in REST answers and in live events (docs/api/voip.md).
 * Ids are strings (64-bit); people are named by login, phones by SIP username.
 */
public final class VoipViews {
    private final AccountService accounts;
    private final PhoneStore phones;
    /** Logins never change, nor devices' usernames: each is looked up once (a deleted one each time, it is rare). */
    private final Map<Long, String> logins = new ConcurrentHashMap<>();
    private final Map<Long, String> usernames = new ConcurrentHashMap<>();

    public VoipViews(AccountService accounts, PhoneStore phones) {
        this.accounts = accounts;
        this.phones = phones;
    }

    /** An account's login; empty when there is no account or it was deleted since. */
    public Optional<String> login(Optional<AccountId> account) {
        return account.flatMap(a -> Optional.ofNullable(logins.get(a.value()))
                .or(() -> accounts.byId(a).map(Account::login).map(l -> {
                    logins.put(a.value(), l);
                    return l;
                })));
    }

    private Optional<String> username(Optional<DeviceId> device) {
        return device.flatMap(d -> Optional.ofNullable(usernames.get(d.value()))
                .or(() -> phones.deviceById(d).map(Device::username).map(u -> {
                    usernames.put(d.value(), u);
                    return u;
                })));
    }

    /** A call as administrators see it: both parties, the devices, every time, the SIP Call-ID. */
    public ObjectNode call(CallRecord c) {
        ObjectNode n = Json.MAPPER.createObjectNode().put("id", Long.toString(c.id().value()));
        n.putObject("from").put("login", login(c.from().account()).orElse(null)).put("number", c.from().number())
                .put("name", c.from().name()).put("device", username(c.from().device()).orElse(null));
        n.putObject("to").put("login", login(c.callee()).orElse(null)).put("number", c.to()).put("name", c.calleeName());
        times(n, c);
        n.put("answeredBy", username(c.answeredBy()).orElse(null));
        n.put("sipCallId", c.sipCallId());
        return n;
    }

    /**
     * A call in {@code me}'s own history: its direction ({@code out} when they called, their own extension
     * included), the other party, and whether it is a call they missed.
     */
    public ObjectNode mine(CallRecord c, AccountId me) {
        boolean out = c.from().account().filter(me::equals).isPresent();
        ObjectNode n = Json.MAPPER.createObjectNode().put("id", Long.toString(c.id().value()))
                .put("direction", out ? "out" : "in");
        ObjectNode other = n.putObject("other");
        if (out) {
            other.put("login", login(c.callee()).orElse(null)).put("number", c.to()).put("name", c.calleeName());
        } else {
            other.put("login", login(c.from().account()).orElse(null)).put("number", c.from().number())
                    .put("name", c.from().name());
        }
        times(n, c);
        n.put("missed", !out && c.missed());
        return n;
    }

    private static void times(ObjectNode n, CallRecord c) {
        n.put("startedAt", c.startedAt());
        n.put("ringingAt", c.ringingAt().orElse(null));
        n.put("answeredAt", c.answeredAt().orElse(null));
        n.put("endedAt", c.endedAt().orElse(null));
        n.put("durationSeconds", c.durationSeconds());
        n.put("outcome", c.outcome().map(CallLog.Outcome::token).orElse(null));
        if (c.sipCode().isPresent()) {
            n.put("sipCode", c.sipCode().getAsInt());
        } else {
            n.putNull("sipCode");
        }
        ArrayNode transfers = n.putArray("transfers");
        c.transfers().forEach(t -> transfers.addObject().put("at", t.at()).put("target", t.target())
                .put("kind", t.kind().token()));
    }

    /** A live binding of a phone, for the administrators' view. */
    public ObjectNode binding(SipServer.Binding b) {
        Registration r = b.registration();
        return Json.MAPPER.createObjectNode().put("id", Long.toString(r.id())).put("device", b.device().username())
                .put("login", login(Optional.of(b.device().account())).orElse("#" + b.device().account().value()))
                .put("extension", b.extension().orElse(null)).put("contact", r.contact()).put("reachAt", b.reachAt())
                .put("source", r.source()).put("transport", r.transport()).put("connected", b.connected())
                .put("userAgent", r.userAgent()).put("expiresAt", r.expiresAt());
    }
}
