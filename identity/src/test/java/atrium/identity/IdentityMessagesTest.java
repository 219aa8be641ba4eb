package atrium.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import atrium.core.AtriumException;
import atrium.core.Language;
import atrium.core.MessageChecks;
import atrium.core.Messages;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class IdentityMessagesTest {
    private static final Path SOURCES = Path.of("src/main/java");

    @Test
    void every_key_the_identity_code_uses_exists_in_french_and_english() {
        assertThat(MessageChecks.keysUsedIn(SOURCES)).hasSizeGreaterThan(50);
        assertThat(MessageChecks.missing(Messages.standard(), MessageChecks.keysUsedIn(SOURCES))).isEmpty();
        assertThat(MessageChecks.nonLiteralKeys(SOURCES)).isEmpty();
    }

    @Test
    void the_core_and_identity_catalogues_agree_in_both_languages() {
        assertThat(MessageChecks.problems(Messages.standard())).isEmpty();
    }

    @Test
    void a_refused_login_names_its_characters_in_the_readers_language() {
        assertThatThrownBy(() -> AccountRules.login("zoé martin")).isInstanceOfSatisfying(AtriumException.Invalid.class, e -> {
            assertThat(e.getMessage()).isEqualTo("The login 'zoé martin' contains characters that are not allowed:"
                    + " space, 'é'. Use only letters a–z without accents, digits and . _ - @");
            assertThat(e.msg().text(Language.FR)).isEqualTo("L’identifiant «\u00A0zoé martin\u00A0» contient des"
                    + " caractères non autorisés\u00A0: espace, «\u00A0é\u00A0». Utilisez uniquement des lettres a–z"
                    + " sans accents, des chiffres et . _ - @");
        });
    }

    @Test
    void a_weak_password_is_explained_in_french() {
        assertThatThrownBy(() -> new PasswordPolicy(10).check("short", "jdupont", "Jean Dupont"))
                .isInstanceOfSatisfying(AtriumException.Invalid.class, e -> assertThat(e.msg().text(Language.FR))
                        .isEqualTo("Le mot de passe doit comporter au moins 10 caractères (celui-ci en a 5)."));
    }

    @Test
    void the_wait_after_too_many_failures_is_written_in_each_language() {
        assertThat(LoginThrottle.humanDuration(45).english()).isEqualTo("45 seconds");
        assertThat(LoginThrottle.humanDuration(900).text(Language.FR)).isEqualTo("15 minutes");
        assertThat(LoginThrottle.humanDuration(45).text(Language.FR)).isEqualTo("45 secondes");
    }

    @Test
    void csv_reasons_that_combine_messages_render_each_part_in_the_same_language() {
        var parsed = CsvImport.parse("Prénom;Service\na;b\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(parsed.errors()).singleElement().satisfies(e -> {
            assertThat(e.reason().english()).startsWith("The first line must name the columns").contains("'Prénom', 'Service'")
                    .endsWith("only login is required.");
            assertThat(e.reason().text(Language.FR)).startsWith("La première ligne doit nommer les colonnes")
                    .contains("«\u00A0Prénom\u00A0», «\u00A0Service\u00A0»").endsWith("seul l’identifiant est obligatoire.");
        });
    }
}
