package atrium.server;

import static atrium.server.ChatTest.API;
import static atrium.server.ChatTest.group;
import static atrium.server.RealtimeTest.login;
import static atrium.server.RealtimeTest.passwordOf;
import static atrium.server.RealtimeTest.person;
import static org.assertj.core.api.Assertions.assertThat;

import atrium.core.TestClamd;
import atrium.files.FileService;
import atrium.files.Node;
import atrium.identity.AccountId;
import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Files in conversations (docs/api/chat.md "Attachments", ADR 0027), against a real server. */
class ChatAttachmentTest {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("chat.rate-limit", "1000"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Sends bytes from the computer: 201 with the stored file, or the refusal. */
    static TestClient.Response upload(TestClient who, String conv, String name, byte[] bytes) {
        return who.send("POST", API + "/conversations/" + conv + "/files?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8)
                .replace("+", "%20"), bytes, Map.of("Content-Type", "application/octet-stream"));
    }

    static JsonNode postFile(TestClient who, String conv, String fileId, String text) {
        var r = who.post(API + "/conversations/" + conv + "/messages",
                text.isEmpty() ? Map.of("file", fileId) : Map.of("file", fileId, "text", text));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json();
    }

    static HttpResponse<InputStream> get(TestClient who, String path) {
        return who.stream("GET", path, HttpRequest.BodyPublishers.noBody(), Map.of());
    }

    static byte[] bytes(HttpResponse<InputStream> r) {
        try (InputStream in = r.body()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String fileUrl(String conv, String message) {
        return API + "/conversations/" + conv + "/messages/" + message + "/file";
    }

    static AccountId account(TestClient c) {
        return new AccountId(RealtimeTest.accountId(server, c));
    }

    static FileService files() {
        return server.atrium.files().files;
    }

    static byte[] png() {
        BufferedImage image = new BufferedImage(300, 200, BufferedImage.TYPE_INT_RGB);
        var g = image.createGraphics();
        g.setColor(java.awt.Color.ORANGE);
        g.fillRect(0, 0, 300, 200);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @Test
    void aFileFromTheComputerLandsInTheSendersTalkFolderAndEveryMemberSeesAndDownloadsIt() {
        TestClient ana = person(server, "ana");
        TestClient bob = person(server, "bob");
        TestClient cy = person(server, "cy");
        String conv = group(ana, "Bilan", bob);
        byte[] content = "Bilan 2025\n".repeat(100).getBytes(StandardCharsets.UTF_8);
        String name = "<img src=x onerror=alert(1)> bilan.txt";
        try (WsClient bobTab = WsClient.subscribed(server, bob)) {
            var stored = upload(ana, conv, name, content);
            assertThat(stored.status()).as(stored.body()).isEqualTo(201);
            assertThat(stored.json().get("path").asText()).isEqualTo("/Talk/" + name);
            assertThat(stored.json().get("size").asLong()).isEqualTo(content.length);
            String fileId = stored.json().get("fileId").asText();
            JsonNode sent = postFile(ana, conv, fileId, "Voici le bilan");
            assertThat(sent.get("text").asText()).isEqualTo("Voici le bilan");
            JsonNode a = sent.get("attachment");
            assertThat(a.get("fileId").asText()).isEqualTo(fileId);
            assertThat(a.get("name").asText()).isEqualTo(name);
            assertThat(a.get("size").asLong()).isEqualTo(content.length);
            assertThat(a.get("contentType").asText()).isEqualTo("text/plain");
            assertThat(a.get("preview").asBoolean()).isFalse();

            JsonNode live = bobTab.nextOfType("chat.message.created").get("data");
            assertThat(live.get("attachment")).isEqualTo(a);
            String mid = sent.get("id").asText();

            var download = get(bob, fileUrl(conv, mid));
            assertThat(download.statusCode()).isEqualTo(200);
            assertThat(download.headers().firstValue("Content-Disposition").orElseThrow()).startsWith("attachment;");
            assertThat(bytes(download)).isEqualTo(content);
            // History and catch-up carry it too.
            assertThat(bob.get(API + "/conversations/" + conv + "/messages").json().get("items").get(0).get("attachment"))
                    .isEqualTo(a);
            assertThat(bob.get(API + "/missed?since=0").json().get("items").findValues("attachment")).contains(a);

            var outsider = get(cy, fileUrl(conv, mid));
            assertThat(outsider.statusCode()).isEqualTo(403);
            assertThat(bytes(outsider)).isNotEqualTo(content);
            assertThat(get(bob, fileUrl(conv, "999")).statusCode()).isEqualTo(404);
            assertThat(get(bob, fileUrl("999", mid)).statusCode()).isEqualTo(404);
            JsonNode plain = ChatTest.post(ana, conv, "no file");
            assertThat(plain.get("attachment").isNull()).isTrue();
            assertThat(get(bob, fileUrl(conv, plain.get("id").asText())).statusCode()).isEqualTo(404);
            assertThat(cy.send("POST", API + "/conversations/" + conv + "/files?name=x.txt", content, Map.of()).status())
                    .isEqualTo(403);

            // The sender's own file, in their quota; the same name again does not replace it.
            Node inFiles = files().resolve(account(ana), List.of("Talk", name)).orElseThrow();
            assertThat(inFiles.id().value()).isEqualTo(Long.parseLong(fileId));
            var again = upload(ana, conv, name, "other".getBytes(StandardCharsets.UTF_8));
            assertThat(again.json().get("path").asText()).isEqualTo("/Talk/<img src=x onerror=alert(1)> bilan (2).txt");
            assertThat(bytes(get(bob, fileUrl(conv, mid)))).isEqualTo(content);
            assertThat(files().used(account(ana))).isEqualTo(content.length + 5);
        }
    }

    @Test
    void aFileAloneIsAMessageAndBadInputIsRefusedWithAReason() {
        TestClient ana = person(server, "ana");
        String conv = group(ana, "Alone");
        String fileId = upload(ana, conv, "a.txt", new byte[] {1, 2, 3}).json().get("fileId").asText();
        JsonNode alone = postFile(ana, conv, fileId, "");
        assertThat(alone.get("text").asText()).isEmpty();
        assertThat(alone.get("attachment").get("name").asText()).isEqualTo("a.txt");
        // The words of a file's message may go; the file stays.
        var edited = ana.patch(API + "/conversations/" + conv + "/messages/" + alone.get("id").asText(), Map.of("text", " "));
        assertThat(edited.status()).as(edited.body()).isEqualTo(200);

        var noName = ana.send("POST", API + "/conversations/" + conv + "/files", new byte[] {1}, Map.of());
        assertThat(noName.status()).isEqualTo(400);
        assertThat(noName.json().get("field").asText()).isEqualTo("name");
        var slash = upload(ana, conv, "../etc/passwd", new byte[] {1});
        assertThat(slash.status()).isEqualTo(400);
        assertThat(slash.json().get("message").asText()).contains("slash");
        var fr = ana.send("POST", API + "/conversations/" + conv + "/messages", Map.of("file", "12345"),
                Map.of("Accept-Language", "fr"));
        assertThat(fr.status()).isEqualTo(400);
        assertThat(fr.json().get("message").asText()).contains("Ce fichier n'existe pas dans vos fichiers");
        assertThat(ana.post(API + "/conversations/" + conv + "/messages", Map.of("file", "not-a-number")).status())
                .isEqualTo(400);
    }

    @Test
    void aFilePickedFromFilesIsAttachedWhereItIsWithoutACopyAndOnlyTheOwnerMayPickIt() {
        TestClient ana = person(server, "ana");
        TestClient bob = person(server, "bob");
        String conv = group(ana, "Picked", bob);
        byte[] content = "contrat signé".getBytes(StandardCharsets.UTF_8);
        files().mkdir(account(ana), List.of("Contrats"));
        Node contract = files().write(account(ana), List.of("Contrats", "contrat.pdf"), new ByteArrayInputStream(content),
                content.length, FileService.Upload.plain()).node();
        long before = files().used(account(ana));
        JsonNode sent = postFile(ana, conv, Long.toString(contract.id().value()), "Le contrat");
        assertThat(sent.get("attachment").get("contentType").asText()).isEqualTo("application/pdf");
        assertThat(bytes(get(bob, fileUrl(conv, sent.get("id").asText())))).isEqualTo(content);
        assertThat(files().used(account(ana))).isEqualTo(before);
        assertThat(files().resolve(account(ana), List.of("Talk"))).isEmpty();

        // Bob cannot attach ana's file, nor a folder.
        var foreign = bob.post(API + "/conversations/" + conv + "/messages", Map.of("file", Long.toString(contract.id().value())));
        assertThat(foreign.status()).isEqualTo(400);
        assertThat(foreign.json().get("field").asText()).isEqualTo("file");
        Node folder = files().resolve(account(ana), List.of("Contrats")).orElseThrow();
        assertThat(ana.post(API + "/conversations/" + conv + "/messages", Map.of("file", Long.toString(folder.id().value())))
                .status()).isEqualTo(400);

        // Once the owner deletes it from Files, it is no longer available (and says so).
        files().delete(contract);
        var gone = bob.get(fileUrl(conv, sent.get("id").asText()));
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.json().get("message").asText()).contains("contrat.pdf").contains("no longer available");
    }

    @Test
    void anImageHasAPreviewForMembersAndSomeoneWhoLeftReadsNeitherFileNorPreview() {
        TestClient ana = person(server, "ana");
        TestClient bob = person(server, "bob");
        String conv = group(ana, "Photos", bob);
        byte[] image = png();
        String fileId = upload(ana, conv, "chantier.png", image).json().get("fileId").asText();
        JsonNode sent = postFile(ana, conv, fileId, "");
        assertThat(sent.get("attachment").get("preview").asBoolean()).isTrue();
        assertThat(sent.get("attachment").get("contentType").asText()).isEqualTo("image/png");
        String mid = sent.get("id").asText();
        String preview = API + "/conversations/" + conv + "/messages/" + mid + "/preview?x=256&y=256";
        var thumb = get(bob, preview);
        assertThat(thumb.statusCode()).isEqualTo(200);
        assertThat(thumb.headers().firstValue("Content-Type").orElseThrow()).startsWith("image/");
        try {
            BufferedImage small = ImageIO.read(new ByteArrayInputStream(bytes(thumb)));
            assertThat(Math.max(small.getWidth(), small.getHeight())).isLessThanOrEqualTo(256);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }

        assertThat(bob.delete(API + "/conversations/" + conv + "/members/" + login(bob)).status()).isEqualTo(204);
        assertThat(get(bob, fileUrl(conv, mid)).statusCode()).isEqualTo(403);
        assertThat(get(bob, preview).statusCode()).isEqualTo(403);
        assertThat(get(ana, preview).statusCode()).isEqualTo(200);
    }

    @Test
    void aGuestOfAPublicConversationDownloadsAndPreviewsItsFilesOnly() {
        TestClient ana = person(server, "ana");
        String conv = group(ana, "Client Martin");
        String other = group(ana, "Internal");
        var link = ana.send("PUT", API + "/conversations/" + conv + "/link", Map.of(), Map.of());
        assertThat(link.status()).as(link.body()).isEqualTo(200);
        TestClient guest = server.client();
        assertThat(guest.post(API + "/join/" + link.json().get("token").asText(), Map.of("name", "M. Martin")).status())
                .isEqualTo(201);
        byte[] image = png();
        String mid = postFile(ana, conv, upload(ana, conv, "plan.png", image).json().get("fileId").asText(), "Le plan")
                .get("id").asText();
        String internal = postFile(ana, other, upload(ana, other, "secret.txt", new byte[] {7}).json().get("fileId").asText(), "")
                .get("id").asText();

        JsonNode history = guest.get(API + "/guest/messages").json().get("items");
        assertThat(history.get(0).get("attachment").get("name").asText()).isEqualTo("plan.png");
        assertThat(bytes(get(guest, API + "/guest/messages/" + mid + "/file"))).isEqualTo(image);
        assertThat(get(guest, API + "/guest/messages/" + mid + "/preview?x=64&y=64").statusCode()).isEqualTo(200);
        assertThat(get(guest, API + "/guest/messages/" + internal + "/file").statusCode()).isEqualTo(404);
        assertThat(get(guest, fileUrl(conv, mid)).statusCode()).isEqualTo(401);
        assertThat(get(server.client(), API + "/guest/messages/" + mid + "/file").statusCode()).isEqualTo(401);
    }

    @Test
    void deletingTheMessageTakesTheFileOutOfTheConversationButNotOutOfTheSendersFiles() {
        TestClient ana = person(server, "ana");
        TestClient bob = person(server, "bob");
        String conv = group(ana, "Oops", bob);
        String fileId = upload(ana, conv, "wrong.txt", new byte[] {1, 2}).json().get("fileId").asText();
        String mid = postFile(ana, conv, fileId, "not this one").get("id").asText();
        try (WsClient bobTab = WsClient.subscribed(server, bob)) {
            var deleted = ana.delete(API + "/conversations/" + conv + "/messages/" + mid);
            assertThat(deleted.status()).isEqualTo(200);
            assertThat(deleted.json().get("attachment").isNull()).isTrue();
            assertThat(bobTab.nextOfType("chat.message.deleted").get("data").get("attachment").isNull()).isTrue();
        }
        assertThat(get(bob, fileUrl(conv, mid)).statusCode()).isEqualTo(404);
        assertThat(files().resolve(account(ana), List.of("Talk", "wrong.txt"))).isPresent();
    }

    @Test
    void anUploadOverTheQuotaIsRefusedWith507AndPostsNothing() {
        String login = "quota" + System.nanoTime() % 100_000;
        var created = server.admin().post("/api/v1/users", Map.of("login", login, "password", passwordOf(login),
                "quota", "10 KB"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        TestClient small = server.client();
        assertThat(small.signIn(login, passwordOf(login)).status()).isEqualTo(200);
        String conv = group(small, "Quota");
        var refused = upload(small, conv, "big.bin", new byte[20 * 1024]);
        assertThat(refused.status()).isEqualTo(507);
        assertThat(refused.json().get("message").asText()).contains("quota");
        assertThat(files().resolve(account(small), List.of("Talk", "big.bin"))).isEmpty();
        assertThat(small.get(API + "/conversations/" + conv + "/messages").json().get("items")).isEmpty();
        assertThat(upload(small, conv, "fits.bin", new byte[5 * 1024]).status()).isEqualTo(201);
    }

    @Test
    void aBigFileIsStreamedInAndOutByteForByte() throws NoSuchAlgorithmException {
        TestClient ana = person(server, "ana");
        TestClient bob = person(server, "bob");
        String conv = group(ana, "Video", bob);
        // 48 MiB, 48 times http.max-body-bytes: never held whole, generated and hashed on the fly.
        long size = 48L << 20;
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        var body = HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> new InputStream() {
            private final Random random = new Random(42);
            private long left = size;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left == 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                byte[] chunk = new byte[n];
                random.nextBytes(chunk);
                System.arraycopy(chunk, 0, b, off, n);
                sent.update(chunk);
                left -= n;
                return n;
            }
        }), size);
        var up = ana.stream("POST", API + "/conversations/" + conv + "/files?name=film.mp4", body,
                Map.of("Content-Type", "application/octet-stream"));
        String answer = new String(bytes(up), StandardCharsets.UTF_8);
        assertThat(up.statusCode()).as(answer).isEqualTo(201);
        String fileId = parse(answer).get("fileId").asText();
        String mid = postFile(ana, conv, fileId, "").get("id").asText();

        var down = get(bob, fileUrl(conv, mid));
        assertThat(down.statusCode()).isEqualTo(200);
        MessageDigest received = MessageDigest.getInstance("SHA-256");
        long n = 0;
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = down.body()) {
            int r;
            while ((r = in.read(buffer)) > 0) {
                received.update(buffer, 0, r);
                n += r;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(n).isEqualTo(size);
        assertThat(HexFormat.of().formatHex(received.digest())).isEqualTo(HexFormat.of().formatHex(sent.digest()));
        // A range of it, as a player or a resumed download asks.
        var range = bob.stream("GET", fileUrl(conv, mid), HttpRequest.BodyPublishers.noBody(), Map.of("Range", "bytes=10-19"));
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(bytes(range)).hasSize(10);
    }

    private static JsonNode parse(String json) {
        try {
            return TestClient.JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void anInfectedUploadIsRefusedWith415AndNothingIsStoredOrPosted() {
        try (TestClamd clamd = TestClamd.start(1 << 20);
             TestServer scanned = TestServer.start(Map.of("antivirus.clamd", clamd.address(),
                     "antivirus.timeout-seconds", "5"))) {
            TestClient ana = person(scanned, "ana");
            String conv = group(ana, "Scanned");
            var refused = ana.send("POST", API + "/conversations/" + conv + "/files?name=eicar.com", TestClamd.eicar(),
                    Map.of("Content-Type", "application/octet-stream", "Accept-Language", "fr"));
            assertThat(refused.status()).as(refused.body()).isEqualTo(415);
            assertThat(refused.json().get("message").asText()).contains(TestClamd.SIGNATURE).contains("eicar.com");
            AccountId anaId = new AccountId(RealtimeTest.accountId(scanned, ana));
            assertThat(scanned.atrium.files().files.resolve(anaId, List.of("Talk", "eicar.com"))).isEmpty();
            assertThat(ana.get(API + "/conversations/" + conv + "/messages").json().get("items")).isEmpty();
            assertThat(ana.send("POST", API + "/conversations/" + conv + "/files?name=clean.txt",
                    "clean".getBytes(StandardCharsets.UTF_8), Map.of()).status()).isEqualTo(201);
        }
    }
}
