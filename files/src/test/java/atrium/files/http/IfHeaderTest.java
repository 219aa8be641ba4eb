package atrium.files.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import atrium.files.http.IfHeader.EntityTag;
import atrium.files.http.IfHeader.IfList;
import atrium.files.http.IfHeader.StateToken;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IfHeaderTest {
    private static final String TOKEN = "opaquelocktoken:f81de2ad-7f3d-a1b2-4f3c-00a0c91a9d76";
    private static final String ETAG = "\"5f3a-1a2b\"";
    private static final String RESOURCE = "/litmus/lockme";

    /** A resource table for evaluation: URL → etag and lock tokens; anything else is unmapped. */
    private static final class Table implements IfHeader.Resources {
        final Map<String, String> etags = new HashMap<>();
        final Map<String, List<String>> tokens = new HashMap<>();
        final List<String> asked = new ArrayList<>();

        Table with(String url, String etag, String... lockTokens) {
            etags.put(url, etag);
            tokens.put(url, List.of(lockTokens));
            return this;
        }

        @Override
        public Optional<String> etag(String url) {
            asked.add("etag " + url);
            return Optional.ofNullable(etags.get(url));
        }

        @Override
        public Collection<String> lockTokens(String url) {
            asked.add("tokens " + url);
            return tokens.getOrDefault(url, List.of());
        }
    }

    private final Table locked = new Table().with(RESOURCE, ETAG, TOKEN);

    private boolean evaluate(String header, Table table) {
        return IfHeader.parse(header).evaluate(RESOURCE, table);
    }

    // ---- The conditional PUTs of litmus' locks suite -------------------------------------

    @Test
    void cond_put_with_the_lock_token_and_the_etag_passes() {
        assertThat(evaluate("(<" + TOKEN + "> [" + ETAG + "])", locked)).isTrue();
    }

    @Test
    void fail_cond_put_with_no_lock_instead_of_the_token_fails() {
        assertThat(evaluate("(<DAV:no-lock> [" + ETAG + "])", locked)).isFalse();
    }

    @Test
    void fail_cond_put_unlocked_with_no_lock_on_an_unlocked_resource_fails() {
        Table unlocked = new Table().with(RESOURCE, ETAG);
        assertThat(evaluate("(<DAV:no-lock>)", unlocked)).isFalse();
    }

    @Test
    void cond_put_with_not_no_lock_is_always_true_and_still_submits_the_token() {
        IfHeader header = IfHeader.parse("(<" + TOKEN + ">) (Not <DAV:no-lock>)");
        assertThat(header.evaluate(RESOURCE, locked)).isTrue();
        assertThat(header.evaluate(RESOURCE, new Table())).isTrue();
        assertThat(header.submittedTokens()).containsExactly(TOKEN, "DAV:no-lock");
    }

    @Test
    void cond_put_corrupt_token_is_true_but_submits_no_valid_token() {
        IfHeader header = IfHeader.parse("(<" + TOKEN + "x>) (Not <DAV:no-lock>)");
        assertThat(header.evaluate(RESOURCE, locked)).isTrue();
        assertThat(header.submittedTokens()).containsExactly(TOKEN + "x", "DAV:no-lock").doesNotContain(TOKEN);
    }

    @Test
    void complex_cond_put_passes_and_fail_complex_cond_put_with_a_wrong_etag_fails() {
        assertThat(evaluate("(<" + TOKEN + "> [" + ETAG + "]) (Not <DAV:no-lock> [" + ETAG + "])", locked)).isTrue();
        String wrong = "\"5f3a-1a3b\"";
        assertThat(evaluate("(<" + TOKEN + "> [" + wrong + "]) (Not <DAV:no-lock> [" + wrong + "])", locked)).isFalse();
    }

    @Test
    void neon_refreshes_with_an_absolute_uri_tag() {
        IfHeader header = IfHeader.parse("<http://localhost:8080/litmus/lockme> (<" + TOKEN + ">)");
        assertThat(header.tagged()).isTrue();
        assertThat(header.lists()).containsExactly(
                new IfList(Optional.of("http://localhost:8080/litmus/lockme"), List.of(new StateToken(false, TOKEN))));
        Table byUrl = new Table().with("http://localhost:8080/litmus/lockme", ETAG, TOKEN);
        assertThat(header.evaluate("/ignored", byUrl)).isTrue();
        assertThat(header.evaluate("/ignored", new Table())).isFalse();
        assertThat(DavPath.rawPathOf(header.lists().getFirst().resource().orElseThrow())).isEqualTo("/litmus/lockme");
    }

    @Test
    void the_desktop_clients_chunked_move_sends_a_tagged_etag() {
        IfHeader header = IfHeader.parse("</remote.php/dav/files/admin/capture/cap30.bin> ([\"a0d731d8e4d6\"])");
        Table table = new Table().with("/remote.php/dav/files/admin/capture/cap30.bin", "\"a0d731d8e4d6\"");
        assertThat(header.evaluate("/remote.php/dav/uploads/admin/548645269/.file", table)).isTrue();
        table.etags.put("/remote.php/dav/files/admin/capture/cap30.bin", "\"changed\"");
        assertThat(header.evaluate("/remote.php/dav/uploads/admin/548645269/.file", table)).isFalse();
        assertThat(header.submittedTokens()).isEmpty();
    }

    // ---- The examples of RFC 4918 section 10.4 -------------------------------------------

    @Test
    void section_10_4_6_no_tag_production_parses_into_two_lists() {
        IfHeader header = IfHeader.parse("(<urn:uuid:181d4fae-7d8c-11d0-a765-00a0c91e6bf2> [\"I am an ETag\"])\r\n"
                + "    ([\"I am another ETag\"])");
        assertThat(header.tagged()).isFalse();
        assertThat(header.lists()).containsExactly(
                new IfList(Optional.empty(), List.of(new StateToken(false, "urn:uuid:181d4fae-7d8c-11d0-a765-00a0c91e6bf2"),
                        new EntityTag(false, "\"I am an ETag\""))),
                new IfList(Optional.empty(), List.of(new EntityTag(false, "\"I am another ETag\""))));
        Table table = new Table().with(RESOURCE, "\"I am another ETag\"");
        assertThat(header.evaluate(RESOURCE, table)).isTrue();
    }

    @Test
    void section_10_4_7_not_applies_to_one_condition_only() {
        IfHeader header = IfHeader.parse("(Not <urn:uuid:181d4fae-7d8c-11d0-a765-00a0c91e6bf2>\n"
                + "  <urn:uuid:58f202ac-22cf-11d1-b12d-002035b29092>)");
        assertThat(header.lists().getFirst().conditions()).containsExactly(
                new StateToken(true, "urn:uuid:181d4fae-7d8c-11d0-a765-00a0c91e6bf2"),
                new StateToken(false, "urn:uuid:58f202ac-22cf-11d1-b12d-002035b29092"));
        Table table = new Table().with(RESOURCE, ETAG, "urn:uuid:58f202ac-22cf-11d1-b12d-002035b29092");
        assertThat(header.evaluate(RESOURCE, table)).isTrue();
        table.tokens.put(RESOURCE, List.of("urn:uuid:58f202ac-22cf-11d1-b12d-002035b29092",
                "urn:uuid:181d4fae-7d8c-11d0-a765-00a0c91e6bf2"));
        assertThat(header.evaluate(RESOURCE, table)).isFalse();
    }

    @Test
    void section_10_4_9_tagged_lists_in_copy_use_a_weak_etag() {
        IfHeader header = IfHeader.parse("</resource1>\n  (<urn:uuid:181d4fae-7d8c-11d0-a765-00a0c91e6bf2>\n"
                + "  [W/\"A weak ETag\"]) ([\"strong ETag\"])");
        assertThat(header.lists()).hasSize(2).allSatisfy(list -> assertThat(list.resource()).contains("/resource1"));
        assertThat(header.lists().get(0).conditions().get(1)).isEqualTo(new EntityTag(false, "W/\"A weak ETag\""));
        Table table = new Table().with("/resource1", "\"A weak ETag\"", "urn:uuid:181d4fae-7d8c-11d0-a765-00a0c91e6bf2");
        assertThat(header.evaluate(RESOURCE, table)).isTrue();
        Table strong = new Table().with("/resource1", "W/\"strong ETag\"");
        assertThat(header.evaluate(RESOURCE, strong)).as("weak comparison either way").isTrue();
    }

    @Test
    void section_10_4_10_a_collection_lock_token_matches_through_a_member() {
        // The lock on /workspace/webdav/ applies to its member: the Resources say so.
        Table table = new Table().with("/workspace/webdav/proposal.doc", ETAG, "urn:uuid:fe184f2e-6eec-41d0-c765-01adc56e6bb4");
        IfHeader header = IfHeader.parse("(<urn:uuid:fe184f2e-6eec-41d0-c765-01adc56e6bb4>)");
        assertThat(header.evaluate("/workspace/webdav/proposal.doc", table)).isTrue();
    }

    @Test
    void section_10_4_11_an_unmapped_url_has_no_etag_so_only_not_conditions_hold() {
        assertThat(IfHeader.parse("</specs/rfc2518.doc> ([\"4217\"])").evaluate(RESOURCE, new Table())).isFalse();
        assertThat(IfHeader.parse("</specs/rfc2518.doc> (Not [\"4217\"])").evaluate(RESOURCE, new Table())).isTrue();
    }

    @Test
    void several_tagged_resources_each_get_their_own_lists() {
        IfHeader header = IfHeader.parse("</a> (<urn:uuid:1>) </b> (<urn:uuid:2>) ([\"e\"])");
        assertThat(header.lists()).extracting(l -> l.resource().orElseThrow()).containsExactly("/a", "/b", "/b");
        assertThat(header.submittedTokens()).containsExactly("urn:uuid:1", "urn:uuid:2");
        assertThat(header.evaluate(RESOURCE, new Table().with("/b", "\"e\""))).isTrue();
        assertThat(header.evaluate(RESOURCE, new Table().with("/b", "\"f\"", "urn:uuid:2"))).isTrue();
        assertThat(header.evaluate(RESOURCE, new Table().with("/a", "\"f\"", "urn:uuid:2"))).isFalse();
    }

    @Test
    void each_resource_is_looked_up_once_per_evaluation() {
        Table table = new Table().with(RESOURCE, ETAG, TOKEN);
        IfHeader.parse("([\"x\"]) ([\"y\"]) (<urn:uuid:a>) (<urn:uuid:b>) ([" + ETAG + "])").evaluate(RESOURCE, table);
        assertThat(table.asked).containsExactly("etag " + RESOURCE, "tokens " + RESOURCE);
    }

    // ---- Syntax --------------------------------------------------------------------------

    @Test
    void white_space_is_optional_between_lists_and_not_is_case_insensitive() {
        IfHeader header = IfHeader.parse("(<urn:uuid:a>)(not<DAV:no-lock>)\t(NOT [\"e\"])");
        assertThat(header.lists()).hasSize(3);
        assertThat(header.lists().get(1).conditions()).containsExactly(new StateToken(true, "DAV:no-lock"));
        assertThat(header.lists().get(2).conditions()).containsExactly(new EntityTag(true, "\"e\""));
    }

    @Test
    void a_bare_entity_tag_without_quotes_is_taken_as_quoted() {
        IfHeader header = IfHeader.parse("([abc])");
        assertThat(header.lists().getFirst().conditions()).containsExactly(new EntityTag(false, "\"abc\""));
        assertThat(header.evaluate(RESOURCE, new Table().with(RESOURCE, "\"abc\""))).isTrue();
    }

    @Test
    void an_entity_tag_may_contain_brackets_and_spaces_inside_its_quotes() {
        IfHeader header = IfHeader.parse("([\"a] b (c)\"])");
        assertThat(header.lists().getFirst().conditions()).containsExactly(new EntityTag(false, "\"a] b (c)\""));
    }

    @Test
    void malformed_headers_are_a_400() {
        List<String> bad = List.of("", "   ", "(", "()", "(<urn:uuid:a>", "Not <urn:uuid:a>", "((<urn:uuid:a>))",
                "garbage", "<http://host/href-only>", "</a>", "(<urn:uuid:a>) </b> (<urn:uuid:c>)",
                "(<no-scheme>)", "(<>)", "(<urn:uuid:a b>)", "([\"unterminated)", "([])", "(Not)", "(Not )",
                "(<urn:uuid:a>) x", "<relative/path> (<urn:uuid:a>)", "([\"a\" ])", "(urn:uuid:a)");
        for (String value : bad) {
            assertThatThrownBy(() -> IfHeader.parse(value)).as("If: %s", value)
                    .isInstanceOfSatisfying(DavException.class, e -> assertThat(e.status()).isEqualTo(400))
                    .hasMessageStartingWith("The If header is malformed: ");
        }
    }

    @Test
    void a_state_token_may_be_any_absolute_uri() {
        assertThat(IfHeader.parse("(<http://example.com/locks/1>)").submittedTokens()).containsExactly("http://example.com/locks/1");
        assertThat(IfHeader.parse("(<opaquelocktoken:x>)").submittedTokens()).isEqualTo(Set.of("opaquelocktoken:x"));
    }

    @Test
    void the_lock_token_header_is_a_coded_url() {
        assertThat(IfHeader.parseLockToken("<urn:uuid:a515cfa4-5da4-22e1-f5bf-00a0451e6bf7>"))
                .isEqualTo("urn:uuid:a515cfa4-5da4-22e1-f5bf-00a0451e6bf7");
        assertThat(IfHeader.parseLockToken("  <opaquelocktoken:foobar> ")).isEqualTo("opaquelocktoken:foobar");
        for (String bad : List.of("", "urn:uuid:a", "<urn:uuid:a", "<>", "<not a token>", "<nocolon>")) {
            assertThatThrownBy(() -> IfHeader.parseLockToken(bad)).as(bad)
                    .isInstanceOfSatisfying(DavException.class, e -> assertThat(e.status()).isEqualTo(400));
        }
    }
}
