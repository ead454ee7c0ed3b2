#!/usr/bin/env python3
"""The daemon lab is what tests/lab/daemons.conf says it is (scripts/daemon_lab.sh, lab_daemons.py).

From the scanner namespace, over IPv4 and IPv6, with python sockets speaking each protocol:
  * every TCP daemon answers as itself: its greeting or its answer to a harmless request, with the
    version dpkg says is installed wherever the daemon states one on the wire (OpenSSH, vsftpd, nginx,
    MariaDB, Redis, Memcached, dnsmasq, Mosquitto's $SYS/broker/version); TLS ports complete a
    handshake with the lab's certificate, SMTP and IMAP offer STARTTLS (SMTP's is carried out);
  * the silent port accepts and never speaks, the closing one accepts and closes (tcpwrapped);
  * every UDP daemon answers a real query: DNS (A record and version.bind), NTP mode 3 (a mode-4
    reply at stratum 8 echoing our timestamp), SNMPv2c get sysDescr.0 with "public", memcached's
    UDP frame; a closed UDP port sends ICMP port unreachable, the rejected one ICMP administratively
    prohibited, the dropped ones nothing; the target keeps Linux's default ICMP rate limit (a burst
    of 40 probes to closed ports draws only a handful of port unreachables);
  * the daemons that state no version on the wire state it in their own log (Dovecot, Postfix,
    PostgreSQL, chrony, Net-SNMP), and it is dpkg's;
  * nmap -sS -p- (1-65535) on both addresses finds exactly the table's TCP ports open, the rest closed;
  * nothing the lab started listens in the root namespace.
Run with --inside (by the test itself, in the scanner namespace) it does the socket half and
prints its findings as JSON.
"""
import json
import os
import re
import socket
import struct
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from lab_clients import (TIMEOUT, TLS_NAME, ber, ber_parse, cert_cn, connect, dns_answers,  # noqa: E402
                         dns_query, icmp_errors, line, read_until, tcp_dns_exchange, tls_wrap, txt_strings,
                         udp_exchange)
from lab_daemons import TARGET_IP, TARGET_IP6, DaemonLab, load_services  # noqa: E402

SILENCE = 1.0        # how long "says nothing" is watched (answers on the veth take milliseconds)
CLOSED_UDP = 40000   # a UDP port nothing serves
RATE_PROBES = 40     # datagrams to closed ports sent at once for the ICMP rate-limit check


# --- TCP checks -----------------------------------------------------------------------------------

def smtp_check(host, port):
    problems = []
    with connect(host, port) as s:
        greet = line(s)
        if not re.match(r"220 lab\.portauth\.test ESMTP Postfix", greet):
            return [f"greeting {greet!r}"]
        s.sendall(b"EHLO scanner.lab.portauth.test\r\n")
        ehlo = read_until(s, rb"(^|\n)250 [^\n]*\n").decode("latin-1")
        if not re.search(r"^250[- ]STARTTLS", ehlo, re.M):
            problems.append(f"EHLO does not offer STARTTLS: {ehlo!r}")
        s.sendall(b"STARTTLS\r\n")
        reply = line(s)
        if not reply.startswith("220"):
            return problems + [f"STARTTLS answered {reply!r}"]
        with tls_wrap(s) as t:
            if cert_cn(t) != TLS_NAME:
                problems.append(f"STARTTLS certificate CN {cert_cn(t)!r}")
            t.sendall(b"EHLO scanner.lab.portauth.test\r\n")
            again = read_until(t, rb"(^|\n)250 [^\n]*\n").decode("latin-1")
            if not again.startswith("250"):
                problems.append(f"EHLO inside TLS answered {again!r}")
            t.sendall(b"QUIT\r\n")
    return problems


def http_check(host, port, version, tls):
    with connect(host, port) as raw:
        s = tls_wrap(raw) if tls else raw
        problems = []
        if tls and cert_cn(s) != TLS_NAME:
            problems.append(f"certificate CN {cert_cn(s)!r}")
        s.sendall(f"GET / HTTP/1.1\r\nHost: {TLS_NAME}\r\nConnection: close\r\n\r\n".encode())
        resp = read_until(s, rb"</html>").decode("latin-1")
        if not resp.startswith("HTTP/1.1 200"):
            problems.append(f"status line {resp[:40]!r}")
        if f"\r\nServer: nginx/{version}\r\n" not in resp:
            problems.append(f"no 'Server: nginx/{version}' header: {resp[:300]!r}")
        if "<title>portauth daemon lab</title>" not in resp:
            problems.append("not the lab's page")
        return problems


