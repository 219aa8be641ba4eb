package atrium.core.mail;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.subethamail.smtp.server.SMTPServer;

/**
 * A real SMTP server over TLS (SubEthaSMTP: GreenMail has no STARTTLS) on a free loopback
 * port, with a self-signed certificate for 127.0.0.1 made by the JDK's keytool for the test.
 */
final class TestTlsMail implements AutoCloseable {
    enum Mode {
        /** TLS from the first byte (SMTPS). */
        TLS,
        /** Clear text, STARTTLS offered and required before any mail. */
        STARTTLS,
        /** Clear text only: no STARTTLS offered. */
        CLEAR
    }

    private static final String STORE_PASSWORD = "changeit";

    /** The server's certificate in PEM, for {@code mail.trust-certificate}. */
    final Path certificate;
    final List<String> received = new CopyOnWriteArrayList<>();
    private final SMTPServer server;

    /** Made once per test run: each keytool run starts a JVM. */
    private static Path keys;

    TestTlsMail(Mode mode) throws IOException, InterruptedException, GeneralSecurityException {
        Path dir = keys();
        Path store = dir.resolve("smtp.p12");
        certificate = dir.resolve("smtp.pem");
        SSLContext tls = context(store);
        var builder = SMTPServer.port(0).bindAddress(InetAddress.getLoopbackAddress()).hostName("127.0.0.1")
                .messageHandler((context, from, to, data) -> received.add(new String(data, StandardCharsets.UTF_8)));
        switch (mode) {
            case TLS -> builder.serverSocketFactory(tls);
            case STARTTLS -> builder.requireTLS().startTlsSocketFactory(tls);
            case CLEAR -> builder.enableTLS(false);
        }
        server = builder.build();
        server.start();
    }

    private static synchronized Path keys() throws IOException, InterruptedException {
        if (keys != null) {
            return keys;
        }
        Path dir = Files.createTempDirectory("atrium-smtp-tls-");
        Path store = dir.resolve("smtp.p12");
        keytool("-genkeypair", "-alias", "smtp", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
                "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "smtp", "-keystore", store.toString(), "-storepass", STORE_PASSWORD,
                "-file", dir.resolve("smtp.pem").toString());
        // Deleted in the reverse order: the files, then their folder.
        for (Path f : List.of(dir, store, dir.resolve("smtp.pem"))) {
            f.toFile().deleteOnExit();
        }
        keys = dir;
        return keys;
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException("keytool failed: " + out);
        }
    }

    private static SSLContext context(Path store) throws IOException, GeneralSecurityException {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, STORE_PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, STORE_PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return context;
    }

    int port() {
        return server.getPortAllocated();
    }

    /** Mail on, to this server at {@code host}, with {@code security}; one attempt, so that a failure shows at once. */
    Map<String, String> config(String host, String security) {
        Map<String, String> keys = new HashMap<>(TestMail.config(port()));
        keys.put("mail.host", host);
        keys.put("mail.security", security);
        keys.put("mail.attempts", "1");
        return keys;
    }

    @Override
    public void close() {
        server.stop();
    }
}
