package atrium.server;

import static org.assertj.core.api.Assertions.assertThat;

import atrium.server.DavClient.Res;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import javax.imageio.ImageIO;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The console's files endpoints against a real server: search by name, zip download, and
 * thumbnails at Nextcloud's preview URLs (docs/api/files.md).
 */
class FilesApiTest {
    static TestServer server;
    static int users;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("proxy.enabled", "true"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    record User(String login, String password) {
        static User create() {
            String login = "finder" + (++users);
            return new User(login, DavTest.userWithAppPassword(server, login, "Juniper-Falcon-" + (9000 + users)));
        }

        Res send(String method, String path, byte[] body, String... headers) {
            return FilesApiTest.send(Optional.of(login + ":" + password), method, path, body, headers);
        }

        Res get(String path) {
            return send("GET", path, null);
        }

        /** The WebDAV URL path of a file, each name percent-encoded. */
        String dav(String path) {
            StringBuilder b = new StringBuilder("/remote.php/dav/files/" + login);
            for (String name : path.split("/")) {
                if (!name.isEmpty()) {
                    b.append('/').append(q(name).replace("+", "%20"));
                }
            }
            return b.toString();
        }

        void put(String path, byte[] content) {
            Res r = send("PUT", dav(path), content);
            assertThat(r.status()).as(r.toString()).isIn(201, 204);
        }

        void mkdir(String path) {
            Res r = send("MKCOL", dav(path), null);
            assertThat(r.status()).as(r.toString()).isEqualTo(201);
        }

        long fileId(String path) {
            Res r = send("PROPFIND", dav(path),
                    "<d:propfind xmlns:d=\"DAV:\" xmlns:oc=\"http://owncloud.org/ns\"><d:prop><oc:fileid/></d:prop></d:propfind>"
                            .getBytes(StandardCharsets.UTF_8), "Depth", "0");
            String text = r.text();
            return Long.parseLong(text.replaceAll("(?s).*<oc:fileid>(\\d+)</oc:fileid>.*", "$1"));
        }
    }

    static Res send(Optional<String> credentials, String method, String path, byte[] body, String... headers) {
        return DavClient.send(server.baseUrl(), credentials, method, path, body, headers);
    }

    static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static List<String> names(JsonNode items) {
        List<String> out = new ArrayList<>();
        items.forEach(i -> out.add(i.get("path").asText()));
        return out;
    }

    // ---- search

    @Test
    void searchFindsNamesAnywhereInTheTreeIgnoringCaseAndAccents() {
        User u = User.create();
        u.mkdir("/Projets");
        u.mkdir("/Projets/Été 2024");
        u.put("/Projets/Été 2024/Rapport FINAL.pdf", "x".getBytes(StandardCharsets.UTF_8));
        u.put("/rapport-brouillon.txt", "y".getBytes(StandardCharsets.UTF_8));
        u.put("/Projets/notes.txt", "z".getBytes(StandardCharsets.UTF_8));

        Res r = u.get("/api/v1/files/search?q=" + q("RAPPORT"));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(names(r.json().get("items"))).containsExactly("/Projets/Été 2024/Rapport FINAL.pdf", "/rapport-brouillon.txt");
        JsonNode first = r.json().get("items").get(0);
        assertThat(first.get("folder").asText()).isEqualTo("/Projets/Été 2024");
        assertThat(first.get("isFolder").asBoolean()).isFalse();
        assertThat(first.get("hasPreview").asBoolean()).isTrue();
        assertThat(r.json().get("more").asBoolean()).isFalse();

        assertThat(names(u.get("/api/v1/files/search?q=" + q("ete")).json().get("items"))).containsExactly("/Projets/Été 2024");
        assertThat(names(u.get("/api/v1/files/search?q=" + q("ÉTÉ 20")).json().get("items"))).containsExactly("/Projets/Été 2024");
        // LIKE's wildcards are searched for as characters.
        assertThat(u.get("/api/v1/files/search?q=" + q("%")).json().get("items")).isEmpty();
        assertThat(names(u.get("/api/v1/files/search?q=" + q("t_")).json().get("items"))).isEmpty();
    }

    @Test
    void searchPagesThroughResults() {
        User u = User.create();
        for (int i = 0; i < 5; i++) {
            u.put("/page-" + i + ".txt", new byte[] {1});
        }
        JsonNode p1 = u.get("/api/v1/files/search?q=page&limit=2").json();
        JsonNode p3 = u.get("/api/v1/files/search?q=page&limit=2&offset=4").json();
        assertThat(names(p1.get("items"))).containsExactly("/page-0.txt", "/page-1.txt");
        assertThat(p1.get("more").asBoolean()).isTrue();
        assertThat(names(p3.get("items"))).containsExactly("/page-4.txt");
        assertThat(p3.get("more").asBoolean()).isFalse();
        assertThat(u.get("/api/v1/files/search?q=page&limit=0").status()).isEqualTo(400);
        assertThat(u.get("/api/v1/files/search?q=page&limit=abc").status()).isEqualTo(400);
        assertThat(u.get("/api/v1/files/search?q=%20%20").status()).isEqualTo(400);
    }

    @Test
    void searchShowsNeitherOtherUsersFilesNorTheTrash() {
        User alice = User.create();
        User bob = User.create();
        alice.put("/secret-plan.txt", new byte[] {1});
        alice.mkdir("/old");
        alice.put("/old/secret-archive.txt", new byte[] {1});
        assertThat(alice.send("DELETE", "/remote.php/dav/files/" + alice.login() + "/old", null).status()).isEqualTo(204);
        bob.put("/secret-bob.txt", new byte[] {1});

        assertThat(names(alice.get("/api/v1/files/search?q=secret").json().get("items"))).containsExactly("/secret-plan.txt");
        assertThat(names(bob.get("/api/v1/files/search?q=secret").json().get("items"))).containsExactly("/secret-bob.txt");
        assertThat(send(Optional.empty(), "GET", "/api/v1/files/search?q=secret", null).status()).isEqualTo(401);
    }

    @Test
    void aRenamedFileIsFoundByItsNewName() {
        User u = User.create();
        u.put("/before.txt", new byte[] {1});
        Res moved = u.send("MOVE", u.dav("/before.txt"), null, "Destination", u.dav("/Après.txt"));
        assertThat(moved.status()).as(moved.toString()).isEqualTo(201);
        assertThat(u.get("/api/v1/files/search?q=before").json().get("items")).isEmpty();
        assertThat(names(u.get("/api/v1/files/search?q=apres").json().get("items"))).containsExactly("/Après.txt");
    }

    // ---- zip

    record Entry(String name, byte[] content, int flags) {
    }

    /** Reads a zip entry by entry, with the general purpose flags of each local header. */
    static List<Entry> unzip(byte[] zip) throws IOException {
        List<Entry> out = new ArrayList<>();
        ByteBuffer buf = ByteBuffer.wrap(zip).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        List<Integer> flags = new ArrayList<>();
        for (int i = 0; i + 8 < zip.length; i++) {
            if (buf.getInt(i) == 0x04034b50) {
                flags.add(buf.getShort(i + 6) & 0xffff);
            }
        }
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip), StandardCharsets.UTF_8)) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                out.add(new Entry(e.getName(), in.readAllBytes(), flags.get(out.size())));
            }
        }
        return out;
    }

    @Test
    void aFolderDownloadsAsAZipWithItsTreeAndUtf8Names() throws IOException {
        User u = User.create();
        byte[] big = new byte[3 * 1024 * 1024 + 17];
        new Random(42).nextBytes(big);
        u.mkdir("/Équipe");
        u.mkdir("/Équipe/vide");
        u.mkdir("/Équipe/sous");
        u.put("/Équipe/a.txt", "bonjour".getBytes(StandardCharsets.UTF_8));
        u.put("/Équipe/sous/données.bin", big);
        u.put("/Équipe/sous/empty.txt", new byte[0]);

        Res r = u.get("/api/v1/files/zip?path=" + q("/Équipe"));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/zip");
        assertThat(r.headers().firstValue("Content-Disposition").orElseThrow()).contains("filename*=UTF-8''%C3%89quipe.zip");
        List<Entry> entries = unzip(r.body());
        assertThat(entries).extracting(Entry::name).containsExactly("Équipe/", "Équipe/a.txt", "Équipe/sous/",
                "Équipe/sous/données.bin", "Équipe/sous/empty.txt", "Équipe/vide/");
        assertThat(entries.get(1).content()).asString(StandardCharsets.UTF_8).isEqualTo("bonjour");
        assertThat(entries.get(3).content()).isEqualTo(big);
        assertThat(entries.get(4).content()).isEmpty();
        // Bit 11: the names are UTF-8.
        assertThat(entries).allSatisfy(e -> assertThat(e.flags() & 0x800).isEqualTo(0x800));
    }

    @Test
    void aSelectionDownloadsAsOneZip() throws IOException {
        User u = User.create();
        u.mkdir("/A");
        u.mkdir("/B");
        u.put("/A/same.txt", "from A".getBytes(StandardCharsets.UTF_8));
        u.put("/B/same.txt", "from B".getBytes(StandardCharsets.UTF_8));
        u.put("/top.txt", "top".getBytes(StandardCharsets.UTF_8));
        Res r = u.get("/api/v1/files/zip?path=/A/same.txt&path=/B/same.txt&path=/top.txt");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Disposition").orElseThrow()).contains("download.zip");
        assertThat(unzip(r.body())).extracting(e -> e.name() + "=" + new String(e.content(), StandardCharsets.UTF_8))
                .containsExactly("same.txt=from A", "same.txt (2)=from B", "top.txt=top");
    }

    @Test
    void zipDownloadsAreConfinedToTheCallersOwnFiles() {
        User alice = User.create();
        User bob = User.create();
        alice.mkdir("/private");
        alice.put("/private/x.txt", new byte[] {1});
        bob.put("/mine.txt", new byte[] {1});

        assertThat(send(Optional.empty(), "GET", "/api/v1/files/zip?path=/private", null).status()).isEqualTo(401);
        // Bob names Alice's folder: it does not exist in his tree.
        assertThat(bob.get("/api/v1/files/zip?path=/private").status()).isEqualTo(404);
        Res traversal = bob.get("/api/v1/files/zip?path=" + q("/../" + alice.login() + "/private"));
        assertThat(traversal.status()).as(traversal.toString()).isEqualTo(400);
        assertThat(traversal.json().get("message").asText()).contains("'.' and '..'");
        assertThat(bob.get("/api/v1/files/zip?path=" + q("/mine.txt/..")).status()).isEqualTo(400);
        assertThat(bob.get("/api/v1/files/zip").status()).isEqualTo(400);
        Res french = bob.send("GET", "/api/v1/files/zip?path=/nope", null, "Accept-Language", "fr");
        assertThat(french.json().get("message").asText()).isEqualTo("«\u00A0/nope\u00A0» n’existe pas.");
    }

    @Test
    void theServerCarriesOnWhenAClientDropsAZipDownload() throws IOException {
        User u = User.create();
        byte[] big = new byte[8 * 1024 * 1024];
        new Random(7).nextBytes(big);
        u.mkdir("/big");
        for (int i = 0; i < 4; i++) {
            u.put("/big/part" + i + ".bin", big);
        }
        String auth = Base64.getEncoder().encodeToString((u.login() + ":" + u.password()).getBytes(StandardCharsets.UTF_8));
        for (int round = 0; round < 3; round++) {
            try (Socket s = new Socket("127.0.0.1", server.atrium.appPort())) {
                s.getOutputStream().write(("GET /api/v1/files/zip?path=/big HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic " + auth
                        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                InputStream in = s.getInputStream();
                byte[] head = in.readNBytes(64 * 1024);
                assertThat(new String(head, 0, 15, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200 OK");
            } // closed after 64 KiB of some 32 MiB
        }
        Res whole = u.get("/api/v1/files/zip?path=/big");
        assertThat(whole.status()).isEqualTo(200);
        assertThat(unzip(whole.body())).hasSize(5);
    }

    // ---- previews

    static byte[] png(int w, int h) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(0, 0, w / 2, h);
        g.setColor(Color.BLUE);
        g.fillRect(w / 2, 0, w - w / 2, h);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    static byte[] pdf() throws IOException {
        try (PDDocument doc = new PDDocument()) {
            PDPage page = new PDPage(PDRectangle.A4);
            doc.addPage(page);
            try (PDPageContentStream cs = new PDPageContentStream(doc, page)) {
                cs.setNonStrokingColor(Color.BLACK);
                cs.addRect(50, 50, 200, 700);
                cs.fill();
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            doc.save(out);
            return out.toByteArray();
        }
    }

    static BufferedImage image(Res r) throws IOException {
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(r.body()));
        assertThat(img).as("a picture").isNotNull();
        return img;
    }

    @Test
    void aPngGetsAThumbnailByFileIdAndByPath() throws IOException {
        User u = User.create();
        u.put("/photo.png", png(1200, 600));
        long id = u.fileId("/photo.png");

        Res r = u.get("/index.php/core/preview?fileId=" + id + "&x=256&y=256&a=1");
        assertThat(r.headers().firstValue("Content-Type")).contains("image/jpeg");
        BufferedImage thumb = image(r);
        assertThat(thumb.getWidth()).isEqualTo(256);
        assertThat(thumb.getHeight()).isEqualTo(128);
        // Left red, right blue, as in the original.
        assertThat(new Color(thumb.getRGB(30, 64)).getRed()).isGreaterThan(200);
        assertThat(new Color(thumb.getRGB(220, 64)).getBlue()).isGreaterThan(200);

        BufferedImage small = image(u.get("/index.php/core/preview.png?file=" + q("/photo.png") + "&x=64&y=64"));
        assertThat(small.getWidth()).isEqualTo(64);

        // Cached by etag: the same request is answered 304 when the client has it.
        String etag = r.headers().firstValue("ETag").orElseThrow();
        assertThat(u.send("GET", "/index.php/core/preview?fileId=" + id + "&x=256&y=256", null, "If-None-Match", etag).status())
                .isEqualTo(304);
        // New content, new picture.
        u.put("/photo.png", png(300, 600));
        Res after = u.get("/index.php/core/preview?fileId=" + id + "&x=256&y=256");
        assertThat(after.headers().firstValue("ETag")).isNotEqualTo(Optional.of(etag));
        assertThat(image(after).getHeight()).isEqualTo(256);
        assertThat(image(after).getWidth()).isEqualTo(128);
    }

    @Test
    void aPdfGetsAThumbnailOfItsFirstPage() throws IOException {
        User u = User.create();
        u.put("/doc.pdf", pdf());
        BufferedImage thumb = image(u.get("/index.php/core/preview?fileId=" + u.fileId("/doc.pdf") + "&x=128&y=128"));
        assertThat(thumb.getHeight()).isEqualTo(128);
        assertThat(thumb.getWidth()).isBetween(88, 93);
        // The black bar on the left of a white page.
        assertThat(new Color(thumb.getRGB(20, 64)).getRed()).isLessThan(60);
        assertThat(new Color(thumb.getRGB(80, 64)).getRed()).isGreaterThan(200);
    }

    @Test
    void hasPreviewTellsTheClientsWhichFilesHaveOne() {
        User u = User.create();
        u.put("/pic.png", new byte[] {1});
        u.put("/notes.txt", new byte[] {1});
        Res r = u.send("PROPFIND", "/remote.php/dav/files/" + u.login() + "/", """
                <d:propfind xmlns:d="DAV:" xmlns:nc="http://nextcloud.org/ns"><d:prop><nc:has-preview/></d:prop></d:propfind>"""
                .getBytes(StandardCharsets.UTF_8), "Depth", "1");
        String xml = r.text().replaceAll("\\s+", "");
        assertThat(xml).containsPattern("pic.png</d:href>.*?<nc:has-preview>true</nc:has-preview>");
        assertThat(xml).containsPattern("notes.txt</d:href>.*?<nc:has-preview>false</nc:has-preview>");
    }

    /** A PNG whose header claims 100,000 × 100,000 pixels: 40 GB once decoded, if anyone tried. */
    static byte[] pngBomb() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(100_000).putInt(100_000).put((byte) 8).put((byte) 6)
                .put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        Deflater d = new Deflater();
        d.setInput(new byte[64 * 1024]);
        d.finish();
        byte[] idat = new byte[1024];
        chunk(out, "IDAT", java.util.Arrays.copyOf(idat, d.deflate(idat)));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        out.write(ByteBuffer.allocate(4).putInt(data.length).array());
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.write(t);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    @Test
    void previewsRefuseBombsOtherUsersFilesAndWhatIsNotAPicture() throws IOException {
        User alice = User.create();
        User bob = User.create();
        alice.put("/bomb.png", pngBomb());
        alice.put("/broken.png", "not a png".getBytes(StandardCharsets.UTF_8));
        alice.put("/notes.txt", new byte[] {1});
        alice.put("/mine.png", png(10, 10));

        Res bomb = alice.get("/index.php/core/preview?fileId=" + alice.fileId("/bomb.png") + "&x=64&y=64");
        assertThat(bomb.status()).isEqualTo(404);
        assertThat(bomb.json().get("message").asText()).contains("100000 × 100000");
        assertThat(alice.get("/index.php/core/preview?fileId=" + alice.fileId("/broken.png")).status()).isEqualTo(404);
        assertThat(alice.get("/index.php/core/preview?fileId=" + alice.fileId("/notes.txt")).status()).isEqualTo(404);
        long mine = alice.fileId("/mine.png");
        assertThat(bob.get("/index.php/core/preview?fileId=" + mine).status()).isEqualTo(404);
        assertThat(send(Optional.empty(), "GET", "/index.php/core/preview?fileId=" + mine, null).status()).isEqualTo(401);
        assertThat(alice.get("/index.php/core/preview?fileId=abc").status()).isEqualTo(400);
        assertThat(alice.get("/index.php/core/preview?fileId=" + mine + "&x=0").status()).isEqualTo(400);
        assertThat(alice.get("/index.php/core/preview.png?file=" + q("/../x/mine.png")).status()).isEqualTo(400);
        // The server is still fine for the next one.
        assertThat(image(alice.get("/index.php/core/preview?fileId=" + mine)).getWidth()).isEqualTo(10);
    }

    @Test
    void aBrowserSessionReachesTheEndpointsWithoutACsrfHeaderForGets() {
        User u = User.create();
        u.put("/browser.txt", new byte[] {1});
        TestClient browser = server.client();
        browser.signIn(u.login(), "Juniper-Falcon-" + (9000 + users));
        TestClient.Response r = browser.get("/api/v1/files/search?q=browser");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("items").get(0).get("name").asText()).isEqualTo("browser.txt");
    }

    // ---- inside shares received

    /** Shares a path of the owner with a user through the OCS Share API, read only unless told. */
    static void share(User owner, String path, User with, int permissions) {
        Res r = owner.send("POST", "/ocs/v2.php/apps/files_sharing/api/v1/shares?format=json",
                ("path=" + q(path) + "&shareType=0&shareWith=" + q(with.login()) + "&permissions=" + permissions)
                        .getBytes(StandardCharsets.UTF_8),
                "OCS-APIREQUEST", "true", "Content-Type", "application/x-www-form-urlencoded");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
    }

    /** alice's /Projets (with a picture, a sub-folder and a trashed file) shared read-only with bob, mounted as "Plans Alice". */
    record Shared(User alice, User bob, User carol) {
        static Shared create() throws IOException {
            User alice = User.create();
            User bob = User.create();
            alice.mkdir("/Projets");
            alice.put("/Projets/plan-2024.txt", "p".getBytes(StandardCharsets.UTF_8));
            alice.mkdir("/Projets/Sub");
            alice.put("/Projets/Sub/plan-b.txt", "b".getBytes(StandardCharsets.UTF_8));
            alice.put("/Projets/old-plan.txt", "o".getBytes(StandardCharsets.UTF_8));
            assertThat(alice.send("DELETE", alice.dav("/Projets/old-plan.txt"), null).status()).isEqualTo(204);
            alice.put("/Projets/photo.png", png(400, 200));
            alice.put("/private-plan.txt", "not for bob".getBytes(StandardCharsets.UTF_8));
            alice.put("/private.png", png(40, 20));
            share(alice, "/Projets", bob, 1);
            Res renamed = bob.send("MOVE", bob.dav("/Projets"), null, "Destination", bob.dav("/Plans Alice"));
            assertThat(renamed.status()).as(renamed.toString()).isEqualTo(201);
            bob.put("/plan-bob.txt", "mine".getBytes(StandardCharsets.UTF_8));
            return new Shared(alice, bob, User.create());
        }
    }

    @Test
    void searchFindsWhatIsInSharesReceivedUnderTheMountAndNothingElseOfTheOwner() throws IOException {
        Shared s = Shared.create();
        User bob = s.bob();
        Res r = bob.get("/api/v1/files/search?q=plan");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        // The mount point (matched by its name at bob's root) first, then what is below the scopes.
        assertThat(names(r.json().get("items")).getFirst()).isEqualTo("/Plans Alice");
        assertThat(names(r.json().get("items"))).containsExactlyInAnyOrder("/Plans Alice", "/Plans Alice/plan-2024.txt",
                "/Plans Alice/Sub/plan-b.txt", "/plan-bob.txt");
        JsonNode inShare = null;
        for (JsonNode item : r.json().get("items")) {
            if (item.get("name").asText().equals("plan-b.txt")) {
                inShare = item;
            }
        }
        assertThat(inShare).isNotNull();
        assertThat(inShare.get("folder").asText()).isEqualTo("/Plans Alice/Sub");
        assertThat(inShare.get("id").asLong()).isEqualTo(s.alice().fileId("/Projets/Sub/plan-b.txt"));
        // The owner-side name of the shared folder is not what bob sees.
        assertThat(bob.get("/api/v1/files/search?q=projets").json().get("items")).isEmpty();
        assertThat(names(bob.get("/api/v1/files/search?q=photo").json().get("items"))).containsExactly("/Plans Alice/photo.png");
        // Pages run across the mount points and the rest without a gap or a repeat.
        List<String> paged = new ArrayList<>();
        JsonNode p1 = bob.get("/api/v1/files/search?q=plan&limit=3").json();
        JsonNode p2 = bob.get("/api/v1/files/search?q=plan&limit=3&offset=3").json();
        assertThat(p1.get("more").asBoolean()).isTrue();
        assertThat(p2.get("more").asBoolean()).isFalse();
        paged.addAll(names(p1.get("items")));
        paged.addAll(names(p2.get("items")));
        assertThat(paged).isEqualTo(names(r.json().get("items")));
        // Someone without the share finds none of it.
        assertThat(s.carol().get("/api/v1/files/search?q=plan").json().get("items")).isEmpty();
        // The owner still sees her own paths.
        assertThat(names(s.alice().get("/api/v1/files/search?q=plan-b").json().get("items"))).containsExactly("/Projets/Sub/plan-b.txt");
    }

    @Test
    void aSharedFolderAndTheRootWithItsMountsDownloadAsZipsConfinedToTheShare() throws IOException {
        Shared s = Shared.create();
        User bob = s.bob();
        Res folder = bob.get("/api/v1/files/zip?path=" + q("/Plans Alice"));
        assertThat(folder.status()).as(folder.toString()).isEqualTo(200);
        assertThat(folder.headers().firstValue("Content-Disposition").orElseThrow()).contains("Plans Alice.zip");
        assertThat(unzip(folder.body())).extracting(Entry::name).containsExactlyInAnyOrder("Plans Alice/",
                "Plans Alice/plan-2024.txt", "Plans Alice/Sub/", "Plans Alice/Sub/plan-b.txt", "Plans Alice/photo.png");
        Res sub = bob.get("/api/v1/files/zip?path=" + q("/Plans Alice/Sub"));
        assertThat(unzip(sub.body())).extracting(e -> e.name() + "=" + new String(e.content(), StandardCharsets.UTF_8))
                .containsExactly("Sub/=", "Sub/plan-b.txt=b");
        Res root = bob.get("/api/v1/files/zip?path=/");
        assertThat(unzip(root.body())).extracting(Entry::name).contains("plan-bob.txt", "Plans Alice/", "Plans Alice/Sub/plan-b.txt")
                .noneMatch(n -> n.contains("private") || n.contains("old-plan") || n.startsWith("Projets"));

        // Without the share: 404, as for a path that does not exist; climbing out stays refused.
        assertThat(s.carol().get("/api/v1/files/zip?path=" + q("/Plans Alice")).status()).isEqualTo(404);
        assertThat(s.carol().get("/api/v1/files/zip?path=" + q("/Projets")).status()).isEqualTo(404);
        assertThat(bob.get("/api/v1/files/zip?path=" + q("/Plans Alice/../private-plan.txt")).status()).isEqualTo(400);
        Res encoded = bob.get("/api/v1/files/zip?path=" + q("/Plans Alice/..%2fprivate-plan.txt"));
        assertThat(encoded.status()).isIn(400, 404);
        assertThat(encoded.text()).doesNotContain("not for bob");
    }

    @Test
    void filesInSharesReceivedHaveThumbnailsByIdAndByPathForTheRecipientOnly() throws IOException {
        Shared s = Shared.create();
        User bob = s.bob();
        long id = s.alice().fileId("/Projets/photo.png");
        assertThat(image(bob.get("/index.php/core/preview?fileId=" + id + "&x=64&y=64")).getWidth()).isEqualTo(64);
        assertThat(image(bob.get("/index.php/core/preview.png?file=" + q("/Plans Alice/photo.png") + "&x=64&y=64"))
                .getHeight()).isEqualTo(32);
        // The id bob's own listing gives is the same one.
        assertThat(bob.fileId("/Plans Alice/photo.png")).isEqualTo(id);

        long privateId = s.alice().fileId("/private.png");
        assertThat(bob.get("/index.php/core/preview?fileId=" + privateId).status()).isEqualTo(404);
        assertThat(s.carol().get("/index.php/core/preview?fileId=" + id).status()).isEqualTo(404);
        assertThat(s.carol().get("/index.php/core/preview.png?file=" + q("/Plans Alice/photo.png")).status()).isEqualTo(404);
        assertThat(bob.get("/index.php/core/preview.png?file=" + q("/Plans Alice/../private.png")).status()).isEqualTo(400);
        // A file moved to the owner's trash is out of the share.
        assertThat(s.alice().send("DELETE", s.alice().dav("/Projets/photo.png"), null).status()).isEqualTo(204);
        assertThat(bob.get("/index.php/core/preview?fileId=" + id).status()).isEqualTo(404);
    }
}
