package atrium.sip.transaction;

import atrium.sip.SipMessage;
import atrium.sip.SipParser;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** A bare UDP socket that sends hand-written SIP text and reads what comes back: the peer for timer edge cases. */
final class RawPeer implements AutoCloseable {
    final DatagramSocket socket;
    private final SipParser parser = new SipParser(SipParser.Limits.DEFAULT);

    RawPeer() throws IOException {
        socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    }

    int port() {
        return socket.getLocalPort();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /** Sends {@code text} with {PORT} replaced by this socket's port and a Content-Length added. */
    void send(String text, int toPort) throws IOException {
        String msg = text.replace("{PORT}", Integer.toString(port())).replace("\n", "\r\n") + "Content-Length: 0\r\n\r\n";
        byte[] b = msg.getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), toPort));
    }

    /** The next message within {@code millis}, or empty. */
    Optional<SipMessage> receive(int millis) throws IOException {
        return receiveText(millis).map(t -> {
            byte[] b = t.getBytes(StandardCharsets.UTF_8);
            return parser.parseDatagram(b, 0, b.length);
        });
    }

    /** The next datagram as text within {@code millis}, or empty. */
    Optional<String> receiveText(int millis) throws IOException {
        byte[] buf = new byte[65535];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        socket.setSoTimeout(millis);
        try {
            socket.receive(p);
        } catch (SocketTimeoutException e) {
            return Optional.empty();
        }
        return Optional.of(new String(buf, 0, p.getLength(), StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        socket.close();
    }
}
