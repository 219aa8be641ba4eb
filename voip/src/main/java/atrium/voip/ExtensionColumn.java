package atrium.voip;

import atrium.core.AtriumException;
import atrium.core.Msg;
import atrium.identity.AccountService;
import atrium.identity.Caller;
import atrium.identity.ImportColumn;
import java.util.Optional;
import java.util.Set;

/**
 * The bulk import's extension column ("extension", "poste"): gives each row's account that number, as an
 * administrator would in the console. A number held by another account is refused on its row (the dry run says so);
 * a number the account already has changes nothing, so importing the same file twice does nothing more.
 */
public final class ExtensionColumn implements ImportColumn {
    private final PhoneService phones;
    private final AccountService accounts;

    public ExtensionColumn(PhoneService phones, AccountService accounts) {
        this.phones = phones;
        this.accounts = accounts;
    }

    @Override
    public Set<String> headers() {
        return Set.of("extension", "ext", "poste", "numerodeposte", "phoneextension");
    }

    @Override
    public Msg label() {
        return Msg.of("voip.import.column");
    }

    @Override
    public boolean unique() {
        return true;
    }

    @Override
    public Optional<Msg> check(String value, String login) {
        try {
            phones.checkNumber(value);
        } catch (AtriumException e) {
            return Optional.of(e.msg());
        }
        return phones.holderOf(value).filter(holder -> !holder.equalsIgnoreCase(login))
                .map(holder -> Msg.of("voip.extension.taken", value, holder));
    }

    @Override
    public void apply(Caller caller, String login, String value) {
        boolean same = accounts.byLogin(login).flatMap(a -> phones.extensionOf(a.id()))
                .filter(e -> e.number().equals(value)).isPresent();
        if (!same) {
            phones.setExtension(caller, login, value);
        }
    }
}
