package atrium.identity.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import atrium.identity.AccountId;
import atrium.identity.Group;
import atrium.identity.GroupId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.JdbiException;
import org.junit.jupiter.api.Test;

/** What the rest of the server relies on from {@link GroupStore}, on every database. */
public interface GroupStoreContract extends IdentityStoresFixture {

    private static List<String> names(List<Group> groups) {
        return groups.stream().map(Group::name).toList();
    }

    @Test
    default void an_inserted_group_is_found_by_its_name_whatever_its_case() {
        var written = new Group(new GroupId(7_300_000_000_000_000_001L), "Staff", true, NOW);

        groups().insert(written);

        assertThat(groups().byName("Staff")).contains(written);
        assertThat(groups().byName("staff")).contains(written);
        assertThat(groups().byName("STAFF")).contains(written);
        assertThat(groups().byName("Staf")).isEmpty();
    }

    @Test
    default void a_group_with_an_accented_name_is_found_by_that_name_in_any_case() {
        var equipe = insertGroup(1, "Équipe Été");

        assertThat(groups().byName("Équipe Été")).contains(equipe);
        assertThat(groups().byName("équipe été")).contains(equipe);
        assertThat(groups().byName("ÉQUIPE ÉTÉ")).contains(equipe);
    }

    @Test
    default void groups_are_found_by_a_list_of_names_whatever_their_case() {
        insertGroup(1, "Staff");
        insertGroup(2, "Équipe");
        insertGroup(3, "Board");

        assertThat(names(groups().byNames(List.of("STAFF", "board", "missing"))))
                .containsExactlyInAnyOrder("Staff", "Board");
        assertThat(names(groups().byNames(List.of("Équipe")))).containsExactly("Équipe");
        assertThat(names(groups().byNames(List.of("équipe")))).containsExactly("Équipe");
        assertThat(groups().byNames(List.of())).isEmpty();
    }

    @Test
    default void a_second_group_with_a_name_already_taken_is_refused() {
        insertGroup(1, "Staff");

        assertThatThrownBy(() -> insertGroup(2, "Staff")).isInstanceOf(JdbiException.class);
        assertThat(groups().list(Optional.empty())).hasSize(1);
    }

    @Test
    default void the_list_gives_every_group_by_name_with_its_member_count_and_admins() {
        var alice = insertAccount(1, "alice").id();
        var bob = insertAccount(2, "bob").id();
        var carol = insertAccount(3, "carol").id();
        var staff = insertGroup(10, "Staff");
        var board = insertGroup(11, "Board");
        var sales = insertGroup(12, "Sales");
        groups().addMember(staff.id(), alice);
        groups().addMember(staff.id(), bob);
        groups().addMember(staff.id(), carol);
        groups().addMember(sales.id(), carol);
        groups().addAdmin(staff.id(), carol);
        groups().addAdmin(staff.id(), alice);
        groups().addAdmin(sales.id(), bob);

        assertThat(groups().list(Optional.empty())).containsExactly(
                new GroupStore.GroupInfo(board, 0, List.of()),
                new GroupStore.GroupInfo(sales, 1, List.of("bob")),
                new GroupStore.GroupInfo(staff, 3, List.of("alice", "carol")));
    }

    @Test
    default void the_list_can_be_limited_to_some_groups() {
        var staff = insertGroup(10, "Staff");
        var board = insertGroup(11, "Board");
        insertGroup(12, "Sales");

        assertThat(groups().list(Optional.of(List.of(10L, 11L))).stream().map(GroupStore.GroupInfo::group))
                .containsExactly(board, staff);
        assertThat(groups().list(Optional.of(List.of()))).isEmpty();
    }

    @Test
    default void adding_a_member_or_an_admin_twice_changes_nothing() {
        var alice = insertAccount(1, "alice").id();
        var staff = insertGroup(10, "Staff").id();

        groups().addMember(staff, alice);
        groups().addMember(staff, alice);
        groups().addAdmin(staff, alice);
        groups().addAdmin(staff, alice);

        assertThat(groups().members(staff)).containsExactly(alice);
        assertThat(groups().list(Optional.empty()).getFirst().memberCount()).isEqualTo(1);
        assertThat(groups().list(Optional.empty()).getFirst().adminLogins()).containsExactly("alice");
    }

