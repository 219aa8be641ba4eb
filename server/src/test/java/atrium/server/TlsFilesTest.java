package atrium.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import atrium.core.ConfigException;
import atrium.server.TlsFiles.TlsMaterial;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsFilesTest {
    @TempDir
    Path dir;

    @Test
    void a_self_signed_certificate_is_made_once_then_reloaded_with_the_same_fingerprint() {
        Path tls = dir.resolve("data/tls");

        TlsMaterial made = TlsFiles.selfSigned(tls);
        TlsMaterial reloaded = TlsFiles.selfSigned(tls);

        assertThat(tls.resolve("cert.pem")).exists();
        assertThat(tls.resolve("key.pem")).exists();
        assertThat(reloaded.fingerprintSha256()).isEqualTo(made.fingerprintSha256())
                .matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
        assertThat(reloaded.key().getEncoded()).isEqualTo(made.key().getEncoded());
        assertThat(reloaded.chain()).containsExactlyElementsOf(made.chain());
        assertThat(tls).isDirectoryNotContaining("glob:**.tmp");
    }

    @Test
    void the_self_signed_certificate_is_an_ec_p256_server_certificate_within_apples_825_day_limit_naming_localhost()
            throws Exception {
        TlsMaterial made = TlsFiles.selfSigned(dir);
        X509Certificate cert = made.chain().getFirst();

        assertThat(made.key().getAlgorithm()).isEqualTo("EC");
        assertThat(((java.security.interfaces.ECPublicKey) cert.getPublicKey()).getParams().getCurve().getField()
                .getFieldSize()).isEqualTo(256);
        assertThat(cert.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(cert.getVersion()).isEqualTo(3);
        assertThat(cert.getSubjectX500Principal()).isEqualTo(new X500Principal("CN=Atrium"));
        assertThat(cert.getIssuerX500Principal()).isEqualTo(cert.getSubjectX500Principal());
        cert.verify(cert.getPublicKey());
        cert.checkValidity();
        assertThat(Duration.between(cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant()).toDays())
                .isEqualTo(TlsFiles.VALIDITY_DAYS);
        assertThat(made.notAfter()).isEqualTo(cert.getNotAfter().toInstant());
        assertThat(cert.getBasicConstraints()).isEqualTo(-1);
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        List<String> names = subjectAltNames(cert);
        assertThat(names).contains("2:localhost", "7:127.0.0.1");
        assertThat(names).anyMatch(n -> n.equals("7:0:0:0:0:0:0:0:1") || n.equals("7:::1"));
        TlsFiles.hostName().ifPresent(host -> assertThat(names).contains("2:" + host));
    }

    @Test
    void the_self_signed_key_file_is_readable_by_its_owner_only() throws IOException {
        TlsFiles.selfSigned(dir);

        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("key.pem"))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("cert.pem"))))
                .isEqualTo("rw-r--r--");
    }

    @Test
    void the_written_files_are_pkcs8_and_certificate_pem_blocks() throws IOException {
        TlsFiles.selfSigned(dir);

        assertThat(Files.readString(dir.resolve("key.pem"))).startsWith("-----BEGIN PRIVATE KEY-----")
                .contains("-----END PRIVATE KEY-----");
        assertThat(Files.readString(dir.resolve("cert.pem"))).startsWith("-----BEGIN CERTIFICATE-----");
    }

    @Test
    void the_fingerprint_is_the_one_openssl_prints() throws Exception {
        TlsMaterial made = TlsFiles.selfSigned(dir);
        assumeTrue(hasCommand("openssl"), "openssl is not installed");

        String out = run("openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in", dir.resolve("cert.pem").toString());

        assertThat(out.strip()).endsWith("=" + made.fingerprintSha256());
        run("openssl", "pkey", "-check", "-noout", "-in", dir.resolve("key.pem").toString());
    }

    @Test
    void only_one_of_the_two_files_is_an_error_rather_than_a_silent_replacement() throws IOException {
        TlsFiles.selfSigned(dir);
        Files.delete(dir.resolve("cert.pem"));

        assertThatThrownBy(() -> TlsFiles.selfSigned(dir)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(dir.resolve("key.pem").toAbsolutePath().toString())
                .hasMessageContaining("cert.pem").hasMessageContaining("does not");
        assertThat(dir.resolve("key.pem")).exists();
    }

    @Test
    void a_chain_of_several_certificates_and_a_pkcs8_key_are_loaded_in_order() throws Exception {
        TlsMaterial leaf = TlsFiles.generate(Optional.empty());
        TlsMaterial other = TlsFiles.generate(Optional.empty());
        Path cert = write("chain.pem", pem(leaf.chain().getFirst()) + "\n" + pem(other.chain().getFirst()));
        Path key = write("key.pem", pem(new JcaPKCS8Generator(leaf.key(), null)));

        TlsMaterial loaded = TlsFiles.fromPem(cert, key);

        assertThat(loaded.chain()).containsExactly(leaf.chain().getFirst(), other.chain().getFirst());
        assertThat(loaded.fingerprintSha256()).isEqualTo(leaf.fingerprintSha256());
    }

    @Test
    void an_rsa_key_in_pkcs1_form_is_loaded() throws Exception {
        KeyPair pair = keyPair("RSA", 2048);
        Path cert = write("cert.pem", pem(selfSign(pair, "SHA256withRSA")));
        String pkcs1 = pem(pair); // JcaPEMWriter writes a KeyPair as "RSA PRIVATE KEY"
        assertThat(pkcs1).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        Path key = write("key.pem", pkcs1);

        TlsMaterial loaded = TlsFiles.fromPem(cert, key);

        assertThat(loaded.key().getAlgorithm()).isEqualTo("RSA");
        assertThat(loaded.key().getEncoded()).isEqualTo(pair.getPrivate().getEncoded());
    }

    @Test
    void an_ec_key_in_sec1_form_without_its_curve_takes_it_from_an_ec_parameters_block_or_the_certificate()
            throws Exception {
        TlsMaterial material = TlsFiles.generate(Optional.empty());
        // BouncyCastle writes the JDK's key as SEC1 without the optional curve parameters.
        String sec1 = pem(new KeyPair(material.chain().getFirst().getPublicKey(), material.key()));
        assertThat(sec1).startsWith("-----BEGIN EC PRIVATE KEY-----");
        // What "openssl ecparam -genkey -name prime256v1" writes before the key.
        String ecParameters = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n";
        Path cert = write("cert.pem", pem(material.chain().getFirst()));

        for (String content : List.of(ecParameters + sec1, sec1)) {
            Path key = write("key.pem", content);
            TlsMaterial loaded = TlsFiles.fromPem(cert, key);
            assertThat(loaded.fingerprintSha256()).isEqualTo(material.fingerprintSha256());
            assertThat(loaded.key().getAlgorithm()).isEqualTo("EC");
        }
    }

    @Test
    void an_ec_key_in_sec1_form_made_by_openssl_ecparam_is_loaded() throws Exception {
        assumeTrue(hasCommand("openssl"), "openssl is not installed");
        Path key = dir.resolve("key.pem");
        Path cert = dir.resolve("cert.pem");
        run("openssl", "ecparam", "-genkey", "-name", "prime256v1", "-out", key.toString());
        run("openssl", "req", "-x509", "-new", "-key", key.toString(), "-subj", "/CN=test", "-days", "30",
                "-out", cert.toString());
        assertThat(Files.readString(key)).startsWith("-----BEGIN EC PARAMETERS-----").contains("BEGIN EC PRIVATE KEY");

        assertThat(TlsFiles.fromPem(cert, key).key().getAlgorithm()).isEqualTo("EC");
    }

    @Test
    void keys_and_certificates_made_by_openssl_are_loaded() throws Exception {
        assumeTrue(hasCommand("openssl"), "openssl is not installed");
        for (String[] kind : List.of(new String[] {"rsa:2048"}, new String[] {"ec", "ec_paramgen_curve:P-384"},
                new String[] {"ed25519"})) {
            Path sub = Files.createDirectories(dir.resolve(kind[0].replace(':', '-')));
            List<String> command = new ArrayList<>(List.of("openssl", "req", "-x509", "-nodes", "-days", "30",
                    "-subj", "/CN=test", "-keyout", sub.resolve("key.pem").toString(), "-out",
                    sub.resolve("cert.pem").toString()));
            if (kind.length == 1) {
                command.addAll(List.of("-newkey", kind[0]));
            } else {
                command.addAll(List.of("-newkey", kind[0], "-pkeyopt", kind[1]));
            }
            run(command.toArray(String[]::new));

            TlsMaterial loaded = TlsFiles.fromPem(sub.resolve("cert.pem"), sub.resolve("key.pem"));

            assertThat(loaded.chain()).as(kind[0]).hasSize(1);
        }
    }

    @Test
    void a_garbage_certificate_file_is_a_config_error_naming_it() throws IOException {
        TlsFiles.selfSigned(dir);
        Path garbage = write("garbage.pem", "this is not a certificate\n\u0001\u0002 at all\n");

        assertThatThrownBy(() -> TlsFiles.fromPem(garbage, dir.resolve("key.pem")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(garbage.toAbsolutePath().toString())
                .hasMessageContaining("no PEM certificate");
    }

    @Test
    void a_certificate_block_with_broken_base64_is_a_config_error_naming_the_file() throws IOException {
        TlsFiles.selfSigned(dir);
        Path broken = write("broken.pem", "-----BEGIN CERTIFICATE-----\nMIIB!!!!not base64\n-----END CERTIFICATE-----\n");

        assertThatThrownBy(() -> TlsFiles.fromPem(broken, dir.resolve("key.pem")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(broken.toAbsolutePath().toString())
                .hasMessageContaining("not valid PEM");
    }

    @Test
    void a_certificate_in_binary_der_form_is_refused_with_a_hint() throws Exception {
        TlsMaterial material = TlsFiles.selfSigned(dir);
        Path der = dir.resolve("cert.der");
        Files.write(der, material.chain().getFirst().getEncoded());

        assertThatThrownBy(() -> TlsFiles.fromPem(der, dir.resolve("key.pem")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(der.toAbsolutePath().toString())
                .hasMessageContaining("openssl x509 -inform der");
    }

    @Test
    void a_key_that_does_not_match_the_certificate_is_refused() throws Exception {
        TlsMaterial one = TlsFiles.generate(Optional.empty());
        TlsMaterial two = TlsFiles.generate(Optional.empty());
        Path cert = write("cert.pem", pem(one.chain().getFirst()));
        Path key = write("key.pem", pem(new JcaPKCS8Generator(two.key(), null)));

        assertThatThrownBy(() -> TlsFiles.fromPem(cert, key))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("does not match")
                .hasMessageContaining(key.toAbsolutePath().toString())
                .hasMessageContaining(cert.toAbsolutePath().toString());
    }

    @Test
    void an_rsa_key_for_an_ec_certificate_or_another_rsa_key_is_refused() throws Exception {
        TlsMaterial ec = TlsFiles.generate(Optional.empty());
        KeyPair rsa = keyPair("RSA", 2048);
        KeyPair otherRsa = keyPair("RSA", 2048);
        Path ecCert = write("ec.pem", pem(ec.chain().getFirst()));
        Path rsaCert = write("rsa.pem", pem(selfSign(rsa, "SHA256withRSA")));
        Path rsaKey = write("rsa-key.pem", pem(new JcaPKCS8Generator(otherRsa.getPrivate(), null)));
        Path ecKey = write("ec-key.pem", pem(new JcaPKCS8Generator(ec.key(), null)));

        assertThatThrownBy(() -> TlsFiles.fromPem(ecCert, rsaKey)).hasMessageContaining("does not match");
        assertThatThrownBy(() -> TlsFiles.fromPem(rsaCert, rsaKey)).hasMessageContaining("does not match");
        assertThatThrownBy(() -> TlsFiles.fromPem(rsaCert, ecKey)).hasMessageContaining("does not match");
    }

    @Test
    void missing_files_are_named() {
        Path cert = dir.resolve("nowhere/cert.pem");
        Path key = dir.resolve("nowhere/key.pem");

        assertThatThrownBy(() -> TlsFiles.fromPem(cert, key)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("certificate file " + cert.toAbsolutePath()).hasMessageContaining("does not exist");
        TlsFiles.selfSigned(dir);
        assertThatThrownBy(() -> TlsFiles.fromPem(dir.resolve("cert.pem"), key)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("private key file " + key.toAbsolutePath()).hasMessageContaining("does not exist");
    }

    @Test
    void a_key_file_holding_only_a_certificate_says_it_has_no_private_key() {
        TlsFiles.selfSigned(dir);

        assertThatThrownBy(() -> TlsFiles.fromPem(dir.resolve("cert.pem"), dir.resolve("cert.pem")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("holds no PEM private key");
    }

    @Test
    void an_encrypted_key_is_refused_with_the_command_to_decrypt_it() throws Exception {
        TlsMaterial material = TlsFiles.selfSigned(dir);
        // A provider instance, not registered: the JDK alone lacks the parameter generator this needs.
        var encryptor = new JceOpenSSLPKCS8EncryptorBuilder(PKCSObjectIdentifiers.des_EDE3_CBC)
                .setProvider(new BouncyCastleProvider()).setPassword("secret".toCharArray()).build();
        Path key = write("encrypted.pem", pem(new JcaPKCS8Generator(material.key(), encryptor)));
        assertThat(Files.readString(key)).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");

        assertThatThrownBy(() -> TlsFiles.fromPem(dir.resolve("cert.pem"), key))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(key.toAbsolutePath().toString())
                .hasMessageContaining("encrypted").hasMessageContaining("openssl pkey");
    }

    @Test
    void a_key_path_that_cannot_be_read_as_a_file_is_named() throws IOException {
        TlsFiles.selfSigned(dir);
        // A directory cannot be read as a file even by root, unlike a file without read permission.
        Path key = Files.createDirectory(dir.resolve("key-dir.pem"));
        assertThatThrownBy(() -> TlsFiles.fromPem(dir.resolve("cert.pem"), key))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(key.toAbsolutePath().toString());
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.US_ASCII);
    }

    private static String pem(Object object) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        return out.toString();
    }

    private static KeyPair keyPair(String algorithm, int size) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
        generator.initialize(size);
        return generator.generateKeyPair();
    }

    private static X509Certificate selfSign(KeyPair pair, String signatureAlgorithm) throws Exception {
        X500Principal name = new X500Principal("CN=test");
        Instant now = Instant.now();
        var holder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofDays(1))), name, pair.getPublic())
                .build(new JcaContentSignerBuilder(signatureAlgorithm).build(pair.getPrivate()));
        return new JcaX509CertificateConverter().getCertificate(holder);
    }

    private static List<String> subjectAltNames(X509Certificate cert) throws Exception {
        List<String> names = new ArrayList<>();
        Collection<List<?>> sans = cert.getSubjectAlternativeNames();
        for (List<?> san : sans) {
            names.add(san.get(0) + ":" + san.get(1));
        }
        return names;
    }

    private static boolean hasCommand(String name) {
        try {
            Process p = new ProcessBuilder(name, "version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s: %s", String.join(" ", command), out).isZero();
        return out;
    }
}
