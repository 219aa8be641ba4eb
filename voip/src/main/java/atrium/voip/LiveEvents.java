package atrium.voip;

import atrium.core.bus.Audience;
import atrium.core.bus.Event;
import atrium.core.bus.EventBus;
import atrium.core.http.Json;
import atrium.identity.Account;
import atrium.identity.AccountId;
import atrium.identity.AccountService;
import atrium.voip.db.CallStore;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The phone system's events on the bus (docs/api/realtime.md, docs/api/voip.md "Live events"): for administrators
 * ({@code voip.registration.*}, {@code voip.call.*}, the live view), and for each party of a call that ended its own
 * history changing ({@code voip.history.changed}, with the missed-call count for the badge). The administrators are looked
 * up at most every {@link #ADMINS_FOR} ms: phones re-register all the time, and a query per REGISTER would cost the
 * registrar; one made or unmade an administrator gets or stops getting the live view within that time.
 */
public final class LiveEvents {
    static final long ADMINS_FOR = 2_000;

    private record Admins(Audience audience, long until) {
    }

    private final EventBus bus;
    private final AccountService accounts;
    private final CallStore calls;
    private final VoipViews views;
    private final Clock clock;
    private volatile Admins admins = new Admins(Audience.nobody(), Long.MIN_VALUE);

    public LiveEvents(EventBus bus, AccountService accounts, CallStore calls, VoipViews views, Clock clock) {
        this.bus = bus;
        this.clock = clock;
        this.accounts = accounts;
        this.calls = calls;
        this.views = views;
    }

    void call(String type, CallRecord c) {
        bus.publish(new Event(type, admins(), views.call(c)));
        if (c.endedAt().isEmpty()) {
            // A person's history shows calls once they end; the B2BUA's steps before cost no more queries.
            return;
        }
        Set<AccountId> parties = new LinkedHashSet<>();
        c.from().account().ifPresent(parties::add);
        c.callee().ifPresent(parties::add);
        for (AccountId party : parties) {
            var data = Json.MAPPER.createObjectNode();
            data.set("call", views.mine(c, party));
            data.put("missed", calls.missed(party));
            bus.publish(new Event("voip.history.changed", Audience.of(Set.of(party.value())), data));
        }
    }

    /** A phone registered a new contact ({@code added}) or refreshed one ({@code updated}). */
    void registration(String type, SipServer.Binding b) {
        bus.publish(new Event(type, admins(), views.binding(b)));
    }

    /** A binding ended: un-registered, or dropped with its device, extension or password. */
    void registrationRemoved(long registrationId, Device device) {
        var data = Json.MAPPER.createObjectNode().put("id", Long.toString(registrationId))
                .put("device", device.username());
        bus.publish(new Event("voip.registration.removed", admins(), data));
    }

    private Audience admins() {
        Admins known = admins;
        long now = clock.millis();
        if (now < known.until()) {
            return known.audience();
        }
        Audience fresh = Audience.of(accounts.admins().stream().map(Account::id).map(AccountId::value).toList());
        admins = new Admins(fresh, now + ADMINS_FOR);
        return fresh;
    }
}
