package atrium.files.http;

import static atrium.files.http.DavProperty.dav;
import static atrium.files.http.DavProperty.nc;
import static atrium.files.http.DavProperty.oc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import atrium.core.Msg;
import atrium.files.http.Multistatus.Propstat;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import javax.xml.XMLConstants;
import javax.xml.namespace.QName;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

class MultistatusTest {
    private static final String ROOT = "<d:multistatus xmlns:d=\"DAV:\" xmlns:oc=\"http://owncloud.org/ns\" "
            + "xmlns:nc=\"http://nextcloud.org/ns\" xmlns:s=\"http://sabredav.org/ns\">";

    @Test
    void the_content_type_is_exactly_the_one_the_desktop_client_accepts() {
        assertThat(Multistatus.CONTENT_TYPE).isEqualTo("application/xml; charset=utf-8");
    }

    @Test
    void a_listing_is_written_like_nextclouds_with_one_200_and_one_404_propstat() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Multistatus ms = new Multistatus(out)) {
            ms.response("/remote.php/dav/files/admin/capture/", List.of(
                    DavProperty.xml(dav("resourcetype"), Multistatus.COLLECTION),
                    DavProperty.text(dav("getlastmodified"), "Sun, 29 Nov 2026 17:51:54 GMT"),
                    DavProperty.text(dav("getetag"), "\"6b0c663adf4ac\""),
                    DavProperty.text(oc("size"), "31477760"),
                    DavProperty.text(oc("id"), "00001209oco2esil64i2"),
                    DavProperty.text(oc("permissions"), "RGDNVCK"),
                    DavProperty.text(oc("data-fingerprint"), ""),
                    DavProperty.xml(oc("share-types"), "")),
                    List.of(dav("getcontentlength"), oc("downloadURL"), nc("lock")));
            ms.response("/remote.php/dav/files/admin/capture/cap30.bin", List.of(
                    DavProperty.xml(dav("resourcetype"), ""),
                    DavProperty.text(dav("getcontentlength"), "31457280"),
                    DavProperty.xml(oc("checksums"), "<oc:checksum>SHA1:3af3b9d74545752fd181e0b1e7442044aa6bd8df</oc:checksum>")),
                    List.of());
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n" + ROOT
                + "<d:response><d:href>/remote.php/dav/files/admin/capture/</d:href><d:propstat><d:prop>"
                + "<d:resourcetype><d:collection/></d:resourcetype>"
                + "<d:getlastmodified>Sun, 29 Nov 2026 17:51:54 GMT</d:getlastmodified>"
                + "<d:getetag>&quot;6b0c663adf4ac&quot;</d:getetag><oc:size>31477760</oc:size>"
                + "<oc:id>00001209oco2esil64i2</oc:id><oc:permissions>RGDNVCK</oc:permissions>"
                + "<oc:data-fingerprint/><oc:share-types/></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat>"
                + "<d:propstat><d:prop><d:getcontentlength/><oc:downloadURL/><nc:lock/></d:prop>"
                + "<d:status>HTTP/1.1 404 Not Found</d:status></d:propstat></d:response>"
                + "<d:response><d:href>/remote.php/dav/files/admin/capture/cap30.bin</d:href><d:propstat><d:prop>"
                + "<d:resourcetype/><d:getcontentlength>31457280</d:getcontentlength>"
                + "<oc:checksums><oc:checksum>SHA1:3af3b9d74545752fd181e0b1e7442044aa6bd8df</oc:checksum></oc:checksums>"
                + "</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>"
                + "</d:multistatus>\n");
    }

    @Test
    void propstats_of_the_same_status_are_merged_into_one_and_empty_ones_dropped() {
        String xml = write(ms -> ms.response("/f", List.of(
                new Propstat(200, List.of(DavProperty.text(dav("getetag"), "\"1\""))),
                new Propstat(404, List.of(DavProperty.empty(oc("dDC")))),
                new Propstat(403, List.of()),
                new Propstat(200, List.of(DavProperty.text(oc("id"), "7"))))));
        assertThat(count(xml, "HTTP/1.1 200 OK")).isEqualTo(1);
        assertThat(xml).contains("<d:propstat><d:prop><d:getetag>&quot;1&quot;</d:getetag><oc:id>7</oc:id></d:prop>"
                + "<d:status>HTTP/1.1 200 OK</d:status></d:propstat>");
        assertThat(xml).doesNotContain("403");
    }

    @Test
    void a_response_without_any_property_still_has_a_propstat() {
        String xml = write(ms -> ms.response("/f", List.of(), List.of()));
        assertThat(xml).contains("<d:response><d:href>/f</d:href><d:propstat><d:prop/>"
                + "<d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>");
    }

    @Test
    void a_proppatch_answer_carries_403_and_424_propstats_with_an_error_element() {
        String xml = write(ms -> ms.response("/f", List.of(
                new Propstat(403, List.of(DavProperty.empty(dav("getetag"))), "<d:cannot-modify-protected-property/>"),
                new Propstat(424, List.of(DavProperty.empty(new QName("urn:x", "dead")))))));
        assertThat(xml).contains("<d:propstat><d:prop><d:getetag/></d:prop><d:status>HTTP/1.1 403 Forbidden</d:status>"
                + "<d:error><d:cannot-modify-protected-property/></d:error></d:propstat>");
        assertThat(xml).contains("<d:propstat><d:prop><x:dead xmlns:x=\"urn:x\"/></d:prop>"
                + "<d:status>HTTP/1.1 424 Failed Dependency</d:status></d:propstat>");
    }

    @Test
    void status_responses_report_members_that_failed() {
        String xml = write(ms -> {
            ms.status("/dav/coll/locked.txt", 423, "<d:lock-token-submitted><d:href>/dav/coll/locked.txt</d:href></d:lock-token-submitted>");
            ms.status("/dav/coll/other", 409);
        });
        assertThat(xml).contains("<d:response><d:href>/dav/coll/locked.txt</d:href><d:status>HTTP/1.1 423 Locked</d:status>"
                + "<d:error><d:lock-token-submitted><d:href>/dav/coll/locked.txt</d:href></d:lock-token-submitted></d:error>"
                + "</d:response>");
        assertThat(xml).contains("<d:response><d:href>/dav/coll/other</d:href><d:status>HTTP/1.1 409 Conflict</d:status></d:response>");
    }

    @Test
    void names_in_other_namespaces_are_declared_locally_and_names_in_none_stay_unprefixed() throws Exception {
        String xml = write(ms -> ms.response("/f", List.of(
                DavProperty.text(new QName("http://webdav.org/neon/litmus/", "foo"), "a < b & c"),
                DavProperty.text(new QName("", "nonamespace"), "randomvalue"),
                DavProperty.text(new QName(Multistatus.SABRE, "thing"), "s")), List.of(new QName("alpha", "somename"))));
        assertThat(xml).contains("<x:foo xmlns:x=\"http://webdav.org/neon/litmus/\">a &lt; b &amp; c</x:foo>");
        assertThat(xml).contains("<nonamespace>randomvalue</nonamespace>");
        assertThat(xml).contains("<s:thing>s</s:thing>");
        assertThat(xml).contains("<x:somename xmlns:x=\"alpha\"/>");

        Document doc = parse(xml);
        Element prop = first(doc, "DAV:", "prop");
        List<Element> children = elements(prop);
        assertThat(children).extracting(e -> new QName(nonNull(e.getNamespaceURI()), e.getLocalName()))
                .containsExactly(new QName("http://webdav.org/neon/litmus/", "foo"), new QName("", "nonamespace"),
                        new QName(Multistatus.SABRE, "thing"));
        assertThat(children.getFirst().getTextContent()).isEqualTo("a < b & c");
    }

    @Test
    void dead_properties_read_from_a_proppatch_come_back_with_the_same_names_and_values() throws Exception {
        String patch = "<D:propertyupdate xmlns:D='DAV:' xmlns:x='urn:trap'><D:set><D:prop xml:lang='en'>"
                + "<t:valnspace xmlns:t='http://webdav.org/neon/litmus/'><foo xmlns='bar'/></t:valnspace>"
                + "<nonamespace xmlns=''>randomvalue</nonamespace>"
                + "<x:mixed>one <x:two>2</x:two> three</x:mixed>"
                + "<d:fake xmlns:d='urn:not-dav'>prefix d rebound</d:fake>"
                + "</D:prop></D:set></D:propertyupdate>";
        List<DavXml.PropertyUpdate> updates = DavXml.proppatch(DavXmlTest.body(patch));
        List<DavProperty> stored = new ArrayList<>();
        for (DavXml.PropertyUpdate update : updates) {
            DavXml.SetProperty set = (DavXml.SetProperty) update;
            stored.add(DavProperty.element(set.name(), set.element()));
        }
        String xml = write(ms -> ms.response("/prop", stored, List.of()));
        Document doc = parse(xml);
        List<Element> props = elements(first(doc, "DAV:", "prop"));
        assertThat(props).extracting(e -> new QName(nonNull(e.getNamespaceURI()), e.getLocalName())).containsExactly(
                new QName("http://webdav.org/neon/litmus/", "valnspace"), new QName("", "nonamespace"),
                new QName("urn:trap", "mixed"), new QName("urn:not-dav", "fake"));
        Element foo = elements(props.get(0)).getFirst();
        assertThat(foo.getNamespaceURI()).isEqualTo("bar");
        assertThat(props.get(1).getTextContent()).isEqualTo("randomvalue");
        assertThat(props.get(2).getTextContent()).isEqualTo("one 2 three");
        assertThat(elements(props.get(2)).getFirst().getNamespaceURI()).isEqualTo("urn:trap");
        assertThat(props.get(2).getAttributeNS(XMLConstants.XML_NS_URI, "lang")).isEqualTo("en");
        // The d: prefix bound to another namespace inside the value does not leak out of it.
        assertThat(first(doc, "DAV:", "status").getTextContent()).isEqualTo("HTTP/1.1 200 OK");
    }

    @Test
    void hrefs_and_texts_are_escaped_and_characters_xml_cannot_carry_are_replaced() throws Exception {
        String xml = write(ms -> ms.response("/a&b/<c>", List.of(
                DavProperty.text(dav("displayname"), "bad\u0001char \uD800 and \uD83D\uDE00 cr\r")), List.of()));
        assertThat(xml).contains("<d:href>/a&amp;b/&lt;c&gt;</d:href>");
        assertThat(xml).contains("<d:displayname>bad\uFFFDchar \uFFFD and \uD83D\uDE00 cr&#13;</d:displayname>");
        Document doc = parse(xml);
        assertThat(first(doc, "DAV:", "displayname").getTextContent()).isEqualTo("bad\uFFFDchar \uFFFD and \uD83D\uDE00 cr\r");
    }

    @Test
    void ten_thousand_entries_are_streamed_as_they_are_written() throws Exception {
        AtomicInteger reachedStream = new AtomicInteger();
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        OutputStream counting = new OutputStream() {
            @Override
            public void write(int b) {
                sink.write(b);
                reachedStream.incrementAndGet();
            }

            @Override
            public void write(byte[] b, int off, int len) {
                sink.write(b, off, len);
                reachedStream.addAndGet(len);
            }
        };
        Multistatus ms = new Multistatus(counting);
        for (int i = 0; i < 10_000; i++) {
            ms.response("/remote.php/dav/files/alice/big/file-" + i + ".txt", List.of(
                    DavProperty.xml(dav("resourcetype"), ""),
                    DavProperty.text(dav("getcontentlength"), Integer.toString(i)),
                    DavProperty.text(dav("getetag"), "\"" + i + "\"")), List.of(oc("dDC")));
            if (i == 1000) {
                assertThat(reachedStream.get()).as("bytes already handed to the stream").isGreaterThan(100_000);
            }
        }
        ms.close();
        Document doc = parse(sink.toString(StandardCharsets.UTF_8));
        assertThat(doc.getElementsByTagNameNS("DAV:", "response").getLength()).isEqualTo(10_000);
    }

    @Test
    void closing_ends_the_document_closes_the_stream_and_refuses_more() {
        AtomicInteger closes = new AtomicInteger();
        ByteArrayOutputStream out = new ByteArrayOutputStream() {
            @Override
            public void close() {
                closes.incrementAndGet();
            }
        };
        Multistatus ms = new Multistatus(out);
        ms.close();
        ms.close();
        assertThat(closes).hasValue(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).endsWith(ROOT + "</d:multistatus>\n");
        assertThatThrownBy(() -> ms.status("/x", 404)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void an_empty_multistatus_is_well_formed() throws Exception {
        String xml = write(ms -> {
        });
        assertThat(parse(xml).getDocumentElement().getLocalName()).isEqualTo("multistatus");
    }

    // ---- Helpers for live property values -------------------------------------------------

    @Test
    void getlastmodified_is_rfc_1123_in_gmt_with_a_two_digit_day() {
        assertThat(Multistatus.httpDate(Instant.parse("2024-03-05T10:00:00Z"))).isEqualTo("Tue, 05 Mar 2024 10:00:00 GMT");
        assertThat(Multistatus.httpDate(Instant.parse("2026-11-29T17:51:54.987Z"))).isEqualTo("Sun, 29 Nov 2026 17:51:54 GMT");
    }

    @Test
    void getlastmodified_by_hand_reads_as_the_formatter_writes_it_over_four_centuries() {
        DateTimeFormatter formatter = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH)
                .withZone(ZoneOffset.UTC);
        Random random = new Random(3);
        long from = Instant.parse("1800-01-01T00:00:00Z").getEpochSecond();
        long to = Instant.parse("2200-01-01T00:00:00Z").getEpochSecond();
        for (int i = 0; i < 20_000; i++) {
            Instant t = Instant.ofEpochSecond(from + (long) (random.nextDouble() * (to - from)), random.nextInt(1_000_000_000));
            assertThat(Multistatus.httpDate(t)).as("%s", t).isEqualTo(formatter.format(t));
        }
        assertThat(Multistatus.httpDate(Instant.EPOCH)).isEqualTo("Thu, 01 Jan 1970 00:00:00 GMT");
    }

    @Test
    void creationdate_is_iso_8601_in_utc_to_the_second() {
        assertThat(Multistatus.creationDate(Instant.parse("2024-03-05T10:00:00.123456Z"))).isEqualTo("2024-03-05T10:00:00Z");
    }

    @Test
    void status_lines_carry_the_reason_phrase() {
        assertThat(Multistatus.statusLine(200)).isEqualTo("HTTP/1.1 200 OK");
        assertThat(Multistatus.statusLine(404)).isEqualTo("HTTP/1.1 404 Not Found");
        assertThat(Multistatus.statusLine(424)).isEqualTo("HTTP/1.1 424 Failed Dependency");
        assertThat(Multistatus.statusLine(507)).isEqualTo("HTTP/1.1 507 Insufficient Storage");
    }

    @Test
    void supportedlock_offers_exclusive_and_shared_write_locks() {
        assertThat(Multistatus.supportedLock()).isEqualTo(
                "<d:lockentry><d:lockscope><d:exclusive/></d:lockscope><d:locktype><d:write/></d:locktype></d:lockentry>"
                        + "<d:lockentry><d:lockscope><d:shared/></d:lockscope><d:locktype><d:write/></d:locktype></d:lockentry>");
    }

    @Test
    void lockdiscovery_describes_each_active_lock() {
        Instant now = Instant.parse("2024-03-05T10:00:00Z");
        DavLock lock = new DavLock("urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6", "/alice/Docs", LockScope.EXCLUSIVE,
                Depth.INFINITY, Optional.of("<D:href xmlns:D=\"DAV:\">http://example.org/~ejw/contact.html</D:href>"),
                "alice", now.minusSeconds(100), now.plusSeconds(500).plusMillis(1), Duration.ofSeconds(600));
        String fragment = Multistatus.lockDiscovery(List.of(lock), path -> "/remote.php/dav/files" + path + "/", now);
        assertThat(fragment).isEqualTo("<d:activelock><d:locktype><d:write/></d:locktype>"
                + "<d:lockscope><d:exclusive/></d:lockscope><d:depth>infinity</d:depth>"
                + "<d:owner><D:href xmlns:D=\"DAV:\">http://example.org/~ejw/contact.html</D:href></d:owner>"
                + "<d:timeout>Second-501</d:timeout>"
                + "<d:locktoken><d:href>urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6</d:href></d:locktoken>"
                + "<d:lockroot><d:href>/remote.php/dav/files/alice/Docs/</d:href></d:lockroot></d:activelock>");

        DavLock shared = new DavLock("urn:uuid:1", "/a.txt", LockScope.SHARED, Depth.ZERO, Optional.empty(), "bob",
                now, now.minusSeconds(1), Duration.ofSeconds(1));
        assertThat(Multistatus.lockDiscovery(List.of(shared), p -> p, now))
                .contains("<d:lockscope><d:shared/></d:lockscope><d:depth>0</d:depth><d:timeout>Second-0</d:timeout>")
                .doesNotContain("owner");
    }

    @Test
    void the_lock_response_body_is_a_prop_element_with_the_lockdiscovery() throws Exception {
        Instant now = Instant.parse("2024-03-05T10:00:00Z");
        DavLock lock = new DavLock("urn:uuid:x", "/f", LockScope.EXCLUSIVE, Depth.ZERO, Optional.of("litmus test suite"),
                "alice", now, now.plusSeconds(3600), Duration.ofHours(1));
        String body = Multistatus.lockResponse(List.of(lock), p -> "/dav" + p, now);
        Document doc = parse(body);
        assertThat(doc.getDocumentElement().getLocalName()).isEqualTo("prop");
        assertThat(first(doc, "DAV:", "owner").getTextContent()).isEqualTo("litmus test suite");
        assertThat(first(doc, "DAV:", "timeout").getTextContent()).isEqualTo("Second-3600");
        assertThat(elements(first(doc, "DAV:", "lockroot")).getFirst().getTextContent()).isEqualTo("/dav/f");
    }

    @Test
    void the_error_body_is_sabre_style() {
        assertThat(Multistatus.errorBody("Sabre\\DAV\\Exception\\NotFound", "File with name /capture/small2.txt could not be located"))
                .isEqualTo("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                        + "<d:error xmlns:d=\"DAV:\" xmlns:s=\"http://sabredav.org/ns\">"
                        + "<s:exception>Sabre\\DAV\\Exception\\NotFound</s:exception>"
                        + "<s:message>File with name /capture/small2.txt could not be located</s:message></d:error>\n");
    }

    @Test
    void the_error_body_of_a_dav_exception_escapes_its_message_and_carries_its_condition() throws Exception {
        DavException locked = new DavException(423, Msg.of("files.dav.locked", "\"a<b>\" & c"),
                "<d:lock-token-submitted><d:href>/dav/a</d:href></d:lock-token-submitted>");
        String body = Multistatus.errorBody(locked);
        assertThat(body).contains("<s:exception>Sabre\\DAV\\Exception\\Locked</s:exception>")
                .contains("<s:message>'&quot;a&lt;b&gt;&quot; &amp; c' is locked: send its lock token to change it.</s:message>")
                .contains("<d:error xmlns:d=\"DAV:\" xmlns:s=\"http://sabredav.org/ns\"><d:lock-token-submitted>");
        Document doc = parse(body);
        assertThat(first(doc, Multistatus.SABRE, "message").getTextContent())
                .isEqualTo("'\"a<b>\" & c' is locked: send its lock token to change it.");
    }

    private static final Msg X = Msg.of("files.dav.changed");

    @Test
    void a_dav_exception_names_the_sabre_class_but_never_service_unavailable() {
        assertThat(new DavException(404, X).sabreException()).isEqualTo("Sabre\\DAV\\Exception\\NotFound");
        assertThat(new DavException(412, X).sabreException()).isEqualTo("Sabre\\DAV\\Exception\\PreconditionFailed");
        assertThat(new DavException(503, X).sabreException()).isEqualTo("Sabre\\DAV\\Exception");
        assertThat(new DavException(400, X).condition()).isEmpty();
        assertThatThrownBy(() -> new DavException(200, X)).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- Helpers -------------------------------------------------------------------------

    private interface Body {
        void write(Multistatus ms) throws IOException;
    }

    private static String write(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Multistatus ms = new Multistatus(out)) {
            body.write(ms);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    static Document parse(String xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    private static Element first(Document doc, String ns, String local) {
        return (Element) doc.getElementsByTagNameNS(ns, local).item(0);
    }

    private static List<Element> elements(Element parent) {
        List<Element> out = new ArrayList<>();
        NodeList children = parent.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i).getNodeType() == Node.ELEMENT_NODE) {
                out.add((Element) children.item(i));
            }
        }
        return out;
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }

    private static int count(String haystack, String needle) {
        int n = 0;
        for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
