package atrium.server;

import static org.assertj.core.api.Assertions.assertThat;

import atrium.server.DavTest.Dav;
import atrium.server.DavClient.Res;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Internal shares (docs/api/sharing.md) end to end: made through the OCS Share API as the
 * clients make them, used through the recipient's WebDAV tree as the clients use it, one
 * share type and permission at a time.
 */
class ShareTest {
    private static final String OC = "http://owncloud.org/ns";
    private static final String OCS = "/ocs/v2.php/apps/files_sharing/api/v1/shares";
    private static final String SHARE_PROPS = """
            <d:propfind xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns" xmlns:nc="http://nextcloud.org/ns"><d:prop>
            <d:getetag/><oc:permissions/><oc:share-types/><oc:owner-id/><oc:owner-display-name/><nc:share-attributes/>
            <oc:fileid/><d:displayname/></d:prop></d:propfind>""";
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() {
        DavTest.start();
    }

    @AfterAll
    static void stop() {
        DavTest.stop();
    }

    /** An OCS call with the client's headers, a form body, JSON asked for. */
    static Res ocs(Dav u, String method, String path, String form, String... headers) {
        List<String> h = new ArrayList<>(List.of("OCS-APIREQUEST", "true"));
        if (form != null) {
            h.addAll(List.of("Content-Type", "application/x-www-form-urlencoded"));
        }
        h.addAll(List.of(headers));
        return u.send(method, path + (path.contains("?") ? "&" : "?") + "format=json", form, h.toArray(String[]::new));
    }

    static JsonNode json(Res r) {
        try {
            return JSON.readTree(r.body());
        } catch (java.io.IOException e) {
            throw new AssertionError(r.text(), e);
        }
    }

