package atrium.files.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import atrium.core.Language;
import atrium.core.Msg;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DavPathTest {
    private static final String PREFIX = "/remote.php/dav/files/alice";

    private static void assertRefused(String raw) {
        assertThatThrownBy(() -> DavPath.parse(raw)).as(raw)
                .isInstanceOfSatisfying(DavException.class, e -> assertThat(e.status()).isEqualTo(400));
    }

    // ---- Parsing -------------------------------------------------------------------------

    @Test
    void a_path_splits_into_decoded_names() {
        DavPath path = DavPath.parse("/remote.php/dav/files/alice/Docs/a%20b.txt");
        assertThat(path.segments()).containsExactly("remote.php", "dav", "files", "alice", "Docs", "a b.txt");
        assertThat(path.name()).isEqualTo("a b.txt");
        assertThat(path.trailingSlash()).isFalse();
        assertThat(path).hasToString("/remote.php/dav/files/alice/Docs/a b.txt");
    }

    @Test
    void a_trailing_slash_is_noted_but_does_not_change_the_path() {
        DavPath folder = DavPath.parse("/Docs/");
        assertThat(folder.trailingSlash()).isTrue();
        assertThat(folder).isEqualTo(DavPath.parse("/Docs")).hasSameHashCodeAs(DavPath.parse("/Docs"));
    }

    @Test
    void empty_segments_collapse() {
        assertThat(DavPath.parse("//Docs///a.txt").segments()).containsExactly("Docs", "a.txt");
        assertThat(DavPath.parse("/")).isEqualTo(DavPath.ROOT);
        assertThat(DavPath.parse("//").isRoot()).isTrue();
        assertThat(DavPath.ROOT).hasToString("/");
        assertThat(DavPath.ROOT.name()).isEmpty();
        assertThat(DavPath.ROOT.parent()).isEmpty();
    }

    @Test
    void percent_escapes_decode_in_either_case_and_plus_stays_a_plus() {
        assertThat(DavPath.parse("/res-%e2%82%ac").name()).isEqualTo("res-\u20ac");
        assertThat(DavPath.parse("/res-%E2%82%AC").name()).isEqualTo("res-\u20ac");
        assertThat(DavPath.parse("/put%23test").name()).isEqualTo("put#test");
        assertThat(DavPath.parse("/a+b").name()).isEqualTo("a+b");
        assertThat(DavPath.parse("/100%25").name()).isEqualTo("100%");
        assertThat(DavPath.parse("/%F0%9F%98%80").name()).isEqualTo("\uD83D\uDE00");
    }

    @Test
    void nfc_and_nfd_names_are_kept_byte_for_byte() {
        DavPath composed = DavPath.parse("/caf%C3%A9");
        DavPath decomposed = DavPath.parse("/cafe%CC%81");
        assertThat(composed.name()).isEqualTo("caf\u00e9");
        assertThat(decomposed.name()).isEqualTo("cafe\u0301");
        assertThat(composed).isNotEqualTo(decomposed);
        assertThat(composed.href("", false)).isEqualTo("/caf%C3%A9");
        assertThat(decomposed.href("", false)).isEqualTo("/cafe%CC%81");
    }

    @Test
    void raw_non_ascii_characters_are_taken_as_they_are() {
        assertThat(DavPath.parse("/Résumé.txt").name()).isEqualTo("Résumé.txt");
        assertThat(DavPath.parse("/\uD83D\uDE00").name()).isEqualTo("\uD83D\uDE00");
        assertRefused("/bad\uD800");
    }

    @Test
    void dot_segments_are_refused_in_every_encoding() {
        for (String raw : List.of("/a/./b", "/a/../b", "/..", "/.", "/a/%2e%2e/b", "/a/%2E%2E", "/%2E.", "/.%2e", "/%2e",
                "/a/%2E", "/a/..%2F..")) {
            assertRefused(raw);
        }
        assertThat(DavPath.parse("/...").name()).isEqualTo("...");
        assertThat(DavPath.parse("/.hidden").name()).isEqualTo(".hidden");
        assertThat(DavPath.parse("/a..b").name()).isEqualTo("a..b");
        assertThat(DavPath.parse("/%2e%2e%2e").name()).isEqualTo("...");
    }

    @Test
    void overlong_encodings_and_invalid_utf8_are_refused() {
        for (String raw : List.of("/%C0%AE%C0%AE", "/%C0%AF", "/%E0%80%AE", "/%F0%80%80%AE", "/%C1%81", "/%FF",
                "/%FE%FF", "/%E2%82", "/%80", "/%ED%A0%80", "/%ED%B0%80", "/%F4%90%80%80", "/%C3")) {
            assertRefused(raw);
        }
    }

    @Test
    void backslashes_control_characters_and_encoded_slashes_are_refused() {
        for (String raw : List.of("/a\\b", "/a%5Cb", "/a%5cb", "/a%00b", "/a%0Ab", "/a%0d", "/a%7F", "/a%09b", "/a%C2%85",
                "/a%2Fb", "/a%2fb", "/%EF%BF%BE", "/%EF%BF%BF")) {
            assertRefused(raw);
        }
    }

    @Test
    void malformed_percent_escapes_and_fragments_are_refused() {
        for (String raw : List.of("/a%", "/a%4", "/a%zz", "/a%4g", "/a%%41", "/frag/#ment", "/a%\u0661\u0662", "relative",
                "/a?b=c")) {
            assertRefused(raw);
        }
    }

    @Test
    void names_are_limited_to_255_bytes_of_utf8() {
        assertThat(DavPath.parse("/" + "a".repeat(255)).name()).hasSize(255);
        assertRefused("/" + "a".repeat(256));
        String euros = "%E2%82%AC".repeat(85); // 85 × 3 bytes = 255
        assertThat(DavPath.parse("/" + euros).name()).hasSize(85);
        assertRefused("/" + euros + "a");
        assertThat(DavPath.parse("/" + "\uD83D\uDE00".repeat(63)).name().getBytes(StandardCharsets.UTF_8)).hasSize(252);
        assertRefused("/" + "\uD83D\uDE00".repeat(64));
    }

    @Test
    void the_error_messages_say_what_is_wrong() {
        assertThatThrownBy(() -> DavPath.parse("/a/%2e%2e/b")).hasMessage("The path must not contain . or .. segments.");
        assertThatThrownBy(() -> DavPath.parse("/%C0%AE")).hasMessage("The path is not valid UTF-8 once percent-decoded.");
        assertThatThrownBy(() -> DavPath.parse("/a%2Fb")).hasMessage("A name must not contain an encoded slash (%2F).");
    }

    // ---- Navigation ----------------------------------------------------------------------

    @Test
    void the_part_after_a_mount_prefix_is_found_whatever_the_prefix_encoding() {
        DavPath mount = DavPath.parse("/remote.php/dav/files/alice@example.com/");
        DavPath request = DavPath.parse("/remote.php/dav/files/alice%40example.com/Docs/a.txt");
        assertThat(request.startsWith(mount)).isTrue();
        assertThat(request.relativeTo(mount)).contains(DavPath.parse("/Docs/a.txt"));
        assertThat(DavPath.parse("/remote.php/dav/files/alice%40example.com").relativeTo(mount)).contains(DavPath.ROOT);
        assertThat(DavPath.parse("/remote.php/dav/files/bob/Docs").relativeTo(mount)).isEmpty();
        assertThat(DavPath.parse("/remote.php/dav/files/alice%40example.comx/Docs").relativeTo(mount)).isEmpty();
    }

    @Test
    void parent_and_child_walk_the_tree() {
        DavPath file = DavPath.parse("/Docs/sub/a.txt");
        assertThat(file.parent()).contains(DavPath.parse("/Docs/sub"));
        assertThat(file.parent().orElseThrow().child("b.txt")).isEqualTo(DavPath.parse("/Docs/sub/b.txt"));
        assertThat(DavPath.parse("/Docs").parent()).contains(DavPath.ROOT);
        assertThatThrownBy(() -> file.child("..")).isInstanceOf(DavException.class);
        assertThatThrownBy(() -> file.child("a/b")).isInstanceOf(DavException.class);
        assertThat(DavPath.of(List.of("Docs", "a b"))).isEqualTo(DavPath.parse("/Docs/a%20b"));
        assertThat(DavPath.of(List.of())).isEqualTo(DavPath.ROOT);
    }

    // ---- Hrefs ---------------------------------------------------------------------------

    @Test
    void an_href_percent_encodes_each_name_under_the_prefix() {
        assertThat(DavPath.parse("/Docs/a%20b.txt").href(PREFIX, false)).isEqualTo(PREFIX + "/Docs/a%20b.txt");
        assertThat(DavPath.parse("/Docs").href(PREFIX + "/", true)).isEqualTo(PREFIX + "/Docs/");
        assertThat(DavPath.ROOT.href(PREFIX, true)).isEqualTo(PREFIX + "/");
        assertThat(DavPath.ROOT.href("", true)).isEqualTo("/");
        assertThat(DavPath.parse("/put%23test").href("/litmus", false)).isEqualTo("/litmus/put%23test");
    }

    @Test
    void a_name_is_encoded_the_way_sabre_does() {
        assertThat(DavPath.encodeSegment("a b")).isEqualTo("a%20b");
        assertThat(DavPath.encodeSegment("100% #1?")).isEqualTo("100%25%20%231%3F");
        assertThat(DavPath.encodeSegment("a+b&c;d=e,f'g!h$i*j")).isEqualTo("a%2Bb%26c%3Bd%3De%2Cf%27g%21h%24i%2Aj");
        assertThat(DavPath.encodeSegment("keep-_.~():@AZaz09")).isEqualTo("keep-_.~():@AZaz09");
        assertThat(DavPath.encodeSegment("res-\u20ac")).isEqualTo("res-%E2%82%AC");
        assertThat(DavPath.encodeSegment("\"<>[]{}|^`")).isEqualTo("%22%3C%3E%5B%5D%7B%7D%7C%5E%60");
    }

    @Test
    void hrefs_parse_back_to_the_same_path() {
        List<String> names = List.of("a b", "100%", "#hash", "?q", "caf\u00e9", "cafe\u0301", "\uD83D\uDE00", "a+b", "x&y",
                "semi;colon", "tab\u00a0nbsp", "\u4e2d\u6587", "...", "%2e%2e");
        for (String name : names) {
            DavPath path = DavPath.of(List.of("Docs", name));
            DavPath back = DavPath.parse(path.href(PREFIX, false)).relativeTo(DavPath.parse(PREFIX)).orElseThrow();
            assertThat(back).as(name).isEqualTo(path);
            assertThat(back.name().getBytes(StandardCharsets.UTF_8)).isEqualTo(name.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void the_path_of_a_destination_or_resource_tag_drops_scheme_host_query_and_fragment() {
        assertThat(DavPath.rawPathOf("http://localhost:8080/litmus/lockme")).isEqualTo("/litmus/lockme");
        assertThat(DavPath.rawPathOf("https://cloud.example.com")).isEqualTo("/");
        assertThat(DavPath.rawPathOf("https://cloud.example.com/a%20b?x=1#frag")).isEqualTo("/a%20b");
        assertThat(DavPath.rawPathOf("/remote.php/dav/files/admin/capture/cap30.bin")).isEqualTo("/remote.php/dav/files/admin/capture/cap30.bin");
        assertThat(DavPath.rawPathOf("//host/path")).isEqualTo("/path");
        assertThat(DavPath.rawPathOf(" /a ")).isEqualTo("/a");
        for (String bad : List.of("relative/path", "", "mailto:a@b", "http//x")) {
            assertThatThrownBy(() -> DavPath.rawPathOf(bad)).as(bad)
                    .isInstanceOfSatisfying(DavException.class, e -> assertThat(e.status()).isEqualTo(400));
        }
    }

    // ---- Names Windows cannot store ------------------------------------------------------

    @Test
    void reserved_device_names_are_reported_with_or_without_extension() {
        for (String name : List.of("CON", "con", "Prn", "AUX", "NUL", "nul.txt", "COM0", "COM1", "com9.log", "LPT0", "LPT1",
                "lpt9.tar.gz", "COM\u00b9", "CON .txt")) {
            assertThat(DavPath.windowsProblem(name)).as(name)
                    .hasValueSatisfying(reason -> assertThat(reason.key()).isEqualTo("files.name.windows.reserved"));
        }
        assertThat(DavPath.windowsProblem("nul.txt").orElseThrow().english())
                .isEqualTo("The name 'nul.txt' cannot be used: nul is a reserved device name on Windows."
                        + " Rename it so that it works on every computer.");
        assertThat(DavPath.windowsProblem("nul.txt").orElseThrow().text(Language.FR))
                .startsWith("Le nom «\u00a0nul.txt\u00a0» ne peut pas être utilisé\u00a0: nul est un nom de périphérique réservé");
    }

    @Test
    void names_close_to_reserved_ones_are_fine() {
        for (String name : List.of("CONSOLE", "COM10", "com", "LPT", "nul-file.txt", "AUXILIARY.doc", "xCON",
                ".CON", "my con.txt", "report.txt", "caf\u00e9", "\uD83D\uDE00")) {
            assertThat(DavPath.windowsProblem(name)).as(name).isEmpty();
        }
    }

    @Test
    void forbidden_characters_and_trailing_dots_or_spaces_are_reported() {
        for (char c : "\\/:*?\"<>|".toCharArray()) {
            assertThat(DavPath.windowsProblem("a" + c + "b").map(Msg::english)).as("%s", c)
                    .contains("The name 'a" + c + "b' contains \u201c" + c + "\u201d, which Windows does not allow."
                            + " Rename it so that it works on every computer.");
        }
        assertThat(DavPath.windowsProblem("file.").map(Msg::key)).contains("files.name.windows.trailing-dot");
        assertThat(DavPath.windowsProblem("file ").map(Msg::key)).contains("files.name.windows.trailing-space");
        assertThat(DavPath.windowsProblem("a\u0001b").map(Msg::key)).contains("files.name.windows.control");
        assertThat(DavPath.windowsProblem(" leading space")).isEqualTo(Optional.empty());
    }
}
