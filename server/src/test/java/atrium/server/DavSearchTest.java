package atrium.server;

import static org.assertj.core.api.Assertions.assertThat;

import atrium.server.DavClient.Res;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * WebDAV SEARCH (RFC 5323) as the Nextcloud Android app sends it: the bodies below are those
 * its library (NcSearchMethod) builds for file search, favourites, recently modified and the
 * photo timeline, namespace quirks included (it declares {@code oc} as a wrong URI on the
 * root and its DOM serialiser redeclares it on every ownCloud element).
 */
class DavSearchTest {
    private static final String DAV = "DAV:";
    private static final String OC_ELEMENT = "xmlns:oc=\"http://owncloud.org/ns\"";
    /** What the app selects for every search but the photo timeline. */
    private static final String ANDROID_SELECT = "<d:select><d:prop><d:displayname/><d:creationdate/><d:quota-used-bytes/>"
            + "<d:quota-available-bytes/><oc:size " + OC_ELEMENT + "/><d:getcontenttype/><d:resourcetype/>"
            + "<d:getcontentlength/><d:getlastmodified/><d:getetag/><oc:id " + OC_ELEMENT + "/><oc:favorite " + OC_ELEMENT
            + "/><oc:permissions " + OC_ELEMENT + "/></d:prop></d:select>";
    private static final long NOW = Instant.now().getEpochSecond();
    private static final long DAY = 24 * 3600;

    static TestServer server;
    static User alice;
    static User bob;

    record User(String login, String password) {
        Res send(String method, String path, Object body, String... headers) {
            return DavClient.send(server.baseUrl(), Optional.of(login + ":" + password), method, path, body, headers);
        }

        Res put(String path, long mtime) {
            Res r = send("PUT", url(path), "content of " + path, "X-OC-MTime", Long.toString(mtime));
            assertThat(r.status()).as(r.text()).isIn(201, 204);
            return r;
        }

        Res search(String body, String... headers) {
            String[] all = new String[headers.length + 2];
            all[0] = "Content-Type";
            all[1] = "text/xml";
            System.arraycopy(headers, 0, all, 2, headers.length);
            return send("SEARCH", "/remote.php/dav", body, all);
        }

        /** The hrefs of a 207 answer, in order. */
        List<String> hrefs(String body) {
            Res r = search(body);
            assertThat(r.status()).as(r.text()).isEqualTo(207);
            NodeList list = r.xml().getElementsByTagNameNS(DAV, "href");
            List<String> out = new ArrayList<>();
            for (int i = 0; i < list.getLength(); i++) {
                out.add(list.item(i).getTextContent());
            }
            return out;
        }

        /** An href as the server writes it, from a path already percent-encoded. */
        String href(String encodedPath) {
            return "/remote.php/dav/files/" + login + encodedPath;
        }

        /** The URL path of a file, each name percent-encoded. */
        String url(String path) {
            StringBuilder out = new StringBuilder("/remote.php/dav/files/" + login);
            for (String name : path.substring(1).split("/")) {
                out.append('/').append(URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"));
            }
            return path.endsWith("/") ? out.append('/').toString() : out.toString();
        }
    }

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("proxy.enabled", "true"));
        alice = create("searcher");
        bob = create("bystander");
        for (String folder : List.of("/Photos", "/Photos/2026", "/Docs", "/Trash me")) {
            assertThat(alice.send("MKCOL", alice.url(folder), null).status()).isEqualTo(201);
        }
        alice.put("/Photos/2026/Été à Nice.jpg", NOW - 2 * DAY);
        alice.put("/Photos/beach.png", NOW - 3 * DAY);
        alice.put("/Photos/2026/clip.mpg", NOW - 1 * DAY);
        alice.put("/Docs/report.pdf", NOW - 4 * DAY);
        alice.put("/Docs/Report draft.txt", NOW - 3600);
        alice.put("/old report.txt", NOW - 40 * DAY);
        alice.put("/notes.txt", NOW - 5 * DAY);
        alice.put("/Trash me/report in trash.txt", NOW - 60);
        assertThat(alice.send("DELETE", alice.url("/Trash me"), null).status()).isEqualTo(204);
        assertThat(bob.send("MKCOL", bob.url("/Photos"), null).status()).isEqualTo(201);
        bob.put("/Photos/bob.jpg", NOW - 60);
        bob.put("/bob report.txt", NOW - 60);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static User create(String login) {
        return new User(login, DavTest.userWithAppPassword(server, login, "Juniper-Falcon-" + login.length() + "42"));
    }

