package atrium.identity.db;

import static org.assertj.core.api.Assertions.assertThat;

import atrium.identity.AuditEntry;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the audit page relies on from {@link AuditStore}, on every database. */
public interface AuditStoreContract extends IdentityStoresFixture {

    private static AuditStore.Filter all(int limit) {
        return new AuditStore.Filter(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), limit);
    }

    private static AuditStore.Filter actor(String actor) {
        return new AuditStore.Filter(Optional.of(actor), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), 50);
    }

    private static AuditStore.Filter action(String action) {
        return new AuditStore.Filter(Optional.empty(), Optional.of(action), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), 50);
    }

    private static AuditStore.Filter text(String text) {
        return new AuditStore.Filter(Optional.empty(), Optional.empty(), Optional.of(text), Optional.empty(),
                Optional.empty(), Optional.empty(), 50);
    }

    private static AuditStore.Filter before(long id, int limit) {
        return new AuditStore.Filter(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.of(id), limit);
    }

    private static AuditEntry entry(long id, long at, String actor, String action, String target, String address,
                                    String detail) {
        return new AuditEntry(id, at, Optional.ofNullable(actor), action, Optional.ofNullable(target),
                Optional.ofNullable(address), Optional.ofNullable(detail));
    }

    private List<Long> ids(AuditStore.Filter filter) {
        return audit().search(filter).stream().map(AuditEntry::id).toList();
    }

    private void appendHistory() {
        audit().append(entry(1, NOW, "alice", "sign-in", null, "192.0.2.7", null));
        audit().append(entry(2, NOW + 1_000, "alice", "user-created", "bob", "192.0.2.7", "Groups: Staff"));
        audit().append(entry(3, NOW + 2_000, null, "sign-in-failed", "carol", "198.51.100.4", "Bad password"));
        audit().append(entry(4, NOW + 3_000, "bob", "group-created", "Équipe Été", "2001:db8::1", null));
        audit().append(entry(5, NOW + 4_000, "alice", "user-deleted", "dave", "192.0.2.7", "Deleted by Alice"));
    }

    @Test
    default void an_appended_entry_reads_back_with_every_field() {
        var full = entry(7_300_000_000_000_000_001L, NOW, "alice", "user-updated", "bob", "2001:db8::1",
                "Display name: « Bob » → « Bób 🎉 »");
        var bare = entry(1, NOW, null, "purge", null, null, null);

        audit().append(full);
        audit().append(bare);

        assertThat(audit().search(all(10))).containsExactly(full, bare);
    }

    @Test
    default void entries_come_newest_first_and_page_with_the_last_id_seen() {
        appendHistory();

        assertThat(ids(all(10))).containsExactly(5L, 4L, 3L, 2L, 1L);
        assertThat(ids(all(2))).containsExactly(5L, 4L);
        assertThat(ids(before(4, 2))).containsExactly(3L, 2L);
        assertThat(ids(before(2, 2))).containsExactly(1L);
        assertThat(ids(before(1, 2))).isEmpty();
    }

    @Test
    default void entries_are_filtered_by_exact_actor_and_action() {
        appendHistory();

        assertThat(ids(actor("alice"))).containsExactly(5L, 2L, 1L);
        assertThat(ids(actor("ali"))).isEmpty();
        assertThat(ids(action("sign-in"))).containsExactly(1L);
        assertThat(ids(action("sign-in-failed"))).containsExactly(3L);
        assertThat(ids(new AuditStore.Filter(Optional.of("alice"), Optional.of("user-created"), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), 50))).containsExactly(2L);
    }

    @Test
    default void text_is_searched_in_target_detail_actor_and_address_ignoring_the_case_of_unaccented_letters() {
        appendHistory();

        assertThat(ids(text("BOB"))).as("target or actor").containsExactly(4L, 2L);
        assertThat(ids(text("bad pass"))).as("detail").containsExactly(3L);
        assertThat(ids(text("198.51"))).as("address").containsExactly(3L);
        assertThat(ids(text("2001:DB8"))).as("address").containsExactly(4L);
        // Accented capitals as written only: SQLite's LOWER folds ASCII letters alone.
        assertThat(ids(text("Équipe Été"))).as("accented target").containsExactly(4L);
        assertThat(ids(text("QUIPE Ét"))).as("accented target, other letters in another case").containsExactly(4L);
        assertThat(ids(text("nothing like it"))).isEmpty();
    }

    @Test
    default void a_time_range_includes_its_start_and_excludes_its_end() {
        appendHistory();

        var range = new AuditStore.Filter(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(NOW + 1_000), Optional.of(NOW + 3_000), Optional.empty(), 50);
        assertThat(ids(range)).containsExactly(3L, 2L);

        var fromOnly = new AuditStore.Filter(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(NOW + 3_000), Optional.empty(), Optional.empty(), 50);
        assertThat(ids(fromOnly)).containsExactly(5L, 4L);

        var rangeAndPage = new AuditStore.Filter(Optional.of("alice"), Optional.empty(), Optional.empty(),
                Optional.of(NOW), Optional.of(NOW + 10_000), Optional.of(5L), 1);
        assertThat(ids(rangeAndPage)).containsExactly(2L);
    }
}