    static String form(String... pairs) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < pairs.length; i += 2) {
            b.append(b.isEmpty() ? "" : "&").append(pairs[i]).append('=')
                    .append(URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
        }
        return b.toString();
    }

    /** Shares a path of the owner with a user; the share id. */
    static String share(Dav owner, String path, Dav with, int permissions) {
        Res r = ocs(owner, "POST", OCS, form("path", path, "shareType", "0", "shareWith", with.login(),
                "permissions", Integer.toString(permissions)));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return json(r).at("/ocs/data/id").asText();
    }

    /** A Depth 1 listing: href → the response element. */
    static Map<String, Element> listing(Dav u, String path) {
        Res r = u.send("PROPFIND", u.root() + path, SHARE_PROPS, "Depth", "1");
        assertThat(r.status()).as(r.text()).isEqualTo(207);
        NodeList responses = r.xml().getElementsByTagNameNS("DAV:", "response");
        Map<String, Element> out = new java.util.LinkedHashMap<>();
        for (int i = 0; i < responses.getLength(); i++) {
            Element e = (Element) responses.item(i);
            out.put(DavTest.href(e), e);
        }
        return out;
    }

    static Optional<String> permissions(Dav u, String path) {
        return u.prop(path, OC, "permissions");
    }

    /** alice's /Docs with a.txt, shared with bob with the given permissions. */
    record Pair(Dav alice, Dav bob, String shareId) {
    }

    static Pair docsSharedWith(int permissions) {
        Dav alice = Dav.create();
        Dav bob = Dav.create();
        assertThat(alice.mkcol("/Docs").status()).isEqualTo(201);
        assertThat(alice.put("/Docs/a.txt", "alpha").status()).isEqualTo(201);
        assertThat(alice.put("/secret.txt", "not for bob").status()).isEqualTo(201);
        return new Pair(alice, bob, share(alice, "/Docs", bob, permissions));
    }

    @Test
    void aReadOnlyShareIsListedAtTheRecipientsRootWithNextcloudsLettersAndItsOwner() {
        Pair p = docsSharedWith(1);
        Map<String, Element> root = listing(p.bob(), "/");
        Element mount = root.get(p.bob().root() + "/Docs/");
        assertThat(mount).as(root.keySet().toString()).isNotNull();
        assertThat(DavTest.found(mount, OC, "permissions")).hasValue("SGDNV");
        assertThat(DavTest.found(mount, OC, "owner-id")).hasValue(p.alice().login());
        assertThat(DavTest.found(mount, "http://nextcloud.org/ns", "share-attributes")).hasValue("[]");
        assertThat(DavTest.found(mount, "DAV:", "displayname")).hasValue("Docs");
        assertThat(permissions(p.bob(), "/Docs/a.txt")).hasValue("SG");
        assertThat(p.bob().send("GET", p.bob().root() + "/Docs/a.txt", null).text()).isEqualTo("alpha");
        // The owner sees the share on their side (oc:share-types 0) and keeps every right.
        Element own = listing(p.alice(), "/").get(p.alice().root() + "/Docs/");
        assertThat(own.getElementsByTagNameNS(OC, "share-type").item(0).getTextContent()).isEqualTo("0");
        assertThat(DavTest.found(own, OC, "permissions")).hasValue("RGDNVCK");
        assertThat(DavTest.found(own, OC, "owner-id")).hasValue(p.alice().login());
    }

    @Test
    void aReadOnlyShareRefusesEveryWriteMethodWith403AndAClearMessage() {
        Pair p = docsSharedWith(1);
        Dav bob = p.bob();
        String docs = bob.root() + "/Docs";
        List<Res> refused = List.of(
                bob.send("PUT", docs + "/a.txt", "changed"),
                bob.send("PUT", docs + "/new.txt", "new"),
                bob.send("MKCOL", docs + "/sub", null),
                bob.send("DELETE", docs + "/a.txt", null),
                bob.send("MOVE", docs + "/a.txt", null, "Destination", docs + "/b.txt"),
                bob.send("COPY", docs + "/a.txt", null, "Destination", docs + "/c.txt"),
                bob.send("PROPPATCH", docs + "/a.txt", """
                        <d:propertyupdate xmlns:d="DAV:"><d:set><d:prop><x:k xmlns:x="urn:x">v</x:k></d:prop></d:set>
                        </d:propertyupdate>"""),
                bob.send("LOCK", docs + "/a.txt", """
                        <d:lockinfo xmlns:d="DAV:"><d:lockscope><d:exclusive/></d:lockscope><d:locktype><d:write/></d:locktype>
                        </d:lockinfo>"""));
        for (Res r : refused) {
            assertThat(r.status()).as(r.text()).isEqualTo(403);
        }
        assertThat(refused.get(0).text()).contains("The share 'Docs' is read-only for you");
        assertThat(refused.get(2).text()).contains("does not let you add files or folders");
        assertThat(refused.get(3).text()).contains("does not let you delete");
        Res french = bob.send("PUT", docs + "/a.txt", "changed", "Accept-Language", "fr");
        assertThat(french.text()).contains("Docs").contains("est en lecture seule pour vous");

        // Chunked upload and bulk upload into the share are refused the same way.
        String upload = "/remote.php/dav/uploads/" + bob.login() + "/777";
        assertThat(bob.send("MKCOL", upload, null).status()).isEqualTo(201);
        assertThat(bob.send("PUT", upload + "/0000000000000000", "chunky").status()).isEqualTo(201);
        Res assembled = bob.send("MOVE", upload + "/.file", null, "Destination", docs + "/big.bin");
        assertThat(assembled.status()).as(assembled.text()).isEqualTo(403);
        BulkUploadTest.Multipart bulk = new BulkUploadTest.Multipart().part("/Docs/bulk.txt", BulkUploadTest.utf8("x"));
        Res bulkRes = bob.send("POST", "/remote.php/dav/bulk", bulk.bytes(), "Content-Type", bulk.contentType());
        assertThat(json(bulkRes).at("/~1Docs~1bulk.txt/error").asBoolean()).as(bulkRes.text()).isTrue();

        // Nothing of it reached the owner.
        Map<String, Element> owner = listing(p.alice(), "/Docs");
        assertThat(owner.keySet()).containsExactly(p.alice().root() + "/Docs/", p.alice().root() + "/Docs/a.txt");
        assertThat(p.alice().send("GET", p.alice().root() + "/Docs/a.txt", null).text()).isEqualTo("alpha");
    }

    @Test
    void anEditShareLetsTheRecipientWriteIntoTheOwnersTreeAndBothRootEtagsChange() {
        Pair p = docsSharedWith(31);
        Dav bob = p.bob();
        assertThat(permissions(bob, "/Docs")).hasValue("SRGDNVCK");
        assertThat(permissions(bob, "/Docs/a.txt")).hasValue("SRGDNVW");
        String bobRoot = bob.etag("/");
        String aliceRoot = p.alice().etag("/");
        assertThat(bob.put("/Docs/a.txt", "beta").status()).isEqualTo(204);
        assertThat(p.alice().send("GET", p.alice().root() + "/Docs/a.txt", null).text()).isEqualTo("beta");
        assertThat(bob.etag("/")).isNotEqualTo(bobRoot);
        assertThat(p.alice().etag("/")).isNotEqualTo(aliceRoot);
        assertThat(bob.etag("/Docs")).isEqualTo(p.alice().etag("/Docs"));

        assertThat(bob.mkcol("/Docs/sub").status()).isEqualTo(201);
        assertThat(bob.put("/Docs/sub/b.txt", "bee").status()).isEqualTo(201);
        assertThat(bob.send("MOVE", bob.root() + "/Docs/sub/b.txt", null, "Destination", bob.root() + "/Docs/b.txt").status())
                .isEqualTo(201);
        assertThat(bob.send("DELETE", bob.root() + "/Docs/sub", null).status()).isEqualTo(204);
        assertThat(listing(p.alice(), "/Docs").keySet()).containsExactlyInAnyOrder(p.alice().root() + "/Docs/",
                p.alice().root() + "/Docs/a.txt", p.alice().root() + "/Docs/b.txt");
        // What bob wrote is alice's, in her quota, not his.
        assertThat(bob.prop("/", "DAV:", "quota-used-bytes")).hasValue("0");
        assertThat(p.alice().prop("/", "DAV:", "quota-used-bytes")).hasValue(Long.toString("beta".length() + "bee".length()
                + "not for bob".length()));
    }

    @Test
    void aCreateOnlyShareTakesNewFilesButNoChangeOrDeletion() {
        Pair p = docsSharedWith(1 | 4);
        Dav bob = p.bob();
        assertThat(permissions(bob, "/Docs")).hasValue("SGDNVCK");
        assertThat(bob.put("/Docs/new.txt", "new").status()).isEqualTo(201);
        assertThat(bob.put("/Docs/new.txt", "again").status()).isEqualTo(403);
        assertThat(bob.send("DELETE", bob.root() + "/Docs/new.txt", null).status()).isEqualTo(403);
        assertThat(bob.mkcol("/Docs/folder").status()).isEqualTo(201);
    }

    @Test
    void aDeleteShareLetsTheRecipientDeleteIntoTheOwnersTrash() {
        Pair p = docsSharedWith(1 | 8);
        Dav bob = p.bob();
        assertThat(permissions(bob, "/Docs/a.txt")).hasValue("SGD");
        assertThat(bob.send("DELETE", bob.root() + "/Docs/a.txt", null).status()).isEqualTo(204);
        assertThat(TrashTest.items(p.alice())).extracting(TrashTest.Item::filename).containsExactly("a.txt");
        assertThat(bob.put("/Docs/x.txt", "x").status()).isEqualTo(403);
    }

    @Test
    void aReshareCanNeverGiveMoreThanTheResharerHas() {
        Dav carol = Dav.create();
        Pair p = docsSharedWith(1 | 16);
        Res escalate = ocs(p.bob(), "POST", OCS, form("path", "/Docs", "shareType", "0", "shareWith", carol.login(),
                "permissions", "3"));
        assertThat(escalate.status()).as(escalate.text()).isEqualTo(403);
        assertThat(json(escalate).at("/ocs/meta/message").asText()).contains("more rights on 'Docs' than you have");
        String reshare = share(p.bob(), "/Docs", carol, 1);
        assertThat(carol.send("GET", carol.root() + "/Docs/a.txt", null).text()).isEqualTo("alpha");
        assertThat(permissions(carol, "/Docs")).hasValue("SGDNV");

        // Without the share permission, no re-share at all.
        Pair q = docsSharedWith(1);
        Res noReshare = ocs(q.bob(), "POST", OCS, form("path", "/Docs", "shareType", "0", "shareWith", carol.login()));
        assertThat(noReshare.status()).isEqualTo(403);

        // When alice ends bob's share, carol's re-share goes with it.
        assertThat(ocs(p.alice(), "DELETE", OCS + "/" + p.shareId(), null).status()).isEqualTo(200);
        assertThat(carol.send("PROPFIND", carol.root() + "/Docs", null, "Depth", "0").status()).isEqualTo(404);
        assertThat(ocs(carol, "GET", OCS + "/" + reshare, null).status()).isEqualTo(200);
    }

    @Test
    void aGroupShareFollowsMembershipAtEveryRequest() {
        TestClient admin = DavTest.server.admin();
        String group = "team" + System.nanoTime();
        assertThat(admin.post("/api/v1/groups", Map.of("name", group)).status()).isEqualTo(201);
        Dav alice = Dav.create();
        Dav bob = Dav.create();
        assertThat(admin.put("/api/v1/groups/" + group + "/members/" + bob.login()).status()).isEqualTo(204);
        alice.mkcol("/Team");
        alice.put("/Team/plan.txt", "plan");
        Res created = ocs(alice, "POST", OCS, form("path", "/Team", "shareType", "1", "shareWith", group, "permissions", "1"));
        assertThat(created.status()).as(created.text()).isEqualTo(200);
        assertThat(json(created).at("/ocs/data/share_with").asText()).isEqualTo(group);
        assertThat(bob.send("GET", bob.root() + "/Team/plan.txt", null).text()).isEqualTo("plan");
        assertThat(admin.delete("/api/v1/groups/" + group + "/members/" + bob.login()).status()).isEqualTo(204);
        assertThat(bob.send("GET", bob.root() + "/Team/plan.txt", null).status()).isEqualTo(404);
        assertThat(listing(bob, "/").keySet()).containsExactly(bob.root() + "/");
    }

    @Test
    void pathsCannotClimbOutOfASharedFolder() throws Exception {
        Pair p = docsSharedWith(31);
        Dav bob = p.bob();
        for (String attempt : List.of("/Docs/../secret.txt", "/Docs/%2e%2e/secret.txt", "/Docs/..%2fsecret.txt",
                "/Docs/%2E%2E%2Fsecret.txt")) {
            Res r = DavTest.raw(DavTest.server.atrium.appPort(), bob.login() + ":" + bob.password(), "GET",
                    bob.root() + attempt);
            assertThat(r.status()).as(attempt).isIn(400, 404);
            assertThat(r.text()).doesNotContain("not for bob");
        }
        Res put = bob.send("PUT", bob.root() + "/Docs/%2e%2e/secret.txt", "overwritten");
        assertThat(put.status()).isIn(400, 404);
        assertThat(p.alice().send("GET", p.alice().root() + "/secret.txt", null).text()).isEqualTo("not for bob");
    }

    @Test
    void writesIntoAShareCountAgainstTheOwnersQuota() {
        Dav alice = Dav.create(Optional.of("1 KB"));
        Dav bob = Dav.create();
        alice.mkcol("/Box");
        share(alice, "/Box", bob, 31);
        Res big = bob.send("PUT", bob.root() + "/Box/big.bin", "x".repeat(4096));
        assertThat(big.status()).as(big.text()).isEqualTo(507);
        assertThat(bob.send("PUT", bob.root() + "/Box/small.bin", "x".repeat(100)).status()).isEqualTo(201);
        assertThat(alice.prop("/", "DAV:", "quota-used-bytes")).hasValue("100");
    }

    @Test
    void theRecipientRenamesAndLeavesTheMountWithoutTouchingTheOwnersFiles() {
        Pair p = docsSharedWith(1);
        Dav bob = p.bob();
        assertThat(bob.mkcol("/Own").status()).isEqualTo(201);
        Res rename = bob.send("MOVE", bob.root() + "/Docs", null, "Destination", bob.root() + "/From Alice");
        assertThat(rename.status()).as(rename.text()).isEqualTo(201);
        assertThat(bob.send("GET", bob.root() + "/From%20Alice/a.txt", null).text()).isEqualTo("alpha");
        assertThat(bob.send("MOVE", bob.root() + "/From%20Alice", null, "Destination", bob.root() + "/Own/x").status())
                .isEqualTo(403);
        assertThat(p.alice().prop("/Docs", OC, "permissions")).isPresent();
        assertThat(bob.send("DELETE", bob.root() + "/From%20Alice", null).status()).isEqualTo(204);
        assertThat(bob.send("PROPFIND", bob.root() + "/From%20Alice", null, "Depth", "0").status()).isEqualTo(404);
        assertThat(p.alice().send("GET", p.alice().root() + "/Docs/a.txt", null).text()).isEqualTo("alpha");
        assertThat(ocs(p.alice(), "GET", OCS + "/" + p.shareId(), null).status()).isEqualTo(404);
    }

    @Test
    void aSecondShareOfTheSameNameGetsANumberedMountName() {
        Dav alice = Dav.create();
        Dav carol = Dav.create();
        Dav bob = Dav.create();
        alice.mkcol("/Docs");
        carol.mkcol("/Docs");
        share(alice, "/Docs", bob, 1);
        String second = share(carol, "/Docs", bob, 1);
        assertThat(listing(bob, "/").keySet()).contains(bob.root() + "/Docs/", bob.root() + "/Docs%20(2)/");
        assertThat(json(ocs(bob, "GET", OCS + "/" + second, null)).at("/ocs/data/0/file_target").asText()).isEqualTo("/Docs (2)");
    }

    @Test
    void theOcsApiCreatesListsUpdatesAndDeletesInJsonAndXml() {
        Pair p = docsSharedWith(1);
        Dav alice = p.alice();
        JsonNode listed = json(ocs(alice, "GET", OCS + "?path=/Docs&reshares=true", null));
        assertThat(listed.at("/ocs/meta/statuscode").asInt()).isEqualTo(200);
        assertThat(listed.at("/ocs/data/0/id").asText()).isEqualTo(p.shareId());
        assertThat(listed.at("/ocs/data/0/share_with").asText()).isEqualTo(p.bob().login());
        assertThat(listed.at("/ocs/data/0/path").asText()).isEqualTo("/Docs");
        assertThat(listed.at("/ocs/data/0/item_type").asText()).isEqualTo("folder");
        assertThat(listed.at("/ocs/data/0/permissions").asInt()).isEqualTo(1);

        JsonNode withMe = json(ocs(p.bob(), "GET", OCS + "?shared_with_me=true", null));
        assertThat(withMe.at("/ocs/data/0/uid_owner").asText()).isEqualTo(alice.login());
        assertThat(withMe.at("/ocs/data/0/path").asText()).isEqualTo("/Docs");

        Res updated = ocs(alice, "PUT", OCS + "/" + p.shareId(), form("permissions", "3", "note", "please check"));
        assertThat(updated.status()).as(updated.text()).isEqualTo(200);
        assertThat(json(updated).at("/ocs/data/permissions").asInt()).isEqualTo(3);
        assertThat(permissions(p.bob(), "/Docs/a.txt")).hasValue("SGNVW");

        // XML, Nextcloud's default, and the v1 envelope (status code 100, HTTP 200).
        Res xml = p.alice().send("GET", "/ocs/v1.php/apps/files_sharing/api/v1/shares/" + p.shareId(), null,
                "OCS-APIREQUEST", "true");
        assertThat(xml.status()).isEqualTo(200);
        assertThat(xml.header("Content-Type").orElse("")).startsWith("application/xml");
        assertThat(xml.xml().getElementsByTagName("statuscode").item(0).getTextContent()).isEqualTo("100");
        assertThat(xml.xml().getElementsByTagName("note").item(0).getTextContent()).isEqualTo("please check");
        Res xmlCreate = alice.send("POST", "/ocs/v1.php/apps/files_sharing/api/v1/shares",
                form("path", "/Docs/a.txt", "shareType", "3", "password", "Lantern-Quiet-42"),
                "OCS-APIREQUEST", "true", "Content-Type", "application/x-www-form-urlencoded");
        String url = xmlCreate.xml().getElementsByTagName("url").item(0).getTextContent();
        assertThat(url).matches("http://127\\.0\\.0\\.1:\\d+/s/[A-Za-z0-9]{32}");
        assertThat(xmlCreate.text()).doesNotContain("argon2");

        assertThat(ocs(alice, "DELETE", OCS + "/" + p.shareId(), null).status()).isEqualTo(200);
        assertThat(ocs(p.bob(), "GET", OCS + "/" + p.shareId(), null).status()).isEqualTo(404);
        assertThat(p.bob().send("GET", p.bob().root() + "/Docs/a.txt", null).status()).isEqualTo(404);
    }

    @Test
    void aStrangerGets404NotForbiddenForSomeoneElsesShare() {
        Pair p = docsSharedWith(1);
        Dav stranger = Dav.create();
        for (String method : List.of("GET", "PUT", "DELETE")) {
            Res r = ocs(stranger, method, OCS + "/" + p.shareId(), method.equals("PUT") ? form("permissions", "31") : null);
            assertThat(r.status()).as(method + " " + r.text()).isEqualTo(404);
        }
        Res v1 = stranger.send("DELETE", "/ocs/v1.php/apps/files_sharing/api/v1/shares/" + p.shareId() + "?format=json", null,
                "OCS-APIREQUEST", "true");
        assertThat(v1.status()).isEqualTo(200);
        assertThat(json(v1).at("/ocs/meta/statuscode").asInt()).isEqualTo(404);
        // The recipient may read it but not change it.
        assertThat(ocs(p.bob(), "PUT", OCS + "/" + p.shareId(), form("permissions", "31")).status()).isEqualTo(403);
        assertThat(ocs(stranger, "GET", OCS + "/999999999999", null).status()).isEqualTo(404);
    }

    @Test
    void theShareeSearchAndTheCapabilitiesSayWhatWorks() {
        Dav alice = Dav.create();
        Dav bob = Dav.create();
        JsonNode found = json(ocs(alice, "GET", "/ocs/v2.php/apps/files_sharing/api/v1/sharees?search=" + bob.login()
                + "&itemType=folder", null));
        assertThat(found.at("/ocs/data/exact/users/0/value/shareWith").asText()).isEqualTo(bob.login());
        assertThat(found.at("/ocs/data/exact/users/0/value/shareType").asInt()).isZero();
        JsonNode caps = json(alice.send("GET", "/ocs/v1.php/cloud/capabilities?format=json", null, "OCS-APIREQUEST", "true"));
        JsonNode sharing = caps.at("/ocs/data/capabilities/files_sharing");
        assertThat(sharing.at("/api_enabled").asBoolean()).isTrue();
        assertThat(sharing.at("/resharing").asBoolean()).isTrue();
        assertThat(sharing.at("/public/enabled").asBoolean()).isTrue();
        assertThat(sharing.at("/public/upload_files_drop").asBoolean()).isTrue();
        assertThat(sharing.at("/user/send_mail").asBoolean()).isFalse();
    }
}
