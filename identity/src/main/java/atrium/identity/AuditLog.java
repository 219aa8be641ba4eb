package atrium.identity;

import atrium.core.Ids;
import atrium.identity.db.AuditStore;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/** Who did what, when, from where: sign-ins, failures, 2FA changes, admin actions. */
public final class AuditLog {
    private final AuditStore store;
    private final Ids ids;
    private final Clock clock;

    public AuditLog(AuditStore store, Ids ids, Clock clock) {
        this.store = store;
        this.ids = ids;
        this.clock = clock;
    }

    public void record(Optional<String> actor, String action, Optional<String> target, String address, String detail) {
        store.append(new AuditEntry(ids.next(), clock.millis(), actor, action, target,
                Optional.ofNullable(address), detail == null || detail.isEmpty() ? Optional.empty() : Optional.of(detail)));
    }

    public void record(Caller caller, String action, String target, String detail) {
        record(Optional.of(caller.login()), action, Optional.ofNullable(target), caller.address(), detail);
    }

    public List<AuditEntry> search(AuditStore.Filter filter) {
        return store.search(filter);
    }
}
