package atrium.chat;

import atrium.chat.db.ConversationStore;
import atrium.chat.db.GuestStore;
import atrium.chat.db.MessageStore;
import atrium.core.AtriumException;
import atrium.core.Fold;
import atrium.core.Ids;
import atrium.core.Msg;
import atrium.core.bus.Audience;
import atrium.core.bus.Event;
import atrium.core.bus.EventBus;
import atrium.identity.Account;
import atrium.identity.AccountService;
import atrium.identity.AccountId;
import atrium.identity.Caller;
import atrium.identity.GroupId;
import atrium.identity.NotificationKind;
import atrium.identity.Notifications;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Conversations and messages: every call checks that the caller is a member (403) of a
 * conversation that exists (404) and may do what it asks; every change is published on the
 * bus to the members (docs/api/chat.md, docs/api/realtime.md).
 */
public final class ChatService {
    /** {@code @login} or {@code @all}, not inside a word or an e-mail address; a final dot is punctuation. */
    private static final Pattern MENTION = Pattern.compile("(?<![\\p{L}\\p{N}_.@-])@([a-z0-9_.@-]*[a-z0-9_-])",
            Pattern.CASE_INSENSITIVE);
    private static final int MAX_NAME = 200;
    private static final int MAX_EMOJI_CODE_POINTS = 16;
    static final long TYPING_EVERY_MS = 2_000;
    static final int MAX_SEARCH_CHARS = 200;
    static final int MAX_SEARCH_WORDS = 10;
    public static final int MAX_SEARCH_PAGE = 50;
    private static final int EXCERPT = 200;

    /** A conversation as one member sees it, with the identity groups it follows. */
    public record Details(Conversation conversation, List<Member> members, Member me, List<Long> groups) {
    }

    public record Opened(Details details, boolean created) {
    }

    private final ConversationStore conversations;
    private final GuestStore guests;
    private final MessageStore messages;
    private final AccountService accounts;
    private final ChatViews views;
    private final EventBus bus;
    private final Ids ids;
    private final Clock clock;
    private final RateLimit rateLimit;
    private final int maxChars;
    private final Notifications notifications;
    private final Duration mentionMailDelay;
    /** "account:conversation" → when its last typing event went out; a bounded map, cleared when large. */
    private final Map<String, Long> lastTyping = new ConcurrentHashMap<>();

    ChatService(ConversationStore conversations, GuestStore guests, MessageStore messages, AccountService accounts, ChatViews views,
                EventBus bus, Ids ids, Clock clock, RateLimit rateLimit, int maxChars, Notifications notifications,
                Duration mentionMailDelay) {
        this.conversations = conversations;
        this.guests = guests;
        this.messages = messages;
        this.accounts = accounts;
        this.views = views;
        this.bus = bus;
        this.ids = ids;
        this.clock = clock;
        this.rateLimit = rateLimit;
        this.maxChars = maxChars;
        this.notifications = notifications;
        this.mentionMailDelay = mentionMailDelay;
    }

    public List<ConversationStore.Summary> list(Caller caller) {
        return conversations.summaries(caller.id().value());
    }

    /** The one-to-one conversation with another person: the existing one, or a new one. */
    public Opened openDirect(Caller caller, String login) {
        Account other = person(login);
        long me = caller.id().value();
        if (other.id().value() == me) {
            throw AtriumException.Invalid.field("with", Msg.of("chat.direct.self"));
        }
        long a = Math.min(me, other.id().value());
        long b = Math.max(me, other.id().value());
        String key = a + ":" + b;
        Optional<Conversation> existing = conversations.byDirectKey(key);
        if (existing.isPresent()) {
            return new Opened(details(caller, existing.get().id()), false);
        }
        long now = clock.millis();
        Conversation c = new Conversation(new ConversationId(ids.next()), true, "", false, me, now, 0);
        try {
            conversations.create(c, Optional.of(key), List.of(new Member(c.id(), a, Role.MEMBER, now, 0),
                    new Member(c.id(), b, Role.MEMBER, now, 0)));
        } catch (RuntimeException e) {
            // Both people opened it at the same moment: the unique key kept one; that is the one.
            Optional<Conversation> raced = conversations.byDirectKey(key);
            if (raced.isEmpty()) {
                throw e;
            }
            return new Opened(details(caller, raced.get().id()), false);
        }
        Details d = details(caller, c.id());
        publish("chat.conversation.created", d.members(), views.conversation(d));
        return new Opened(d, true);
    }

