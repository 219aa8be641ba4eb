package atrium.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import atrium.core.AtriumException;
import java.util.List;
import java.util.Optional;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

class AccountRulesTest {
    private static final long KB = 1024L;
    private static final long MB = 1024L * KB;
    private static final long GB = 1024L * MB;
    private static final long TB = 1024L * GB;

    // ---- login

    @Test
    void a_login_is_trimmed_and_lower_cased() {
        assertThat(AccountRules.login("  Jean.Dupont ")).isEqualTo("jean.dupont");
        assertThat(AccountRules.login("J_DUPONT-2@cabinet")).isEqualTo("j_dupont-2@cabinet");
        assertThat(AccountRules.login("7eleven")).isEqualTo("7eleven");
        assertThat(AccountRules.login("a")).isEqualTo("a");
    }

    @Test
    void a_login_of_sixty_four_characters_is_allowed_but_not_sixty_five() {
        assertThat(AccountRules.login("a".repeat(64))).hasSize(64);
        invalid(() -> AccountRules.login("a".repeat(65)), "login").hasMessageContaining("65").hasMessageContaining("64");
    }

    @Test
    void an_empty_login_is_refused() {
        invalid(() -> AccountRules.login("   "), "login").hasMessage("The login is required.");
    }

    @Test
    void a_login_with_accents_or_spaces_is_refused_naming_the_characters() {
        invalid(() -> AccountRules.login("zoé martin"), "login")
                .hasMessageContaining("'é'").hasMessageContaining("space").hasMessageContaining("zoé martin");
        invalid(() -> AccountRules.login("jean+news"), "login").hasMessageContaining("'+'");
        invalid(() -> AccountRules.login("jean\tdupont"), "login").hasMessageContaining("U+0009")
                .hasMessageNotContaining("\t");
        invalid(() -> AccountRules.login("jean/../x"), "login").hasMessageContaining("'/'");
    }

    @Test
    void a_login_must_start_with_a_letter_or_a_digit() {
        invalid(() -> AccountRules.login(".jean"), "login").hasMessageContaining("must start with a letter or a digit");
        invalid(() -> AccountRules.login("_jean"), "login").hasMessageContaining("'_'");
        invalid(() -> AccountRules.login("@jean"), "login");
        invalid(() -> AccountRules.login("-jean"), "login");
    }

    // ---- e-mail

    @Test
    void a_blank_email_is_no_email() {
        assertThat(AccountRules.email("")).isEmpty();
        assertThat(AccountRules.email("   ")).isEmpty();
    }

    @Test
    void a_sane_email_is_kept_trimmed_with_its_domain_lower_cased() {
        assertThat(AccountRules.email(" Jean.Dupont@Cabinet-Dupont.FR ")).hasValue("Jean.Dupont@cabinet-dupont.fr");
        assertThat(AccountRules.email("jean+factures@mail.example.co.uk")).hasValue("jean+factures@mail.example.co.uk");
        assertThat(AccountRules.email("o'neil@example.ie")).hasValue("o'neil@example.ie");
        assertThat(AccountRules.email("zoé@société.fr")).hasValue("zoé@société.fr");
    }

    @Test
    void emails_with_a_typo_are_refused_with_a_reason() {
        invalid(() -> AccountRules.email("jean.dupont"), "email").hasMessageContaining("exactly one @");
        invalid(() -> AccountRules.email("jean@@example.fr"), "email").hasMessageContaining("exactly one @");
        invalid(() -> AccountRules.email("jean@dupont@example.fr"), "email").hasMessageContaining("exactly one @");
        invalid(() -> AccountRules.email("jean@example"), "email").hasMessageContaining("must contain a dot");
        invalid(() -> AccountRules.email("jean dupont@example.fr"), "email").hasMessageContaining("space");
        invalid(() -> AccountRules.email("jean@exa mple.fr"), "email").hasMessageContaining("space");
        invalid(() -> AccountRules.email("jean@example.fr\u0000"), "email");
        invalid(() -> AccountRules.email("@example.fr"), "email").hasMessageContaining("before the @");
        invalid(() -> AccountRules.email("jean.@example.fr"), "email");
        invalid(() -> AccountRules.email("je..an@example.fr"), "email");
        invalid(() -> AccountRules.email("jean@example..fr"), "email");
        invalid(() -> AccountRules.email("jean@.example.fr"), "email");
        invalid(() -> AccountRules.email("jean@example.fr."), "email");
        invalid(() -> AccountRules.email("jean@-example.fr"), "email");
        invalid(() -> AccountRules.email("jean@example.f"), "email").hasMessageContaining("top-level");
        invalid(() -> AccountRules.email("jean@10.0.0.1"), "email");
        invalid(() -> AccountRules.email("jean@exam_ple.fr"), "email");
        invalid(() -> AccountRules.email("<jean@example.fr>"), "email");
        invalid(() -> AccountRules.email("\"jean dupont\"@example.fr"), "email");
    }

