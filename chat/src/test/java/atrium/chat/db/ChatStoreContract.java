package atrium.chat.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import atrium.chat.Attachment;
import atrium.chat.Conversation;
import atrium.chat.ConversationId;
import atrium.chat.Member;
import atrium.chat.Message;
import atrium.chat.MessageId;
import atrium.chat.Role;
import atrium.core.db.Database;
import atrium.identity.Account;
import atrium.identity.AccountId;
import atrium.identity.db.AccountStore;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The chat stores' behaviour, run on SQLite and on PostgreSQL. */
interface ChatStoreContract {
    long NOW = 1_750_000_000_000L;
    long ANA = 1;
    long BOB = 2;
    long CY = 3;

    /** A fresh database with the identity and chat migrations applied and accounts 1, 2, 3. */
    Database database();

    static void insertAccounts(Database db) {
        AccountStore accounts = new AccountStore(db.jdbi());
        for (long id : new long[] {ANA, BOB, CY}) {
            accounts.insert(new Account(new AccountId(id), "user" + id, "User " + id, Optional.empty(), "en",
                    Optional.empty(), true, false, false, NOW, Optional.empty()), Optional.empty());
        }
    }

    default ConversationStore conversations() {
        return new ConversationStore(database().jdbi());
    }

    default MessageStore messages() {
        return new MessageStore(database().jdbi());
    }

    default ConversationId group(long id, long... members) {
        ConversationId c = new ConversationId(id);
        List<Member> ms = new java.util.ArrayList<>();
        ms.add(new Member(c, members[0], Role.OWNER, NOW, 0));
        for (int i = 1; i < members.length; i++) {
            ms.add(new Member(c, members[i], Role.MEMBER, NOW, 0));
        }
        conversations().create(new Conversation(c, false, "G" + id, false, members[0], NOW, 0), Optional.empty(), ms);
        return c;
    }

    default Message message(ConversationId c, long id, long author, String body) {
        Message m = new Message(new MessageId(id), c, author, body, Optional.empty(), NOW + id, Optional.empty(),
                Optional.empty(), NOW + id, List.of(), Optional.empty());
        messages().insert(m, Set.of());
        return m;
    }

    @Test
    default void aPairHasOneDirectConversation() {
        ConversationId a = new ConversationId(10);
        conversations().create(new Conversation(a, true, "", false, ANA, NOW, 0), Optional.of("1:2"),
                List.of(new Member(a, ANA, Role.MEMBER, NOW, 0), new Member(a, BOB, Role.MEMBER, NOW, 0)));
        ConversationId b = new ConversationId(11);
        assertThatThrownBy(() -> conversations().create(new Conversation(b, true, "", false, BOB, NOW, 0), Optional.of("1:2"),
                List.of(new Member(b, BOB, Role.MEMBER, NOW, 0)))).isInstanceOf(RuntimeException.class);
        assertThat(conversations().byDirectKey("1:2").orElseThrow().id()).isEqualTo(a);
        // The failed insert left nothing behind.
        assertThat(conversations().byId(b)).isEmpty();
        assertThat(conversations().members(b)).isEmpty();
    }

