package atrium.core.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import atrium.core.Config;
import atrium.core.ConfigException;
import com.icegreen.greenmail.util.GreenMailUtil;
import jakarta.mail.Multipart;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MailerTest {
    @TempDir
    Path dir;

    private Config config(Map<String, String> keys) {
        return Config.load(dir, Map.of()).with(keys);
    }

    @Test
    void aMessageArrivesWithItsUtf8SubjectSenderNameTextAndHtml() throws Exception {
        try (var smtp = new TestMail(); var mailer = new Mailer(config(smtp.config()))) {
            mailer.send(Mail.of("amelie@example.com", "Élodie a partagé « Devis 2026 » avec vous",
                    "Bonjour,\n\nOuvrir : https://atrium.example.com/s/abc?x=1&y=2\n\n<script>"));
            MimeMessage m = smtp.await(1).getFirst();
            assertThat(m.getSubject()).isEqualTo("Élodie a partagé « Devis 2026 » avec vous");
            assertThat(m.getHeader("Subject")[0]).startsWith("=?UTF-8?");
            InternetAddress from = (InternetAddress) m.getFrom()[0];
            assertThat(from.getAddress()).isEqualTo("atrium@example.com");
            assertThat(from.getPersonal()).isEqualTo("Atrium Équipe");
            var parts = (Multipart) m.getContent();
            assertThat(parts.getBodyPart(0).getContentType()).startsWith("text/plain").contains("UTF-8");
            assertThat((String) parts.getBodyPart(0).getContent()).contains("Ouvrir : https://atrium.example.com/s/abc?x=1&y=2");
            String html = (String) parts.getBodyPart(1).getContent();
            assertThat(parts.getBodyPart(1).getContentType()).startsWith("text/html");
            assertThat(html).contains("<a href=\"https://atrium.example.com/s/abc?x=1&amp;y=2\">")
                    .contains("&lt;script&gt;").doesNotContain("<script>");
        }
    }

    @Test
    void withoutAHostSendingIsANoOp() {
        try (var mailer = new Mailer(config(Map.of()))) {
            assertThat(mailer.enabled()).isFalse();
            mailer.send(Mail.of("a@example.com", "x", "y"));
        }
    }

    @Test
    void aServerThatIsDownDoesNotReachTheCallerAndTheMessageIsRetriedUntilItComesUp() throws Exception {
        int port;
        try (var s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        var keys = new HashMap<>(TestMail.config(port));
        keys.put("mail.attempts", "6");
        try (var mailer = new Mailer(config(keys), 300)) {
            long t0 = System.nanoTime();
            mailer.send(Mail.of("bob@example.com", "Retry", "body"));
            assertThat((System.nanoTime() - t0) / 1_000_000).as("send returns at once").isLessThan(500);
            Thread.sleep(500); // at least one attempt fails while nothing listens
            try (var smtp = new TestMail(port)) {
                assertThat(smtp.await(1)).extracting(MimeMessage::getSubject).containsExactly("Retry");
            }
        }
    }

    @Test
    void signsInWhenAUserIsSet() throws Exception {
        try (var smtp = new TestMail()) {
            smtp.server.setUser("atrium@example.com", "atrium", "s3cret");
            var keys = new HashMap<>(smtp.config());
            keys.put("mail.user", "atrium");
            keys.put("mail.password", "s3cret");
            try (var mailer = new Mailer(config(keys))) {
                mailer.send(Mail.of("carol@example.com", "Auth", "body"));
                assertThat(GreenMailUtil.getBody(smtp.await(1).getFirst())).contains("body");
            }
        }
    }

    @Test
    void aHostWithoutASenderAddressStopsTheStartNamingTheKey() {
        assertThatThrownBy(() -> new Mailer(config(Map.of("mail.host", "127.0.0.1"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("mail.from");
        assertThatThrownBy(() -> new Mailer(config(Map.of("mail.host", "127.0.0.1", "mail.from", "not an address"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("mail.from");
    }
    /** Waits (up to 10 s) until the mailer has sent or given up {@code count} messages in all. */
    private static void awaitOutcome(Mailer mailer, int count) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (mailer.sent() + mailer.failed() < count) {
            assertThat(System.nanoTime()).as("the mailer settles within 10 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private Map<String, String> trusting(TestTlsMail smtp, String host, String security) {
        var keys = new HashMap<>(smtp.config(host, security));
        keys.put("mail.trust-certificate", smtp.certificate.toString());
        return keys;
    }

    @Test
    void implicitTlsDeliversToAnSmtpsServerWhoseSelfSignedCertificateIsTrusted() throws Exception {
        try (var smtp = new TestTlsMail(TestTlsMail.Mode.TLS);
             var mailer = new Mailer(config(trusting(smtp, "127.0.0.1", "tls")))) {
            mailer.send(Mail.of("dora@example.com", "Over TLS", "sealed"));
            awaitOutcome(mailer, 1);
            assertThat(mailer.sent()).isEqualTo(1);
            assertThat(smtp.received).singleElement().asString().contains("Subject: Over TLS").contains("sealed");
        }
    }

    @Test
    void starttlsUpgradesTheConnectionBeforeSending() throws Exception {
        // The server refuses any mail before STARTTLS: a message that arrives went encrypted.
        try (var smtp = new TestTlsMail(TestTlsMail.Mode.STARTTLS);
             var mailer = new Mailer(config(trusting(smtp, "127.0.0.1", "starttls")))) {
            mailer.send(Mail.of("dora@example.com", "Upgraded", "sealed"));
            awaitOutcome(mailer, 1);
            assertThat(mailer.sent()).isEqualTo(1);
            assertThat(smtp.received).singleElement().asString().contains("Subject: Upgraded");
        }
    }

    @Test
    void starttlsRefusesToSendInClearWhenTheServerOffersNoStarttls() throws Exception {
        try (var smtp = new TestTlsMail(TestTlsMail.Mode.CLEAR);
             var mailer = new Mailer(config(trusting(smtp, "127.0.0.1", "starttls")))) {
            mailer.send(Mail.of("dora@example.com", "Never in clear", "the password is in here"));
            awaitOutcome(mailer, 1);
            assertThat(mailer.failed()).isEqualTo(1);
            assertThat(smtp.received).isEmpty();
        }
    }

    @Test
    void aCertificateNotTrustedOrNotForTheServersNameStopsTheMessage() throws Exception {
        try (var smtp = new TestTlsMail(TestTlsMail.Mode.TLS)) {
            try (var untrusted = new Mailer(config(smtp.config("127.0.0.1", "tls")))) {
                untrusted.send(Mail.of("dora@example.com", "Untrusted", "x"));
                awaitOutcome(untrusted, 1);
                assertThat(untrusted.failed()).isEqualTo(1);
            }
            // Trusted, but made for 127.0.0.1: "localhost" is another name.
            try (var otherName = new Mailer(config(trusting(smtp, "localhost", "tls")))) {
                otherName.send(Mail.of("dora@example.com", "Other name", "x"));
                awaitOutcome(otherName, 1);
                assertThat(otherName.failed()).isEqualTo(1);
            }
            assertThat(smtp.received).isEmpty();
        }
    }

    @Test
    void aTrustCertificateThatIsNotAPemCertificateStopsTheStartNamingTheKey() throws Exception {
        java.nio.file.Files.writeString(dir.resolve("not.pem"), "hello");
        assertThatThrownBy(() -> new Mailer(config(Map.of("mail.trust-certificate", "not.pem"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("mail.trust-certificate");
        assertThatThrownBy(() -> new Mailer(config(Map.of("mail.trust-certificate", "missing.pem"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("mail.trust-certificate");
    }
}
