package atrium.identity;

import java.util.Optional;

/**
 * Who is asking: the account, how it proved it (a browser session or an app password)
 * and from which address. Every service method that checks permissions takes one.
 */
public record Caller(Account account, Optional<Session> session, boolean viaAppPassword, String address) {
    public boolean isAdmin() {
        return account.admin();
    }

    public String login() {
        return account.login();
    }

    public AccountId id() {
        return account.id();
    }

    /** A caller acting for the system itself (first start, CLI), with admin rights. */
    public static Caller system(Account admin) {
        return new Caller(admin, Optional.empty(), false, "local");
    }
}
