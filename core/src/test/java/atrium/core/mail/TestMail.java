package atrium.core.mail;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.util.List;
import java.util.Map;

/** A real SMTP server (GreenMail) on a free loopback port, and the config keys that point Atrium at it. */
public final class TestMail implements AutoCloseable {
    public final GreenMail server;

    public TestMail() {
        this(0);
    }

    public TestMail(int port) {
        server = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        server.start();
    }

    public int port() {
        return server.getSmtp().getPort();
    }

    /** Mail on, sent in clear to this server, as atrium@example.com. */
    public Map<String, String> config() {
        return config(port());
    }

    public static Map<String, String> config(int port) {
        return Map.of("mail.host", "127.0.0.1", "mail.port", String.valueOf(port), "mail.security", "none",
                "mail.from", "atrium@example.com", "mail.from-name", "Atrium Équipe", "mail.timeout-seconds", "5");
    }

    /** Waits up to 10 s for {@code count} messages in all and returns every message received. */
    public List<MimeMessage> await(int count) {
        server.waitForIncomingEmail(10_000, count);
        return List.of(server.getReceivedMessages());
    }

    @Override
    public void close() {
        server.stop();
    }
}