def mail_check(host, port, proto, tls):
    with connect(host, port) as raw:
        s = tls_wrap(raw) if tls else raw
        problems = []
        if tls and cert_cn(s) != TLS_NAME:
            problems.append(f"certificate CN {cert_cn(s)!r}")
        greet = line(s)
        want = r"\* OK .*Dovecot" if proto == "imap" else r"\+OK .*Dovecot"
        if not re.match(want, greet):
            problems.append(f"greeting {greet!r}")
        if proto == "imap" and not tls and "STARTTLS" not in greet:
            problems.append(f"plain IMAP does not offer STARTTLS: {greet!r}")
        return problems


def mqtt_check(host, port, version):
    with connect(host, port) as s:
        cid = b"portauth-daemon-lab"
        body = b"\x00\x04MQTT\x04\x02\x00\x0a" + struct.pack(">H", len(cid)) + cid  # MQTT 3.1.1, clean session
        s.sendall(bytes([0x10, len(body)]) + body)
        connack = read_until(s, rb"^.{4}")
        if connack[:4] != b"\x20\x02\x00\x00":
            return [f"CONNECT answered {connack!r}, want CONNACK accepted"]
        topic = b"$SYS/broker/version"
        body = struct.pack(">HH", 1, len(topic)) + topic + b"\x00"
        s.sendall(bytes([0x82, len(body)]) + body)
        data = read_until(s, rb"mosquitto version [0-9.]+")
        s.sendall(b"\xe0\x00")
        if f"mosquitto version {version}".encode() not in data:
            return [f"$SYS/broker/version: {data!r}, want mosquitto version {version}"]
        return []


def mysql_check(host, port, version):
    with connect(host, port) as s:
        pkt = read_until(s, rb"^.{4}")
        if len(pkt) < 4:
            return [f"no handshake: {pkt!r}"]
        length = int.from_bytes(pkt[:3], "little")
        while len(pkt) < 4 + length:
            chunk = s.recv(4096)
            if not chunk:
                break
            pkt += chunk
        payload = pkt[4:4 + length]
        if not payload or payload[0] != 10:
            return [f"not a protocol-10 handshake: {payload[:80]!r}"]
        server = payload[1:payload.index(b"\x00", 1)].decode("latin-1")
        if f"{version}-MariaDB" not in server:
            return [f"server version {server!r}, want {version}-MariaDB"]
        return []


def postgres_check(host, port):
    problems = []
    with connect(host, port) as s:
        s.sendall(struct.pack(">II", 8, 80877103))  # SSLRequest
        if s.recv(1) != b"S":
            problems.append("SSLRequest not accepted ('S')")
        else:
            with tls_wrap(s) as t:
                if cert_cn(t) != TLS_NAME:
                    problems.append(f"certificate CN {cert_cn(t)!r}")
    with connect(host, port) as s:
        params = b"user\x00portauth\x00database\x00portauth\x00\x00"
        s.sendall(struct.pack(">II", 8 + len(params), 196608) + params)  # StartupMessage 3.0
        reply = read_until(s, rb"\x00\x00$")
        if not reply.startswith(b"E") or b"pg_hba.conf" not in reply:
            problems.append(f"startup answered {reply[:200]!r}, want ErrorResponse about pg_hba.conf")
    return problems


def redis_check(host, port, version, auth):
    with connect(host, port) as s:
        s.sendall(b"PING\r\n")
        pong = line(s)
        if auth:
            return [] if pong.startswith("-NOAUTH") else [f"PING answered {pong!r}, want -NOAUTH"]
        if pong != "+PONG\r\n":
            return [f"PING answered {pong!r}"]
        s.sendall(b"INFO server\r\n")
        info = read_until(s, rb"redis_version:[^\r]*\r\n").decode("latin-1")
        if f"redis_version:{version}\r\n" not in info:
            return [f"INFO server: no redis_version:{version}: {info[:200]!r}"]
        return []


