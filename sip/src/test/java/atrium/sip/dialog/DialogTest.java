package atrium.sip.dialog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import atrium.sip.NameAddr;
import atrium.sip.SipRequest;
import atrium.sip.SipResponse;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Dialog state per RFC 3261 §12: ids, route sets, remote target, CSeq rules and the requests built inside. */
class DialogTest {
    private static SipRequest invite() {
        NameAddr from = NameAddr.parse("\"Alice\" <sip:1001@pbx.example>;tag=a1");
        NameAddr to = NameAddr.parse("<sip:1002@pbx.example>");
        return SipRequest.create("INVITE", "sip:1002@pbx.example", from, to, "call-1@host", 7)
                .with("Via", "SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKx")
                .with("Contact", "<sip:alice@10.0.0.1:5060>")
                .with("Record-Route", "<sip:p1.example;lr>, <sip:p2.example;lr>");
    }

    private static SipResponse answer(SipRequest invite, int status, String tag) {
        return invite.response(status, "X").withToTag(tag).with("Contact", "<sip:bob@10.0.0.2:5070>")
                .with("Record-Route", "<sip:p1.example;lr>").with("Record-Route", "<sip:p2.example;lr>");
    }

    @Test
    void aUasDialogTakesTheRouteSetInOrderAndTheCallerAsTarget() {
        SipRequest invite = invite();
        Dialog d = Dialog.uas(invite, "ours");
        assertThat(d.id()).isEqualTo(new Dialog.Id("call-1@host", "ours", "a1"));
        assertThat(Dialog.Id.ofRequest(invite.withHeaders(invite.headers().with("To", "<sip:1002@pbx.example>;tag=ours"))))
                .isEqualTo(d.id());
        assertThat(d.state()).isEqualTo(Dialog.State.EARLY);
        assertThat(d.routeSet()).containsExactly("<sip:p1.example;lr>", "<sip:p2.example;lr>");
        assertThat(d.remoteTarget()).isEqualTo("sip:alice@10.0.0.1:5060");

        SipRequest bye = d.request("BYE");
        assertThat(bye.uri()).isEqualTo("sip:alice@10.0.0.1:5060");
        assertThat(bye.headers().all("Route")).containsExactly("<sip:p1.example;lr>", "<sip:p2.example;lr>");
        assertThat(bye.from().tag()).contains("ours");
        assertThat(bye.to().tag()).contains("a1");
        assertThat(bye.to().displayName()).contains("Alice");
        assertThat(bye.callId()).isEqualTo("call-1@host");
        assertThat(d.request("INFO").cseq().number()).isEqualTo(bye.cseq().number() + 1);
    }

    @Test
    void aUacDialogReversesTheRouteSetAndIsEarlyFromA1xxWithATag() {
        SipRequest invite = invite();
        Dialog early = Dialog.uac(invite, answer(invite, 180, "b1"));
        assertThat(early.state()).isEqualTo(Dialog.State.EARLY);
        assertThat(early.id()).isEqualTo(new Dialog.Id("call-1@host", "a1", "b1"));
        assertThat(Dialog.Id.ofResponse(answer(invite, 200, "b1"))).isEqualTo(early.id());
        assertThat(early.routeSet()).containsExactly("<sip:p2.example;lr>", "<sip:p1.example;lr>");

        SipResponse ok = invite.response(200, "OK").withToTag("b1").with("Contact", "<sip:bob@10.0.0.9:5090>")
                .with("Record-Route", "<sip:p3.example;lr>");
        early.confirm(Optional.of(ok));
        assertThat(early.state()).isEqualTo(Dialog.State.CONFIRMED);
        assertThat(early.routeSet()).as("recomputed from the 2xx").containsExactly("<sip:p3.example;lr>");
        assertThat(early.remoteTarget()).isEqualTo("sip:bob@10.0.0.9:5090");

        SipRequest ack = early.ack(invite.cseq().number());
        assertThat(ack.method()).isEqualTo("ACK");
        assertThat(ack.cseq().number()).isEqualTo(7);
        assertThat(ack.cseq().method()).isEqualTo("ACK");
        assertThat(ack.uri()).isEqualTo("sip:bob@10.0.0.9:5090");
        assertThat(ack.headers().has("Via")).as("the layer adds a Via with a new branch").isFalse();
        assertThat(early.request("BYE").cseq().number()).isEqualTo(8);
    }

