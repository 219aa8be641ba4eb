package atrium.identity;

import static org.assertj.core.api.Assertions.assertThat;

import atrium.identity.CsvImport.ImportRow;
import atrium.identity.CsvImport.ParsedCsv;
import atrium.core.Language;
import atrium.identity.CsvImport.RowError;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CsvImportTest {
    private static final long GB = 1L << 30;
    private static final long MB = 1L << 20;

    /** What French Excel writes with "CSV UTF-8 (délimité par des virgules)": BOM, ';', CRLF. */
    @Test
    void a_french_excel_export_is_read_with_its_bom_semicolons_quotes_accents_and_french_units() {
        String csv = "Identifiant;Nom affiché;Courriel;Groupes;Quota;Mot de passe\r\n"
                + "jdupont;\"Dupont; Jean\";jean.dupont@cabinet-dupont.fr;\"Comptabilité, Direction\";10 Go;\r\n"
                + "zlevêque;Zoé Lévêque;;Accueil;500 Mo;Un-Mot-De-Passe-Long\r\n"
                + "mmartin;Marie \"Mimi\" Martin;MMartin@Cabinet-Dupont.FR;;aucun;\r\n"
                + ";;;;;\r\n"
                + ";;;;;\r\n";

        ParsedCsv parsed = CsvImport.parse(withBom(csv));

        assertThat(parsed.rows()).hasSize(2);
        ImportRow jean = parsed.rows().get(0);
        assertThat(jean.line()).isEqualTo(2);
        assertThat(jean.login()).isEqualTo("jdupont");
        assertThat(jean.displayName()).isEqualTo("Dupont; Jean");
        assertThat(jean.email()).hasValue("jean.dupont@cabinet-dupont.fr");
        assertThat(jean.groups()).containsExactly("Comptabilité", "Direction");
        assertThat(jean.quota()).hasValue(10 * GB);
        assertThat(jean.quotaGiven()).isTrue();
        assertThat(jean.password()).isEmpty();

        ImportRow marie = parsed.rows().get(1);
        assertThat(marie.line()).isEqualTo(4);
        assertThat(marie.displayName()).isEqualTo("Marie \"Mimi\" Martin"); // a stray quote inside a plain field is kept
        assertThat(marie.email()).hasValue("MMartin@cabinet-dupont.fr");
        assertThat(marie.groups()).isEmpty();
        assertThat(marie.quota()).isEmpty();
        assertThat(marie.quotaGiven()).isTrue();

        // "zlevêque" has an accent: the row is refused, naming the character and the line.
        assertThat(parsed.errors()).singleElement().satisfies(e -> {
            assertThat(e.line()).isEqualTo(3);
            assertThat(e.reason().english()).contains("login").contains("'ê'");
        });
    }

    @Test
    void a_comma_separated_file_with_lf_line_ends_and_english_headers_in_another_order() {
        String csv = "email,login,groups,display name,password,quota\n"
                + "alice@example.com,alice,\"sales, marketing ,sales\",Alice Smith,S3cret-Given-By-Admin,1.5 TB\n"
                + ",bob,,,,\n"
                + "\n\n";

        ParsedCsv parsed = CsvImport.parse(utf8(csv));

        assertThat(parsed.errors()).isEmpty();
        assertThat(parsed.rows()).containsExactly(
                new ImportRow(2, "alice", "Alice Smith", Optional.of("alice@example.com"), List.of("sales", "marketing"),
                        Optional.of(3L * (GB << 10) / 2), true, Optional.of("S3cret-Given-By-Admin"), Map.of()),
                new ImportRow(3, "bob", "bob", Optional.empty(), List.of(), Optional.empty(), false, Optional.empty(),
                        Map.of()));
    }

    @Test
    void header_names_are_matched_without_case_accents_spaces_or_dashes() {
        String csv = "  LOGIN ;Display_Name;E-Mail;GROUPES;QUOTA;mot de passe\n"
                + "a1;A One;a1@example.org;g;2048 KB;pw\n";

        ParsedCsv parsed = CsvImport.parse(utf8(csv));

        assertThat(parsed.errors()).isEmpty();
        assertThat(parsed.rows()).singleElement().satisfies(r -> {
            assertThat(r.displayName()).isEqualTo("A One");
            assertThat(r.email()).hasValue("a1@example.org");
            assertThat(r.quota()).hasValue(2 * MB);
            assertThat(r.password()).hasValue("pw");
        });
    }

    @Test
    void the_other_french_and_english_names_of_columns_are_understood() {
        for (String header : List.of("utilisateur;nom;mail;groupe", "login;name;e-mail;groups",
                "identifiant;displayname;courriel;groupes", "Login;Nom affiche;Email;Groups")) {
            ParsedCsv parsed = CsvImport.parse(utf8(header + "\njd;Jean;jd@example.fr;g1\n"));
            assertThat(parsed.errors()).as(header).isEmpty();
            assertThat(parsed.rows()).as(header).singleElement().satisfies(r -> {
                assertThat(r.displayName()).isEqualTo("Jean");
                assertThat(r.email()).hasValue("jd@example.fr");
                assertThat(r.groups()).containsExactly("g1");
            });
        }
    }

    @Test
    void values_may_hold_separators_doubled_quotes_and_line_breaks_inside_quotes_and_lines_are_counted_physically() {
        String csv = "login;display name;groups\r\n"
                + "a;\"Say \"\"hello\"\"; bye\";\"one,\r\ntwo\"\r\n"
                + "b;\"B\";x\r\n";

        ParsedCsv parsed = CsvImport.parse(utf8(csv));

        assertThat(parsed.errors()).isEmpty();
        assertThat(parsed.rows()).extracting(ImportRow::line).containsExactly(2, 4);
        assertThat(parsed.rows().get(0).displayName()).isEqualTo("Say \"hello\"; bye");
        assertThat(parsed.rows().get(0).groups()).containsExactly("one", "two");
    }

    @Test
    void a_line_break_inside_a_quoted_display_name_is_refused_naming_the_field() {
        String csv = "login;display name\n"
                + "a;\"Jean\nDupont\"\n"
                + "b;Bee\n";

        ParsedCsv parsed = CsvImport.parse(utf8(csv));

        assertThat(parsed.rows()).extracting(ImportRow::login).containsExactly("b");
        assertThat(parsed.rows().get(0).line()).isEqualTo(4);
        assertThat(parsed.errors()).singleElement().satisfies(e -> {
            assertThat(e.line()).isEqualTo(2);
            assertThat(e.reason().english()).contains("display name").contains("U+000A");
        });
    }

    @Test
    void a_quote_that_never_closes_is_reported_on_the_line_it_opened_and_earlier_rows_are_kept() {
        String csv = "login;display name\n"
                + "a;Alpha\n"
                + "b;\"Beta\n"
                + "c;Gamma\n";

        ParsedCsv parsed = CsvImport.parse(utf8(csv));

        assertThat(parsed.rows()).extracting(ImportRow::login).containsExactly("a");
        assertThat(parsed.errors()).singleElement().satisfies(e -> {
            assertThat(e.line()).isEqualTo(3);
            assertThat(e.reason().english()).contains("never closed").contains("column 2").contains("line 3");
        });
    }

    @Test
    void text_after_a_closing_quote_is_an_error_for_that_row_only() {
        String csv = "login;display name\n"
                + "a;\"Alpha\" Omega\n"
                + "b;Beta\n";

        ParsedCsv parsed = CsvImport.parse(utf8(csv));

        assertThat(parsed.rows()).extracting(ImportRow::login).containsExactly("b");
        assertThat(parsed.errors()).singleElement().satisfies(e -> {
            assertThat(e.line()).isEqualTo(2);
            assertThat(e.reason().english()).contains("Column 2").contains("after its closing quote");
        });
    }

    @Test
    void a_login_appearing_twice_is_refused_on_its_second_occurrence_whatever_its_case() {
        String csv = "login;display name\n"
                + "jdupont;Jean\n"
                + "mmartin;Marie\n"
                + " JDupont ;Jean bis\n";

        ParsedCsv parsed = CsvImport.parse(utf8(csv));

        assertThat(parsed.rows()).extracting(ImportRow::login).containsExactly("jdupont", "mmartin");
        assertThat(parsed.errors()).singleElement().satisfies(e -> {
            assertThat(e.line()).isEqualTo(4);
            assertThat(e.reason().english()).isEqualTo("The login 'jdupont' already appears on line 2.");
            assertThat(e.reason().text(Language.FR)).isEqualTo("L’identifiant «\u00A0jdupont\u00A0» figure déjà à la ligne 2.");
        });
    }

    @Test
    void bad_emails_are_refused_row_by_row_naming_the_address() {
        String csv = "login,email\n"
                + "a,a@example.fr\n"
                + "b,b.example.fr\n"
                + "c,c@localhost\n"
                + "d,d @example.fr\n";

        ParsedCsv parsed = CsvImport.parse(utf8(csv));

        assertThat(parsed.rows()).extracting(ImportRow::login).containsExactly("a");
        assertThat(parsed.errors()).extracting(RowError::line).containsExactly(3, 4, 5);
        assertThat(parsed.errors().get(0).reason().english()).contains("e-mail address").contains("b.example.fr").contains("@");
        assertThat(parsed.errors().get(1).reason().english()).contains("c@localhost").contains("dot");
        assertThat(parsed.errors().get(2).reason().english()).contains("space");
    }

    @Test
    void forbidden_login_characters_are_named_and_every_problem_of_a_row_is_listed() {
        String csv = "login;email;quota\n"
                + "jean dupont!;jean@;12 parsecs\n"
                + ".dot;;\n"
                + "ok;;\n";

        ParsedCsv parsed = CsvImport.parse(utf8(csv));

        assertThat(parsed.rows()).extracting(ImportRow::login).containsExactly("ok");
        List<RowError> line2 = parsed.errors().stream().filter(e -> e.line() == 2).toList();
        assertThat(line2).hasSize(3);
        assertThat(line2.get(0).reason().english()).contains("login").contains("space").contains("'!'");
        assertThat(line2.get(1).reason().english()).contains("e-mail");
        assertThat(line2.get(2).reason().english()).contains("quota").contains("parsecs");
        assertThat(parsed.errors()).filteredOn(e -> e.line() == 3).singleElement()
                .satisfies(e -> assertThat(e.reason().english()).contains("must start with a letter or a digit"));
    }

    @Test
    void very_long_and_unicode_names_are_judged_in_characters_not_bytes() {
        String twoHundredEmoji = "🎉".repeat(200);
        String csv = "login;display name;groups\n"
                + "a;" + twoHundredEmoji + ";Équipe 🚀\n"
                + "b;" + "é".repeat(201) + ";\n"
                + "c;王小明;" + "g".repeat(65) + "\n"
                + "d;محمد;" + "g".repeat(64) + "\n";

        ParsedCsv parsed = CsvImport.parse(utf8(csv));

        assertThat(parsed.rows()).extracting(ImportRow::login).containsExactly("a", "d");
        assertThat(parsed.rows().get(0).displayName()).isEqualTo(twoHundredEmoji);
        assertThat(parsed.rows().get(0).groups()).containsExactly("Équipe 🚀");
        assertThat(parsed.rows().get(1).displayName()).isEqualTo("محمد");
        assertThat(parsed.errors()).extracting(RowError::line).containsExactly(3, 4);
        assertThat(parsed.errors().get(0).reason().english()).contains("display name").contains("201");
        assertThat(parsed.errors().get(1).reason().english()).contains("group name").contains("65");
    }

    @Test
    void a_row_with_another_number_of_cells_than_the_header_is_refused() {
        String csv = "login;display name;email\n"
                + "a;Dupont; Jean;a@example.fr\n"
                + "b;B\n"
                + "c;C;c@example.fr\n";

        ParsedCsv parsed = CsvImport.parse(utf8(csv));

        assertThat(parsed.rows()).extracting(ImportRow::login).containsExactly("c");
        assertThat(parsed.errors()).extracting(RowError::line).containsExactly(2, 3);
        assertThat(parsed.errors().get(0).reason().english()).contains("4 cells").contains("3 columns");
        assertThat(parsed.errors().get(1).reason().english()).contains("2 cells");
    }

    @Test
    void an_empty_file_is_one_error_on_line_one() {
        for (byte[] empty : List.of(new byte[0], utf8(" \r\n\r\n"), withBom(""))) {
            ParsedCsv parsed = CsvImport.parse(empty);
            assertThat(parsed.rows()).isEmpty();
            assertThat(parsed.errors()).singleElement().satisfies(e -> {
                assertThat(e.line()).isEqualTo(1);
                assertThat(e.reason().english()).contains("empty").contains("login");
            });
        }
    }

    @Test
    void a_header_only_file_has_neither_rows_nor_errors() {
        ParsedCsv parsed = CsvImport.parse(withBom("login;display name;email\r\n"));

        assertThat(parsed.rows()).isEmpty();
        assertThat(parsed.errors()).isEmpty();
    }

    @Test
    void a_file_without_a_login_column_is_a_single_error_on_line_one_and_no_rows() {
        ParsedCsv parsed = CsvImport.parse(utf8("jdupont;Jean Dupont;jean@example.fr\nmmartin;Marie;m@example.fr\n"));

        assertThat(parsed.rows()).isEmpty();
        assertThat(parsed.errors()).singleElement().satisfies(e -> {
            assertThat(e.line()).isEqualTo(1);
            assertThat(e.reason().english()).contains("login").contains("'jdupont'");
        });
    }

    @Test
    void unknown_columns_are_named_in_an_error_on_line_one_and_nothing_is_imported() {
        ParsedCsv parsed = CsvImport.parse(utf8("login;Prénom;Service;email\na;b;c;a@example.fr\n"));

        assertThat(parsed.rows()).isEmpty();
        assertThat(parsed.errors()).singleElement().satisfies(e -> {
            assertThat(e.line()).isEqualTo(1);
            assertThat(e.reason().english()).contains("'Prénom'").contains("'Service'").contains("display name");
        });
    }

    @Test
    void a_column_named_twice_is_an_error_on_line_one() {
        ParsedCsv parsed = CsvImport.parse(utf8("login;email;courriel\na;a@example.fr;a@example.fr\n"));

        assertThat(parsed.rows()).isEmpty();
        assertThat(parsed.errors()).singleElement().satisfies(e -> assertThat(e.reason().english()).contains("email column appears twice"));
    }

    @Test
    void a_column_without_a_name_is_ignored_while_its_cells_are_empty() {
        String csv = "login;display name;\n"
                + "a;A;\n"
                + "b;B;surprise\n";

        ParsedCsv parsed = CsvImport.parse(utf8(csv));

        assertThat(parsed.rows()).extracting(ImportRow::login).containsExactly("a");
        assertThat(parsed.errors()).singleElement().satisfies(e -> {
            assertThat(e.line()).isEqualTo(3);
            assertThat(e.reason().english()).contains("Column 3").contains("no name");
        });
    }

    @Test
    void a_file_in_windows_1252_is_refused_with_a_hint_to_save_as_csv_utf8() {
        byte[] latin1 = "login;nom\njdupont;Jean\nzoe;Zoé Lévêque\n".getBytes(Charset.forName("windows-1252"));

        ParsedCsv parsed = CsvImport.parse(latin1);

        assertThat(parsed.rows()).isEmpty();
        assertThat(parsed.errors()).singleElement().satisfies(e -> {
            assertThat(e.line()).isEqualTo(3);
            assertThat(e.reason().english()).contains("not in UTF-8").contains("CSV UTF-8");
        });
    }

    @Test
    void a_file_in_utf16_is_refused_with_the_same_hint() {
        byte[] utf16 = "login;nom\njdupont;Jean\n".getBytes(StandardCharsets.UTF_16LE);
        byte[] withBom = new byte[utf16.length + 2];
        withBom[0] = (byte) 0xFF;
        withBom[1] = (byte) 0xFE;
        System.arraycopy(utf16, 0, withBom, 2, utf16.length);

        assertThat(CsvImport.parse(withBom).errors()).singleElement()
                .satisfies(e -> assertThat(e.reason().english()).contains("UTF-16").contains("CSV UTF-8"));
    }

    @Test
    void the_separator_is_the_more_frequent_one_outside_quotes_on_the_header_line() {
        // Three commas inside the quoted header name do not outvote the two semicolons.
        String csv = "login;\"display name, the one, shown, to all\";email\n";
        ParsedCsv parsed = CsvImport.parse(utf8(csv + "a;A, B;a@example.fr\n"));

        // The odd header name is unknown, which proves it was read as one column.
        assertThat(parsed.errors()).singleElement().satisfies(e -> assertThat(e.reason().english())
                .contains("'display name, the one, shown, to all'"));
        assertThat(CsvImport.parse(utf8("login,display name,email;x\na,A,a@b.fr;x\n")).errors()).singleElement()
                .satisfies(e -> assertThat(e.reason().english()).contains("'email;x'"));
    }

    @Test
    void a_single_column_file_and_an_excel_sep_line_work() {
        ParsedCsv single = CsvImport.parse(utf8("login\r\nalpha\r\nbeta"));
        assertThat(single.errors()).isEmpty();
        assertThat(single.rows()).extracting(ImportRow::login).containsExactly("alpha", "beta");

        ParsedCsv declared = CsvImport.parse(utf8("sep=,\r\nlogin,display name\r\na,\"Dupont; Jean\"\r\n"));
        assertThat(declared.errors()).isEmpty();
        assertThat(declared.rows()).singleElement().satisfies(r -> {
            assertThat(r.line()).isEqualTo(3);
            assertThat(r.displayName()).isEqualTo("Dupont; Jean");
        });
    }

    @Test
    void old_mac_line_ends_and_a_missing_final_line_end_are_fine() {
        ParsedCsv parsed = CsvImport.parse(utf8("login;quota\ra;10 GB\rb;none"));

        assertThat(parsed.errors()).isEmpty();
        assertThat(parsed.rows()).extracting(ImportRow::line).containsExactly(2, 3);
        assertThat(parsed.rows().get(1).quotaGiven()).isTrue();
        assertThat(parsed.rows().get(1).quota()).isEmpty();
    }

    @Test
    void a_blank_display_name_becomes_the_login_and_a_password_is_returned_as_given() {
        ParsedCsv parsed = CsvImport.parse(utf8("login;display name;password\nJDupont;  ;  spaced secret \n"));

        assertThat(parsed.rows()).singleElement().satisfies(r -> {
            assertThat(r.login()).isEqualTo("jdupont");
            assertThat(r.displayName()).isEqualTo("jdupont");
            assertThat(r.password()).hasValue("  spaced secret ");
        });
    }

    @Test
    void ten_thousand_rows_are_accepted_but_one_more_is_a_single_error() {
        ParsedCsv ok = CsvImport.parse(users(10_000));
        assertThat(ok.errors()).isEmpty();
        assertThat(ok.rows()).hasSize(10_000);
        assertThat(ok.rows().get(9_999).line()).isEqualTo(10_001);

        ParsedCsv tooMany = CsvImport.parse(users(10_001));
        assertThat(tooMany.rows()).isEmpty();
        assertThat(tooMany.errors()).singleElement().satisfies(e -> {
            assertThat(e.line()).isEqualTo(10_002);
            assertThat(e.reason().english()).contains("10,001").contains("10,000");
        });
    }

    private static byte[] users(int count) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(utf8("login;display name;email;groups;quota\r\n"));
        for (int i = 0; i < count; i++) {
            out.writeBytes(utf8("user" + i + ";User " + i + ";user" + i + "@example.fr;\"staff, team" + (i % 10)
                    + "\";10 GB\r\n"));
        }
        return out.toByteArray();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] withBom(String text) {
        byte[] body = utf8(text);
        byte[] out = new byte[body.length + 3];
        out[0] = (byte) 0xEF;
        out[1] = (byte) 0xBB;
        out[2] = (byte) 0xBF;
        System.arraycopy(body, 0, out, 3, body.length);
        return out;
    }
}
