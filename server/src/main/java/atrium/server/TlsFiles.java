package atrium.server;

import atrium.core.ConfigException;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Null;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * The TLS key and certificate chain: the admin's own PEM files, or a self-signed
 * certificate made on first start so that HTTPS works out of the box (browsers warn
 * until it is trusted; the start-up log prints its fingerprint to compare).
 *
 * <p>Only the JDK's providers are used for keys and signatures: BouncyCastle reads and
 * writes PEM and builds the certificate, but is never registered as a JCA provider,
 * which would be global state for the whole JVM.
 */
public final class TlsFiles {
    public static final String CERT_FILE = "cert.pem";
    public static final String KEY_FILE = "key.pem";
    /** Apple platforms refuse server certificates valid for more than 825 days, even trusted ones. */
    static final long VALIDITY_DAYS = 820;
    private static final Pattern DNS_NAME = Pattern.compile(
            "(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|.*:.*");

    /** The key and the chain, the server's own certificate first. */
    public record TlsMaterial(PrivateKey key, List<X509Certificate> chain) {
        public TlsMaterial {
            if (chain.isEmpty()) {
                throw new IllegalArgumentException("a TLS chain needs at least one certificate");
            }
            chain = List.copyOf(chain);
        }

        /** SHA-256 of the server certificate, as browsers show it: {@code AB:CD:…}. */
        public String fingerprintSha256() {
            try {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(chain.getFirst().getEncoded());
                return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot encode the certificate", e);
            }
        }

        public Instant notAfter() {
            return chain.getFirst().getNotAfter().toInstant();
        }
    }

    private TlsFiles() {
    }