    /** A search body as the Android app writes it: its select, the user's root at depth infinity, then where, orderby and limit. */
    private static String android(User who, String select, String where, String orderby, String limit) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>"
                + "<d:searchrequest xmlns:d=\"DAV:\" xmlns:oc=\"http://nextcloud.com/ns\"><d:basicsearch>" + select
                + "<d:from><d:scope><d:href>/files/" + who.login() + "</d:href><d:depth>infinity</d:depth></d:scope></d:from>"
                + "<d:where>" + where + "</d:where>" + orderby + limit + "</d:basicsearch></d:searchrequest>";
    }

    private static String byLastModifiedDescending() {
        return "<d:orderby><d:order><d:prop><d:getlastmodified/></d:prop><d:descending/></d:order></d:orderby>";
    }

    private static String like(String prop, String literal) {
        return "<d:like><d:prop>" + prop + "</d:prop><d:literal>" + literal + "</d:literal></d:like>";
    }

    @Test
    void optionsOnTheDavRootAllowSearchAndAdvertiseBasicsearch() {
        Res r = alice.send("OPTIONS", "/remote.php/dav", null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Allow").orElseThrow()).contains("SEARCH");
        assertThat(r.header("DASL")).contains("<DAV:basicsearch>");
        Res caps = alice.send("GET", "/ocs/v2.php/cloud/capabilities?format=json", null, "OCS-APIREQUEST", "true");
        assertThat(caps.json().at("/ocs/data/capabilities/dav/search_supports_creation_time").asBoolean()).isTrue();
    }

    @Test
    void creationTimeCanBeSearchedAsTheCapabilitySays() {
        String files = "<d:and><d:not><d:is-collection/></d:not><d:gte><d:prop><d:creationdate/></d:prop><d:literal>"
                + (NOW - 3600) + "</d:literal></d:gte></d:and>";
        String byCreation = "<d:orderby><d:order><d:prop><d:creationdate/></d:prop><d:descending/></d:order></d:orderby>";
        assertThat(alice.hrefs(android(alice, ANDROID_SELECT, files, byCreation, ""))).hasSize(7);
        String before = "<d:lt><d:prop><d:creationdate/></d:prop><d:literal>" + Instant.ofEpochSecond(NOW - 3600)
                + "</d:literal></d:lt>";
        assertThat(alice.hrefs(android(alice, ANDROID_SELECT, before, byCreation, ""))).isEmpty();
    }

    @Test
    void theAppsFileSearchFindsNamesCaseAndAccentInsensitivelyOnlyInTheCallersLiveFiles() {
        String body = android(alice, ANDROID_SELECT, like("<d:displayname/>", "%REPORT%"), "<d:orderby/>", "");
        assertThat(alice.hrefs(body)).containsExactlyInAnyOrder(alice.href("/Docs/report.pdf"),
                alice.href("/Docs/Report%20draft.txt"), alice.href("/old%20report.txt"));
        assertThat(alice.hrefs(android(alice, ANDROID_SELECT, like("<d:displayname/>", "%ete a%"), "<d:orderby/>", "")))
                .containsExactly(alice.href("/Photos/2026/%C3%89t%C3%A9%20%C3%A0%20Nice.jpg"));
        // A folder is found by its name too, with the trailing slash of a collection.
        assertThat(alice.hrefs(android(alice, ANDROID_SELECT, like("<d:displayname/>", "2026"), "<d:orderby/>", "")))
                .containsExactly(alice.href("/Photos/2026/"));
    }

    @Test
    void eachHitIsDescribedExactlyAsPropfindDescribesIt() {
        String body = android(alice, ANDROID_SELECT, like("<d:displayname/>", "report.pdf"), "<d:orderby/>", "");
        Res searched = alice.search(body);
        assertThat(searched.status()).as(searched.text()).isEqualTo(207);
        assertThat(searched.header("Content-Type")).contains("application/xml; charset=utf-8");
        String propfind = "<d:propfind xmlns:d=\"DAV:\" xmlns:oc=\"http://owncloud.org/ns\">"
                + ANDROID_SELECT.replace("<d:select>", "").replace("</d:select>", "") + "</d:propfind>";
        Res listed = alice.send("PROPFIND", alice.url("/Docs/report.pdf"), propfind, "Depth", "0");
        assertThat(listed.status()).isEqualTo(207);
        assertThat(response(searched.text())).isEqualTo(response(listed.text()));
        assertThat(response(searched.text())).contains("<d:getcontenttype>application/pdf</d:getcontenttype>",
                "<oc:permissions>RGDNVW</oc:permissions>", "<d:quota-used-bytes/>");
    }

    @Test
    void aLockedHitShowsItsLockAsPropfindDoes() {
        String lockinfo = "<d:lockinfo xmlns:d=\"DAV:\"><d:lockscope><d:exclusive/></d:lockscope><d:locktype><d:write/></d:locktype>"
                + "<d:owner>phone</d:owner></d:lockinfo>";
        Res locked = alice.send("LOCK", alice.url("/Photos/beach.png"), lockinfo, "Timeout", "Second-600", "Depth", "0");
        assertThat(locked.status()).as(locked.text()).isEqualTo(200);
        String select = "<d:select><d:prop><d:lockdiscovery/><d:getetag/></d:prop></d:select>";
        Res searched = alice.search(android(alice, select, like("<d:displayname/>", "beach.png"), "", ""));
        Res listed = alice.send("PROPFIND", alice.url("/Photos/beach.png"),
                "<d:propfind xmlns:d=\"DAV:\"><d:prop><d:lockdiscovery/><d:getetag/></d:prop></d:propfind>", "Depth", "0");
        String seconds = "Second-[0-9]+";
        assertThat(response(searched.text()).replaceAll(seconds, "")).isEqualTo(response(listed.text()).replaceAll(seconds, ""))
                .contains("<d:href>" + alice.href("/Photos/beach.png") + "</d:href></d:lockroot>");
        String token = locked.header("Lock-Token").orElseThrow();
        assertThat(alice.send("UNLOCK", alice.url("/Photos/beach.png"), null, "Lock-Token", token).status()).isEqualTo(204);
    }

    private static String response(String multistatus) {
        Matcher m = Pattern.compile("<d:response>.*?</d:response>", Pattern.DOTALL).matcher(multistatus);
        assertThat(m.find()).as(multistatus).isTrue();
        return m.group();
    }

    @Test
    void recentlyModifiedIsTheLastWeekNewestFirstCutToTheLimit() {
        String weekAgo = Instant.ofEpochSecond(NOW).minus(7, ChronoUnit.DAYS).toString();
        String where = "<d:gt><d:prop><d:getlastmodified/></d:prop><d:literal>" + weekAgo + "</d:literal></d:gt>";
        String all = android(alice, ANDROID_SELECT, where, byLastModifiedDescending(), "");
        // Folders count too (their mtime is when they were made, today): only files are checked in order.
        List<String> files = alice.hrefs(all).stream().filter(h -> !h.endsWith("/")).toList();
        assertThat(files).containsExactly(alice.href("/Docs/Report%20draft.txt"), alice.href("/Photos/2026/clip.mpg"),
                alice.href("/Photos/2026/%C3%89t%C3%A9%20%C3%A0%20Nice.jpg"), alice.href("/Photos/beach.png"),
                alice.href("/Docs/report.pdf"), alice.href("/notes.txt"));
        String filesOnly = "<d:and><d:not><d:is-collection/></d:not>" + where + "</d:and>";
        assertThat(alice.hrefs(android(alice, ANDROID_SELECT, filesOnly, byLastModifiedDescending(),
                "<d:limit><d:nresults>2</d:nresults></d:limit>")))
                .containsExactly(alice.href("/Docs/Report%20draft.txt"), alice.href("/Photos/2026/clip.mpg"));
    }

    @Test
    void thePhotoTimelineIsImagesAndVideosInADateRangeNewestFirst() {
        String select = "<d:select><d:prop><nc:has-preview xmlns:nc=\"http://owncloud.org/ns\"/><d:getcontenttype/>"
                + "<d:resourcetype/><d:getcontentlength/><d:getlastmodified/><d:getetag/><oc:id " + OC_ELEMENT
                + "/><oc:favorite " + OC_ELEMENT + "/><oc:permissions " + OC_ELEMENT + "/></d:prop></d:select>";
        String media = "<d:or>" + like("<d:getcontenttype/>", "image/%") + like("<d:getcontenttype/>", "video/%") + "</d:or>";
        String range = "<d:and><d:lt><d:prop><d:getlastmodified/></d:prop><d:literal>" + NOW + "</d:literal></d:lt>"
                + "<d:gt><d:prop><d:getlastmodified/></d:prop><d:literal>" + (NOW - 30 * DAY) + "</d:literal></d:gt>"
                + media + "</d:and>";
        Res r = alice.search(android(alice, select, range, byLastModifiedDescending(),
                "<d:limit><d:nresults>150</d:nresults></d:limit>"));
        assertThat(r.status()).as(r.text()).isEqualTo(207);
        assertThat(alice.hrefs(android(alice, select, range, byLastModifiedDescending(), "")))
                .containsExactly(alice.href("/Photos/2026/clip.mpg"), alice.href("/Photos/2026/%C3%89t%C3%A9%20%C3%A0%20Nice.jpg"),
                        alice.href("/Photos/beach.png"));
        assertThat(r.text()).contains("<d:getcontenttype>video/mpeg</d:getcontenttype>").doesNotContain("bob");
    }

    @Test
    void favouritesAreWhatPropPatchMarkedAndUnmarkingTakesThemOut() {
        String mark = "<d:propertyupdate xmlns:d=\"DAV:\" xmlns:oc=\"http://owncloud.org/ns\"><d:set><d:prop>"
                + "<oc:favorite>%s</oc:favorite></d:prop></d:set></d:propertyupdate>";
        for (String path : List.of("/notes.txt", "/Photos/2026/", "/Docs/report.pdf")) {
            assertThat(alice.send("PROPPATCH", alice.url(path), mark.formatted("1")).status()).isEqualTo(207);
        }
        assertThat(alice.send("PROPPATCH", alice.url("/Docs/report.pdf"), mark.formatted("0")).status()).isEqualTo(207);
        assertThat(bob.send("PROPPATCH", bob.url("/bob report.txt"), mark.formatted("1")).status()).isEqualTo(207);
        String favourites = "<d:eq><d:prop><oc:favorite " + OC_ELEMENT + "/></d:prop><d:literal>yes</d:literal></d:eq>";
        Res r = alice.search(android(alice, ANDROID_SELECT, favourites, "<d:orderby/>", ""));
        assertThat(r.status()).as(r.text()).isEqualTo(207);
        assertThat(alice.hrefs(android(alice, ANDROID_SELECT, favourites, "<d:orderby/>", "")))
                .containsExactlyInAnyOrder(alice.href("/notes.txt"), alice.href("/Photos/2026/"));
        assertThat(r.text()).contains("<oc:favorite xmlns:oc=\"http://owncloud.org/ns\">1</oc:favorite>");
        String notFavourite = "<d:and><d:eq><d:prop><oc:favorite " + OC_ELEMENT + "/></d:prop><d:literal>0</d:literal></d:eq>"
                + like("<d:displayname/>", "%.pdf") + "</d:and>";
        assertThat(alice.hrefs(android(alice, ANDROID_SELECT, notFavourite, "", ""))).containsExactly(alice.href("/Docs/report.pdf"));
    }

    @Test
    void pagesWithFirstresultCoverTheWholeOrderedListOnce() {
        String everything = "<d:not><d:is-collection/></d:not>";
        String order = "<d:orderby><d:order><d:prop><d:displayname/></d:prop><d:ascending/></d:order></d:orderby>";
        List<String> all = alice.hrefs(android(alice, ANDROID_SELECT, everything, order, ""));
        assertThat(all).hasSize(7);
        List<String> paged = new ArrayList<>();
        for (int first = 0; first < 8; first += 3) {
            String limit = "<d:limit><d:nresults>3</d:nresults><ns:firstresult xmlns:ns=\"https://github.com/icewind1991/SearchDAV/ns\">"
                    + first + "</ns:firstresult></d:limit>";
            paged.addAll(alice.hrefs(android(alice, ANDROID_SELECT, everything, order, limit)));
        }
        assertThat(paged).isEqualTo(all);
        assertThat(all.getFirst()).isEqualTo(alice.href("/Photos/beach.png"));
        assertThat(all.get(1)).isEqualTo(alice.href("/Photos/2026/clip.mpg"));
    }

    @Test
    void aScopeBelowTheRootAtDepthOneSearchesOnlyThatFolder() {
        String scoped = "<d:searchrequest xmlns:d=\"DAV:\"><d:basicsearch><d:select><d:prop><d:getetag/></d:prop></d:select>"
                + "<d:from><d:scope><d:href>/remote.php/dav/files/" + alice.login() + "/Photos</d:href><d:depth>DEPTH</d:depth>"
                + "</d:scope></d:from><d:where>" + like("<d:getcontenttype/>", "%") + "</d:where></d:basicsearch></d:searchrequest>";
        assertThat(alice.hrefs(scoped.replace("DEPTH", "1"))).containsExactly(alice.href("/Photos/beach.png"));
        assertThat(alice.hrefs(scoped.replace("DEPTH", "infinity"))).containsExactlyInAnyOrder(alice.href("/Photos/beach.png"),
                alice.href("/Photos/2026/clip.mpg"), alice.href("/Photos/2026/%C3%89t%C3%A9%20%C3%A0%20Nice.jpg"));
    }

    @Test
    void aFileIsFoundByItsId() {
        String id = alice.send("PROPFIND", alice.url("/notes.txt"), "<d:propfind xmlns:d=\"DAV:\" xmlns:oc=\"http://owncloud.org/ns\">"
                + "<d:prop><oc:fileid/></d:prop></d:propfind>", "Depth", "0").xml()
                .getElementsByTagNameNS("http://owncloud.org/ns", "fileid").item(0).getTextContent();
        String where = "<d:eq><d:prop><oc:fileid " + OC_ELEMENT + "/></d:prop><d:literal>" + id + "</d:literal></d:eq>";
        assertThat(alice.hrefs(android(alice, ANDROID_SELECT, where, "<d:orderby/>", ""))).containsExactly(alice.href("/notes.txt"));
        // Bob asking for Alice's file by its id finds nothing in his own files.
        assertThat(bob.hrefs(android(bob, ANDROID_SELECT, where, "<d:orderby/>", ""))).isEmpty();
    }

    @Test
    void anotherUsersScopeIsForbiddenAndTheirFilesAreNeverFound() {
        Res r = bob.search(android(alice, ANDROID_SELECT, like("<d:displayname/>", "%"), "", ""));
        assertThat(r.status()).isEqualTo(403);
        assertThat(bob.hrefs(android(bob, ANDROID_SELECT, like("<d:displayname/>", "%"), "", "")))
                .allMatch(h -> h.startsWith("/remote.php/dav/files/bystander/")).hasSize(3);
    }

    @Test
    void badQueriesAreRefusedWithAClearMessageInTheCallersLanguage() {
        Res malformed = alice.search("<d:searchrequest xmlns:d=\"DAV:\"><d:basicsearch>");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.text()).contains("<s:message>The XML body is malformed");
        assertThat(alice.search("").status()).isEqualTo(400);
        assertThat(alice.search(DavTest.XXE).status()).isEqualTo(400);
        Res noFrom = alice.search("<d:searchrequest xmlns:d=\"DAV:\"><d:basicsearch><d:select><d:allprop/></d:select>"
                + "</d:basicsearch></d:searchrequest>");
        assertThat(noFrom.status()).isEqualTo(400);
        Res unknownProperty = alice.search(android(alice, ANDROID_SELECT,
                "<d:eq><d:prop><x:colour xmlns:x=\"urn:x\"/></d:prop><d:literal>red</d:literal></d:eq>", "", ""),
                "Accept-Language", "fr");
        assertThat(unknownProperty.status()).isEqualTo(422);
        assertThat(unknownProperty.text()).contains("La propriété {urn:x}colour ne peut pas servir à chercher.");
        Res unknownOperator = alice.search(android(alice, ANDROID_SELECT,
                "<d:contains>holiday</d:contains>", "", ""));
        assertThat(unknownOperator.status()).isEqualTo(422);
        assertThat(unknownOperator.text()).contains("The search operator {DAV:}contains is not supported.");
        Res badTime = alice.search(android(alice, ANDROID_SELECT,
                "<d:gt><d:prop><d:getlastmodified/></d:prop><d:literal>last week</d:literal></d:gt>", "", ""));
        assertThat(badTime.status()).isEqualTo(400);
        Res missingScope = alice.search(android(alice, ANDROID_SELECT, like("<d:displayname/>", "%"), "", "")
                .replace("/files/searcher<", "/files/searcher/Nowhere<"));
        assertThat(missingScope.status()).isEqualTo(400);
        assertThat(missingScope.text()).contains("is not one of your folders");
        Res anonymous = DavClient.send(server.baseUrl(), Optional.empty(), "SEARCH", "/remote.php/dav",
                android(alice, ANDROID_SELECT, like("<d:displayname/>", "%"), "", ""), "Content-Type", "text/xml");
        assertThat(anonymous.status()).isEqualTo(401);
    }
}