    @Test
    default void membersComeAndGoWithRolesAndTheReadMarkerOnlyMovesForward() {
        ConversationId c = group(20, ANA, BOB);
        assertThat(conversations().addMember(new Member(c, CY, Role.MEMBER, NOW + 1, 0))).isTrue();
        assertThat(conversations().addMember(new Member(c, CY, Role.MEMBER, NOW + 2, 0))).isFalse();
        conversations().setRole(c, BOB, Role.MODERATOR);
        assertThat(conversations().members(c)).extracting(Member::account, Member::role)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(ANA, Role.OWNER),
                        org.assertj.core.groups.Tuple.tuple(BOB, Role.MODERATOR),
                        org.assertj.core.groups.Tuple.tuple(CY, Role.MEMBER));
        conversations().markRead(c, BOB, 500);
        conversations().markRead(c, BOB, 300);
        assertThat(conversations().member(c, BOB).orElseThrow().lastReadId()).isEqualTo(500);
        assertThat(conversations().removeMember(c, CY)).isTrue();
        assertThat(conversations().removeMember(c, CY)).isFalse();
        assertThat(conversations().member(c, CY)).isEmpty();
    }

    @Test
    default void theListCountsUnreadMessagesOfOthersAndMentionsAfterTheReadMarker() {
        ConversationId c = group(30, ANA, BOB, CY);
        message(c, 101, ANA, "one");
        messages().insert(new Message(new MessageId(102), c, ANA, "@user2 @all", Optional.empty(), NOW, Optional.empty(),
                Optional.empty(), NOW, List.of(), Optional.empty()), Set.of(BOB, CY));
        message(c, 103, BOB, "mine");
        message(c, 104, ANA, "deleted");
        messages().delete(new MessageId(104), NOW + 5);
        ConversationStore.Summary bob = conversations().summaries(BOB).getFirst();
        assertThat(bob.unread()).isEqualTo(2);
        assertThat(bob.mentions()).isEqualTo(1);
        assertThat(bob.memberCount()).isEqualTo(3);
        assertThat(bob.members()).containsExactlyInAnyOrder(ANA, BOB, CY);
        assertThat(bob.conversation().lastMessageId()).isEqualTo(104);
        conversations().markRead(c, BOB, 102);
        assertThat(conversations().summaries(BOB).getFirst().unread()).isZero();
        assertThat(conversations().summaries(BOB).getFirst().mentions()).isZero();
        assertThat(conversations().summaries(CY).getFirst().unread()).isEqualTo(3);
    }

    @Test
    default void anAttachmentComesWithItsMessageEverywhereAndGoesWhenTheMessageIsDeleted() {
        ConversationId c = group(45, ANA, BOB);
        Attachment a = new Attachment(9001, ANA, "plan <b>.png", 1234, "image/png", true);
        messages().insert(new Message(new MessageId(4501), c, ANA, "", Optional.empty(), NOW, Optional.empty(),
                Optional.empty(), NOW, List.of(), Optional.of(a)), Set.of());
        message(c, 4502, BOB, "plain");
        assertThat(messages().byId(c, new MessageId(4501)).orElseThrow().attachment()).contains(a);
        assertThat(messages().page(c, Long.MAX_VALUE, 10)).extracting(Message::attachment)
                .containsExactly(Optional.of(a), Optional.empty());
        assertThat(messages().since(BOB, 4500, NOW, 10).getFirst().attachment()).contains(a);
        messages().delete(new MessageId(4501), NOW + 1);
        assertThat(messages().byId(c, new MessageId(4501)).orElseThrow().attachment()).isEmpty();
    }

    @Test
    default void historyPagesBackwardsByIdWithoutGaps() {
        ConversationId c = group(40, ANA);
        for (long id = 1; id <= 25; id++) {
            message(c, 1000 + id, ANA, "m" + id);
        }
        List<Message> newest = messages().page(c, Long.MAX_VALUE, 10);
        assertThat(newest).extracting(m -> m.id().value()).containsExactly(1016L, 1017L, 1018L, 1019L, 1020L, 1021L,
                1022L, 1023L, 1024L, 1025L);
        List<Message> older = messages().page(c, 1016, 10);
        assertThat(older.getFirst().id().value()).isEqualTo(1006);
        assertThat(older.getLast().id().value()).isEqualTo(1015);
        assertThat(messages().page(c, 1006, 10)).hasSize(5);
    }

    @Test
    default void reactionsAreOncePerPersonAndEmojiAndADeletedMessageLosesThemAndItsText() {
        ConversationId c = group(50, ANA, BOB);
        Message m = message(c, 2001, ANA, "hello");
        assertThat(messages().addReaction(m.id(), BOB, "👍", NOW + 10)).isTrue();
        assertThat(messages().addReaction(m.id(), BOB, "👍", NOW + 11)).isFalse();
        assertThat(messages().addReaction(m.id(), ANA, "🎉", NOW + 12)).isTrue();
        Message read = messages().byId(c, m.id()).orElseThrow();
        assertThat(read.reactions()).containsExactly(new Message.Reaction(BOB, "👍"), new Message.Reaction(ANA, "🎉"));
        assertThat(read.changedAt()).isEqualTo(NOW + 12);
        assertThat(messages().removeReaction(m.id(), ANA, "🎉", NOW + 13)).isTrue();
        assertThat(messages().removeReaction(m.id(), ANA, "🎉", NOW + 14)).isFalse();
        messages().edit(m.id(), "hello again", Set.of(BOB), c, NOW + 20);
        assertThat(messages().byId(c, m.id()).orElseThrow().editedAt()).contains(NOW + 20);
        messages().delete(m.id(), NOW + 30);
        Message gone = messages().byId(c, m.id()).orElseThrow();
        assertThat(gone.deleted()).isTrue();
        assertThat(gone.body()).isEmpty();
        assertThat(gone.reactions()).isEmpty();
        assertThat(messages().byId(new ConversationId(999), m.id())).isEmpty();
    }

    @Test
    default void whatWasMissedIsNewerMessagesAndOlderOnesChangedSinceInTheAccountsConversationsOnly() {
        ConversationId mine = group(60, ANA, BOB);
        ConversationId theirs = group(61, ANA, CY);
        message(mine, 3001, ANA, "old");
        message(mine, 3002, ANA, "seen");
        message(theirs, 3003, ANA, "not for bob");
        message(mine, 3004, ANA, "new");
        messages().edit(new MessageId(3001), "old, edited", Set.of(), mine, NOW + 9000);
        assertThat(messages().since(BOB, 3002, NOW + 5000, 100)).extracting(m -> m.id().value())
                .containsExactly(3001L, 3004L);
        assertThat(messages().since(BOB, 0, 0, 2)).hasSize(2);
        assertThat(messages().since(CY, 3003, NOW + 9999, 100)).isEmpty();
    }

    @Test
    default void deletingAConversationTakesItsMembersAndMessages() {
        ConversationId c = group(70, ANA, BOB);
        Message m = message(c, 4001, ANA, "bye");
        messages().addReaction(m.id(), BOB, "👋", NOW);
        conversations().delete(c);
        assertThat(conversations().byId(c)).isEmpty();
        assertThat(conversations().members(c)).isEmpty();
        assertThat(messages().byId(c, m.id())).isEmpty();
        assertThat(conversations().summaries(BOB)).isEmpty();
    }

    @Test
    default void searchFindsEveryWordAccentsAndCaseAsideInTheAccountsConversationsNewestFirst() {
        ConversationId mine = group(80, ANA, BOB);
        ConversationId theirs = group(81, ANA, CY);
        message(mine, 5001, ANA, "Réunion de l'ÉTÉ demain");
        message(mine, 5002, BOB, "la reunion d'ete est annulée");
        message(theirs, 5003, ANA, "réunion d'été, secret");
        message(mine, 5004, ANA, "été 100% rempli_ok");
        message(mine, 5005, ANA, "reunion");
        List<String> words = List.of("reunion", "ete");
        assertThat(messages().search(BOB, words, Long.MAX_VALUE, 10)).extracting(m -> m.id().value())
                .containsExactly(5002L, 5001L);
        assertThat(messages().search(CY, words, Long.MAX_VALUE, 10)).extracting(m -> m.id().value())
                .containsExactly(5003L);
        // Paged by id: the next page starts below the last hit.
        assertThat(messages().search(BOB, words, 5002, 10)).extracting(m -> m.id().value()).containsExactly(5001L);
        assertThat(messages().search(BOB, words, Long.MAX_VALUE, 1)).hasSize(1);
        // LIKE's wildcards in a query are taken as they are.
        assertThat(messages().search(BOB, List.of("100%"), Long.MAX_VALUE, 10)).extracting(m -> m.id().value())
                .containsExactly(5004L);
        assertThat(messages().search(BOB, List.of("0%r"), Long.MAX_VALUE, 10)).isEmpty();
        assertThat(messages().search(BOB, List.of("i_o"), Long.MAX_VALUE, 10)).extracting(m -> m.id().value())
                .containsExactly(5004L);
        assertThat(messages().search(BOB, List.of("n_d"), Long.MAX_VALUE, 10)).isEmpty();
    }

    @Test
    default void aDeletedMessageIsNeverFoundAndAnEditedOneByItsNewTextOnly() {
        ConversationId c = group(90, ANA, BOB);
        message(c, 6001, ANA, "budget draft");
        message(c, 6002, ANA, "budget final");
        messages().delete(new MessageId(6001), NOW + 10);
        messages().edit(new MessageId(6002), "invoice sent", Set.of(), c, NOW + 11);
        assertThat(messages().search(BOB, List.of("budget"), Long.MAX_VALUE, 10)).isEmpty();
        assertThat(messages().search(BOB, List.of("invoice"), Long.MAX_VALUE, 10)).extracting(m -> m.body())
                .containsExactly("invoice sent");
    }

    @Test
    default void messagesWrittenBeforeSearchExistedAreFoldedByTheBackfill() {
        ConversationId c = group(100, ANA, BOB);
        message(c, 7001, ANA, "Crème BRÛLÉE");
        database().jdbi().useHandle(h -> h.execute("UPDATE chat_messages SET search_text = NULL WHERE id = 7001"));
        assertThat(messages().search(BOB, List.of("creme"), Long.MAX_VALUE, 10)).isEmpty();
        assertThat(messages().backfillSearch(1000)).isEqualTo(1);
        assertThat(messages().backfillSearch(1000)).isZero();
        assertThat(messages().search(BOB, List.of("creme", "brulee"), Long.MAX_VALUE, 10)).hasSize(1);
    }

    @Test
    default void pagingForwardGivesTheMessagesAfterOneOldestFirst() {
        ConversationId c = group(110, ANA);
        for (long id = 1; id <= 5; id++) {
            message(c, 8000 + id, ANA, "m" + id);
        }
        assertThat(messages().after(c, 8002, 2)).extracting(m -> m.id().value()).containsExactly(8003L, 8004L);
        assertThat(messages().after(c, 8005, 2)).isEmpty();
    }
}
