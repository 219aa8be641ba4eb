package atrium.server;

import static org.assertj.core.api.Assertions.assertThat;

import atrium.server.DavClient.Res;
import atrium.server.DavTest.Dav;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.NodeList;

/**
 * DAV SEARCH and the iOS app's {@code REPORT oc:filter-files} in the shares a user received:
 * hits under the mount name, described as the recipient's PROPFIND describes them, paged as one
 * list with their own files; nothing the owner kept to themselves, nothing for a stranger.
 */
class DavSearchSharesTest {
    private static final String OC = "http://owncloud.org/ns";
    /** What the apps select, with the share properties a recipient's view differs by. */
    private static final String PROPS = "<d:getetag/><d:getcontenttype/><d:resourcetype/><oc:fileid/><oc:favorite/>"
            + "<d:quota-used-bytes/><d:quota-available-bytes/>"
            + "<oc:permissions/><oc:owner-id/><oc:owner-display-name/><oc:share-types/>";
    private static final String ORDER_BY_NAME =
            "<d:orderby><d:order><d:prop><d:displayname/></d:prop><d:ascending/></d:order></d:orderby>";

    @BeforeAll
    static void start() {
        DavTest.start();
    }

    @AfterAll
    static void stop() {
        DavTest.stop();
    }

    /** A SEARCH of {@code who} below a path of their namespace, as the apps write it. */
    private static Res search(Dav who, String scope, String depth, String where, String extra) {
        String body = "<d:searchrequest xmlns:d=\"DAV:\" xmlns:oc=\"" + OC + "\"><d:basicsearch><d:select><d:prop>" + PROPS
                + "</d:prop></d:select><d:from><d:scope><d:href>/files/" + who.login() + scope + "</d:href><d:depth>" + depth
                + "</d:depth></d:scope></d:from><d:where>" + where + "</d:where>" + extra + "</d:basicsearch></d:searchrequest>";
        return who.send("SEARCH", "/remote.php/dav", body, "Content-Type", "text/xml");
    }

    private static String nameLike(String pattern) {
        return "<d:like><d:prop><d:displayname/></d:prop><d:literal>" + pattern + "</d:literal></d:like>";
    }