    @Test
    void aConfirmedDialogKeepsItsRouteSet() {
        SipRequest invite = invite();
        Dialog d = Dialog.uac(invite, answer(invite, 200, "b1"));
        d.confirm(Optional.of(invite.response(200, "OK").withToTag("b1").with("Record-Route", "<sip:other;lr>")));
        assertThat(d.routeSet()).containsExactly("<sip:p2.example;lr>", "<sip:p1.example;lr>");
    }

    @Test
    void aStrictFirstRouteGoesInTheRequestUriAndTheTargetLast() {
        SipRequest invite = invite().withHeaders(invite().headers().with("Record-Route", "<sip:strict.example>"));
        Dialog d = Dialog.uas(invite, "ours");
        SipRequest bye = d.request("BYE");
        assertThat(bye.uri()).isEqualTo("sip:strict.example");
        assertThat(bye.headers().all("Route")).containsExactly("<sip:alice@10.0.0.1:5060>");
    }

    @Test
    void aLowerRemoteCseqIsRefusedEqualOrHigherAccepted() {
        SipRequest invite = invite();
        Dialog d = Dialog.uas(invite, "ours");
        SipRequest reinvite = invite.withHeaders(invite.headers().with("CSeq", "9 INVITE"));
        assertThat(d.acceptRemoteCseq(reinvite)).isTrue();
        assertThat(d.acceptRemoteCseq(invite.withHeaders(invite.headers().with("CSeq", "8 BYE")))).isFalse();
        assertThat(d.acceptRemoteCseq(invite.withHeaders(invite.headers().with("CSeq", "12 BYE")))).isTrue();
        SipRequest oldAck = new SipRequest("ACK", invite.uri(), invite.headers().with("CSeq", "7 ACK"), new byte[0]);
        assertThat(d.acceptRemoteCseq(oldAck)).as("ACK carries its INVITE's CSeq and is not checked").isTrue();
    }

    @Test
    void aUacDialogAcceptsAnyFirstCseqFromThePeer() {
        SipRequest invite = invite();
        Dialog d = Dialog.uac(invite, answer(invite, 200, "b1"));
        assertThat(d.acceptRemoteCseq(invite.withHeaders(invite.headers().with("CSeq", "1 BYE")))).isTrue();
    }

    @Test
    void aTargetRefreshMovesTheRemoteTarget() {
        SipRequest invite = invite();
        Dialog d = Dialog.uas(invite, "ours");
        d.refreshTarget(invite.withHeaders(invite.headers().with("Contact", "<sip:alice@192.0.2.4:6000>")));
        assertThat(d.request("BYE").uri()).isEqualTo("sip:alice@192.0.2.4:6000");
        d.refreshTarget(invite.withHeaders(invite.headers().without("Contact")));
        assertThat(d.remoteTarget()).as("no Contact, no change").isEqualTo("sip:alice@192.0.2.4:6000");
    }

    @Test
    void onlyA1xxOr2xxWithATagCreatesADialog() {
        SipRequest invite = invite();
        assertThatThrownBy(() -> Dialog.uac(invite, invite.response(180, "Ringing")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Dialog.uac(invite, invite.response(486, "Busy").withToTag("x")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Dialog.uas(invite.withHeaders(invite.headers().without("Contact")), "t"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Dialog.uas(invite, "t").request("ACK")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Dialog.newTag()).hasSize(16).isNotEqualTo(Dialog.newTag());
    }
}
