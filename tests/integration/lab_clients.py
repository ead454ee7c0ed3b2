"""Small protocol clients for tests against the daemon lab (lab_daemons.py), standard library only.

Run them inside a lab namespace (the scanner's): they speak to whatever address they are given.
  connect(host, port)            a TCP connection (IPv4 or IPv6 by the address), TIMEOUT seconds
  tls_wrap(sock), cert_cn(tls)   a TLS client that accepts the lab's self-signed certificate; its CN
  read_until(sock, rx), line()   read until a bytes regex matches / one CRLF line (EOF, timeout: stop)
  udp_exchange(host, port, msg)  one datagram out, the first one back
  dns_query(id, name, type[, class]), dns_answers(reply), txt_strings(rdata), tcp_dns_exchange(host, port)
  ber(tag, content), ber_parse(data)   the BER subset SNMP needs
  icmp_errors(host, ports, wait[, expect])  one empty datagram to each port; the ICMP errors that come
                                 back, read from the socket's error queue (IP_RECVERR / IPV6_RECVERR)
"""
import re
import socket
import ssl
import struct
import subprocess
import time

from lab_daemons import TLS_NAME

TIMEOUT = 10.0  # any single answer (milliseconds on the veth pair; generous for a machine under load)
IP_RECVERR = getattr(socket, "IP_RECVERR", 11)
IPV6_RECVERR = getattr(socket, "IPV6_RECVERR", 25)
MSG_ERRQUEUE = getattr(socket, "MSG_ERRQUEUE", 0x2000)


# --- TCP, TLS -----------------------------------------------------------------------------------

def connect(host, port, timeout=TIMEOUT):
    return socket.create_connection((host, port), timeout=timeout)


def tls_wrap(sock):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # self-signed; the name is checked below by hand
    return ctx.wrap_socket(sock, server_hostname=TLS_NAME)


def cert_cn(tls):
    """The subject CN of the peer's certificate (read by `openssl x509`)."""
    der = tls.getpeercert(binary_form=True)
    pem = ssl.DER_cert_to_PEM_cert(der)
    out = subprocess.run(["openssl", "x509", "-noout", "-subject", "-nameopt", "multiline"], input=pem,
                         capture_output=True, text=True).stdout
    m = re.search(r"commonName\s*=\s*(\S+)", out)
    return m.group(1) if m else None


def read_until(sock, pattern, limit=65536):
    """Reads until the regex `pattern` (bytes) matches the data so far, EOF, or the timeout."""
    data = b""
    while not re.search(pattern, data, re.S) and len(data) < limit:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def line(sock):
    return read_until(sock, rb"\r?\n").decode("latin-1")


# --- DNS, UDP, BER ------------------------------------------------------------------------------

def dns_query(qid, name, qtype, qclass=1):
    q = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\x00"
    return struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0) + q + struct.pack(">HH", qtype, qclass)


def dns_answers(msg):
    """[(type, rdata)] of a DNS reply's answer section (names compressed or not)."""
    qd, an = struct.unpack(">HH", msg[4:8])
    pos = 12

    def skip_name(p):
        while msg[p]:
            if msg[p] & 0xC0 == 0xC0:
                return p + 2
            p += msg[p] + 1
        return p + 1

    for _ in range(qd):
        pos = skip_name(pos) + 4
    out = []
    for _ in range(an):
        pos = skip_name(pos)
        rtype, _cls, _ttl, rdlen = struct.unpack(">HHIH", msg[pos:pos + 10])
        out.append((rtype, msg[pos + 10:pos + 10 + rdlen]))
        pos += 10 + rdlen
    return out


def txt_strings(rdata):
    out, p = [], 0
    while p < len(rdata):
        out.append(rdata[p + 1:p + 1 + rdata[p]].decode("latin-1"))
        p += 1 + rdata[p]
    return out


def udp_exchange(host, port, payload):
    """Sends one datagram, returns the first reply (socket.timeout after TIMEOUT)."""
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(fam, socket.SOCK_DGRAM) as s:
        s.settimeout(TIMEOUT)
        s.connect((host, port))
        s.send(payload)
        return s.recv(65535)


def tcp_dns_exchange(host, port):
    """A function that sends one DNS message over TCP (length-prefixed) and returns the reply."""
    def exchange(msg):
        with connect(host, port) as s:
            s.sendall(struct.pack(">H", len(msg)) + msg)
            head = read_until(s, rb"^.{2}")
            n = struct.unpack(">H", head[:2])[0]
            body = head[2:]
            while len(body) < n:
                chunk = s.recv(4096)
                if not chunk:
                    break
                body += chunk
            return body
    return exchange


def ber(tag, content):
    n = len(content)
    k = (n.bit_length() + 7) // 8
    length = bytes([n]) if n < 128 else bytes([0x80 | k]) + n.to_bytes(k, "big")
    return bytes([tag]) + length + content


def ber_parse(data):
    """[(tag, content)] of consecutive TLVs."""
    out, p = [], 0
    while p < len(data):
        tag, n = data[p], data[p + 1]
        p += 2
        if n & 0x80:
            k = n & 0x7F
            n = int.from_bytes(data[p:p + k], "big")
            p += k
        out.append((tag, data[p:p + n]))
        p += n
    return out


# --- ICMP errors for UDP ------------------------------------------------------------------------

def icmp_errors(host, ports, wait, expect=None):
    """Sends one empty datagram to each port at once; returns [(port, icmp type, code)] of every ICMP
    error that came back within `wait` seconds (read from the socket's error queue), or as soon as
    `expect` of them have."""
    v6 = ":" in host
    s = socket.socket(socket.AF_INET6 if v6 else socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IPV6 if v6 else socket.IPPROTO_IP, IPV6_RECVERR if v6 else IP_RECVERR, 1)
    s.setblocking(False)
    for p in ports:
        for _ in range(3):  # an ICMP error already queued makes the next send report it once
            try:
                s.sendto(b"", (host, p))
                break
            except OSError:
                continue
    out, deadline = [], time.monotonic() + wait
    while time.monotonic() < deadline and (expect is None or len(out) < expect):
        try:
            _, anc, _, addr = s.recvmsg(512, 512, MSG_ERRQUEUE)
        except BlockingIOError:
            time.sleep(0.02)
            continue
        for _level, _type, data in anc:
            _errno, origin, itype, code = struct.unpack("=IBBB", data[:7])
            if origin in (2, 3):  # SO_EE_ORIGIN_ICMP, SO_EE_ORIGIN_ICMP6
                out.append((addr[1], itype, code))
    s.close()
    return out
