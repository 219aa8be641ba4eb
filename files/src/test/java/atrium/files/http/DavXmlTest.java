package atrium.files.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import atrium.files.http.DavXml.AllProp;
import atrium.files.http.DavXml.Prop;
import atrium.files.http.DavXml.PropName;
import atrium.files.http.DavXml.PropertyUpdate;
import atrium.files.http.DavXml.RemoveProperty;
import atrium.files.http.DavXml.SetProperty;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import javax.xml.namespace.QName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DavXmlTest {
    private static final String NS = "http://webdav.org/neon/litmus/";
    private static final String XML_DECL = "<?xml version=\"1.0\" encoding=\"utf-8\" ?>";

    // ---- PROPFIND ------------------------------------------------------------------------

    @Test
    void an_empty_or_blank_propfind_body_asks_for_all_properties() {
        assertThat(DavXml.propfind(body(""))).isEqualTo(new AllProp(List.of()));
        assertThat(DavXml.propfind(body(" \r\n\t "))).isEqualTo(new AllProp(List.of()));
    }

    @Test
    void the_desktop_clients_listing_propfind_gives_its_properties_in_order_with_their_namespaces() {
        // The body nextcloudcmd 3.7.3 sends for every folder listing (captures/propfind-sample.txt).
        String captured = """
                <?xml version="1.0" ?>
                <d:propfind xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns">
                  <d:prop>
                    <d:resourcetype />
                    <d:getlastmodified />
                    <d:getcontentlength />
                    <d:getetag />
                    <oc:size />
                    <oc:id />
                    <oc:fileid />
                    <oc:downloadURL />
                    <oc:dDC />
                    <oc:permissions />
                    <oc:checksums />
                    <oc:data-fingerprint />
                    <oc:share-types />
                    <lock xmlns="http://nextcloud.org/ns" />
                    <lock-owner-displayname xmlns="http://nextcloud.org/ns" />
                    <lock-owner xmlns="http://nextcloud.org/ns" />
                    <lock-owner-type xmlns="http://nextcloud.org/ns" />
                    <lock-owner-editor xmlns="http://nextcloud.org/ns" />
                    <lock-time xmlns="http://nextcloud.org/ns" />
                    <lock-timeout xmlns="http://nextcloud.org/ns" />
                  </d:prop>
                </d:propfind>
                """;
        DavXml.Propfind request = DavXml.propfind(body(captured));
        assertThat(request).isInstanceOf(Prop.class);
        List<QName> names = ((Prop) request).names();
        assertThat(names).hasSize(20);
        assertThat(names.subList(0, 5)).containsExactly(DavProperty.dav("resourcetype"),
                DavProperty.dav("getlastmodified"), DavProperty.dav("getcontentlength"), DavProperty.dav("getetag"),
                DavProperty.oc("size"));
        assertThat(names.get(7)).isEqualTo(DavProperty.oc("downloadURL"));
        assertThat(names.get(13)).isEqualTo(DavProperty.nc("lock"));
        assertThat(names.get(19)).isEqualTo(DavProperty.nc("lock-timeout"));
    }

    @Test
    void the_etag_probe_asks_for_getetag_only() {
        String probe = "<?xml version=\"1.0\" ?>\n<d:propfind xmlns:d=\"DAV:\">\n  <d:prop>\n    <d:getetag/>\n  </d:prop>\n</d:propfind>\n";
        assertThat(DavXml.propfind(body(probe))).isEqualTo(new Prop(List.of(DavProperty.dav("getetag"))));
    }

    @Test
    void a_property_asked_twice_is_listed_once() {
        String xml = "<propfind xmlns='DAV:'><prop><getetag/><getetag/><x:a xmlns:x='urn:x'/></prop></propfind>";
        assertThat(DavXml.propfind(body(xml)))
                .isEqualTo(new Prop(List.of(DavProperty.dav("getetag"), new QName("urn:x", "a"))));
    }

    @Test
    void allprop_may_carry_an_include_list() {
        String xml = "<D:propfind xmlns:D='DAV:'><D:allprop/><D:include><D:supported-live-property-set/>"
                + "<D:supported-report-set/></D:include></D:propfind>";
        assertThat(DavXml.propfind(body(xml))).isEqualTo(new AllProp(List.of(
                DavProperty.dav("supported-live-property-set"), DavProperty.dav("supported-report-set"))));
    }

    @Test
    void propname_asks_for_names_only() {
        assertThat(DavXml.propfind(body("<propfind xmlns=\"DAV:\"><propname/></propfind>"))).isEqualTo(new PropName());
    }

    @Test
    void unknown_elements_in_a_propfind_are_ignored_as_litmus_propextended_checks() {
        String xml = XML_DECL + "<propfind xmlns=\"DAV:\"><foobar/><allprop/></propfind>";
        assertThat(DavXml.propfind(body(xml))).isEqualTo(new AllProp(List.of()));
        String foreign = "<propfind xmlns='DAV:'><x:prop xmlns:x='urn:other'/><propname/></propfind>";
        assertThat(DavXml.propfind(body(foreign))).isEqualTo(new PropName());
    }

    @Test
    void a_non_well_formed_body_is_a_400_as_litmus_propfind_invalid_checks() {
        assertThatThrownBy(() -> DavXml.propfind(body("<foo>")))
                .isInstanceOfSatisfying(DavException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageStartingWith("The XML body is malformed: line 1, column");
    }

    @Test
    void an_empty_prefixed_namespace_declaration_is_a_400_as_litmus_propfind_invalid2_checks() {
        String xml = "<D:propfind xmlns:D=\"DAV:\"><D:prop><bar:foo xmlns:bar=\"\"/></D:prop></D:propfind>";
        assertThatThrownBy(() -> DavXml.propfind(body(xml)))
                .isInstanceOfSatisfying(DavException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageEndingWith("a namespace prefix is bound to an empty URI (xmlns:p=\"\").");
    }

    @Test
    void a_propfind_with_the_wrong_root_or_without_a_request_is_a_400() {
        assertStatus(() -> DavXml.propfind(body("<propfind/>")), 400);
        assertStatus(() -> DavXml.propfind(body("<x:propfind xmlns:x='urn:x'><x:allprop/></x:propfind>")), 400);
        assertStatus(() -> DavXml.propfind(body("<propfind xmlns='DAV:'/>")), 400);
        assertStatus(() -> DavXml.propfind(body("<propfind xmlns='DAV:'><allprop/><propname/></propfind>")), 400);
        assertStatus(() -> DavXml.propfind(body("<propertyupdate xmlns='DAV:'/>")), 400);
    }

    @Test
    void text_after_the_root_element_or_a_second_root_is_malformed() {
        assertStatus(() -> DavXml.propfind(body("<propfind xmlns='DAV:'><allprop/></propfind><x/>")), 400);
        assertStatus(() -> DavXml.propfind(body("<propfind xmlns='DAV:'><allprop/></propfind>junk")), 400);
    }

    @Test
    void a_utf16_body_with_a_byte_order_mark_is_read() {
        byte[] utf16 = "<propfind xmlns='DAV:'><prop><displayname/></prop></propfind>".getBytes(StandardCharsets.UTF_16);
        assertThat(DavXml.propfind(new ByteArrayInputStream(utf16)))
                .isEqualTo(new Prop(List.of(DavProperty.dav("displayname"))));
    }

    @Test
    void invalid_utf8_bytes_are_malformed_xml_and_nothing_is_printed() {
        byte[] bytes = {'<', 'a', '>', (byte) 0xC0, (byte) 0xAE, '<', '/', 'a', '>'};
        PrintStream stderr = System.err;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setErr(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            assertThatThrownBy(() -> DavXml.propfind(new ByteArrayInputStream(bytes)))
                    .isInstanceOfSatisfying(DavException.class, e -> assertThat(e.status()).isEqualTo(400))
                    .hasMessage("The XML body is malformed: it is not valid UTF-8.");
        } finally {
            System.setErr(stderr);
        }
        assertThat(printed.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void a_body_declaring_another_encoding_is_read_in_it() {
        byte[] head = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><propertyupdate xmlns='DAV:'><set><prop><a xmlns='urn:x'>caf"
                .getBytes(StandardCharsets.US_ASCII);
        byte[] tail = "</a></prop></set></propertyupdate>".getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream latin1 = new ByteArrayOutputStream();
        latin1.writeBytes(head);
        latin1.write(0xE9);
        latin1.writeBytes(tail);
        SetProperty set = (SetProperty) DavXml.proppatch(new ByteArrayInputStream(latin1.toByteArray())).getFirst();
        assertThat(set.text()).isEqualTo("caf\u00e9");
    }

    @Test
    void namespace_errors_are_explained_in_words() {
        assertThatThrownBy(() -> DavXml.propfind(body("<propfind xmlns='DAV:'><prop><y:b/></prop></propfind>")))
                .hasMessage("The XML body is malformed: line 1, column 36: a namespace prefix is used without being declared.");
    }

    // ---- Hardening -----------------------------------------------------------------------

    @Test
    void a_doctype_is_refused_with_a_clear_message() {
        String xml = "<?xml version='1.0'?><!DOCTYPE propfind><propfind xmlns='DAV:'><allprop/></propfind>";
        assertThatThrownBy(() -> DavXml.propfind(body(xml)))
                .isInstanceOfSatisfying(DavException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessage("The XML body must not contain a document type declaration (<!DOCTYPE …>).");
    }

    @Test
    void an_external_entity_is_neither_read_nor_fetched(@TempDir Path dir) throws IOException {
        Path secret = dir.resolve("secret.txt");
        Files.writeString(secret, "TOP-SECRET");
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        AtomicInteger hits = new AtomicInteger();
        server.createContext("/", exchange -> {
            hits.incrementAndGet();
            byte[] dtd = "<!ENTITY leak SYSTEM 'file:///etc/passwd'>".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, dtd.length);
            exchange.getResponseBody().write(dtd);
            exchange.close();
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            List<String> attacks = List.of(
                    "<?xml version='1.0'?><!DOCTYPE p [<!ENTITY xxe SYSTEM '" + secret.toUri() + "'>]>"
                            + "<propertyupdate xmlns='DAV:'><set><prop><a xmlns='urn:x'>&xxe;</a></prop></set></propertyupdate>",
                    "<?xml version='1.0'?><!DOCTYPE p SYSTEM '" + base + "/external.dtd'>"
                            + "<propertyupdate xmlns='DAV:'><set><prop><a xmlns='urn:x'>&leak;</a></prop></set></propertyupdate>",
                    "<?xml version='1.0'?><!DOCTYPE p [<!ENTITY % remote SYSTEM '" + base + "/param.dtd'> %remote;]>"
                            + "<propertyupdate xmlns='DAV:'><set><prop><a xmlns='urn:x'>x</a></prop></set></propertyupdate>",
                    "<?xml version='1.0'?><!DOCTYPE p PUBLIC '-//X//Y' '" + base + "/public.dtd'>"
                            + "<propertyupdate xmlns='DAV:'><set><prop><a xmlns='urn:x'>x</a></prop></set></propertyupdate>");
            for (String attack : attacks) {
                assertThatThrownBy(() -> DavXml.proppatch(body(attack)))
                        .as(attack)
                        .isInstanceOfSatisfying(DavException.class, e -> assertThat(e.status()).isEqualTo(400))
                        .hasMessageContaining("document type declaration")
                        .hasMessageNotContaining("TOP-SECRET");
            }
            assertThat(hits).hasValue(0);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void billion_laughs_is_refused_before_any_expansion() {
        StringBuilder dtd = new StringBuilder("<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol0 'lol'>");
        for (int i = 1; i <= 9; i++) {
            dtd.append("<!ENTITY lol").append(i).append(" '");
            dtd.append(("&lol" + (i - 1) + ";").repeat(10)).append("'>");
        }
        dtd.append("]><propfind xmlns='DAV:'><prop><x xmlns='urn:x'>&lol9;</x></prop></propfind>");
        long start = System.nanoTime();
        assertThatThrownBy(() -> DavXml.propfind(body(dtd.toString())))
                .isInstanceOfSatisfying(DavException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageContaining("document type declaration");
        assertThat(System.nanoTime() - start).isLessThan(5_000_000_000L);
    }

    @Test
    void an_entity_that_was_never_declared_is_malformed() {
        assertThatThrownBy(() -> DavXml.proppatch(body(
                "<propertyupdate xmlns='DAV:'><set><prop><a xmlns='urn:x'>&nbsp;</a></prop></set></propertyupdate>")))
                .isInstanceOfSatisfying(DavException.class, e -> assertThat(e.status()).isEqualTo(400));
    }

    @Test
    void a_body_over_the_limit_is_a_413() {
        String big = "<propfind xmlns='DAV:'><prop>" + "<getetag/>".repeat(200) + "</prop></propfind>";
        assertThatThrownBy(() -> DavXml.propfind(body(big), 1000))
                .isInstanceOfSatisfying(DavException.class, e -> assertThat(e.status()).isEqualTo(413))
                .hasMessage("The XML body is larger than 1000 bytes.");
        assertThat(DavXml.propfind(body(big), 4000)).isInstanceOf(Prop.class);
    }

    @Test
    void the_default_limit_is_one_mebibyte() {
        byte[] huge = new byte[DavXml.MAX_BODY_BYTES + 1];
        java.util.Arrays.fill(huge, (byte) ' ');
        assertStatus(() -> DavXml.propfind(new ByteArrayInputStream(huge)), 413);
    }

    @Test
    void elements_nested_deeper_than_the_limit_are_refused() {
        int depth = DavXml.MAX_DEPTH + 5;
        String deep = "<propertyupdate xmlns='DAV:'><set><prop><a xmlns='urn:x'>" + "<b>".repeat(depth)
                + "</b>".repeat(depth) + "</a></prop></set></propertyupdate>";
        assertStatus(() -> DavXml.proppatch(body(deep)), 400);
        String fine = "<propertyupdate xmlns='DAV:'><set><prop><a xmlns='urn:x'>" + "<b>".repeat(50)
                + "</b>".repeat(50) + "</a></prop></set></propertyupdate>";
        assertThat(DavXml.proppatch(body(fine))).hasSize(1);
    }

    @Test
    void the_input_stream_is_closed_after_reading() {
        AtomicInteger closed = new AtomicInteger();
        InputStream in = new ByteArrayInputStream("<propfind xmlns='DAV:'><allprop/></propfind>".getBytes(StandardCharsets.UTF_8)) {
            @Override
            public void close() {
                closed.incrementAndGet();
            }
        };
        DavXml.propfind(in);
        assertThat(closed).hasValue(1);
    }

    // ---- PROPPATCH -----------------------------------------------------------------------

    @Test
    void litmus_propset_sets_ten_properties_in_document_order() {
        StringBuilder xml = new StringBuilder(XML_DECL + "<D:propertyupdate xmlns:D=\"DAV:\" xmlns:ns0=\"" + NS + "\">");
        xml.append("<D:set><D:prop>");
        for (int n = 0; n < 10; n++) {
            xml.append("<ns0:prop").append(n).append(">value").append(n).append("</ns0:prop").append(n).append('>');
        }
        xml.append("</D:prop></D:set></D:propertyupdate>");
        List<PropertyUpdate> updates = DavXml.proppatch(body(xml.toString()));
        assertThat(updates).hasSize(10);
        for (int n = 0; n < 10; n++) {
            SetProperty set = (SetProperty) updates.get(n);
            assertThat(set.name()).isEqualTo(new QName(NS, "prop" + n));
            assertThat(set.text()).isEqualTo("value" + n);
            assertThat(set.value()).isEqualTo("value" + n);
            assertThat(set.element()).isEqualTo("<ns0:prop" + n + " xmlns:ns0=\"" + NS + "\">value" + n + "</ns0:prop" + n + ">");
            assertThat(set.lang()).isEmpty();
        }
    }

    @Test
    void set_and_remove_keep_their_order_as_litmus_propremoveset_and_propsetremove_check() {
        String removeThenSet = XML_DECL + "<propertyupdate xmlns='DAV:'>"
                + "<remove><prop><removeset xmlns='" + NS + "'/></prop></remove>"
                + "<set><prop><removeset xmlns='" + NS + "'>x</removeset></prop></set>"
                + "<set><prop><removeset xmlns='" + NS + "'>y</removeset></prop></set>"
                + "</propertyupdate>";
        List<PropertyUpdate> updates = DavXml.proppatch(body(removeThenSet));
        QName name = new QName(NS, "removeset");
        assertThat(updates).hasSize(3);
        assertThat(updates.get(0)).isEqualTo(new RemoveProperty(name));
        assertThat(((SetProperty) updates.get(1)).text()).isEqualTo("x");
        assertThat(((SetProperty) updates.get(2)).text()).isEqualTo("y");

        String setThenRemove = XML_DECL + "<propertyupdate xmlns='DAV:'>"
                + "<set><prop><removeset xmlns='" + NS + "'>x</removeset></prop></set>"
                + "<remove><prop><removeset xmlns='" + NS + "'/></prop></remove>"
                + "</propertyupdate>";
        assertThat(DavXml.proppatch(body(setThenRemove))).extracting(PropertyUpdate::name).containsExactly(name, name);
        assertThat(DavXml.proppatch(body(setThenRemove)).get(1)).isInstanceOf(RemoveProperty.class);
    }

    @Test
    void a_property_in_no_namespace_is_kept_as_litmus_propnullns_checks() {
        String xml = XML_DECL + "<propertyupdate xmlns=\"DAV:\"><set><prop>"
                + "<nonamespace xmlns=\"\">randomvalue</nonamespace></prop></set></propertyupdate>";
        SetProperty set = (SetProperty) DavXml.proppatch(body(xml)).getFirst();
        assertThat(set.name()).isEqualTo(new QName("", "nonamespace"));
        assertThat(set.element()).isEqualTo("<nonamespace xmlns=\"\">randomvalue</nonamespace>");
        assertThat(set.text()).isEqualTo("randomvalue");
    }

    @Test
    void a_character_above_the_basic_plane_survives_as_litmus_prophighunicode_checks() {
        String xml = XML_DECL + "<propertyupdate xmlns='DAV:'><set><prop>"
                + "<high-unicode xmlns='" + NS + "'>&#65536;</high-unicode></prop></set></propertyupdate>";
        SetProperty set = (SetProperty) DavXml.proppatch(body(xml)).getFirst();
        assertThat(set.text()).isEqualTo("\uD800\uDC00");
        assertThat(set.element()).isEqualTo("<high-unicode xmlns=\"" + NS + "\">\uD800\uDC00</high-unicode>");
        assertThat(set.text().getBytes(StandardCharsets.UTF_8)).containsExactly(0xF0, 0x90, 0x80, 0x80);
    }

    @Test
    void a_value_declaring_its_own_namespace_keeps_it_as_litmus_propvalnspace_checks() {
        String xml = XML_DECL + "<propertyupdate xmlns='DAV:'><set><prop>"
                + "<t:valnspace xmlns:t='" + NS + "'><foo xmlns='bar'/></t:valnspace></prop></set></propertyupdate>";
        SetProperty set = (SetProperty) DavXml.proppatch(body(xml)).getFirst();
        assertThat(set.name()).isEqualTo(new QName(NS, "valnspace"));
        assertThat(set.element()).isEqualTo("<t:valnspace xmlns:t=\"" + NS + "\"><foo xmlns=\"bar\"/></t:valnspace>");
        assertThat(set.value()).isEqualTo("<foo xmlns=\"bar\"/>");
    }

    @Test
    void properties_in_ten_namespaces_are_told_apart_as_litmus_propmanyns_checks() {
        List<String> spaces = List.of("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa");
        StringBuilder xml = new StringBuilder("<D:propertyupdate xmlns:D='DAV:'><D:set><D:prop>");
        for (int i = 0; i < spaces.size(); i++) {
            xml.append("<ns").append(i).append(":somename xmlns:ns").append(i).append("='").append(spaces.get(i))
                    .append("'>manynsvalue</ns").append(i).append(":somename>");
        }
        xml.append("</D:prop></D:set></D:propertyupdate>");
        List<PropertyUpdate> updates = DavXml.proppatch(body(xml.toString()));
        assertThat(updates).extracting(PropertyUpdate::name)
                .containsExactlyElementsOf(spaces.stream().map(ns -> new QName(ns, "somename")).toList());
    }

    @Test
    void a_value_using_prefixes_declared_on_ancestors_declares_them_itself() {
        String xml = "<D:propertyupdate xmlns:D='DAV:' xmlns:Z='http://ns.example.com/standards/z39.50/'>"
                + "<D:set><D:prop><Z:Authors><Z:Author>Jim Whitehead</Z:Author><Z:Author>Roy Fielding</Z:Author>"
                + "</Z:Authors></D:prop></D:set></D:propertyupdate>";
        SetProperty set = (SetProperty) DavXml.proppatch(body(xml)).getFirst();
        assertThat(set.element()).isEqualTo("<Z:Authors xmlns:Z=\"http://ns.example.com/standards/z39.50/\">"
                + "<Z:Author>Jim Whitehead</Z:Author><Z:Author>Roy Fielding</Z:Author></Z:Authors>");
        // Standing alone, each child of the value carries its declaration.
        assertThat(set.value()).isEqualTo(
                "<Z:Author xmlns:Z=\"http://ns.example.com/standards/z39.50/\">Jim Whitehead</Z:Author>"
                        + "<Z:Author xmlns:Z=\"http://ns.example.com/standards/z39.50/\">Roy Fielding</Z:Author>");
        assertThat(set.text()).isEqualTo("Jim WhiteheadRoy Fielding");
    }

    @Test
    void the_xml_lang_in_scope_is_kept_on_the_property_element() {
        String inherited = "<D:propertyupdate xmlns:D='DAV:'><D:set><D:prop xml:lang='en'>"
                + "<x:author xmlns:x='http://example.com/ns'><x:name>Jane Doe</x:name></x:author>"
                + "</D:prop></D:set></D:propertyupdate>";
        SetProperty set = (SetProperty) DavXml.proppatch(body(inherited)).getFirst();
        assertThat(set.lang()).contains("en");
        assertThat(set.element()).isEqualTo(
                "<x:author xmlns:x=\"http://example.com/ns\" xml:lang=\"en\"><x:name>Jane Doe</x:name></x:author>");

        String own = "<D:propertyupdate xmlns:D='DAV:' xml:lang='en'><D:set><D:prop>"
                + "<x:title xmlns:x='urn:t' xml:lang='fr-CA'>Bonjour <x:em xml:lang='en'>hello</x:em></x:title>"
                + "</D:prop></D:set></D:propertyupdate>";
        SetProperty titled = (SetProperty) DavXml.proppatch(body(own)).getFirst();
        assertThat(titled.lang()).contains("fr-CA");
        assertThat(titled.element()).isEqualTo(
                "<x:title xmlns:x=\"urn:t\" xml:lang=\"fr-CA\">Bonjour <x:em xml:lang=\"en\">hello</x:em></x:title>");
    }

    @Test
    void mixed_content_comments_attributes_and_whitespace_round_trip() {
        String value = "<p:note xmlns:p=\"urn:p\" p:kind=\"a&amp;b &lt;c&gt; &quot;d&quot;\" plain=\"tab&#9;nl&#10;cr&#13;\">"
                + "\n  Text &amp; <p:b>bold</p:b> tail <!-- a comment --><?pi data?> &lt;/p&gt; ]]&gt;\n</p:note>";
        String xml = "<propertyupdate xmlns='DAV:'><set><prop>" + value + "</prop></set></propertyupdate>";
        SetProperty set = (SetProperty) DavXml.proppatch(body(xml)).getFirst();
        assertThat(set.element()).isEqualTo(value);
        assertThat(set.text()).isEqualTo("\n  Text & bold tail  </p> ]]>\n");
    }

    @Test
    void cdata_and_carriage_returns_come_back_as_equivalent_escaped_text() {
        String xml = "<propertyupdate xmlns='DAV:'><set><prop><a xmlns='urn:a'><![CDATA[x<y & z]]>&#13;\r\n</a>"
                + "</prop></set></propertyupdate>";
        SetProperty set = (SetProperty) DavXml.proppatch(body(xml)).getFirst();
        assertThat(set.text()).isEqualTo("x<y & z\r\n");
        assertThat(set.element()).isEqualTo("<a xmlns=\"urn:a\">x&lt;y &amp; z&#13;\n</a>");
    }

    @Test
    void a_stored_element_parses_back_to_itself() {
        List<String> values = List.of(
                "<t:valnspace xmlns:t=\"" + NS + "\"><foo xmlns=\"bar\"/></t:valnspace>",
                "<nonamespace xmlns=\"\">randomvalue</nonamespace>",
                "<x:a xmlns:x=\"urn:x\" xml:lang=\"de\">Mixed <y:b xmlns:y=\"urn:y\" y:at=\"1\">c</y:b> &amp; more</x:a>",
                "<x:a xmlns:x=\"urn:x\" xmlns=\"urn:default\"><inner><x:deeper xmlns=\"\"><none/></x:deeper></inner></x:a>",
                "<x:e xmlns:x=\"urn:x\"/>");
        for (String value : values) {
            String wrapped = "<D:propertyupdate xmlns:D='DAV:' xmlns:x='urn:confusing'><D:set><D:prop>" + value
                    + "</D:prop></D:set></D:propertyupdate>";
            SetProperty once = (SetProperty) DavXml.proppatch(body(wrapped)).getFirst();
            assertThat(once.element()).as(value).isEqualTo(value);
        }
    }

    @Test
    void a_default_namespace_of_an_ancestor_is_declared_on_the_value() {
        String xml = "<propertyupdate xmlns='DAV:'><set><prop><displayname>My <b>file</b></displayname></prop></set>"
                + "</propertyupdate>";
        SetProperty set = (SetProperty) DavXml.proppatch(body(xml)).getFirst();
        assertThat(set.name()).isEqualTo(DavProperty.dav("displayname"));
        assertThat(set.element()).isEqualTo("<displayname xmlns=\"DAV:\">My <b>file</b></displayname>");
        assertThat(set.value()).isEqualTo("My <b xmlns=\"DAV:\">file</b>");
        assertThat(set.text()).isEqualTo("My file");
    }

    @Test
    void the_mobile_favourite_toggle_reads_as_text() {
        String xml = "<?xml version=\"1.0\"?><d:propertyupdate xmlns:d=\"DAV:\" xmlns:oc=\"http://owncloud.org/ns\">"
                + "<d:set><d:prop><oc:favorite>1</oc:favorite></d:prop></d:set></d:propertyupdate>";
        SetProperty set = (SetProperty) DavXml.proppatch(body(xml)).getFirst();
        assertThat(set.name()).isEqualTo(DavProperty.oc("favorite"));
        assertThat(set.text()).isEqualTo("1");
    }

    @Test
    void several_properties_in_one_prop_and_several_props_in_one_set_are_all_read() {
        String xml = "<propertyupdate xmlns='DAV:'><set><prop><a xmlns='urn:x'>1</a><b xmlns='urn:x'>2</b></prop>"
                + "<prop><c xmlns='urn:x'/></prop></set><remove><prop><d xmlns='urn:x'/><e xmlns='urn:x'>ignored</e>"
                + "</prop></remove><unknown/></propertyupdate>";
        assertThat(DavXml.proppatch(body(xml))).extracting(u -> u.name().getLocalPart())
                .containsExactly("a", "b", "c", "d", "e");
    }

    @Test
    void a_proppatch_without_instructions_or_with_the_wrong_root_is_a_400() {
        assertStatus(() -> DavXml.proppatch(body("")), 400);
        assertStatus(() -> DavXml.proppatch(body("<propertyupdate xmlns='DAV:'/>")), 400);
        assertStatus(() -> DavXml.proppatch(body("<propertyupdate xmlns='DAV:'><set><prop/></set></propertyupdate>")), 400);
        assertStatus(() -> DavXml.proppatch(body("<propfind xmlns='DAV:'><allprop/></propfind>")), 400);
    }

    // ---- LOCK ----------------------------------------------------------------------------

    @Test
    void an_exclusive_write_lock_request_keeps_its_owner_fragment() {
        String xml = """
                <?xml version="1.0" encoding="utf-8" ?>
                <D:lockinfo xmlns:D='DAV:'>
                  <D:lockscope><D:exclusive/></D:lockscope>
                  <D:locktype><D:write/></D:locktype>
                  <D:owner>
                    <D:href>http://example.org/~ejw/contact.html</D:href>
                  </D:owner>
                </D:lockinfo>
                """;
        LockInfo info = DavXml.lockinfo(body(xml)).orElseThrow();
        assertThat(info.scope()).isEqualTo(LockScope.EXCLUSIVE);
        assertThat(info.owner()).contains("\n    <D:href xmlns:D=\"DAV:\">http://example.org/~ejw/contact.html</D:href>\n  ");
    }

    @Test
    void the_owner_litmus_sends_is_kept_as_text() {
        String xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<lockinfo xmlns='DAV:'>\n"
                + "<lockscope><shared/></lockscope>\n<locktype><write/></locktype><owner>litmus test suite</owner>\n"
                + "</lockinfo>\n";
        assertThat(DavXml.lockinfo(body(xml))).contains(new LockInfo(LockScope.SHARED, Optional.of("litmus test suite")));
    }

    @Test
    void an_owner_with_markup_characters_is_kept_escaped() {
        String xml = "<lockinfo xmlns='DAV:'><lockscope><exclusive/></lockscope><locktype><write/></locktype>"
                + "<owner>Tom &amp; Jerry &lt;tj@example.com&gt;</owner></lockinfo>";
        assertThat(DavXml.lockinfo(body(xml)).orElseThrow().owner()).contains("Tom &amp; Jerry &lt;tj@example.com&gt;");
    }

    @Test
    void a_lock_request_without_owner_has_none() {
        String xml = "<lockinfo xmlns='DAV:'><locktype><write/></locktype><lockscope><exclusive/></lockscope><owner/></lockinfo>";
        assertThat(DavXml.lockinfo(body(xml))).contains(new LockInfo(LockScope.EXCLUSIVE, Optional.empty()));
    }

    @Test
    void an_empty_lock_body_is_a_refresh() {
        assertThat(DavXml.lockinfo(body(""))).isEmpty();
    }

    @Test
    void a_lock_request_without_scope_or_type_or_for_another_type_is_a_400() {
        assertStatus(() -> DavXml.lockinfo(body("<lockinfo xmlns='DAV:'><locktype><write/></locktype></lockinfo>")), 400);
        assertStatus(() -> DavXml.lockinfo(body("<lockinfo xmlns='DAV:'><lockscope><exclusive/></lockscope></lockinfo>")), 400);
        assertStatus(() -> DavXml.lockinfo(body("<lockinfo xmlns='DAV:'><lockscope><exclusive/></lockscope>"
                + "<locktype><read/></locktype></lockinfo>")), 400);
        assertStatus(() -> DavXml.lockinfo(body("<lockinfo xmlns='DAV:'><lockscope><other/></lockscope>"
                + "<locktype><write/></locktype></lockinfo>")), 400);
        assertStatus(() -> DavXml.lockinfo(body("<lock xmlns='DAV:'/>")), 400);
    }

    // ---- Helpers -------------------------------------------------------------------------

    static InputStream body(String xml) {
        return new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8));
    }

    static void assertStatus(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, int status) {
        assertThatThrownBy(call).isInstanceOfSatisfying(DavException.class, e -> assertThat(e.status()).isEqualTo(status));
    }
}
