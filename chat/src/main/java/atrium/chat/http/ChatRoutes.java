package atrium.chat.http;

import atrium.chat.Attachment;
import atrium.chat.ChatFiles;
import atrium.chat.ChatModule;
import atrium.chat.ChatService;
import atrium.chat.ChatViews;
import atrium.chat.ConversationId;
import atrium.chat.Message;
import atrium.chat.MessageId;
import atrium.chat.Guest;
import atrium.chat.GuestService;
import atrium.chat.Role;
import atrium.chat.db.GuestStore;
import atrium.chat.db.ConversationStore;
import atrium.core.AtriumException;
import atrium.core.Msg;
import atrium.core.http.HttpPlumbing;
import atrium.core.http.Json;
import atrium.files.FileService;
import atrium.files.NodeId;
import atrium.files.http.FileResponse;
import atrium.files.http.PreviewRoutes;
import io.helidon.http.SetCookie;
import atrium.identity.Caller;
import atrium.identity.http.Authentication;
import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The chat REST API under /api/v1/chat (docs/api/chat.md): a browser session or an app password. */
public final class ChatRoutes implements HttpService {
    private final Authentication auth;
    /** The guest session: a cookie of its own, which no other API knows. */
    public static final String GUEST_COOKIE = "atrium_chat_guest";

    private final ChatService chat;
    private final GuestService guests;
    private final ChatViews views;
    private final long maxBody;
    private final ChatFiles attachments;
    private final FileService files;
    private final PreviewRoutes previews;

