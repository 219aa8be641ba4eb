# Tiny UDP UAS for capturing what real peers send: 401 on REGISTER without Authorization, else 200; INVITE -> 100, 180, 200+SDP.
import socket, sys, re, os, time
port = int(sys.argv[1]); out = sys.argv[2]; dur = float(sys.argv[3])
os.makedirs(out, exist_ok=True)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('127.0.0.1', port)); s.settimeout(0.5)
n = 0; end = time.time() + dur
def hdrs(msg, names):
    lines = msg.split('\r\n'); res = []
    for l in lines:
        k = l.split(':', 1)[0].strip().lower()
        if k in names: res.append(l)
    return res
def resp(msg, code, reason, extra='', body=''):
    h = hdrs(msg, ('via', 'v', 'from', 'f', 'to', 't', 'call-id', 'i', 'cseq'))
    h2 = []
    for l in h:
        k = l.split(':', 1)[0].strip().lower()
        if k in ('to', 't') and 'tag=' not in l and code > 100: l += ';tag=cap123'
        h2.append(l)
    r = 'SIP/2.0 %d %s\r\n' % (code, reason) + '\r\n'.join(h2) + '\r\n' + extra + 'Content-Length: %d\r\n\r\n' % len(body) + body
    return r.encode()
sdp = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n'
while time.time() < end:
    try: data, addr = s.recvfrom(65535)
    except socket.timeout: continue
    if data.strip() == b'': continue
    n += 1
    first = data.split(b'\r\n', 1)[0].decode(errors='replace')
    name = '%02d-%s' % (n, re.sub(r'[^A-Za-z0-9]+', '_', first.split(' ')[0] if not first.startswith('SIP/') else 'resp_' + first.split(' ')[1]))
    open(os.path.join(out, name + '.sip'), 'wb').write(data)
    msg = data.decode(errors='replace')
    if first.startswith('SIP/'): continue
    m = first.split(' ')[0]
    if m == 'REGISTER':
        if not hdrs(msg, ('authorization',)):
            s.sendto(resp(msg, 401, 'Unauthorized', 'WWW-Authenticate: Digest realm="atrium.test", nonce="5f2b1c0d9e8a7b6c", algorithm=MD5, qop="auth"\r\n'), addr)
        else:
            c = hdrs(msg, ('contact', 'm'))
            s.sendto(resp(msg, 200, 'OK', (c[0] + ';expires=60\r\n') if c else ''), addr)
    elif m == 'INVITE':
        s.sendto(resp(msg, 100, 'Trying'), addr)
        s.sendto(resp(msg, 180, 'Ringing'), addr)
        s.sendto(resp(msg, 200, 'OK', 'Contact: <sip:cap@127.0.0.1:%d>\r\nContent-Type: application/sdp\r\n' % port, sdp), addr)
    elif m in ('ACK',): pass
    else:
        s.sendto(resp(msg, 200, 'OK'), addr)
