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
}