def memcached_check(host, port, version):
    with connect(host, port) as s:
        s.sendall(b"version\r\n")
        got = line(s)
        return [] if got == f"VERSION {version}\r\n" else [f"version answered {got!r}"]


def greeting_check(host, port, pattern):
    with connect(host, port) as s:
        got = line(s)
        return [] if re.match(pattern, got) else [f"greeting {got!r}, want /{pattern}/"]


def silent_check(host, port):
    with connect(host, port, timeout=SILENCE) as s:
        try:
            data = s.recv(100)
        except (socket.timeout, TimeoutError):
            return []
        return [f"spoke or closed: {data!r}"]


def closing_check(host, port):
    with connect(host, port) as s:
        try:
            data = s.recv(100)
        except ConnectionResetError:
            return []
        return [] if data == b"" else [f"sent {data!r} instead of closing"]


# --- UDP checks: DNS, NTP, SNMP, memcached ------------------------------------------------------

def dns_checks(host, version, exchange):
    problems = []
    reply = exchange(dns_query(0x5A01, TLS_NAME, 1 if ":" not in host else 28))
    want = socket.inet_pton(socket.AF_INET6 if ":" in host else socket.AF_INET, host)
    if reply[:2] != b"\x5a\x01" or (1 if ":" not in host else 28, want) not in dns_answers(reply):
        problems.append(f"{TLS_NAME} not answered with {host}: {reply!r}")
    reply = exchange(dns_query(0x5A02, "version.bind", 16, 3))  # TXT, class CHAOS
    txts = [t for ty, rd in dns_answers(reply) if ty == 16 for t in txt_strings(rd)]
    if f"dnsmasq-{version}" not in txts:
        problems.append(f"version.bind answered {txts!r}, want dnsmasq-{version}")
    return problems


def ntp_check(host, port):
    xmt = struct.pack(">II", 0xE5A1B2C3, 0x12345678)
    req = bytes([0x23]) + bytes(39) + xmt  # LI 0, version 4, mode 3 (client)
    reply = udp_exchange(host, port, req)
    if len(reply) < 48:
        return [f"short NTP reply {reply!r}"]
    mode, stratum = reply[0] & 7, reply[1]
    problems = []
    if mode != 4:
        problems.append(f"mode {mode}, want 4 (server)")
    if stratum != 8:
        problems.append(f"stratum {stratum}, want 8 (chrony's 'local stratum 8')")
    if reply[24:32] != xmt:
        problems.append("origin timestamp is not our transmit timestamp")
    return problems


def snmp_check(host, port):
    sys_descr = bytes([0x2B, 6, 1, 2, 1, 1, 1, 0])  # 1.3.6.1.2.1.1.1.0
    varbind = ber(0x30, ber(0x30, ber(0x06, sys_descr) + ber(0x05, b"")))
    pdu = ber(0xA0, ber(0x02, b"\x5a\x17") + ber(0x02, b"\x00") + ber(0x02, b"\x00") + varbind)
    msg = ber(0x30, ber(0x02, b"\x01") + ber(0x04, b"public") + pdu)  # version 1 = SNMPv2c
    reply = udp_exchange(host, port, msg)
    try:
        (_, top), = ber_parse(reply)
        _version, community, (pdu_tag, pdu_body) = ber_parse(top)
        req_id, err, _idx, (_, vbl) = ber_parse(pdu_body)
        (_, vb), = ber_parse(vbl)
        (_, oid), (vtag, value) = ber_parse(vb)
    except ValueError:
        return [f"unparsable SNMP reply {reply!r}"]
    problems = []
    if pdu_tag != 0xA2 or req_id[1] != b"\x5a\x17" or err[1] != b"\x00":
        problems.append(f"not a clean GetResponse to our request: {reply!r}")
    if oid != sys_descr or vtag != 0x04 or not value.startswith(b"Linux "):
        problems.append(f"sysDescr.0 = {value!r}, want the target's 'Linux ...'")
    return problems


def memcached_udp_check(host, port, version):
    reply = udp_exchange(host, port, struct.pack(">HHHH", 0x5A5A, 0, 1, 0) + b"version\r\n")
    if reply[:2] != b"\x5a\x5a" or reply[8:] != f"VERSION {version}\r\n".encode():
        return [f"UDP frame answered {reply!r}"]
    return []