    /** A named group; the creator is its owner, the others members. */
    public Details createGroup(Caller caller, String rawName, List<String> logins) {
        String name = name(rawName);
        long me = caller.id().value();
        Set<Long> others = new LinkedHashSet<>();
        for (String login : logins) {
            long id = person(login).id().value();
            if (id != me) {
                others.add(id);
            }
        }
        long now = clock.millis();
        Conversation c = new Conversation(new ConversationId(ids.next()), false, name, false, me, now, 0);
        List<Member> members = new ArrayList<>();
        members.add(new Member(c.id(), me, Role.OWNER, now, 0));
        others.forEach(id -> members.add(new Member(c.id(), id, Role.MEMBER, now, 0)));
        conversations.create(c, Optional.empty(), members);
        Details d = details(caller, c.id());
        publish("chat.conversation.created", d.members(), views.conversation(d));
        return d;
    }

    public Details details(Caller caller, ConversationId id) {
        Conversation c = conversation(id);
        List<Member> members = conversations.members(id);
        Member me = members.stream().filter(m -> m.account() == caller.id().value()).findFirst()
                .orElseThrow(ChatService::notMember);
        return new Details(c, members, me, conversations.linkedGroups(id));
    }

    public Details rename(Caller caller, ConversationId id, String rawName) {
        moderated(caller, id);
        conversations.rename(id, name(rawName));
        return changed(caller, id);
    }

    public Details setReadOnly(Caller caller, ConversationId id, boolean readOnly) {
        moderated(caller, id);
        conversations.setReadOnly(id, readOnly);
        return changed(caller, id);
    }

    /** Only an owner deletes a group, for everyone. */
    public void delete(Caller caller, ConversationId id) {
        Details d = group(caller, id);
        if (d.me().role() != Role.OWNER) {
            throw new AtriumException.Forbidden(Msg.of("chat.owner-only"));
        }
        conversations.delete(id);
        publish("chat.conversation.deleted", d.members(), views.idOnly(id));
    }

    public Details addMember(Caller caller, ConversationId id, String login) {
        moderated(caller, id);
        long account = person(login).id().value();
        if (conversations.addMember(new Member(id, account, Role.MEMBER, clock.millis(), 0))) {
            return changed(caller, id);
        }
        return details(caller, id);
    }

    /**
     * Everyone now in an identity group becomes a member, and the conversation follows the group
     * from then on: people who join it later are added, people who leave it are removed
     * ({@link #groupJoined}, {@link #groupLeft}).
     */
    public Details addGroup(Caller caller, ConversationId id, String groupName) {
        moderated(caller, id);
        GroupId group = accounts.groupInfo(groupName).group().id();
        boolean changed = conversations.linkGroup(id, group.value());
        long now = clock.millis();
        for (var account : accounts.memberIds(group)) {
            if (enabled(account)) {
                changed |= conversations.addMember(new Member(id, account.value(), Role.MEMBER, now, 0));
            }
        }
        return changed ? changed(caller, id) : details(caller, id);
    }

    /** The conversation stops following the group; its members stay. */
    public Details unlinkGroup(Caller caller, ConversationId id, String groupName) {
        moderated(caller, id);
        GroupId group = accounts.groupInfo(groupName).group().id();
        if (!conversations.unlinkGroup(id, group.value())) {
            throw new AtriumException.NotFound(Msg.of("chat.group.not-linked", groupName));
        }
        return changed(caller, id);
    }

