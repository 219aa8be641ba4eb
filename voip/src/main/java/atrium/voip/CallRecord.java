package atrium.voip;

import atrium.identity.AccountId;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One call attempt as the call log keeps it: who called ({@code from}), the number dialled ({@code to}) and the
 * account it reached with its display name at the time, when it started, rang, was answered (and on which device) and ended, how it ended, and where
 * it was transferred. {@code outcome} is empty while the call is in progress.
 */
public record CallRecord(CallRecordId id, String sipCallId, CallLog.Party from, String to, Optional<AccountId> callee,
                         String calleeName,
                         long startedAt, Optional<Long> ringingAt, Optional<Long> answeredAt,
                         Optional<DeviceId> answeredBy, Optional<Long> endedAt, Optional<CallLog.Outcome> outcome,
                         OptionalInt sipCode, List<CallLog.Transfer> transfers) {
    public CallRecord {
        transfers = List.copyOf(transfers);
    }

    /** Seconds between answer and end (0 for a call not answered, or still going). */
    public long durationSeconds() {
        return answeredAt.flatMap(a -> endedAt.map(e -> Math.max(0, e - a) / 1000)).orElse(0L);
    }

    /** A call its callee did not take: no answer, busy, or given up by the caller while it rang. */
    public boolean missed() {
        return outcome.filter(CallLog.Outcome.MISSED::contains).isPresent();
    }
}
