package atrium.identity;

/** How far a browser session has got through sign-in. */
public enum SessionState {
    /** Password accepted; the TOTP code is still due. */
    TOTP_REQUIRED,
    /** Password accepted; 2FA is imposed but not set up, so the session may only enrol. */
    TOTP_ENROLMENT_REQUIRED,
    SIGNED_IN;

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