    List<Member> membersOf(ConversationId id) {
        return conversations.members(id);
    }

    /** The conversation as everyone sees it (the first member standing for "me", which the view does not show). */
    Details everyone(ConversationId id) {
        List<Member> members = conversations.members(id);
        return new Details(conversation(id), members, members.getFirst(), conversations.linkedGroups(id));
    }

    /** Identity says a person joined a group: every conversation following it takes them in. */
    void groupJoined(GroupId group, AccountId account) {
        if (!enabled(account)) {
            return;
        }
        long now = clock.millis();
        for (ConversationId id : conversations.linkedTo(group.value())) {
            if (conversations.addMember(new Member(id, account.value(), Role.MEMBER, now, 0))) {
                Details after = everyone(id);
                publish("chat.conversation.updated", after.members(), views.conversation(after));
            }
        }
    }

    /**
     * Identity says a person left a group: they leave every conversation following it, unless
     * another group that conversation follows still holds them. Owners and moderators stay: they
     * run the conversation and leave it themselves.
     */
    void groupLeft(GroupId group, AccountId account) {
        Set<Long> stillIn = new java.util.HashSet<>();
        accounts.groupsOf(account).forEach(g -> stillIn.add(g.id().value()));
        for (ConversationId id : conversations.linkedTo(group.value())) {
            if (conversations.linkedGroups(id).stream().anyMatch(stillIn::contains)) {
                continue;
            }
            List<Member> members = conversations.members(id);
            members.stream().filter(m -> m.account() == account.value() && m.role() == Role.MEMBER).findFirst()
                    .ifPresent(target -> remove(id, members, target));
        }
    }

    private boolean enabled(AccountId account) {
        return accounts.byId(account).map(Account::enabled).orElse(false);
    }

    /** The caller's own settings: muted, favourite, archived. */
    public ConversationStore.Personal personal(Caller caller, ConversationId id) {
        details(caller, id);
        return conversations.personal(id, caller.id().value()).orElseThrow(ChatService::notMember);
    }

    /** Only the caller's other tabs hear of it ({@code chat.conversation.personal}). */
    public ConversationStore.Personal setPersonal(Caller caller, ConversationId id, ConversationStore.Personal p) {
        Details d = details(caller, id);
        conversations.setPersonal(id, caller.id().value(), p);
        publish("chat.conversation.personal", List.of(d.me()), views.personal(id, p));
        return p;
    }

    /**
     * Removing oneself is leaving, which anyone may do in a group; removing another takes a
     * moderator, and only an owner removes an owner. A group left by its last owner gets the
     * longest-standing member as owner; a group left by everyone is deleted.
     */
    public void removeMember(Caller caller, ConversationId id, String login) {
        Details d = group(caller, id);
        long account = person(login).id().value();
        Member target = d.members().stream().filter(m -> m.account() == account).findFirst()
                .orElseThrow(() -> new AtriumException.NotFound(Msg.of("chat.member.none", login)));
        boolean self = account == caller.id().value();
        if (!self && (!d.me().role().moderates() || target.role() == Role.OWNER && d.me().role() != Role.OWNER)) {
            throw new AtriumException.Forbidden(Msg.of("chat.moderators-only"));
        }
        remove(id, d.members(), target);
    }

    /** Takes a member out, hands ownership on if they were the last owner, deletes an emptied group. */
    private void remove(ConversationId id, List<Member> members, Member target) {
        long account = target.account();
        conversations.removeMember(id, account);
        List<Member> left = members.stream().filter(m -> m.account() != account).toList();
        if (left.isEmpty()) {
            conversations.delete(id);
            publish("chat.conversation.deleted", members, views.idOnly(id));
            return;
        }
        if (target.role() == Role.OWNER && left.stream().noneMatch(m -> m.role() == Role.OWNER)) {
            conversations.setRole(id, left.getFirst().account(), Role.OWNER);
        }
        ObjectNode removed = views.idOnly(id).put("login", login(account));
        publish("chat.member.removed", members, removed);
        Details after = everyone(id);
        publish("chat.conversation.updated", after.members(), views.conversation(after));
    }