    @Test
    default void removing_a_member_or_an_admin_leaves_the_others() {
        var alice = insertAccount(1, "alice").id();
        var bob = insertAccount(2, "bob").id();
        var staff = insertGroup(10, "Staff").id();
        groups().addMember(staff, alice);
        groups().addMember(staff, bob);
        groups().addAdmin(staff, alice);
        groups().addAdmin(staff, bob);

        groups().removeMember(staff, alice);
        groups().removeAdmin(staff, bob);
        groups().removeMember(staff, new AccountId(99));

        assertThat(groups().members(staff)).containsExactly(bob);
        assertThat(groups().groupsAdministeredBy(alice)).extracting(Group::name).containsExactly("Staff");
        assertThat(groups().groupsAdministeredBy(bob)).isEmpty();
    }

    @Test
    default void group_names_for_a_page_of_accounts_come_back_per_account_in_name_order() {
        var alice = insertAccount(1, "alice").id();
        var bob = insertAccount(2, "bob").id();
        var carol = insertAccount(3, "carol").id();
        var dave = insertAccount(4, "dave").id();
        var staff = insertGroup(10, "Staff").id();
        var board = insertGroup(11, "Board").id();
        var sales = insertGroup(12, "Sales").id();
        groups().addMember(staff, alice);
        groups().addMember(board, alice);
        groups().addMember(sales, alice);
        groups().addMember(sales, bob);
        groups().addMember(staff, dave);
        groups().addAdmin(sales, bob);
        groups().addAdmin(board, bob);
        groups().addAdmin(staff, dave);

        Map<AccountId, List<String>> memberOf = groups().groupsOf(List.of(alice, bob, carol, alice));
        Map<AccountId, List<String>> adminOf = groups().administeredBy(List.of(alice, bob, carol));

        assertThat(memberOf).containsOnly(
                Map.entry(alice, List.of("Board", "Sales", "Staff")),
                Map.entry(bob, List.of("Sales")));
        assertThat(adminOf).containsOnly(Map.entry(bob, List.of("Board", "Sales")));
        assertThat(groups().groupsOf(List.of())).isEmpty();
        assertThat(groups().administeredBy(List.of())).isEmpty();
    }

    @Test
    default void the_groups_of_one_account_come_in_name_order() {
        var alice = insertAccount(1, "alice").id();
        groups().addMember(insertGroup(10, "Staff").id(), alice);
        groups().addMember(insertGroup(11, "Board").id(), alice);
        groups().addAdmin(insertGroup(12, "Sales").id(), alice);
        groups().addAdmin(new GroupId(10), alice);

        assertThat(names(groups().groupsOf(alice))).containsExactly("Board", "Staff");
        assertThat(names(groups().groupsAdministeredBy(alice))).containsExactly("Sales", "Staff");
    }

    @Test
    default void two_factor_is_required_only_by_a_group_the_account_belongs_to() {
        var alice = insertAccount(1, "alice").id();
        var bob = insertAccount(2, "bob").id();
        var staff = insertGroup(10, "Staff").id();
        var board = insertGroup(11, "Board").id();
        groups().addMember(staff, alice);
        groups().addMember(board, bob);

        assertThat(groups().requiresTotp(alice)).isFalse();

        groups().setRequireTotp(board, true);
        assertThat(groups().requiresTotp(alice)).isFalse();
        assertThat(groups().requiresTotp(bob)).isTrue();
        assertThat(groups().byName("Board").orElseThrow().requireTotp()).isTrue();

        groups().addMember(board, alice);
        assertThat(groups().requiresTotp(alice)).isTrue();

        groups().setRequireTotp(board, false);
        assertThat(groups().requiresTotp(alice)).isFalse();
        assertThat(groups().byName("Board").orElseThrow().requireTotp()).isFalse();
    }

    @Test
    default void deleting_a_group_removes_its_memberships_and_admins_but_not_the_accounts() {
        var alice = insertAccount(1, "alice").id();
        var staff = insertGroup(10, "Staff").id();
        groups().addMember(staff, alice);
        groups().addAdmin(staff, alice);
        groups().setRequireTotp(staff, true);

        groups().delete(staff);

        assertThat(groups().byName("Staff")).isEmpty();
        assertThat(groups().groupsOf(alice)).isEmpty();
        assertThat(groups().groupsAdministeredBy(alice)).isEmpty();
        assertThat(groups().requiresTotp(alice)).isFalse();
        assertThat(accounts().byId(alice)).isPresent();
    }
}
