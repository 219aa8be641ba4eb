package atrium.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bulk import's extension column, which the phone system handles through identity's import hook: numbers
 * given with the accounts, bad and repeated numbers refused on their line (in the dry run too), a number held by
 * someone else refused, and a second run changing nothing.
 */
class VoipImportTest {
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

    static byte[] csv(String header, String... rows) {
        StringBuilder sb = new StringBuilder("\uFEFF" + header + "\r\n");
        for (String r : rows) {
            sb.append(r).append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, String> numbers() {
        Map<String, String> out = new java.util.TreeMap<>();
        admin.get("/api/v1/admin/voip/extensions").json().get("items")
                .forEach(e -> out.put(e.get("login").asText(), e.get("number").asText()));
        return out;
    }

    @Test
    void anExtensionColumnGivesNumbersAndRefusesBadOrTakenOnesOnTheirLine() throws Exception {
        assertThat(admin.post("/api/v1/users", Map.of("login", "holder", "password", "Quiet-Harbor-5521")).status())
                .isEqualTo(201);
        assertThat(admin.send("PUT", "/api/v1/admin/voip/extensions/holder", Map.of("number", "300"), Map.of()).status())
                .isEqualTo(200);
        byte[] file = csv("Identifiant;Nom affiché;Poste",
                "adupont;Anne Dupont;201",
                "bmartin;Bruno Martin;",
                "cbad;Carole;12a",
                "dtwice;Denis;201",
                "etaken;Emma;300");

        JsonNode dry = ImportTest.runImport(admin, file, true);
        assertThat(dry.get("errors").toString())
                .contains("digits only", "already appears on line 2", "already belongs to holder");
        assertThat(dry.get("errors").findValues("line").stream().map(JsonNode::asInt).distinct().toList())
                .containsExactly(4, 5, 6);
        assertThat(numbers()).containsExactly(Map.entry("holder", "300"));

        JsonNode real = ImportTest.runImport(admin, file, false);
        assertThat(real.get("created").toString()).contains("adupont", "bmartin").doesNotContain("cbad", "etaken");
        assertThat(numbers()).containsExactly(Map.entry("adupont", "201"), Map.entry("holder", "300"));
        int audited = admin.get("/api/v1/audit?action=voip-extension-set").json().get("items").size();

        // Again, with the holder's own number: nothing more changes, nothing more is audited.
        JsonNode again = ImportTest.runImport(admin, csv("login;extension", "adupont;201", "holder;300"), false);
        assertThat(again.get("errors").size()).as(again.get("errors").toString()).isZero();
        assertThat(numbers()).containsExactly(Map.entry("adupont", "201"), Map.entry("holder", "300"));
        assertThat(admin.get("/api/v1/audit?action=voip-extension-set").json().get("items")).hasSize(audited);

        // An extension column named twice is refused like any column.
        JsonNode twice = ImportTest.runImport(admin, csv("login;extension;poste", "x;1;2"), true);
        assertThat(twice.get("errors").toString()).contains("appears twice");
    }
}