    /** An owner names moderators (and other owners). */
    public Details setRole(Caller caller, ConversationId id, String login, Role role) {
        Details d = group(caller, id);
        if (d.me().role() != Role.OWNER) {
            throw new AtriumException.Forbidden(Msg.of("chat.owner-only"));
        }
        long account = person(login).id().value();
        Member target = d.members().stream().filter(m -> m.account() == account).findFirst()
                .orElseThrow(() -> new AtriumException.NotFound(Msg.of("chat.member.none", login)));
        if (target.role() == Role.OWNER && role != Role.OWNER
                && d.members().stream().filter(m -> m.role() == Role.OWNER).count() == 1) {
            throw new AtriumException.Conflict(Msg.of("chat.last-owner"));
        }
        conversations.setRole(id, account, role);
        return changed(caller, id);
    }

    public Message post(Caller caller, ConversationId id, String text, Optional<MessageId> replyTo) {
        return post(caller, id, text, replyTo, Optional.empty());
    }

    /** A message, with a file of the caller's Files when {@code attachment} is given; the text may then be empty. */
    public Message post(Caller caller, ConversationId id, String text, Optional<MessageId> replyTo,
                        Optional<Attachment> attachment) {
        Details d = details(caller, id);
        Message m = write(caller.id().value(), d.conversation(), d.members(), d.me().role().moderates(), text, replyTo,
                attachment);
        // The author has read what they wrote. (Their chat notification of the conversation is read
        // when their client sends its read marker, not here: posting stays one write lighter.)
        conversations.markRead(id, caller.id().value(), m.id().value());
        publishWithGuests("chat.message.created", id, d.members(), views.message(m), Optional.of(messageKey(m.id())));
        notifyAbout(m, d.conversation(), d.members(), caller.account().displayName());
        return m;
    }

    /** A guest's message: like a member's, never past a lock. */
    Message postAsGuest(Guest g, String text, Optional<MessageId> replyTo) {
        List<Member> members = conversations.members(g.conversation());
        Conversation c = conversation(g.conversation());
        Message m = write(g.id(), c, members, false, text, replyTo, Optional.empty());
        publishWithGuests("chat.message.created", g.conversation(), members, views.message(m), Optional.of(messageKey(m.id())));
        notifyAbout(m, c, members, g.name());
        return m;
    }

    /**
     * A new message notifies, as Talk does, the other person of a one-to-one conversation and
     * the members a group message mentions ({@code @login}, {@code @all}), unless they muted the
     * conversation. One notification per person and conversation until they read it; its e-mail
     * goes {@code chat.mention-mail-delay-seconds} after the first message left unread.
     */
    private void notifyAbout(Message m, Conversation c, List<Member> members, String authorName) {
        Set<Long> to = new LinkedHashSet<>();
        if (c.direct()) {
            members.stream().map(Member::account).filter(a -> a != m.author()).forEach(to::add);
        } else {
            to.addAll(mentioned(m.body(), members, m.author()));
        }
        if (to.isEmpty()) {
            return;
        }
        to.removeAll(conversations.muted(c.id()));
        // A file sent alone is quoted by its name.
        String excerpt = excerpt(m.body().isBlank() ? m.attachment().map(Attachment::name).orElse("") : m.body());
        String link = "/chat/" + c.id() + "?m=" + m.id();
        for (long account : to) {
            if (c.direct()) {
                notifications.notifyUntilSeen(new AccountId(account), NotificationKind.CHAT_MESSAGE, notificationKey(c.id()),
                        List.of(authorName, excerpt), link, mentionMailDelay);
            } else {
                notifications.notifyUntilSeen(new AccountId(account), NotificationKind.CHAT_MENTION, notificationKey(c.id()),
                        List.of(authorName, c.name(), excerpt), link, mentionMailDelay);
            }
        }
    }

