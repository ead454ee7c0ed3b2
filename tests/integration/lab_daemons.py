"""The daemon lab for tests: real Debian daemons on the target (scripts/daemon_lab.sh). Standard library.

    from lab_daemons import DaemonLab
    with DaemonLab(repo) as lab:                   # up on enter, down on exit (always, also on error)
        lab.run(["nmap", "-sS", lab.target_ip])    # a command in the scanner namespace (the only
                                                   # place a probe may start)
        for s in lab.services:                     # every row of tests/lab/daemons.conf
            s.port, s.proto, s.name, s.tunnel, s.product, s.version
        lab.tcp_open(), lab.udp_open()             # the ports a process serves, sorted
        lab.by_role("redis-auth")                  # the rows of one role
        lab.log("postfix")                         # a daemon's own log, for failure messages
        lab.startup_seconds                        # how long `daemon_lab.sh up` took to have every port ready
    load_services(repo)                            # the same rows without a lab (versions from dpkg)

DaemonLab(repo, name=None): name defaults to pd<pid> (namespaces NAME-scan, NAME-tgt); `up` installs
missing packages first, so the first run on a fresh machine is slow (scripts/test.sh installs them
before the suite). Addresses: SCAN_IP 198.18.0.1 / SCAN_IP6 2001:2::1 -> TARGET_IP 198.18.0.2 /
TARGET_IP6 2001:2::2; every daemon listens on both target addresses. Every port the table does not
list is closed: TCP RST, UDP ICMP port unreachable at Linux's default ICMP rate limit.

Service (one row of the table, ground truth for assertions):
  port, proto     int, "tcp" or "udp"
  role            the daemon_lab.sh role: sshd, nginx-http, nginx-https, postfix, postfix-submission,
                  dovecot-imaps, ...,
                  "silent" (accepts, never speaks), "closing" (accepts, closes at once: tcpwrapped),
                  "drop" (UDP, nftables drop: no answer), "reject-admin" (UDP, ICMP admin prohibited)
  name            the service as nmap -sV names it (ssh, http, smtp, imap, pop3, ftp, domain, mysql,
                  postgresql, redis, memcached, mqtt, ntp, snmp, tcpwrapped), None where nothing can
                  be named (silent, drop, reject-admin)
  tunnel          "ssl" for TLS from the first byte (443, 6443, 993, 995), else None; 25 and 587
                  offer STARTTLS
  product         the product the daemon calls itself (OpenSSH, nginx, Postfix, Dovecot, vsftpd,
                  Redis, Memcached, Mosquitto, PostgreSQL, MariaDB, dnsmasq, chrony, Net-SNMP) or None;
                  compare case-insensitively, as a word inside a scanner's product string
  package         the Debian package, deb_version its full installed version (dpkg-query),
  version         the upstream part of it (epoch, Debian revision, +dfsg... removed): "9.2p1",
                  "1.22.1", "10.11.19"; what the daemon itself reports where it reports a version
  open            True when a process serves the port (not drop/reject-admin)
nmap 7.93 -sS -sV -T4 on this lab (170 s on a loaded machine) names every port as the table does except
993 and 995 ("imaps?", "pop3s?": port table only), 9999 ("abyss?": port table only) and 1883 (its
service name comes out as "mosquitto version 2.0.11"); products: "Postfix smtpd", "Dovecot imapd",
"MySQL" 5.5.5-10.11.19-MariaDB-0+deb12u1, "PostgreSQL DB" 9.6.0 or later, "Redis key-value store".
The table also sets: redis-auth (6000) requires a password (answers -NOAUTH), 2525 is nginx HTTP
where the port database expects SMTP, 6443 nginx HTTPS where it expects Kubernetes, dnsmasq also
answers DNS over TCP on 53, TLS everywhere uses one self-signed certificate for lab.portauth.test
(SAN: that name and both target addresses).
"""
import os
import re
import subprocess
from collections import namedtuple

SCAN_IP, TARGET_IP = "198.18.0.1", "198.18.0.2"
SCAN_IP6, TARGET_IP6 = "2001:2::1", "2001:2::2"
TLS_NAME = "lab.portauth.test"
RUN_ROOT = "/run/portauth-daemons"
NFT_ROLES = ("drop", "reject-admin")