    private static List<String> hrefs(Res r) {
        assertThat(r.status()).as(r.text()).isEqualTo(207);
        NodeList list = r.xml().getElementsByTagNameNS("DAV:", "href");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < list.getLength(); i++) {
            out.add(list.item(i).getTextContent());
        }
        return out;
    }

    /** The response element of an href in a multistatus, as text. */
    private static String response(String multistatus, String href) {
        Matcher m = Pattern.compile("<d:response><d:href>" + Pattern.quote(href) + "</d:href>.*?</d:response>", Pattern.DOTALL)
                .matcher(multistatus);
        assertThat(m.find()).as(multistatus).isTrue();
        return m.group();
    }

    private static String propfind(Dav who, String path) {
        Res r = who.send("PROPFIND", who.root() + path, "<d:propfind xmlns:d=\"DAV:\" xmlns:oc=\"" + OC + "\"><d:prop>" + PROPS
                + "</d:prop></d:propfind>", "Depth", "0");
        assertThat(r.status()).as(r.text()).isEqualTo(207);
        return r.text();
    }

    /** alice's /Docs (a report below, another kept outside) shared read-only with bob, who has a report of his own. */
    private record Setup(Dav alice, Dav bob) {
    }

    private static Setup docsSharedReadOnly() {
        Dav alice = Dav.create(Optional.of("1 MB"));
        Dav bob = Dav.create();
        assertThat(alice.mkcol("/Docs").status()).isEqualTo(201);
        assertThat(alice.mkcol("/Docs/Sub").status()).isEqualTo(201);
        assertThat(alice.put("/Docs/Sub/shared%20report.txt", "in the share").status()).isEqualTo(201);
        assertThat(alice.put("/Docs/plan.txt", "in the share").status()).isEqualTo(201);
        assertThat(alice.put("/private%20report.txt", "alice only").status()).isEqualTo(201);
        assertThat(bob.put("/my%20report.txt", "bob's").status()).isEqualTo(201);
        ShareTest.share(alice, "/Docs", bob, 1);
        return new Setup(alice, bob);
    }

    @Test
    void aRecipientFindsAFileInsideAReadOnlyShareUnderTheMountWithItsPermissionsAndNothingTheOwnerKept() {
        Setup s = docsSharedReadOnly();
        Res found = search(s.bob(), "", "infinity", nameLike("%report%"), ORDER_BY_NAME);
        String shared = s.bob().root() + "/Docs/Sub/shared%20report.txt";
        assertThat(hrefs(found)).containsExactly(s.bob().root() + "/my%20report.txt", shared);
        // Described exactly as bob's PROPFIND describes it: read-only letters, alice as the owner.
        String hit = response(found.text(), shared);
        assertThat(hit).isEqualTo(response(propfind(s.bob(), "/Docs/Sub/shared%20report.txt"), shared))
                .contains("<oc:owner-id>" + s.alice().login() + "</oc:owner-id>");
        assertThat(hit).contains("<oc:permissions>SG</oc:permissions>");
        // Alice's own search is unchanged: her files, her hrefs.
        assertThat(hrefs(search(s.alice(), "", "infinity", nameLike("%report%"), ORDER_BY_NAME))).containsExactly(
                s.alice().root() + "/private%20report.txt", s.alice().root() + "/Docs/Sub/shared%20report.txt");
        // A stranger finds nothing of either.
        Dav carol = Dav.create();
        assertThat(hrefs(search(carol, "", "infinity", nameLike("%report%"), ""))).isEmpty();
        // Owner-id picks what a given person owns among the caller's hits.
        String aliceOwns = "<d:eq><d:prop><oc:owner-id/></d:prop><d:literal>" + s.alice().login() + "</d:literal></d:eq>";
        assertThat(hrefs(search(s.bob(), "", "infinity", "<d:and>" + aliceOwns + nameLike("%report%") + "</d:and>", "")))
                .containsExactly(shared);
        assertThat(hrefs(search(carol, "", "infinity", aliceOwns, ""))).isEmpty();
    }

    @Test
    void aScopeInsideAMountSearchesThatShareOnlyAndDepthOneAtTheRootListsTheMountPoint() {
        Setup s = docsSharedReadOnly();
        String everything = "<d:or><d:is-collection/><d:not><d:is-collection/></d:not></d:or>";
        assertThat(hrefs(search(s.bob(), "/Docs", "infinity", everything, ORDER_BY_NAME))).containsExactly(
                s.bob().root() + "/Docs/plan.txt", s.bob().root() + "/Docs/Sub/shared%20report.txt",
                s.bob().root() + "/Docs/Sub/");
        // A shared folder is described as bob's PROPFIND of it describes it: what alice has left of her quota.
        Res sub = search(s.bob(), "/Docs", "1", "<d:is-collection/>", "");
        String subHref = s.bob().root() + "/Docs/Sub/";
        assertThat(response(sub.text(), subHref)).isEqualTo(response(propfind(s.bob(), "/Docs/Sub/"), subHref))
                .containsPattern("<d:quota-available-bytes>10[0-9]{5}</d:quota-available-bytes>");
        assertThat(hrefs(search(s.bob(), "/Docs/Sub", "1", everything, ORDER_BY_NAME)))
                .containsExactly(s.bob().root() + "/Docs/Sub/shared%20report.txt");
        assertThat(hrefs(search(s.bob(), "", "1", everything, ORDER_BY_NAME)))
                .containsExactly(s.bob().root() + "/Docs/", s.bob().root() + "/my%20report.txt");
        assertThat(search(s.bob(), "/Docs/Nowhere", "infinity", everything, "").status()).isEqualTo(400);
    }

    @Test
    void aMountPointIsFoundByTheNameItsRecipientGaveItNotTheOwners() {
        Setup s = docsSharedReadOnly();
        Res moved = s.bob().send("MOVE", s.bob().root() + "/Docs", null, "Destination",
                DavTest.server.baseUrl() + s.bob().root() + "/From%20Alice");
        assertThat(moved.status()).as(moved.text()).isIn(201, 204);
        String mount = s.bob().root() + "/From%20Alice/";
        Res found = search(s.bob(), "", "infinity", nameLike("%alice%"), "");
        assertThat(hrefs(found)).containsExactly(mount);
        assertThat(response(found.text(), mount)).isEqualTo(response(propfind(s.bob(), "/From%20Alice"), mount));
        assertThat(hrefs(search(s.bob(), "", "infinity", nameLike("docs"), ""))).isEmpty();
        assertThat(hrefs(search(s.bob(), "", "infinity", nameLike("plan.txt"), "")))
                .containsExactly(s.bob().root() + "/From%20Alice/plan.txt");
    }

    @Test
    void pagesRunOverOwnAndSharedHitsInOneOrderWithoutGapsOrRepeats() {
        Dav alice = Dav.create();
        Dav bob = Dav.create();
        assertThat(alice.mkcol("/Team").status()).isEqualTo(201);
        for (String name : List.of("b", "d", "f", "h")) {
            assertThat(alice.put("/Team/" + name + ".txt", name).status()).isEqualTo(201);
            assertThat(bob.put("/" + (char) (name.charAt(0) - 1) + ".txt", name).status()).isEqualTo(201);
        }
        ShareTest.share(alice, "/Team", bob, 31);
        String files = "<d:not><d:is-collection/></d:not>";
        List<String> all = hrefs(search(bob, "", "infinity", files, ORDER_BY_NAME));
        assertThat(all).extracting(h -> h.substring(h.lastIndexOf('/') + 1))
                .containsExactly("a.txt", "b.txt", "c.txt", "d.txt", "e.txt", "f.txt", "g.txt", "h.txt");
        List<String> paged = new ArrayList<>();
        for (int first = 0; first < 9; first += 3) {
            paged.addAll(hrefs(search(bob, "", "infinity", files, ORDER_BY_NAME + "<d:limit><d:nresults>3</d:nresults>"
                    + "<ns:firstresult xmlns:ns=\"https://github.com/icewind1991/SearchDAV/ns\">" + first
                    + "</ns:firstresult></d:limit>")));
        }
        assertThat(paged).isEqualTo(all);
        assertThat(all.get(1)).isEqualTo(bob.root() + "/Team/b.txt");
    }

    /** The iOS app's favourites listing. */
    private static Res favourites(Dav who, String path, String rules) {
        String body = "<?xml version=\"1.0\"?><oc:filter-files xmlns:d=\"DAV:\" xmlns:oc=\"" + OC + "\" "
                + "xmlns:nc=\"http://nextcloud.org/ns\"><d:prop>" + PROPS + "</d:prop><oc:filter-rules>" + rules
                + "</oc:filter-rules></oc:filter-files>";
        return who.send("REPORT", who.root() + path, body, "Content-Type", "text/xml");
    }

    private static void favourite(Dav who, String path) {
        Res r = who.send("PROPPATCH", who.root() + path, "<d:propertyupdate xmlns:d=\"DAV:\" xmlns:oc=\"" + OC + "\"><d:set>"
                + "<d:prop><oc:favorite>1</oc:favorite></d:prop></d:set></d:propertyupdate>");
        assertThat(r.status()).as(r.text()).isEqualTo(207);
        assertThat(r.text()).contains("HTTP/1.1 200");
    }

    @Test
    void theFilterFilesReportListsFavouritesInOwnFilesAndSharesAsPropfindDescribesThem() {
        Dav alice = Dav.create();
        Dav bob = Dav.create();
        assertThat(alice.mkcol("/Team").status()).isEqualTo(201);
        assertThat(alice.put("/Team/agenda.txt", "a").status()).isEqualTo(201);
        assertThat(alice.put("/Team/minutes.txt", "m").status()).isEqualTo(201);
        assertThat(bob.mkcol("/Mine").status()).isEqualTo(201);
        assertThat(bob.put("/Mine/starred.txt", "s").status()).isEqualTo(201);
        assertThat(bob.put("/plain.txt", "p").status()).isEqualTo(201);
        ShareTest.share(alice, "/Team", bob, 31);
        favourite(bob, "/Mine/starred.txt");
        favourite(bob, "/Team/agenda.txt");
        Res r = favourites(bob, "/", "<oc:favorite>1</oc:favorite>");
        String agenda = bob.root() + "/Team/agenda.txt";
        assertThat(hrefs(r)).containsExactly(agenda, bob.root() + "/Mine/starred.txt");
        assertThat(response(r.text(), agenda)).isEqualTo(response(propfind(bob, "/Team/agenda.txt"), agenda))
                .contains("<oc:favorite xmlns:oc=\"" + OC + "\">1</oc:favorite>");
        // Below a folder: only what is inside it.
        assertThat(hrefs(favourites(bob, "/Team/", "<oc:favorite>1</oc:favorite>"))).containsExactly(agenda);
        // A favourite is a property of the node, so the owner sees what bob marked (ADR 0019: not per user yet).
        assertThat(hrefs(favourites(alice, "/", "<oc:favorite>1</oc:favorite>")))
                .containsExactly(alice.root() + "/Team/agenda.txt");
    }

    @Test
    void aFilterFilesReportItCannotAnswerIsRefusedWithAClearMessage() {
        Dav bob = Dav.create();
        Res garbage = bob.send("REPORT", bob.root() + "/", "<oc:filter-files xmlns:oc=\"" + OC + "\"><oc:filter-rules>",
                "Content-Type", "text/xml");
        assertThat(garbage.status()).isEqualTo(400);
        assertThat(bob.send("REPORT", bob.root() + "/", "", "Content-Type", "text/xml").status()).isEqualTo(400);
        Res noRules = favourites(bob, "/", "");
        assertThat(noRules.status()).isEqualTo(400);
        assertThat(noRules.text()).contains("filter-rules");
        Res tags = favourites(bob, "/", "<oc:systemtag>12</oc:systemtag>");
        assertThat(tags.status()).isEqualTo(422);
        assertThat(tags.text()).contains("{http://owncloud.org/ns}systemtag");
        Res other = bob.send("REPORT", bob.root() + "/", "<d:sync-collection xmlns:d=\"DAV:\"/>", "Content-Type", "text/xml",
                "Accept-Language", "fr");
        assertThat(other.status()).isEqualTo(403);
        assertThat(other.text()).contains("Le rapport {DAV:}sync-collection n’est pas pris en charge", "<d:supported-report/>");
        Dav carol = Dav.create();
        assertThat(favourites(carol, "/", "<oc:favorite>1</oc:favorite>").status()).isEqualTo(207);
        Res elsewhere = carol.send("REPORT", bob.root() + "/", "<oc:filter-files xmlns:oc=\"" + OC + "\"/>");
        assertThat(elsewhere.status()).isEqualTo(403);
    }
}