    /** One person's chat notification of one conversation: dismissed when they read it to the end. */
    private static String notificationKey(ConversationId id) {
        return "chat:" + id.value();
    }

    /** A message as a notification quotes it: the first 200 characters, on one line. */
    private static String excerpt(String body) {
        String line = body.strip().replaceAll("\\s+", " ");
        return line.codePointCount(0, line.length()) <= EXCERPT ? line
                : line.substring(0, line.offsetByCodePoints(0, EXCERPT)) + "…";
    }

    private Message write(long author, Conversation c, List<Member> members, boolean moderates, String text,
                          Optional<MessageId> replyTo, Optional<Attachment> attachment) {
        checkWritable(c, moderates);
        String body = attachment.isPresent() && text.isBlank() ? "" : text(text);
        rateLimit.check(author);
        if (replyTo.isPresent() && messages.byId(c.id(), replyTo.get()).isEmpty()) {
            throw AtriumException.Invalid.field("replyTo", Msg.of("chat.reply-to.none"));
        }
        long now = clock.millis();
        Message m = new Message(new MessageId(ids.next()), c.id(), author, body, replyTo, now, Optional.empty(),
                Optional.empty(), now, List.of(), attachment);
        messages.insert(m, mentioned(body, members, author));
        return m;
    }

    private static void checkWritable(Conversation c, boolean moderates) {
        if (c.readOnly() && !moderates) {
            throw new AtriumException.Forbidden("read-only", Msg.of("chat.read-only"));
        }
    }

    /** Checks that the caller may post in the conversation now (a member, not held back by a lock). */
    public void checkMayPost(Caller caller, ConversationId id) {
        Details d = details(caller, id);
        checkWritable(d.conversation(), d.me().role().moderates());
    }

    /** The attachment of a message, for a member: checked on every read, so leaving ends access. */
    public Attachment attachment(Caller caller, ConversationId id, MessageId mid) {
        details(caller, id);
        return attachmentIn(id, mid);
    }

    /** The attachment of a message of a conversation whose reader the caller has checked. */
    Attachment attachmentIn(ConversationId id, MessageId mid) {
        return message(id, mid).attachment()
                .orElseThrow(() -> new AtriumException.NotFound(Msg.of("chat.attachment.none")));
    }

    /** Only the author edits, and not a deleted message. */
    public Message edit(Caller caller, ConversationId id, MessageId mid, String text) {
        Details d = details(caller, id);
        Message m = message(id, mid);
        if (m.author() != caller.id().value()) {
            throw new AtriumException.Forbidden(Msg.of("chat.message.not-yours"));
        }
        if (m.deleted()) {
            throw new AtriumException.Conflict(Msg.of("chat.message.deleted"));
        }
        // A file's message may lose its words and keep the file.
        String body = m.attachment().isPresent() && text.isBlank() ? "" : text(text);
        rateLimit.check(caller.id().value());
        messages.edit(mid, body, mentioned(body, d.members(), caller.id().value()), id, clock.millis());
        Message after = message(id, mid);
        publishWithGuests("chat.message.edited", id, d.members(), views.message(after));
        return after;
    }

    /** The author, or a moderator of a group. */
    public Message deleteMessage(Caller caller, ConversationId id, MessageId mid) {
        Details d = details(caller, id);
        Message m = message(id, mid);
        if (m.author() != caller.id().value() && (d.conversation().direct() || !d.me().role().moderates())) {
            throw new AtriumException.Forbidden(Msg.of("chat.message.not-yours"));
        }
        if (!m.deleted()) {
            messages.delete(mid, clock.millis());
        }
        Message after = message(id, mid);
        publishWithGuests("chat.message.deleted", id, d.members(), views.message(after));
        return after;
    }

    public Message react(Caller caller, ConversationId id, MessageId mid, String rawEmoji, boolean add) {
        return reactAs(caller.id().value(), id, details(caller, id).members(), mid, rawEmoji, add);
    }

