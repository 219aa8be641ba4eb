package atrium.voip;

/** A SIP device's id (64-bit, time-ordered, from {@code Ids}). */
public record DeviceId(long value) {
}