    @Test
    void an_email_longer_than_254_characters_is_refused() {
        String domain = "d".repeat(60) + "." + "e".repeat(60) + "." + "f".repeat(60) + "." + "g".repeat(60) + ".fr";
        String ok = "a".repeat(254 - domain.length() - 1) + "@" + domain;
        assertThat(ok).hasSize(254);
        assertThat(AccountRules.email(ok)).hasValue(ok);
        invalid(() -> AccountRules.email("a" + ok), "email").hasMessageContaining("254");
        invalid(() -> AccountRules.email("a".repeat(65) + "@example.fr"), "email");
    }

    // ---- display name

    @Test
    void a_display_name_is_trimmed_and_defaults_to_the_login() {
        assertThat(AccountRules.displayName("  Jean Dupont ", "jdupont")).isEqualTo("Jean Dupont");
        assertThat(AccountRules.displayName("", "jdupont")).isEqualTo("jdupont");
        assertThat(AccountRules.displayName(" \t ", "jdupont")).isEqualTo("jdupont");
    }

    @Test
    void a_display_name_may_hold_any_letters_and_emoji() {
        for (String name : List.of("Zoé Lévêque-Ørsted", "Ἀριστοτέλης", "王小明", "محمد", "Jean 🎉", "👨‍👩‍👧 Famille",
                "O'Brien, Seán (Compta)")) {
            assertThat(AccountRules.displayName(name, "x")).isEqualTo(name);
        }
    }

    @Test
    void a_display_name_is_counted_in_code_points_up_to_two_hundred() {
        String emoji200 = "😀".repeat(200); // 400 UTF-16 chars, 200 code points
        assertThat(AccountRules.displayName(emoji200, "x")).isEqualTo(emoji200);
        invalid(() -> AccountRules.displayName("😀".repeat(201), "x"), "displayName").hasMessageContaining("201");
    }

    @Test
    void a_display_name_with_control_characters_or_bidi_overrides_is_refused() {
        invalid(() -> AccountRules.displayName("Jean\tDupont", "x"), "displayName").hasMessageContaining("U+0009");
        invalid(() -> AccountRules.displayName("Jean\nDupont", "x"), "displayName").hasMessageContaining("U+000A");
        invalid(() -> AccountRules.displayName("Jean\u0000", "x"), "displayName");
        invalid(() -> AccountRules.displayName("Jean\u2028Dupont", "x"), "displayName");
        invalid(() -> AccountRules.displayName("admin\u202Egpj.exe", "x"), "displayName").hasMessageContaining("U+202E");
        invalid(() -> AccountRules.displayName("broken \uD83D surrogate", "x"), "displayName");
    }

    // ---- language

    @Test
    void the_language_is_fr_or_en_in_any_case_and_english_when_blank() {
        assertThat(AccountRules.language("fr")).isEqualTo("fr");
        assertThat(AccountRules.language(" FR ")).isEqualTo("fr");
        assertThat(AccountRules.language("En")).isEqualTo("en");
        assertThat(AccountRules.language("fr-FR")).isEqualTo("fr");
        assertThat(AccountRules.language("en_GB")).isEqualTo("en");
        assertThat(AccountRules.language("")).isEqualTo("en");
    }

    @Test
    void other_languages_are_refused() {
        invalid(() -> AccountRules.language("de"), "language").hasMessageContaining("'de'").hasMessageContaining("fr or en");
        invalid(() -> AccountRules.language("français"), "language");
        invalid(() -> AccountRules.language("french"), "language");
    }

    // ---- quota

    @Test
    void quotas_in_english_units_are_binary_multiples() {
        assertThat(AccountRules.quota("10 GB")).hasValue(10 * GB);
        assertThat(AccountRules.quota("500 MB")).hasValue(500 * MB);
        assertThat(AccountRules.quota("1.5 TB")).hasValue(3 * TB / 2);
        assertThat(AccountRules.quota("2048 KB")).hasValue(2 * MB);
        assertThat(AccountRules.quota("1000000 B")).hasValue(1_000_000L);
        assertThat(AccountRules.quota("10GB")).hasValue(10 * GB);
        assertThat(AccountRules.quota(" 10 gb ")).hasValue(10 * GB);
        assertThat(AccountRules.quota("10 GiB")).hasValue(10 * GB);
        assertThat(AccountRules.quota("0 GB")).hasValue(0L);
    }