    /** A member's or a guest's reaction, checked by the caller. */
    Message reactAs(long account, ConversationId id, List<Member> members, MessageId mid, String rawEmoji, boolean add) {
        String emoji = emoji(rawEmoji);
        Message m = message(id, mid);
        if (m.deleted()) {
            throw new AtriumException.Conflict(Msg.of("chat.message.deleted"));
        }
        long now = clock.millis();
        boolean changed = add ? messages.addReaction(mid, account, emoji, now)
                : messages.removeReaction(mid, account, emoji, now);
        Message after = message(id, mid);
        if (changed) {
            publishWithGuests("chat.message.reactions", id, members, views.message(after));
        }
        return after;
    }

    /** Messages just before {@code before}, oldest first; {@code more} when older ones remain. */
    public record Page(List<Message> items, boolean more) {
    }

    public Page history(Caller caller, ConversationId id, long before, int limit) {
        details(caller, id);
        return page(id, before, limit);
    }

    /** A page of history, for a caller already checked. */
    Page page(ConversationId id, long before, int limit) {
        checkLimit(limit);
        List<Message> page = messages.page(id, before, limit + 1);
        boolean more = page.size() > limit;
        return new Page(more ? page.subList(1, page.size()) : page, more);
    }

    /** Messages around one, oldest first; {@code more} when older ones remain, {@code newer} when newer ones do. */
    public record Window(List<Message> items, boolean more, boolean newer) {
    }

    /**
     * The message {@code mid} with up to {@code limit} messages in all around it (half before),
     * to open a conversation at a message (a search hit). 404 when the conversation has no such message.
     */
    public Window around(Caller caller, ConversationId id, MessageId mid, int limit) {
        details(caller, id);
        checkLimit(limit);
        message(id, mid);
        int older = limit / 2;
        // Up to and including the message, one more to know whether older ones remain.
        List<Message> upTo = messages.page(id, mid.value() + 1, older + 2);
        boolean more = upTo.size() > older + 1;
        List<Message> before = more ? upTo.subList(1, upTo.size()) : upTo;
        Window next = forward(id, mid.value(), limit - before.size());
        List<Message> items = new ArrayList<>(before);
        items.addAll(next.items());
        return new Window(items, more, next.newer());
    }

    /** The messages after {@code after}, oldest first: paging forward from a window. */
    public Window after(Caller caller, ConversationId id, long after, int limit) {
        details(caller, id);
        checkLimit(limit);
        return forward(id, after, limit);
    }

    private Window forward(ConversationId id, long after, int limit) {
        List<Message> next = limit < 1 ? List.of() : messages.after(id, after, limit + 1);
        boolean newer = limit < 1 ? !messages.after(id, after, 1).isEmpty() : next.size() > limit;
        return new Window(newer ? next.subList(0, limit) : next, true, newer);
    }

    /** A search hit: the message, the caller's conversation it is in, the part to show. */
    public record Hit(Message message, ConversationStore.Summary conversation, Snippet snippet) {
    }

    public record Hits(List<Hit> items, boolean more) {
    }

    /**
     * Messages of the caller's conversations holding every word of {@code query}, accents and case
     * aside, newest first, older than {@code before}. Deleted messages are never found; edited
     * ones by their present text.
     */
    public Hits search(Caller caller, String query, long before, int limit) {
        if (limit < 1 || limit > MAX_SEARCH_PAGE) {
            throw AtriumException.Invalid.field("limit", Msg.of("chat.limit", 1, MAX_SEARCH_PAGE));
        }
        List<String> words = searchWords(query);
        List<Message> found = messages.search(caller.id().value(), words, before, limit + 1);
        Map<ConversationId, ConversationStore.Summary> mine = new java.util.HashMap<>();
        list(caller).forEach(s -> mine.put(s.conversation().id(), s));
        List<Hit> hits = found.stream().limit(limit).filter(m -> mine.containsKey(m.conversation()))
                .map(m -> new Hit(m, mine.get(m.conversation()), Snippet.of(m.body(), words))).toList();
        return new Hits(hits, found.size() > limit);
    }

