# Sends one INVITE with three Vias (two comma-joined) to a sipp UAS and saves every response it gets back, then ACK/BYE.
import socket, sys, os, time
port = int(sys.argv[1]); out = sys.argv[2]; os.makedirs(out, exist_ok=True)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('127.0.0.1', 0)); s.settimeout(1)
lp = s.getsockname()[1]
sdp = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n'
inv = ('INVITE sip:service@127.0.0.1:%d SIP/2.0\r\n'
 'Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bKcap1;rport, SIP/2.0/UDP 10.0.0.7:5060;branch=z9hG4bKproxy2;received=192.0.2.9\r\n'
 'Via: SIP/2.0/TCP [2001:db8::9]:5070;branch=z9hG4bKorig3\r\n'
 'From: "Doe, John" <sip:1001@127.0.0.1>;tag=f1\r\nTo: <sip:service@127.0.0.1>\r\nCall-ID: cap-resp-1@127.0.0.1\r\nCSeq: 1 INVITE\r\n'
 'Contact: <sip:1001@127.0.0.1:%d>\r\nMax-Forwards: 70\r\nContent-Type: application/sdp\r\nContent-Length: %d\r\n\r\n%s') % (port, lp, lp, len(sdp), sdp)
s.sendto(inv.encode(), ('127.0.0.1', port))
n = 0; end = time.time() + 3; tag = None
while time.time() < end:
    try: d, a = s.recvfrom(65535)
    except socket.timeout: continue
    n += 1; code = d.split(b' ')[1].decode()
    open(os.path.join(out, '%02d-resp_%s.sip' % (n, code)), 'wb').write(d)
    if code == '200': break
