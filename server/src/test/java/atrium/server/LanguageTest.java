package atrium.server;

import static org.assertj.core.api.Assertions.assertThat;

import atrium.core.Language;
import atrium.core.MessageChecks;
import atrium.core.Messages;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Messages for people come in the language of the request's Accept-Language, English by default. */
class LanguageTest {
    private static final Map<String, String> FRENCH = Map.of("Accept-Language", "fr-FR,fr;q=0.9,en;q=0.8");
    private static final Map<String, String> NONE = Map.of();

    static TestServer server;
    static TestClient admin;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        admin = server.admin();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aWeakPasswordIsExplainedInFrenchToAFrenchClientAndInEnglishOtherwise() {
        var fr = admin.send("POST", "/api/v1/users", Map.of("login", "faible", "password", "azerty"), FRENCH);
        assertThat(fr.status()).isEqualTo(400);
        assertThat(fr.json().get("error").asText()).isEqualTo("weak-password");
        assertThat(fr.json().get("field").asText()).isEqualTo("password");
        assertThat(fr.json().get("message").asText()).startsWith("Le mot de passe doit comporter au moins");
        assertThat(fr.header("Content-Language")).hasValue("fr");

        var en = admin.send("POST", "/api/v1/users", Map.of("login", "faible", "password", "azerty"), NONE);
        assertThat(en.json().get("message").asText()).startsWith("The password must be at least");
        assertThat(en.header("Content-Language")).hasValue("en");

        var common = admin.send("POST", "/api/v1/users", Map.of("login", "faible", "password", "motdepasse123"), FRENCH);
        assertThat(common.json().get("message").asText()).contains("fait partie des plus courants");
    }

    @Test
    void aWrongSignInAnswersInTheRequestLanguage() {
        TestClient c = server.client();
        c.get("/api/v1/session");
        var fr = c.send("POST", "/api/v1/session", Map.of("login", "admin", "password", "pas-le-bon"), FRENCH);
        assertThat(fr.status()).isEqualTo(401);
        assertThat(fr.json().get("error").asText()).isEqualTo("invalid-credentials");
        assertThat(fr.json().get("message").asText()).isEqualTo("Identifiant ou mot de passe incorrect.");

        var en = c.send("POST", "/api/v1/session", Map.of("login", "admin", "password", "not-it"), NONE);
        assertThat(en.json().get("message").asText()).isEqualTo("Wrong login or password.");

        var signedOut = server.client().send("GET", "/api/v1/me", null, FRENCH);
        assertThat(signedOut.status()).isEqualTo(401);
        assertThat(signedOut.json().get("message").asText()).isEqualTo("Connectez-vous d’abord.");
    }

    @Test
    void importRowReasonsAreRenderedInTheLanguageOfWhoeverReadsTheReport() throws Exception {
        byte[] csv = ("\uFEFFIdentifiant;Nom affiché;Courriel;Groupes;Quota;Mot de passe\r\n"
                + "lbernard;Léa Bernard;lea@example.fr;;;\r\n"
                + "mauvais courriel;Quelqu’un;pas-une-adresse;;;\r\n"
                + "lbernard;Doublon;;;;\r\n").getBytes(StandardCharsets.UTF_8);
        var started = admin.send("POST", "/api/v1/imports?dryRun=true", csv, Map.of("Content-Type", "text/csv"));
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        String path = "/api/v1/imports/" + started.json().get("id").asText();
        JsonNode fr = poll(path, FRENCH);
        assertThat(fr.get("status").asText()).isEqualTo("done");
        assertThat(fr.get("created").toString()).contains("lbernard");
        JsonNode frErrors = fr.get("errors");
        assertThat(frErrors.findValues("line").stream().map(JsonNode::asInt).distinct().toList()).containsExactly(3, 4);
        assertThat(frErrors.toString()).contains("L’identifiant «\u00A0mauvais courriel\u00A0» contient des caractères non"
                + " autorisés\u00A0: espace.");
        assertThat(frErrors.toString()).contains("L’adresse e-mail «\u00A0pas-une-adresse\u00A0» doit contenir exactement un @.");
        assertThat(frErrors.toString()).contains("figure déjà à la ligne 2");

        JsonNode en = poll(path, NONE);
        assertThat(en.get("errors").toString()).contains("already appears on line 2")
                .contains("The e-mail address 'pas-une-adresse' must contain exactly one @.");
    }

    @Test
    void anErrorBeforeAnyRouteAndATooLargeBodyAreTranslatedToo() {
        var noEndpoint = admin.send("GET", "/api/v1/nowhere", null, FRENCH);
        assertThat(noEndpoint.status()).isEqualTo(404);
        assertThat(noEndpoint.json().get("message").asText()).isEqualTo("L’API n’a pas de point d’accès GET /api/v1/nowhere.");
        assertThat(admin.get("/api/v1/nowhere").json().get("message").asText())
                .isEqualTo("There is no API endpoint GET /api/v1/nowhere.");

        var unknownField = admin.send("PATCH", "/api/v1/me", Map.of("shoeSize", 42), FRENCH);
        assertThat(unknownField.json().get("message").asText()).isEqualTo("Champ inconnu\u00A0: «\u00A0shoeSize\u00A0».");
    }

    @Test
    void aLanguageWeDoNotSpeakGetsEnglish() {
        var r = admin.send("GET", "/api/v1/users/ghost", null, Map.of("Accept-Language", "de-DE, es;q=0.8"));
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().get("message").asText()).isEqualTo("There is no user 'ghost'.");
        var fr = admin.send("GET", "/api/v1/users/ghost", null, Map.of("Accept-Language", "de-DE, fr;q=0.5"));
        assertThat(fr.json().get("message").asText()).isEqualTo("Aucun utilisateur «\u00A0ghost\u00A0».");
    }

    /** The whole catalogue, every module: complete in both languages, and exactly the keys the code uses. */
    @Test
    void everyKeyUsedByAnyModuleExistsInBothLanguagesAndNoneIsUnused() throws java.io.IOException {
        Set<String> used = new TreeSet<>();
        List<Path> modules;
        try (var dirs = java.nio.file.Files.list(Path.of(".."))) {
            modules = dirs.filter(d -> java.nio.file.Files.isDirectory(d.resolve("src/main/java"))).sorted().toList();
        }
        assertThat(modules).extracting(m -> m.getFileName().toString()).contains("core", "identity", "server");
        for (Path module : modules) {
            Path sources = module.resolve("src/main/java");
            used.addAll(MessageChecks.keysUsedIn(sources));
            assertThat(MessageChecks.nonLiteralKeys(sources)).as(module.toString()).isEmpty();
        }
        Messages messages = Messages.standard();
        assertThat(MessageChecks.problems(messages)).isEmpty();
        assertThat(MessageChecks.missing(messages, used)).isEmpty();
        Set<String> unused = new TreeSet<>(messages.keys(Language.EN));
        unused.removeAll(used);
        assertThat(unused).as("keys no code uses").isEmpty();
    }

    private static JsonNode poll(String path, Map<String, String> headers) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            JsonNode s = admin.send("GET", path, null, headers).json();
            if (!s.get("status").asText().equals("running")) {
                return s;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("import did not finish");
    }
}