    /** The folded words of a query: at least one, at most {@link #MAX_SEARCH_WORDS} (the rest are dropped). */
    static List<String> searchWords(String query) {
        String q = query.strip();
        if (q.isEmpty()) {
            throw AtriumException.Invalid.field("q", Msg.of("chat.search.empty"));
        }
        if (q.length() > MAX_SEARCH_CHARS) {
            throw AtriumException.Invalid.field("q", Msg.of("chat.search.too-long", MAX_SEARCH_CHARS));
        }
        return java.util.Arrays.stream(Fold.fold(q).split("\\s+")).filter(w -> !w.isEmpty()).distinct()
                .limit(MAX_SEARCH_WORDS).toList();
    }

    /** Moves the caller's read marker to this message (never back); the members' tabs hear of it. */
    public void markRead(Caller caller, ConversationId id, MessageId mid) {
        Details d = details(caller, id);
        message(id, mid);
        conversations.markRead(id, caller.id().value(), mid.value());
        long marker = conversations.member(id, caller.id().value()).map(Member::lastReadId).orElse(mid.value());
        if (marker >= conversation(id).lastMessageId()) {
            notifications.dismiss(caller.id(), notificationKey(id));
        }
        publish("chat.read", d.members(), views.idOnly(id).put("login", caller.login())
                .put("messageId", Long.toString(marker)));
    }

    /**
     * What the account missed after message {@code since} in all its conversations: newer
     * messages, and older ones changed since then. At most {@code limit}, oldest first.
     */
    public List<Message> missed(long account, long since, int limit) {
        return messages.since(account, since, since == 0 ? 0 : Ids.millis(since), limit);
    }

    /**
     * A {@code typing} frame: the other members' tabs, and the conversation's guests, show it for
     * a few seconds. A person typing sends one every keystroke or so; at most one per
     * {@link #TYPING_EVERY_MS} goes out. {@code account} may be a guest of the conversation (its
     * visitor id on /ws): the event then names the guest instead of a login.
     */
    public void typing(long account, ConversationId id) {
        conversation(id);
        List<Member> members = conversations.members(id);
        ObjectNode data = views.idOnly(id);
        if (members.stream().anyMatch(m -> m.account() == account)) {
            data.put("login", login(account));
        } else {
            Guest guest = guests.of(id, clock.millis()).stream().filter(g -> g.id() == account).findFirst()
                    .orElseThrow(ChatService::notMember);
            data.putNull("login").put("guest", guest.name()).put("guestId", Long.toString(guest.id()));
        }
        long now = clock.millis();
        String key = account + ":" + id.value();
        Long last = lastTyping.get(key);
        if (last != null && now - last < TYPING_EVERY_MS) {
            return;
        }
        if (lastTyping.size() > 10_000) {
            lastTyping.clear();
        }
        lastTyping.put(key, now);
        publishWithGuests("chat.typing", id, members, data);
    }

    private static void checkLimit(int limit) {
        if (limit < 1 || limit > 200) {
            throw AtriumException.Invalid.field("limit", Msg.of("chat.limit", 1, 200));
        }
    }

    static String messageKey(MessageId id) {
        return "chat.message:" + id.value();
    }

    private Details changed(Caller caller, ConversationId id) {
        Details d = details(caller, id);
        publish("chat.conversation.updated", d.members(), views.conversation(d));
        return d;
    }

    private Details group(Caller caller, ConversationId id) {
        Details d = details(caller, id);
        if (d.conversation().direct()) {
            throw new AtriumException.Conflict(Msg.of("chat.direct.fixed"));
        }
        return d;
    }

    Details moderated(Caller caller, ConversationId id) {
        Details d = group(caller, id);
        if (!d.me().role().moderates()) {
            throw new AtriumException.Forbidden(Msg.of("chat.moderators-only"));
        }
        return d;
    }