    /** A server-side JSSE context presenting this material (SIP over TLS, which does not go through Helidon). */
    public static javax.net.ssl.SSLContext sslContext(TlsMaterial m) {
        try {
            java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            char[] none = new char[0];
            ks.setKeyEntry("atrium", m.key(), none, m.chain().toArray(new X509Certificate[0]));
            javax.net.ssl.KeyManagerFactory kmf =
                    javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, none);
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot build a TLS context from the certificate", e);
        }
    }

    /**
     * The self-signed material in {@code dir} ({@value #CERT_FILE} and {@value #KEY_FILE}),
     * made there first if neither file exists: an EC P-256 key and a certificate for
     * CN=Atrium, valid five years, naming localhost, 127.0.0.1, ::1 and this machine's
     * host name.
     */
    public static TlsMaterial selfSigned(Path dir) {
        Path cert = dir.resolve(CERT_FILE);
        Path key = dir.resolve(KEY_FILE);
        boolean haveCert = Files.exists(cert);
        boolean haveKey = Files.exists(key);
        if (haveCert && haveKey) {
            return fromPem(cert, key);
        }
        if (haveCert || haveKey) {
            Path present = haveCert ? cert : key;
            Path missing = haveCert ? key : cert;
            // Never overwrite half of a pair: the present file may be one the admin put there.
            throw new ConfigException(present.toAbsolutePath() + " exists but " + missing.toAbsolutePath()
                    + " does not; restore it, or delete " + present.getFileName()
                    + " to have a new self-signed certificate made.");
        }
        TlsMaterial made = generate(hostName());
        try {
            Files.createDirectories(dir);
            writeAtomically(key, pem(new JcaPKCS8Generator(made.key(), null)), true);
            writeAtomically(cert, pem(made.chain().getFirst()), false);
        } catch (IOException e) {
            throw new ConfigException("Cannot write the self-signed TLS certificate to " + dir.toAbsolutePath()
                    + ": " + describe(e));
        }
        return made;
    }

    /**
     * Reads a PEM certificate chain (the server's certificate first) and a PEM private
     * key in PKCS#8 ("PRIVATE KEY"), PKCS#1 ("RSA PRIVATE KEY") or SEC1 ("EC PRIVATE
     * KEY") form, and checks that they belong together.
     *
     * @throws ConfigException naming the file and what is wrong with it
     */
    public static TlsMaterial fromPem(Path cert, Path key) {
        List<X509Certificate> chain = readChain(cert);
        PrivateKey privateKey = readKey(key, chain.getFirst().getPublicKey());
        if (!matches(privateKey, chain.getFirst().getPublicKey())) {
            throw new ConfigException("The TLS private key " + key.toAbsolutePath() + " does not match the certificate "
                    + cert.toAbsolutePath() + " (the first certificate of the file must be the server's own,"
                    + " followed by its intermediates).");
        }
        return new TlsMaterial(privateKey, chain);
    }

    static TlsMaterial generate(Optional<String> hostName) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            Instant now = Instant.now();
            // An hour of slack for clients whose clock is a little behind.
            Date notBefore = Date.from(now.minus(1, ChronoUnit.HOURS));
            Date notAfter = Date.from(now.atOffset(ZoneOffset.UTC).plusDays(VALIDITY_DAYS).toInstant());
            X500Name name = new X500Name("CN=Atrium");
            List<GeneralName> names = new ArrayList<>(List.of(
                    new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                    new GeneralName(GeneralName.iPAddress, "::1")));
            hostName.ifPresent(h -> names.add(new GeneralName(GeneralName.dNSName, h)));
            // RFC 5280 section 4.1.2.2: a positive serial of at most 20 octets, here random.
            BigInteger serial = new BigInteger(159, new SecureRandom()).setBit(0);
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    name, serial, notBefore, notAfter, name, pair.getPublic())
                    .addExtension(Extension.subjectAlternativeName, false,
                            new GeneralNames(names.toArray(GeneralName[]::new)))
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            new JcaX509ExtensionUtils().createSubjectKeyIdentifier(pair.getPublic()));
            X509CertificateHolder holder = builder.build(new JcaContentSignerBuilder("SHA256withECDSA")
                    .build(pair.getPrivate()));
            return new TlsMaterial(pair.getPrivate(), List.of(new JcaX509CertificateConverter().getCertificate(holder)));
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot make a self-signed certificate", e);
        }
    }

    /** This machine's name when it is a usable DNS name; not an IP address and not localhost. */
    static Optional<String> hostName() {
        try {
            String name = InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
            if (DNS_NAME.matcher(name).matches() && !IP_LITERAL.matcher(name).matches() && !name.equals("localhost")) {
                return Optional.of(name);
            }
        } catch (IOException e) {
            // No resolvable host name (a bare container): localhost and the loopback addresses remain.
        }
        return Optional.empty();
    }

    private static List<X509Certificate> readChain(Path file) {
        List<X509Certificate> chain = new ArrayList<>();
        try (PEMParser parser = new PEMParser(open(file, "certificate"))) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof X509CertificateHolder holder) {
                    chain.add(new JcaX509CertificateConverter().getCertificate(holder));
                }
            }
        } catch (ConfigException e) {
            throw e;
        } catch (IOException | CertificateException | RuntimeException e) {
            throw new ConfigException("The TLS certificate file " + file.toAbsolutePath() + " is not valid PEM: "
                    + describe(e));
        }
        if (chain.isEmpty()) {
            throw new ConfigException("The TLS certificate file " + file.toAbsolutePath() + " holds no PEM certificate"
                    + " (a block starting with -----BEGIN CERTIFICATE-----). If it is in binary DER form, convert it with"
                    + " openssl x509 -inform der -in FILE -out cert.pem");
        }
        return chain;
    }

    private static PrivateKey readKey(Path file, PublicKey certificateKey) {
        try (PEMParser parser = new PEMParser(open(file, "private key"))) {
            Optional<ASN1ObjectIdentifier> curve = Optional.empty();
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof PrivateKeyInfo info) {
                    return toKey(info, file);
                } else if (o instanceof PEMKeyPair pair) {
                    return toKey(withCurve(pair.getPrivateKeyInfo(), curve, certificateKey), file);
                } else if (o instanceof ASN1ObjectIdentifier oid) {
                    curve = Optional.of(oid); // an "EC PARAMETERS" block naming the curve of the key after it
                } else if (o instanceof PKCS8EncryptedPrivateKeyInfo || o instanceof PEMEncryptedKeyPair) {
                    throw new ConfigException("The TLS private key " + file.toAbsolutePath() + " is encrypted with a"
                            + " passphrase; Atrium needs it unencrypted (openssl pkey -in FILE -out key.pem), in a file"
                            + " only the Atrium user can read.");
                }
                // Other blocks (EC PARAMETERS, a certificate in a combined file) are skipped.
            }
        } catch (ConfigException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("The TLS private key " + file.toAbsolutePath() + " is not valid PEM: " + describe(e));
        }
        throw new ConfigException("The TLS private key " + file.toAbsolutePath() + " holds no PEM private key"
                + " (a block starting with -----BEGIN PRIVATE KEY-----, -----BEGIN RSA PRIVATE KEY----- or"
                + " -----BEGIN EC PRIVATE KEY-----).");
    }

    /**
     * A SEC1 key may leave out its curve (RFC 5915 section 3 makes it optional), relying
     * on an "EC PARAMETERS" block before it; failing that, the curve of the certificate
     * is the only one it can match anyway.
     */
    private static PrivateKeyInfo withCurve(PrivateKeyInfo info, Optional<ASN1ObjectIdentifier> curve,
                                            PublicKey certificateKey) throws IOException {
        AlgorithmIdentifier algorithm = info.getPrivateKeyAlgorithm();
        boolean ec = algorithm.getAlgorithm().equals(X9ObjectIdentifiers.id_ecPublicKey);
        ASN1Encodable parameters = algorithm.getParameters();
        if (!ec || parameters != null && !(parameters instanceof ASN1Null)) {
            return info;
        }
        if (curve.isPresent()) {
            return new PrivateKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve.get()),
                    info.parsePrivateKey());
        }
        AlgorithmIdentifier ofCertificate = SubjectPublicKeyInfo.getInstance(certificateKey.getEncoded()).getAlgorithm();
        if (ofCertificate.getAlgorithm().equals(X9ObjectIdentifiers.id_ecPublicKey)) {
            return new PrivateKeyInfo(ofCertificate, info.parsePrivateKey());
        }
        return info;
    }

    private static PrivateKey toKey(PrivateKeyInfo info, Path file) throws IOException {
        String oid = info.getPrivateKeyAlgorithm().getAlgorithm().getId();
        String algorithm = switch (oid) {
            case "1.2.840.113549.1.1.1" -> "RSA";
            case "1.2.840.113549.1.1.10" -> "RSASSA-PSS";
            case "1.2.840.10045.2.1" -> "EC";
            case "1.3.101.112" -> "Ed25519";
            case "1.3.101.113" -> "Ed448";
            default -> throw new ConfigException("The TLS private key " + file.toAbsolutePath()
                    + " is of a kind Atrium cannot use (algorithm " + oid + "); use an RSA, EC or Ed25519 key.");
        };
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new ConfigException("The TLS private key " + file.toAbsolutePath() + " cannot be used: " + describe(e));
        }
    }

    /** Whether the private key is the one of the certificate's public key. */
    private static boolean matches(PrivateKey key, PublicKey certificateKey) {
        if (key instanceof RSAPrivateCrtKey rsa) {
            return certificateKey instanceof RSAPublicKey pub && rsa.getModulus().equals(pub.getModulus())
                    && rsa.getPublicExponent().equals(pub.getPublicExponent());
        }
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "Ed448", "EdDSA" -> "EdDSA";
            default -> "";
        };
        boolean sameFamily = key.getAlgorithm().equals(certificateKey.getAlgorithm())
                || key.getAlgorithm().startsWith("Ed") && certificateKey.getAlgorithm().startsWith("Ed");
        if (algorithm.isEmpty() || !sameFamily) {
            return false;
        }
        // Sign a random challenge and check it with the certificate: works for every curve.
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificateKey);
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static Reader open(Path file, String what) {
        try {
            // Latin-1 maps every byte, so a binary (DER) file reads as "no PEM block" rather than failing to decode.
            return Files.newBufferedReader(file, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new ConfigException("The TLS " + what + " file " + file.toAbsolutePath() + " does not exist.");
        } catch (AccessDeniedException e) {
            throw new ConfigException("The TLS " + what + " file " + file.toAbsolutePath()
                    + " cannot be read: permission denied for the user running Atrium.");
        } catch (IOException e) {
            throw new ConfigException("The TLS " + what + " file " + file.toAbsolutePath() + " cannot be read: "
                    + describe(e));
        }
    }

    private static String pem(Object object) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        return out.toString();
    }

    /**
     * Writes through a temporary file in the same directory, synced then renamed, so a
     * crash never leaves half a PEM file behind. A private key is created readable by
     * its owner only (where the file system has POSIX permissions) before any byte is
     * written.
     */
    private static void writeAtomically(Path target, String content, boolean secret) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        boolean posix = Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class);
        Path temp = posix
                ? Files.createTempFile(dir, "." + target.getFileName(), ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.write(StandardCharsets.US_ASCII.encode(content));
                channel.force(true);
            }
            if (posix && !secret) {
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
