package atrium.identity;

import atrium.core.Msg;
import java.util.Optional;
import java.util.Set;

/**
 * A column of the bulk user import that another module handles — the phone system's extension — so identity needs
 * not know that module: server's Main registers it with {@link UserImportService#addColumn}. Its cells are checked
 * with the rest of the row (a dry run reports their problems) and applied once the account is created or updated.
 */
public interface ImportColumn {
    /** The header names it answers to, as the import reads them: lower case, no accents, letters and digits only. */
    Set<String> headers();

    /** The column's name in messages. */
    Msg label();

    /** Whether two rows may not hold the same value (an extension number). */
    boolean unique();

    /** What is wrong with a non-blank cell of {@code login}'s row, found without writing anything. */
    Optional<Msg> check(String value, String login);

    /** Applies a non-blank cell to the account just created or updated; a refusal is an AtriumException. */
    void apply(Caller caller, String login, String value);
}