    @Test
    void quotas_in_french_units_and_with_a_decimal_comma_are_understood() {
        assertThat(AccountRules.quota("10 Go")).hasValue(10 * GB);
        assertThat(AccountRules.quota("500 Mo")).hasValue(500 * MB);
        assertThat(AccountRules.quota("1,5 GB")).hasValue(3 * GB / 2);
        assertThat(AccountRules.quota("1,5 To")).hasValue(3 * TB / 2);
        assertThat(AccountRules.quota("2048 Ko")).hasValue(2 * MB);
        assertThat(AccountRules.quota("1000 octets")).hasValue(1000L);
        assertThat(AccountRules.quota("10\u00A0Go")).hasValue(10 * GB); // Excel's non-breaking space
    }

    @Test
    void no_quota_is_said_in_several_ways() {
        for (String none : List.of("", "  ", "none", "None", "aucun", "AUCUN", "unlimited", "illimité")) {
            assertThat(AccountRules.quota(none)).as(none).isEmpty();
        }
    }

    @Test
    void a_fraction_of_a_byte_is_dropped() {
        assertThat(AccountRules.quota("1.33 GB")).hasValue((long) Math.floor(1.33 * GB));
        assertThat(AccountRules.quota("0.5 B")).hasValue(0L);
    }

    @Test
    void negative_unitless_unknown_or_absurd_quotas_are_refused() {
        invalid(() -> AccountRules.quota("-5 GB"), "quota").hasMessageContaining("negative");
        invalid(() -> AccountRules.quota("10"), "quota").hasMessageContaining("needs a unit");
        invalid(() -> AccountRules.quota("10 parsecs"), "quota").hasMessageContaining("'parsecs'");
        invalid(() -> AccountRules.quota("lots"), "quota").hasMessageContaining("not understood");
        invalid(() -> AccountRules.quota("10 GB 5 MB"), "quota");
        invalid(() -> AccountRules.quota("1.2.3 GB"), "quota");
        invalid(() -> AccountRules.quota("2 PB"), "quota").hasMessageContaining("1 PB");
        invalid(() -> AccountRules.quota("99999999999999 TB"), "quota");
        invalid(() -> AccountRules.quota("999999999999999999999 B"), "quota");
        assertThat(AccountRules.quota("1 PB")).hasValue(AccountRules.MAX_QUOTA);
    }

    @Test
    void a_quota_is_formatted_with_the_largest_unit_that_keeps_it_exact() {
        assertThat(AccountRules.formatQuota(Optional.empty())).isEqualTo("none");
        assertThat(AccountRules.formatQuota(Optional.of(10 * GB))).isEqualTo("10 GB");
        assertThat(AccountRules.formatQuota(Optional.of(500 * MB))).isEqualTo("500 MB");
        assertThat(AccountRules.formatQuota(Optional.of(3 * TB / 2))).isEqualTo("1.5 TB");
        assertThat(AccountRules.formatQuota(Optional.of(2 * MB))).isEqualTo("2 MB");
        assertThat(AccountRules.formatQuota(Optional.of(1536 * KB))).isEqualTo("1.5 MB");
        assertThat(AccountRules.formatQuota(Optional.of(1_000_000L))).isEqualTo("1000000 B");
        assertThat(AccountRules.formatQuota(Optional.of(1_000_001L))).isEqualTo("1000001 B");
        assertThat(AccountRules.formatQuota(Optional.of(0L))).isEqualTo("0 B");
        assertThat(AccountRules.formatQuota(Optional.of(1023L))).isEqualTo("1023 B");
    }

    @Test
    void a_formatted_quota_reads_back_as_the_same_number_of_bytes() {
        for (long bytes : new long[] {0, 1, 1023, 1024, 1_000_000, 1_000_001, 10 * GB, 3 * TB / 2, 7 * GB + 3 * MB,
                1_428_076_625L, AccountRules.MAX_QUOTA}) {
            String text = AccountRules.formatQuota(Optional.of(bytes));
            assertThat(AccountRules.quota(text)).as(text).hasValue(bytes);
        }
        assertThat(AccountRules.quota(AccountRules.formatQuota(Optional.empty()))).isEmpty();
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> invalid(Runnable call, String field) {
        return assertThatThrownBy(call::run).isInstanceOfSatisfying(AtriumException.Invalid.class, e -> {
            assertThat(e.field()).hasValue(field);
            assertThat(e.code()).isEqualTo("invalid");
            assertThat(e.status()).isEqualTo(400);
        });
    }
}
