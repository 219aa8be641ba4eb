package atrium.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessagesTest {
    /** Two "modules", each with its own atrium/messages_*.properties, as the jars of a real class path. */
    private static final Messages TWO_MODULES = Messages.load(loader("messages-a", "messages-b"));

    @Test
    void the_core_catalogue_has_every_key_in_both_languages_with_the_same_placeholders() {
        assertThat(MessageChecks.problems(Messages.standard())).isEmpty();
        assertThat(Messages.standard().keys(Language.EN)).contains("core.quoted", "core.internal");
    }

    @Test
    void every_key_the_core_code_uses_exists_in_both_languages() {
        Path sources = Path.of("src/main/java");
        assertThat(MessageChecks.keysUsedIn(sources)).isNotEmpty();
        assertThat(MessageChecks.missing(Messages.standard(), MessageChecks.keysUsedIn(sources))).isEmpty();
        assertThat(MessageChecks.nonLiteralKeys(sources)).isEmpty();
    }

    @Test
    void the_files_of_every_module_on_the_class_path_are_merged() {
        assertThat(TWO_MODULES.keys(Language.EN)).contains("a.hello", "b.name");
        assertThat(TWO_MODULES.render(Msg.of("b.name"), Language.FR)).isEqualTo("le fichier de Zoé");
    }

    @Test
    void a_key_defined_differently_by_two_modules_stops_loading() {
        assertThatThrownBy(() -> Messages.load(loader("messages-a", "messages-clash")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("a.hello").hasMessageContaining("messages-a").hasMessageContaining("messages-clash");
    }

    @Test
    void apostrophes_and_accents_are_kept_as_written_and_placeholders_filled() {
        assertThat(TWO_MODULES.render(Msg.of("a.hello", "Zoé", "fine"), Language.EN))
                .isEqualTo("Hello Zoé, don't worry: it's fine.");
        assertThat(TWO_MODULES.render(Msg.of("a.hello", "Zoé", "réglé"), Language.FR))
                .isEqualTo("Bonjour Zoé, ne vous inquiétez pas\u00A0: c’est réglé.");
        assertThat(TWO_MODULES.render(Msg.of("a.count", 12, "x"), Language.FR)).contains("l'identifiant est x");
    }

    @Test
    void braces_that_are_not_placeholders_are_text_and_values_are_not_read_as_patterns() {
        assertThat(TWO_MODULES.render(Msg.of("a.braces", "{1} {0}"), Language.EN))
                .isEqualTo("Reset with POST /users/{login}/password for {1} {0}.");
        assertThat(TWO_MODULES.render(Msg.of("a.braces", "x"), Language.FR))
                .isEqualTo("Réinitialisez avec POST /users/{login}/password pour «\u00A0x\u00A0».");
    }

    @Test
    void french_punctuation_gets_a_no_break_space_but_values_are_left_alone() {
        assertThat(TWO_MODULES.render(Msg.of("a.greeting", "a : b « c »"), Language.FR))
                .isEqualTo("Salutation\u00A0: a : b « c »");
        assertThat(TWO_MODULES.render(Msg.of("a.greeting", "x"), Language.EN)).isEqualTo("Greeting: x");
    }

    @Test
    void counts_are_grouped_the_way_each_language_writes_them_and_plain_numbers_are_not() {
        assertThat(TWO_MODULES.render(Msg.of("a.count", 10_001, 1048576), Language.EN))
                .isEqualTo("The file has 10,001 users; 1048576 is the id.");
        assertThat(TWO_MODULES.render(Msg.of("a.count", 10_001, 1048576), Language.FR))
                .matches("Le fichier contient 10[\\u00A0\\u202F]001 utilisateurs\\u00A0; l'identifiant est 1048576\\.");
    }

    @Test
    void messages_and_lists_as_values_are_rendered_in_the_same_language() {
        Msg inner = Msg.of("b.name");
        assertThat(TWO_MODULES.render(Msg.of("a.greeting", List.of(inner, "x", 3)), Language.EN))
                .isEqualTo("Greeting: Zoé's file, x, 3");
        assertThat(TWO_MODULES.render(Msg.of("a.greeting", List.of(inner, "x", 3)), Language.FR))
                .isEqualTo("Salutation\u00A0: le fichier de Zoé, x, 3");
    }

    @Test
    void an_unknown_key_is_shown_as_itself_and_a_missing_translation_in_english() {
        assertThat(TWO_MODULES.render(Msg.of("no.such.key", 1), Language.FR)).isEqualTo("no.such.key");
        assertThat(TWO_MODULES.render(Msg.of("a.only-english", "x"), Language.FR)).isEqualTo("Only in English, 'x'.");
        assertThat(MessageChecks.problems(TWO_MODULES)).containsExactly("a.only-english: missing in fr");
    }

    @Test
    void a_missing_value_leaves_its_placeholder_and_a_null_one_is_empty() {
        assertThat(TWO_MODULES.render(Msg.of("a.hello", "Zoé"), Language.EN)).isEqualTo("Hello Zoé, don't worry: it's {1}.");
        assertThat(TWO_MODULES.render(Msg.of("a.greeting", (Object) null), Language.EN)).isEqualTo("Greeting: ");
    }

    @Test
    void the_checks_catch_placeholders_that_differ_or_are_misspelt() {
        Messages broken = Messages.load(loader("messages-broken"));
        assertThat(MessageChecks.problems(broken)).containsExactlyInAnyOrder(
                "x.differ: placeholders [0] in fr but [0, 1] in en",
                "x.typo: a placeholder is misspelt in fr: Nombre {0,numbr}");
    }

    @Test
    void exceptions_keep_their_english_message_for_logs() {
        var e = new AtriumException.NotFound(Msg.of("core.json.unknown-field", "x"));
        assertThat(e.getMessage()).isEqualTo("Unknown field 'x'.");
        assertThat(e.msg().text(Language.FR)).isEqualTo("Champ inconnu\u00A0: «\u00A0x\u00A0».");
        assertThat(Msg.of("core.body.too-large", 1048576).text(Language.FR))
                .matches("Le corps de la requête dépasse la limite de 1[\\u00A0\\u202F]048[\\u00A0\\u202F]576 octets\\.");
        assertThat(Msg.of("core.body.too-large", 1048576).english())
                .isEqualTo("The request body is larger than the limit of 1048576 bytes.");
    }

    @Test
    void the_language_of_a_request_is_the_first_of_ours_by_preference() {
        assertThat(Language.fromAcceptLanguage("fr")).isEqualTo(Language.FR);
        assertThat(Language.fromAcceptLanguage("fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5")).isEqualTo(Language.FR);
        assertThat(Language.fromAcceptLanguage("de-DE, en;q=0.5, fr;q=0.7")).isEqualTo(Language.FR);
        assertThat(Language.fromAcceptLanguage("en-GB,fr")).isEqualTo(Language.EN);
        assertThat(Language.fromAcceptLanguage("fr;q=0, en")).isEqualTo(Language.EN);
        assertThat(Language.fromAcceptLanguage("de, es")).isEqualTo(Language.EN);
        assertThat(Language.fromAcceptLanguage("")).isEqualTo(Language.EN);
        assertThat(Language.fromAcceptLanguage("fr;q=abc, en;q=0.1")).isEqualTo(Language.EN);
        assertThat(Language.fromAcceptLanguage("FR-ca;Q=0.8")).isEqualTo(Language.FR);
        assertThat(Language.fromAcceptLanguage("french, fr_FR")).isEqualTo(Language.EN);
    }

    @Test
    void the_language_of_the_shell_follows_the_posix_variables() {
        assertThat(Language.fromEnvironment(Map.of("LANG", "fr_FR.UTF-8"))).isEqualTo(Language.FR);
        assertThat(Language.fromEnvironment(Map.of("LANG", "fr_FR.UTF-8", "LC_ALL", "C.UTF-8"))).isEqualTo(Language.EN);
        assertThat(Language.fromEnvironment(Map.of("LANG", "en_US.UTF-8", "LC_MESSAGES", "fr_CA"))).isEqualTo(Language.FR);
        assertThat(Language.fromEnvironment(Map.of())).isEqualTo(Language.EN);
    }

    private static ClassLoader loader(String... roots) {
        URL[] urls = new URL[roots.length];
        for (int i = 0; i < roots.length; i++) {
            try {
                urls[i] = Path.of("src/test/resources", roots[i]).toUri().toURL();
            } catch (MalformedURLException e) {
                throw new IllegalStateException(e);
            }
        }
        // No parent: only these roots, not the real catalogue.
        return new URLClassLoader(urls, null);
    }
}