# --- closed, dropped, rejected UDP ports; the ICMP rate limit ------------------------------------


def udp_state_checks(host, dropped, rejected):
    v6 = ":" in host
    unreach, admin = ((1, 4), (1, 1)) if v6 else ((3, 3), (3, 13))
    problems = []
    got = icmp_errors(host, [CLOSED_UDP], TIMEOUT, expect=1)
    if got != [(CLOSED_UDP, *unreach)]:
        problems.append(f"closed port {CLOSED_UDP}: ICMP {got}, want port unreachable {unreach}")
    got = icmp_errors(host, rejected, TIMEOUT, expect=len(rejected))
    if sorted(got) != sorted((p, *admin) for p in rejected):
        problems.append(f"rejected ports {rejected}: ICMP {got}, want admin prohibited {admin}")
    got = icmp_errors(host, dropped, SILENCE)
    if got:
        problems.append(f"dropped ports {dropped}: ICMP {got}, want nothing")
    # Linux's default rate limit (per peer: a token per icmp_ratelimit ms, burst 6): a burst of
    # RATE_PROBES to closed ports draws a handful of errors, not RATE_PROBES.
    got = icmp_errors(host, range(CLOSED_UDP + 1, CLOSED_UDP + 1 + RATE_PROBES), 0.5)
    limit = RATE_PROBES // 2 if v6 else 8
    if not 1 <= len(got) <= limit:
        problems.append(f"{RATE_PROBES} probes to closed ports drew {len(got)} port unreachables: "
                        f"want 1..{limit} (Linux's default ICMP rate limit)")
    return problems, len(got)


# --- the inside half: every socket check, in the scanner namespace ------------------------------

def inside(repo):
    services = load_services(repo)
    results = {}
    for host in (TARGET_IP, TARGET_IP6):
        for s in (s for s in services if s.open):  # the nftables ports: udp_state_checks
            key = f"{s.proto} {host} {s.port} {s.role}"
            try:
                results[key] = check_service(host, s, services)
            except (OSError, ValueError, IndexError, struct.error) as e:
                results[key] = [f"{type(e).__name__}: {e}"]
        dropped = [s.port for s in services if s.proto == "udp" and s.role == "drop"]
        rejected = [s.port for s in services if s.proto == "udp" and s.role == "reject-admin"]
        problems, n = udp_state_checks(host, dropped, rejected)
        results[f"udp {host} closed/dropped/rejected, rate limit ({n} of {RATE_PROBES} answered)"] = problems
    print(json.dumps(results))


def check_service(host, s, services):
    v = s.version
    if s.proto == "udp":
        return {
            "dnsmasq": lambda: dns_checks(host, v, lambda m: udp_exchange(host, s.port, m)),
            "chronyd": lambda: ntp_check(host, s.port),
            "snmpd": lambda: snmp_check(host, s.port),
            "memcached": lambda: memcached_udp_check(host, s.port, v),
        }[s.role]()
    role = s.role
    if role == "vsftpd":
        return greeting_check(host, s.port, rf"220 \(vsFTPd {re.escape(v)}\)\r\n$")
    if role == "sshd":
        return greeting_check(host, s.port, rf"SSH-2\.0-OpenSSH_{re.escape(v)} ")
    if role.startswith("postfix"):
        return smtp_check(host, s.port)
    if role == "dnsmasq":
        return dns_checks(host, v, tcp_dns_exchange(host, s.port))
    if role.startswith("nginx-"):
        return http_check(host, s.port, v, s.tunnel == "ssl")
    if role.startswith("dovecot-"):
        return mail_check(host, s.port, s.name, s.tunnel == "ssl")
    if role == "mosquitto":
        return mqtt_check(host, s.port, v)
    if role == "mariadb":
        return mysql_check(host, s.port, v)
    if role == "postgresql":
        return postgres_check(host, s.port)
    if role in ("redis", "redis-auth"):
        return redis_check(host, s.port, v, role == "redis-auth")
    if role == "memcached":
        return memcached_check(host, s.port, v)
    if role == "silent":
        return silent_check(host, s.port)
    if role == "closing":
        return closing_check(host, s.port)
    return [f"no check for role {role}"]


