package atrium.core.mail;

import atrium.core.Config;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * {@code mail.trust-certificate}: the certificates of a PEM file (a company's own authority, or
 * an SMTP server's self-signed certificate) trusted for the mail server besides the JVM's
 * authorities. The server's name is still checked; nothing is ever trusted blindly.
 */
final class MailTrust {
    private MailTrust() {
    }

    static SSLSocketFactory socketFactory(Config config, Path pem) {
        Collection<? extends Certificate> certificates;
        try (InputStream in = Files.newInputStream(pem)) {
            certificates = java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException | CertificateException e) {
            throw config.bad("mail.trust-certificate", "cannot read a PEM certificate from " + pem + ": " + e.getMessage());
        }
        if (certificates.isEmpty()) {
            throw config.bad("mail.trust-certificate", pem + " holds no certificate");
        }
        try {
            KeyStore extra = KeyStore.getInstance(KeyStore.getDefaultType());
            extra.load(null, null);
            int i = 0;
            for (Certificate c : certificates) {
                extra.setCertificateEntry("trusted-" + i++, c);
            }
            X509TrustManager own = x509(extra);
            X509TrustManager jvm = x509(null);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new Either(jvm, own)}, null);
            return context.getSocketFactory();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot set up TLS for mail", e);
        }
    }

    private static X509TrustManager x509(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        return Arrays.stream(tmf.getTrustManagers()).filter(X509TrustManager.class::isInstance)
                .map(X509TrustManager.class::cast).findFirst().orElseThrow();
    }

    /** Trusts a server the JVM's authorities trust, else one the configured certificates vouch for. */
    private record Either(X509TrustManager jvm, X509TrustManager own) implements X509TrustManager {
        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            try {
                jvm.checkServerTrusted(chain, authType);
            } catch (CertificateException e) {
                own.checkServerTrusted(chain, authType);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("the mailer is never a TLS server");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            X509Certificate[] a = jvm.getAcceptedIssuers();
            X509Certificate[] b = own.getAcceptedIssuers();
            X509Certificate[] all = Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, all, a.length, b.length);
            return all;
        }
    }
}