    Conversation conversation(ConversationId id) {
        return conversations.byId(id).orElseThrow(() -> new AtriumException.NotFound(Msg.of("chat.conversation.none")));
    }

    private Message message(ConversationId c, MessageId id) {
        return messages.byId(c, id).orElseThrow(() -> new AtriumException.NotFound(Msg.of("chat.message.none")));
    }

    private static AtriumException notMember() {
        return new AtriumException.Forbidden(Msg.of("chat.not-member"));
    }

    private Account person(String login) {
        return accounts.byLogin(login.strip().toLowerCase(Locale.ROOT)).filter(Account::enabled)
                .orElseThrow(() -> AtriumException.Invalid.field("login", Msg.of("chat.person.none", login)));
    }

    private String login(long account) {
        return views.login(account);
    }

    /**
     * Message, reaction and typing events reach the conversation's guests too (by their ids,
     * which never equal an account's); conversation changes and read markers stay among members.
     */
    private void publishWithGuests(String type, ConversationId id, List<Member> to, ObjectNode data) {
        publishWithGuests(type, id, to, data, Optional.empty());
    }

    private void publishWithGuests(String type, ConversationId id, List<Member> to, ObjectNode data, Optional<String> key) {
        List<Long> audience = new ArrayList<>(to.stream().map(Member::account).toList());
        guests.of(id, clock.millis()).forEach(g -> audience.add(g.id()));
        bus.publish(new Event(type, Audience.of(audience), data, key));
    }

    void publish(String type, Collection<Member> to, ObjectNode data) {
        publish(type, to, data, Optional.empty());
    }

    private void publish(String type, Collection<Member> to, ObjectNode data, Optional<String> key) {
        bus.publish(new Event(type, Audience.of(to.stream().map(Member::account).toList()), data, key));
    }

    private static String name(String raw) {
        return name(raw, MAX_NAME);
    }

    /** A conversation's or a guest's name: not blank, not too long, no control characters. */
    static String name(String raw, int max) {
        String name = raw.strip();
        int length = name.codePointCount(0, name.length());
        if (length == 0) {
            throw AtriumException.Invalid.field("name", Msg.of("chat.name.required"));
        }
        if (length > max) {
            throw AtriumException.Invalid.field("name", Msg.of("chat.name.too-long", length, max));
        }
        if (name.codePoints().anyMatch(c -> Character.getType(c) == Character.CONTROL)) {
            throw AtriumException.Invalid.field("name", Msg.of("chat.name.control"));
        }
        return name;
    }

    private String text(String raw) {
        if (raw.isBlank()) {
            throw AtriumException.Invalid.field("text", Msg.of("chat.message.empty"));
        }
        int length = raw.codePointCount(0, raw.length());
        if (length > maxChars) {
            throw new AtriumException.TooLarge(Msg.of("chat.message.too-long", length, maxChars));
        }
        return raw;
    }

    private static String emoji(String raw) {
        String e = raw.strip();
        int length = e.codePointCount(0, e.length());
        if (length == 0 || length > MAX_EMOJI_CODE_POINTS
                || e.codePoints().anyMatch(c -> Character.isWhitespace(c) || Character.getType(c) == Character.CONTROL)) {
            throw AtriumException.Invalid.field("emoji", Msg.of("chat.emoji.invalid"));
        }
        return e;
    }

    /** Members other than the author named by {@code @login}, or all of them for {@code @all}. */
    private Set<Long> mentioned(String body, List<Member> members, long author) {
        Set<String> names = new java.util.HashSet<>();
        Matcher m = MENTION.matcher(body);
        while (m.find()) {
            names.add(m.group(1).toLowerCase(Locale.ROOT));
        }
        Set<Long> out = new LinkedHashSet<>();
        if (names.isEmpty()) {
            return out;
        }
        for (Member member : members) {
            if (member.account() != author && (names.contains("all") || names.contains(login(member.account())))) {
                out.add(member.account());
            }
        }
        return out;
    }
}
