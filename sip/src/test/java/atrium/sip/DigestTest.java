package atrium.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DigestTest {
    /** A clock the test moves by hand. */
    private final ManualClock clock = new ManualClock();
    private final DigestServer server = new DigestServer("atrium.test", "0123456789abcdef0123".getBytes(), clock,
            Duration.ofMinutes(5));
    private final DigestServer.Ha1Source users = (user, alg) ->
            user.equals("1001") ? Optional.of(alg.ha1("1001", "atrium.test", "secret")) : Optional.empty();

    @Test
    void rfc2617Section35ExampleMd5() {
        DigestChallenge ch = new DigestChallenge("testrealm@host.com", "dcd98b7102dd2f0e8b11d0f600bfb0c093",
                Optional.empty(), List.of("auth", "auth-int"), Optional.of("5ccc069c403ebaf9f0171e9517f40e41"), false);
        DigestCredentials c = DigestCredentials.answer(ch, "GET", "/dir/index.html", "Mufasa", "Circle Of Life",
                "0a4f113b", 1);
        assertThat(c.response()).isEqualTo("6629fae49393a05397450978507c4ef1");
        assertThat(c.qop()).contains("auth");
        assertThat(c.nc()).contains("00000001");
    }

    @Test
    void rfc7616Section391ExamplesSha256AndMd5() {
        for (var v : List.of(List.of("SHA-256", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"),
                List.of("MD5", "8ca523f5e9506fed4657c9700eebdbec"))) {
            String header = "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=" + v.get(0)
                    + ", nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\","
                    + " opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";
            DigestChallenge ch = DigestChallenge.parse(header);
            assertThat(ch.qop()).containsExactly("auth", "auth-int");
            DigestCredentials c = DigestCredentials.answer(ch, "GET", "/dir/index.html", "Mufasa", "Circle of Life",
                    "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", 1);
            assertThat(c.response()).isEqualTo(v.get(1));
            assertThat(DigestCredentials.parse(c.toString())).isEqualTo(c);
        }
    }

    @Test
    void theAnswersSippAndBaresipComputedCheckOut() {
        for (String capture : List.of("sipp/register-authorization.sip", "baresip/register-authorization.sip")) {
            SipMessage m = Captures.parse(capture);
            DigestCredentials c = DigestCredentials.parse(m.header("Authorization").orElseThrow());
            DigestAlgorithm md5 = DigestAlgorithm.MD5;
            String expected = md5.response(md5.ha1(c.username(), c.realm(), "secret"), c.nonce(), "REGISTER", c.uri(),
                    c.qop(), c.nc().orElseThrow(), c.cnonce().orElseThrow());
            assertThat(c.response()).as(capture).isEqualTo(expected);
            assertThat(c.realm()).isEqualTo("atrium.test");
        }
    }

    private DigestCredentials answer(DigestChallenge ch, String password, int nc) {
        return DigestCredentials.answer(ch, "REGISTER", "sip:atrium.test", "1001", password, "c0ffee", nc);
    }

    @Test
    void aRightAnswerPassesOnceAndTheNonceMayBeReusedWithARisingCount() {
        for (DigestAlgorithm alg : DigestAlgorithm.values()) {
            DigestChallenge ch = server.challenge(alg, false);
            assertThat(ch.algorithm()).contains(alg.token());
            assertThat(DigestChallenge.parse(ch.toString())).isEqualTo(ch);
            assertThat(server.verify("REGISTER", answer(ch, "secret", 1), users)).isEqualTo(DigestServer.Verdict.OK);
            assertThat(server.verify("REGISTER", answer(ch, "secret", 1), users)).isEqualTo(DigestServer.Verdict.REPLAY);
            assertThat(server.verify("REGISTER", answer(ch, "secret", 3), users)).isEqualTo(DigestServer.Verdict.OK);
            assertThat(server.verify("REGISTER", answer(ch, "secret", 2), users)).isEqualTo(DigestServer.Verdict.REPLAY);
        }
    }

    @Test
    void wrongPasswordUnknownUserOtherMethodForgedNonceAndOtherRealmAreBad() {
        DigestChallenge ch = server.challenge(DigestAlgorithm.MD5, false);
        assertThat(server.verify("REGISTER", answer(ch, "guess", 1), users)).isEqualTo(DigestServer.Verdict.BAD);
        assertThat(server.verify("INVITE", answer(ch, "secret", 1), users)).isEqualTo(DigestServer.Verdict.BAD);
        DigestCredentials stranger = DigestCredentials.answer(ch, "REGISTER", "sip:x", "1009", "secret", "c", 1);
        assertThat(server.verify("REGISTER", stranger, users)).isEqualTo(DigestServer.Verdict.BAD);
        String nonce = ch.nonce();
        String forged = (nonce.charAt(3) == 'A' ? "B" : "A");
        DigestChallenge tampered = new DigestChallenge(ch.realm(), nonce.substring(0, 3) + forged + nonce.substring(4),
                ch.algorithm(), ch.qop(), ch.opaque(), false);
        assertThat(server.verify("REGISTER", answer(tampered, "secret", 1), users)).isEqualTo(DigestServer.Verdict.BAD);
        DigestServer other = new DigestServer("other.test", "0123456789abcdef0123".getBytes(), clock, Duration.ofMinutes(5));
        assertThat(other.verify("REGISTER", answer(ch, "secret", 1), users)).isEqualTo(DigestServer.Verdict.BAD);
        assertThat(server.verify("REGISTER", answer(ch, "secret", 1), users)).isEqualTo(DigestServer.Verdict.OK);
    }

    @Test
    void anExpiredNonceWithTheRightPasswordIsStaleAndAWrongOneStaysBad() {
        DigestChallenge ch = server.challenge(DigestAlgorithm.SHA_256, false);
        clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        assertThat(server.verify("REGISTER", answer(ch, "secret", 1), users)).isEqualTo(DigestServer.Verdict.STALE);
        assertThat(server.verify("REGISTER", answer(ch, "guess", 1), users)).isEqualTo(DigestServer.Verdict.BAD);
        DigestChallenge again = server.challenge(DigestAlgorithm.SHA_256, true);
        assertThat(again.toString()).contains("stale=true");
        assertThat(server.verify("REGISTER", answer(again, "secret", 1), users)).isEqualTo(DigestServer.Verdict.OK);
    }

    @Test
    void theCountsOfExpiredNoncesAreForgotten() {
        for (int i = 0; i < 3; i++) {
            DigestChallenge ch = server.challenge(DigestAlgorithm.MD5, false);
            assertThat(server.verify("REGISTER", answer(ch, "secret", 1), users)).isEqualTo(DigestServer.Verdict.OK);
        }
        assertThat(server.trackedNonces()).isEqualTo(3);
        clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        DigestChallenge fresh = server.challenge(DigestAlgorithm.MD5, false);
        assertThat(server.verify("REGISTER", answer(fresh, "secret", 1), users)).isEqualTo(DigestServer.Verdict.OK);
        assertThat(server.trackedNonces()).isEqualTo(1);
    }

    @Test
    void anAnswerWithoutQopIsAcceptedOnlyOnce() {
        DigestChallenge ch = server.challenge(DigestAlgorithm.MD5, false);
        DigestChallenge noQop = new DigestChallenge(ch.realm(), ch.nonce(), Optional.empty(), List.of(), Optional.empty(), false);
        DigestCredentials c = answer(noQop, "secret", 1);
        assertThat(c.qop()).isEmpty();
        assertThat(server.verify("REGISTER", c, users)).isEqualTo(DigestServer.Verdict.OK);
        assertThat(server.verify("REGISTER", c, users)).isEqualTo(DigestServer.Verdict.REPLAY);
    }

    @Test
    void aClientPicksSha256OverMd5AndSkipsWhatItCannotDo() {
        var picked = DigestChallenge.pick(List.of(
                "Digest realm=\"a\", nonce=\"n1\", algorithm=SHA-512-256, qop=\"auth\"",
                "Digest realm=\"a\", nonce=\"n2\", algorithm=MD5, qop=\"auth\"",
                "Basic realm=\"a\"",
                "Digest realm=\"a\", nonce=\"n3\", algorithm=SHA-256, qop=\"auth\""));
        assertThat(picked.map(DigestChallenge::nonce)).contains("n3");
        assertThat(DigestChallenge.pick(List.of("Digest realm=\"a\", nonce=\"n\"")).orElseThrow().algorithm()).isEmpty();
    }
}