Service = namedtuple("Service", "port proto role name tunnel product package deb_version version open")


def upstream_version(deb_version):
    """'1:9.2p1-2+deb12u10' -> '9.2p1'; '1:2.3.19.1+dfsg1-2.1+deb12u7' -> '2.3.19.1'."""
    v = deb_version.split(":", 1)[-1]
    if "-" in v:
        v = v.rsplit("-", 1)[0]
    return re.split(r"[+~]", v, 1)[0]


def installed_version(package):
    """The full dpkg version of an installed package, or None."""
    r = subprocess.run(["dpkg-query", "-W", "-f=${Status}\t${Version}", package], capture_output=True, text=True)
    if r.returncode != 0 or not r.stdout.startswith("install ok installed"):
        return None
    return r.stdout.split("\t", 1)[1]


def load_services(repo):
    """Every row of tests/lab/daemons.conf as a Service, versions read from dpkg (None if not installed)."""
    out, versions = [], {}
    with open(os.path.join(repo, "tests", "lab", "daemons.conf")) as f:
        for line in f:
            fields = line.split("#", 1)[0].split()
            if not fields:
                continue
            port, proto, role, name, tunnel, product, package = fields
            none = (lambda x: None if x == "-" else x)
            package = none(package)
            if package and package not in versions:
                versions[package] = installed_version(package)
            deb = versions.get(package)
            out.append(Service(int(port), proto, role, none(name), none(tunnel), none(product), package, deb,
                               upstream_version(deb) if deb else None, role not in NFT_ROLES))
    return out


class DaemonLab:
    """scripts/daemon_lab.sh up on enter, down on exit (always)."""

    def __init__(self, repo, name=None):
        self.repo = repo
        self.name = name or f"pd{os.getpid()}"
        self.scan_ns, self.tgt_ns = f"{self.name}-scan", f"{self.name}-tgt"
        self.script = os.path.join(repo, "scripts", "daemon_lab.sh")
        self.run_dir = os.path.join(RUN_ROOT, self.name)
        self.scan_ip, self.target_ip, self.scan_ip6, self.target_ip6 = SCAN_IP, TARGET_IP, SCAN_IP6, TARGET_IP6
        self.services = []
        self.startup_seconds = None

    def __enter__(self):
        try:
            r = subprocess.run(["bash", self.script, "up", "--name", self.name], timeout=900,
                               capture_output=True, text=True)
            if r.returncode != 0:
                raise RuntimeError(f"daemon_lab.sh up failed (exit {r.returncode}):\n{r.stderr[-4000:]}")
            with open(os.path.join(self.run_dir, "startup_ms")) as f:
                self.startup_seconds = int(f.read()) / 1000
            self.services = load_services(self.repo)
        except BaseException:
            self.down()
            raise
        return self

    def __exit__(self, *exc):
        self.down()
        return False

    def down(self):
        subprocess.run(["bash", self.script, "down", "--name", self.name], timeout=120, capture_output=True)

    def run(self, argv, timeout=240, **kw):
        """Runs argv in the scanner namespace; CompletedProcess with text output."""
        return subprocess.run(["ip", "netns", "exec", self.scan_ns, *argv], capture_output=True, text=True,
                              timeout=timeout, **kw)

    def tcp_open(self):
        return sorted({s.port for s in self.services if s.proto == "tcp" and s.open})

    def udp_open(self):
        return sorted({s.port for s in self.services if s.proto == "udp" and s.open})

    def by_role(self, role, proto=None):
        return [s for s in self.services if s.role == role and (proto is None or s.proto == proto)]

    def log(self, role):
        """The log (stdout and stderr) of the daemon serving `role`, while the lab is up; "" if none."""
        name = "mute" if role in ("silent", "closing") else re.sub(r"-(https?|imaps?|pop3s?|submission)$", "", role)
        try:
            with open(os.path.join(self.run_dir, "log", f"{name}.log"), errors="replace") as f:
                return f.read()
        except OSError:
            return ""
