package atrium.voip;

/** A call log entry's id (64-bit, time-ordered, from {@code Ids}): also the cursor for paging the log. */
public record CallRecordId(long value) {
}