    public ChatRoutes(Authentication auth, ChatService chat, GuestService guests, ChatViews views, long maxBody,
                      ChatFiles attachments, FileService files, PreviewRoutes previews) {
        this.auth = auth;
        this.chat = chat;
        this.guests = guests;
        this.views = views;
        this.maxBody = maxBody;
        this.attachments = attachments;
        this.files = files;
        this.previews = previews;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/conversations", (req, res) -> Json.ok(res, Map.of("items",
                        chat.list(auth.require(req)).stream().map(views::summary).toList())))
                .post("/conversations", this::create)
                .get("/conversations/{id}", (req, res) -> Json.ok(res, views.conversation(chat.details(auth.require(req), id(req)))))
                .patch("/conversations/{id}", this::update)
                .delete("/conversations/{id}", (req, res) -> {
                    chat.delete(auth.require(req), id(req));
                    Json.noContent(res);
                })
                .post("/conversations/{id}/members", (req, res) -> {
                    Caller c = auth.require(req);
                    JsonNode b = body(req, Set.of("login", "group"));
                    Json.ok(res, views.conversation(b.has("group") ? chat.addGroup(c, id(req), text(b, "group"))
                            : chat.addMember(c, id(req), text(b, "login"))));
                })
                .patch("/conversations/{id}/members/{login}", (req, res) -> {
                    Caller c = auth.require(req);
                    JsonNode b = body(req, Set.of("role"));
                    Json.ok(res, views.conversation(chat.setRole(c, id(req), req.path().pathParameters().get("login"),
                            role(text(b, "role")))));
                })
                .delete("/conversations/{id}/members/{login}", (req, res) -> {
                    chat.removeMember(auth.require(req), id(req), req.path().pathParameters().get("login"));
                    Json.noContent(res);
                })
                .delete("/conversations/{id}/groups/{group}", (req, res) -> Json.ok(res, views.conversation(
                        chat.unlinkGroup(auth.require(req), id(req), req.path().pathParameters().get("group")))))
                .patch("/conversations/{id}/me", this::personal)
                .get("/conversations/{id}/messages", this::history)
                .post("/conversations/{id}/messages", this::post)
                .post("/conversations/{id}/files", this::upload)
                .get("/conversations/{id}/messages/{mid}/file", (req, res) ->
                        download(req, res, chat.attachment(auth.require(req), id(req), mid(req))))
                .get("/conversations/{id}/messages/{mid}/preview", (req, res) ->
                        previews.send(req, res, attachments.open(chat.attachment(auth.require(req), id(req), mid(req)))))
                .patch("/conversations/{id}/messages/{mid}", (req, res) -> {
                    Caller c = auth.require(req);
                    JsonNode b = body(req, Set.of("text"));
                    Json.ok(res, views.message(chat.edit(c, id(req), mid(req), text(b, "text"))));
                })
                .delete("/conversations/{id}/messages/{mid}", (req, res) ->
                        Json.ok(res, views.message(chat.deleteMessage(auth.require(req), id(req), mid(req)))))
                .put("/conversations/{id}/messages/{mid}/reactions/{emoji}", (req, res) ->
                        Json.ok(res, views.message(chat.react(auth.require(req), id(req), mid(req),
                                req.path().pathParameters().get("emoji"), true))))
                .delete("/conversations/{id}/messages/{mid}/reactions/{emoji}", (req, res) ->
                        Json.ok(res, views.message(chat.react(auth.require(req), id(req), mid(req),
                                req.path().pathParameters().get("emoji"), false))))
                .post("/conversations/{id}/read", (req, res) -> {
                    Caller c = auth.require(req);
                    JsonNode b = body(req, Set.of("messageId"));
                    chat.markRead(c, id(req), new MessageId(ChatModule.cursor(text(b, "messageId"), "messageId")));
                    Json.noContent(res);
                })
                .put("/conversations/{id}/link", (req, res) -> {
                    Caller c = auth.require(req);
                    JsonNode b = body(req, Set.of("password"));
                    String password = b.has("password") ? text(b, "password") : "";
                    Json.ok(res, link(guests.share(c, id(req), password)));
                })
                .get("/conversations/{id}/link", (req, res) -> Json.ok(res, link(guests.link(auth.require(req), id(req))
                        .orElseThrow(() -> new AtriumException.NotFound(Msg.of("chat.link.none"))))))
                .delete("/conversations/{id}/link", (req, res) -> {
                    guests.revoke(auth.require(req), id(req));
                    Json.noContent(res);
                })
                .delete("/conversations/{id}/guests/{guest}", (req, res) -> {
                    Caller c = auth.require(req);
                    guests.remove(c, id(req), pathId(req, "guest", Msg.of("chat.guest.none")));
                    Json.noContent(res);
                })
                .post("/join/{token}", this::join)
                .get("/guest", (req, res) -> Json.ok(res, guestView(guest(req, false))))
                .get("/guest/messages", (req, res) -> {
                    Guest g = guest(req, false);
                    page(res, guests.history(g, before(req), limit(req, 50, 200)));
                })
                .post("/guest/messages", (req, res) -> {
                    Guest g = guest(req, true);
                    JsonNode b = body(req, Set.of("text", "replyTo"));
                    Json.send(res, 201, views.message(guests.post(g, text(b, "text"), replyTo(b))));
                })
                .get("/guest/messages/{mid}/file", (req, res) ->
                        download(req, res, guests.attachment(guest(req, false), mid(req))))
                .get("/guest/messages/{mid}/preview", (req, res) ->
                        previews.send(req, res, attachments.open(guests.attachment(guest(req, false), mid(req)))))
                .put("/guest/messages/{mid}/reactions/{emoji}", (req, res) -> Json.ok(res, views.message(
                        guests.react(guest(req, true), mid(req), req.path().pathParameters().get("emoji"), true))))
                .delete("/guest/messages/{mid}/reactions/{emoji}", (req, res) -> Json.ok(res, views.message(
                        guests.react(guest(req, true), mid(req), req.path().pathParameters().get("emoji"), false))))
                .get("/search", (req, res) -> {
                    Caller c = auth.require(req);
                    ChatService.Hits hits = chat.search(c, req.query().first("q").orElse(""), before(req),
                            limit(req, 20, ChatService.MAX_SEARCH_PAGE));
                    Json.ok(res, Map.of("items", hits.items().stream().map(views::hit).toList(), "more", hits.more()));
                })
                .get("/missed", (req, res) -> {
                    Caller c = auth.require(req);
                    long since = ChatModule.cursor(req.query().first("since").orElse("0"), "since");
                    int limit = limit(req, 500, 1000);
                    List<Message> missed = chat.missed(c.id().value(), since, limit + 1);
                    Json.ok(res, Map.of("items", missed.stream().limit(limit).map(views::message).toList(),
                            "complete", missed.size() <= limit));
                });
    }

    private void create(ServerRequest req, ServerResponse res) {
        Caller c = auth.require(req);
        JsonNode b = body(req, Set.of("kind", "with", "name", "members"));
        switch (text(b, "kind")) {
            case "direct" -> {
                ChatService.Opened o = chat.openDirect(c, text(b, "with"));
                Json.send(res, o.created() ? 201 : 200, views.conversation(o.details()));
            }
            case "group" -> {
                List<String> members = new ArrayList<>();
                JsonNode list = b.path("members");
                if (!list.isMissingNode() && !list.isArray()) {
                    throw AtriumException.Invalid.field("members", Msg.of("chat.members.list"));
                }
                list.forEach(n -> members.add(n.asText()));
                Json.send(res, 201, views.conversation(chat.createGroup(c, text(b, "name"), members)));
            }
            default -> throw AtriumException.Invalid.field("kind", Msg.of("chat.kind"));
        }
    }

    private void update(ServerRequest req, ServerResponse res) {
        Caller c = auth.require(req);
        ConversationId id = id(req);
        JsonNode b = body(req, Set.of("name", "readOnly"));
        ChatService.Details d = chat.details(c, id);
        if (b.has("name")) {
            d = chat.rename(c, id, text(b, "name"));
        }
        if (b.has("readOnly")) {
            d = chat.setReadOnly(c, id, flag(b, "readOnly", false));
        }
        Json.ok(res, views.conversation(d));
    }

    /** The caller's own mute, favourite and archive flags; fields left out keep their value. */
    private void personal(ServerRequest req, ServerResponse res) {
        Caller c = auth.require(req);
        ConversationId id = id(req);
        JsonNode b = body(req, Set.of("muted", "favourite", "archived"));
        ConversationStore.Personal now = chat.personal(c, id);
        ConversationStore.Personal p = chat.setPersonal(c, id, new ConversationStore.Personal(
                flag(b, "muted", now.muted()), flag(b, "favourite", now.favourite()), flag(b, "archived", now.archived())));
        Json.ok(res, Map.of("conversation", id.toString(), "muted", p.muted(), "favourite", p.favourite(),
                "archived", p.archived()));
    }

    private static boolean flag(JsonNode b, String field, boolean current) {
        if (!b.has(field)) {
            return current;
        }
        if (!b.get(field).isBoolean()) {
            throw AtriumException.Invalid.field(field, Msg.of("chat.boolean", field));
        }
        return b.get(field).asBoolean();
    }

    /**
     * A page before {@code before} (the default: the newest), or the messages {@code around} one
     * (to open a search hit), or those {@code after} one (paging forward from there).
     */
    private void history(ServerRequest req, ServerResponse res) {
        Caller c = auth.require(req);
        Optional<String> around = req.query().first("around").asOptional();
        Optional<String> after = req.query().first("after").asOptional();
        int limit = limit(req, 50, 200);
        if (around.isPresent()) {
            ChatService.Window w = chat.around(c, id(req), new MessageId(ChatModule.cursor(around.get(), "around")), limit);
            Json.ok(res, Map.of("items", w.items().stream().map(views::message).toList(), "more", w.more(),
                    "newer", w.newer()));
        } else if (after.isPresent()) {
            ChatService.Window w = chat.after(c, id(req), ChatModule.cursor(after.get(), "after"), limit);
            Json.ok(res, Map.of("items", w.items().stream().map(views::message).toList(), "newer", w.newer()));
        } else {
            page(res, chat.history(c, id(req), before(req), limit));
        }
    }

    private static long before(ServerRequest req) {
        return req.query().first("before").asOptional().map(v -> ChatModule.cursor(v, "before")).orElse(Long.MAX_VALUE);
    }

    private void page(ServerResponse res, ChatService.Page page) {
        Json.ok(res, Map.of("items", page.items().stream().map(views::message).toList(), "more", page.more()));
    }

    /** Text, a file of the caller's Files ({@code file}: its id), or both. */
    private void post(ServerRequest req, ServerResponse res) {
        Caller c = auth.require(req);
        JsonNode b = body(req, Set.of("text", "replyTo", "file"));
        Optional<Attachment> attachment = b.hasNonNull("file")
                ? Optional.of(attachments.pick(c, new NodeId(ChatModule.cursor(text(b, "file"), "file")))) : Optional.empty();
        String text = attachment.isPresent() && !b.hasNonNull("text") ? "" : text(b, "text");
        Json.send(res, 201, views.message(chat.post(c, id(req), text, replyTo(b), attachment)));
    }

    /**
     * A file from the computer, streamed into the caller's Talk folder (quota and virus scanner
     * as for every upload), to be posted next with its {@code fileId}. Membership and the lock
     * are checked before a byte is stored.
     */
    private void upload(ServerRequest req, ServerResponse res) {
        Caller c = auth.require(req);
        ConversationId id = id(req);
        chat.checkMayPost(c, id);
        String name = req.query().first("name").asOptional()
                .orElseThrow(() -> AtriumException.Invalid.field("name", Msg.of("chat.field.text", "name")));
        long length = req.headers().contentLength().orElse(-1);
        Attachment a = attachments.upload(c, name, req.content().inputStream(), length);
        Json.send(res, 201, views.attachment(Json.MAPPER.createObjectNode(), a)
                .put("path", "/" + ChatFiles.FOLDER + "/" + a.name()));
    }

    /** The file's bytes (one range of them when asked), as a download that never runs in the page. */
    private void download(ServerRequest req, ServerResponse res, Attachment a) {
        FileResponse.send(req, res, files, attachments.open(a), false);
    }

    private static Optional<MessageId> replyTo(JsonNode b) {
        return b.hasNonNull("replyTo")
                ? Optional.of(new MessageId(ChatModule.cursor(b.get("replyTo").asText(), "replyTo"))) : Optional.empty();
    }

    private static Map<String, Object> link(GuestStore.Link l) {
        return Map.of("conversation", l.conversation().toString(), "token", l.token(),
                "path", "/chat/join/" + l.token(), "password", l.passwordHash().isPresent());
    }

    /** A guest joins; the session cookie lasts as long as the guest session and is sent to this site only. */
    private void join(ServerRequest req, ServerResponse res) {
        JsonNode b = body(req, Set.of("name", "password"));
        String password = b.has("password") ? text(b, "password") : "";
        GuestService.Joined j = guests.join(req.path().pathParameters().get("token"), text(b, "name"), password,
                HttpPlumbing.info(req).clientAddress());
        res.headers().addCookie(SetCookie.builder(GUEST_COOKIE, j.session()).path("/").httpOnly(true)
                .secure(HttpPlumbing.info(req).secure()).sameSite(SetCookie.SameSite.STRICT)
                .maxAge(GuestService.SESSION).build());
        // The guest page's posts carry the CSRF double submit, as the console's.
        Authentication.ensureCsrfCookie(req, res);
        Json.send(res, 201, guestView(j.guest()));
    }

    private Guest guest(ServerRequest req, boolean writes) {
        Guest g = guests.guest(Authentication.cookie(req, GUEST_COOKIE));
        if (writes) {
            Authentication.checkCsrf(req);
        }
        return g;
    }

    private Map<String, Object> guestView(Guest g) {
        var c = guests.conversation(g);
        return Map.of("guest", Map.of("id", Long.toString(g.id()), "name", g.name()),
                "conversation", Map.of("id", c.id().toString(), "name", c.name(), "readOnly", c.readOnly()));
    }

    private static int limit(ServerRequest req, int dflt, int max) {
        String v = req.query().first("limit").orElse(Integer.toString(dflt));
        try {
            int limit = Integer.parseInt(v);
            if (limit >= 1 && limit <= max) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw AtriumException.Invalid.field("limit", Msg.of("chat.limit", 1, max));
    }

    private static ConversationId id(ServerRequest req) {
        return new ConversationId(pathId(req, "id", Msg.of("chat.conversation.none")));
    }

    private static MessageId mid(ServerRequest req) {
        return new MessageId(pathId(req, "mid", Msg.of("chat.message.none")));
    }

    /** An id in the path that is not a number names nothing: 404, like an unknown one. */
    static long pathId(ServerRequest req, String name, Msg missing) {
        try {
            return Long.parseLong(req.path().pathParameters().get(name));
        } catch (NumberFormatException e) {
            throw new AtriumException.NotFound(missing);
        }
    }

    private static Role role(String tag) {
        try {
            return Role.valueOf(tag.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw AtriumException.Invalid.field("role", Msg.of("chat.role", tag));
        }
    }

    private JsonNode body(ServerRequest req, Set<String> allowed) {
        JsonNode n = Json.readTree(req, maxBody);
        if (n == null || !n.isObject()) {
            throw new AtriumException.Invalid(Msg.of("core.json.body-needed"));
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw AtriumException.Invalid.field(f, Msg.of("core.json.unknown-field", f));
            }
        }
        return n;
    }

    private static String text(JsonNode b, String field) {
        JsonNode v = b.get(field);
        if (v == null || !v.isTextual()) {
            throw AtriumException.Invalid.field(field, Msg.of("chat.field.text", field));
        }
        return v.asText();
    }
}