# --- the outside half ---------------------------------------------------------------------------

# Daemons that state no version on the wire: the line each writes to its log at start.
LOG_VERSION = {
    "dovecot-imap": r"Dovecot v{v} ",
    "postfix": r"daemon started -- version {v},",
    "postgresql": r"starting PostgreSQL {v} ",
    "chronyd": r"chronyd version {v} starting",
    "snmpd": r"NET-SNMP version {v}",
    "redis-auth": r"Redis version={v},",
}


def nmap_open(lab, host):
    argv = ["nmap", "-sS", "-p-", "-n", "-Pn", "-T4", "--max-retries", "1", "-oX", "-", host]
    if ":" in host:
        argv.insert(1, "-6")
    r = lab.run(argv, timeout=120)
    if r.returncode != 0:
        return None, f"nmap exit {r.returncode}: {r.stderr[-500:]}"
    root = ET.fromstring(r.stdout)
    ports = {int(p.get("portid")): p.find("state").get("state") for p in root.iter("port")}
    extra = [(e.get("state"), e.get("count")) for e in root.iter("extraports")]
    return ports, extra


def root_listeners(ports):
    out = subprocess.run(["ss", "-Htuln"], capture_output=True, text=True).stdout
    return sorted(l.split()[4] for l in out.splitlines() if int(l.split()[4].rsplit(":", 1)[1]) in ports)


def main():
    from lablib import SKIP, describe, log, parse_args, report, require_lab_support

    args = parse_args("the daemon lab: real daemons answer as themselves")
    require_lab_support()
    for tool in ("nmap", "openssl"):
        if subprocess.run(["which", tool], capture_output=True).returncode != 0:
            log(f"SKIP: {tool} not installed (scripts/setup.sh)")
            sys.exit(SKIP)
    t_start = time.monotonic()
    problems = []
    all_ports = {s.port for s in load_services(args.repo)}
    before = root_listeners(all_ports)
    with DaemonLab(args.repo) as lab:
        log(f"lab {lab.name} up in {lab.startup_seconds:.2f} s; installed: " +
            ", ".join(sorted({f"{s.package} {s.deb_version}" for s in lab.services if s.package})))
        missing = [s.package for s in lab.services if s.package and not s.deb_version]
        if missing:
            problems.append(f"packages not installed: {sorted(set(missing))}")

        t = time.monotonic()
        r = lab.run([sys.executable, os.path.abspath(__file__), "--inside", args.repo], timeout=180)
        log(f"socket checks: {time.monotonic() - t:.1f} s")
        if r.returncode != 0:
            problems.append(f"socket checks crashed: {describe(r)}")
        else:
            for key, found in json.loads(r.stdout).items():
                log(f"  {'ok  ' if not found else 'FAIL'} {key}")
                problems += [f"{key}: {p}" for p in found]

        for s in lab.services:
            pattern = LOG_VERSION.get(s.role)
            if pattern and not re.search(pattern.format(v=re.escape(s.version)), lab.log(s.role)):
                problems.append(f"{s.role}: its log does not state version {s.version} "
                                f"({s.package} {s.deb_version}): {lab.log(s.role)[-300:]!r}")

        want = set(lab.tcp_open())
        t = time.monotonic()
        for host in (lab.target_ip, lab.target_ip6):
            ports, extra = nmap_open(lab, host)
            if ports is None:
                problems.append(f"nmap {host}: {extra}")
                continue
            got = {p for p, st in ports.items() if st == "open"}
            if got != want:
                problems.append(f"nmap -sS -p- {host}: open {sorted(got)}, want {sorted(want)}")
            others = {st for p, st in ports.items() if st != "open"} | {st for st, _ in extra if st != "closed"}
            if others:
                problems.append(f"nmap -sS -p- {host}: states other than open/closed: {others} {extra}")
            log(f"  nmap -sS -p- {host}: {len(got)} open, {extra}")
        log(f"nmap: {time.monotonic() - t:.1f} s")

        after = root_listeners(all_ports)
        if after != before:
            problems.append(f"listeners in the root namespace on the lab's ports: {before} -> {after}")
    log(f"total {time.monotonic() - t_start:.1f} s")
    sys.exit(report("daemon lab", problems))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--inside":
        inside(sys.argv[2])
    else:
        main()
