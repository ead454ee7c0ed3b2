"""Shared helpers for portauth's integration tests (standard library only).

Contract:
  * Every test script takes `--binary PATH --repo DIR` (parse_args) and calls require_lab_support()
    first: it exits SKIP (77) when not root or when network namespaces cannot be made.
  * Lab(...) is a context manager around `scripts/netlab.sh up/down` with a name unique to this
    process (pa<pid>); down always runs, also on SIGTERM/SIGINT (turned into SystemExit here).
    Lab.run(argv) runs a command inside the lab's scanner namespace, the only place probes start.
  * LoopbackNs(...) is a bare namespace with only `lo` up and listeners on 127.0.0.1.
  * Profile(path).expected(addr, port) -> (state, reason): the ground truth of tests/lab/profile.conf,
    with the same first-match rule netlab.sh gives nftables; Profile(path).answers_ping(addr) says
    whether addr answers an ICMP echo ("ping drop ADDRSPEC" lines).
  * read_jsonl(path) and check_scan(...) turn a scanner's JSONL output into a list of problems.
  * PacketCounter(ns) counts every packet on every interface of a namespace (AF_PACKET, ETH_P_ALL),
    so a test can prove a refused scan sent nothing.
Run as a script (`lablib.py count-packets`) it is the counter's in-namespace half.
"""
import argparse
import ipaddress
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

SKIP = 77
PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
SCAN_IP = "198.18.0.1"
TARGET_IP = "198.18.0.2"
ANYIP_NET = ipaddress.ip_network("198.18.1.0/24")
SCAN_IF = "veth-scan"
ANSWERED_TTL = 64  # Linux's default TTL; the target is one veth away, so nothing decrements it
STATES = {"open", "closed", "stealth"}
REASONS = {
    "open": {"syn-ack"},
    "stealth": {"no-response"},
    "closed": {"rst", "icmp-net-unreach", "icmp-host-unreach", "icmp-proto-unreach",
               "icmp-port-unreach", "icmp-net-prohibited", "icmp-host-prohibited",
               "icmp-admin-prohibited"},
}


def log(msg):
    print(msg, flush=True)


def parse_args(description):
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--binary", required=True, help="the portauth executable")
    ap.add_argument("--repo", required=True, help="the source tree (for scripts/ and tests/lab/)")
    args = ap.parse_args()
    args.binary = os.path.abspath(args.binary)
    args.repo = os.path.abspath(args.repo)
    if not os.access(args.binary, os.X_OK):
        log(f"FAIL: portauth binary not found or not executable: {args.binary}")
        sys.exit(1)
    return args


def _raise_exit(signum, _frame):
    raise SystemExit(128 + signum)


def require_lab_support():
    """Exit SKIP unless we are root and can create a network namespace; make SIGTERM unwind."""
    signal.signal(signal.SIGTERM, _raise_exit)
    signal.signal(signal.SIGINT, _raise_exit)
    if os.geteuid() != 0:
        log("SKIP: integration tests need root (network namespaces, raw sockets)")
        sys.exit(SKIP)
    if shutil.which("ip") is None or shutil.which("nft") is None:
        log("SKIP: need iproute2 and nftables (apt-get install iproute2 nftables)")
        sys.exit(SKIP)
    probe = f"paprobe{os.getpid()}"
    if subprocess.run(["ip", "netns", "add", probe], capture_output=True).returncode != 0:
        log("SKIP: cannot create a network namespace here (ip netns add failed)")
        sys.exit(SKIP)
    subprocess.run(["ip", "netns", "del", probe], capture_output=True)


def ns_run(ns, argv, timeout=120, **kw):
    """Run argv inside namespace ns; returns CompletedProcess with text stdout/stderr."""
    return subprocess.run(["ip", "netns", "exec", ns, *argv], capture_output=True, text=True,
                          timeout=timeout, **kw)


# --- the lab ------------------------------------------------------------------------------------

class Lab:
    """scripts/netlab.sh up on enter, down on exit (always). Probes go only from self.scan_ns."""

    def __init__(self, repo, name=None):
        self.repo = repo
        self.name = name or f"pa{os.getpid()}"
        self.scan_ns = f"{self.name}-scan"
        self.tgt_ns = f"{self.name}-tgt"
        self.netlab = os.path.join(repo, "scripts", "netlab.sh")
        self.profile_path = os.path.join(repo, "tests", "lab", "profile.conf")

    def __enter__(self):
        try:
            subprocess.run(["bash", self.netlab, "up", "--name", self.name], check=True, timeout=60)
        except BaseException:
            self.down()
            raise
        return self

    def __exit__(self, *exc):
        self.down()
        return False

    def down(self):
        subprocess.run(["bash", self.netlab, "down", "--name", self.name], timeout=60,
                       env={**os.environ, "NETLAB_QUIET": "1"})

    def run(self, argv, timeout=240):
        return ns_run(self.scan_ns, argv, timeout=timeout)


class LoopbackNs:
    """A namespace with only lo (127.0.0.1) up and listeners on 127.0.0.1:ports."""

    def __init__(self, repo, ports, name=None):
        self.repo = repo
        self.ports = list(ports)
        self.ns = name or f"pa{os.getpid()}-lo"
        self.listener = None
        self.tmp = tempfile.mkdtemp(prefix="portauth-lo-")

    def __enter__(self):
        try:
            subprocess.run(["ip", "netns", "add", self.ns], check=True)
            ns_run(self.ns, ["ip", "link", "set", "lo", "up"]).check_returncode()
            ns_run(self.ns, ["sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1",
                             "net.core.somaxconn=65535"])
            pidfile = os.path.join(self.tmp, "listener.pid")
            self.listener = subprocess.Popen(
                ["ip", "netns", "exec", self.ns, PYTHON,
                 os.path.join(self.repo, "scripts", "lab_listener.py"),
                 "--host", "127.0.0.1", "--pidfile", pidfile, *map(str, self.ports)],
                stdin=subprocess.DEVNULL)
            deadline = time.monotonic() + 10
            while not os.path.exists(pidfile):
                if self.listener.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("loopback listener did not start")
                time.sleep(0.05)
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def close(self):
        if self.listener is not None and self.listener.poll() is None:
            self.listener.terminate()
            try:
                self.listener.wait(5)
            except subprocess.TimeoutExpired:
                self.listener.kill()
                self.listener.wait()
        subprocess.run(["ip", "netns", "del", self.ns], capture_output=True)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def run(self, argv, timeout=240):
        return ns_run(self.ns, argv, timeout=timeout)


# --- the ground truth ---------------------------------------------------------------------------

def parse_ports(spec):
    """'22,80,8000-8100' -> sorted list of ints (the test's own expansion, for expected sets)."""
    out = set()
    for item in spec.split(","):
        lo, _, hi = item.partition("-")
        lo, hi = int(lo), int(hi or lo)
        if not 0 <= lo <= hi <= 65535:
            raise ValueError(f"bad port range {item!r}")
        out.update(range(lo, hi + 1))
    return sorted(out)


def parse_addrs(spec):
    """'a.b.c.d', 'a.b.c.d/nn', 'a.b.c.d-e.f.g.h', 'a.b.c.d-h' (comma lists) -> list of (lo, hi) ints."""
    out = []
    for item in spec.split(","):
        if "/" in item:
            net = ipaddress.ip_network(item, strict=False)
            out.append((int(net.network_address), int(net.broadcast_address)))
        elif "-" in item:
            a, b = item.split("-", 1)
            lo = ipaddress.ip_address(a)
            hi = ipaddress.ip_address(b if "." in b else a.rsplit(".", 1)[0] + "." + b)
            out.append((int(lo), int(hi)))
        else:
            v = int(ipaddress.ip_address(item))
            out.append((v, v))
    return out


def expand_addrs(spec):
    """Every address of a target spec, as dotted strings, in ascending order."""
    out = set()
    for lo, hi in parse_addrs(spec):
        out.update(range(lo, hi + 1))
    return [str(ipaddress.ip_address(v)) for v in sorted(out)]


class Profile:
    """tests/lab/profile.conf: first matching line wins; unlisted ports are closed/rst."""

    def __init__(self, path):
        self.rules = []  # (state, reason, ports: set or None=all, addrs: list of ranges or None=all)
        self.ping_drops = []  # address ranges that ignore ICMP echo
        with open(path) as f:
            for lineno, raw in enumerate(f, 1):
                fields = raw.split("#", 1)[0].split()
                if not fields:
                    continue
                if fields[0] == "ping":
                    if len(fields) != 3 or fields[1] != "drop":
                        raise ValueError(f"{path}:{lineno}: want ping drop ADDRSPEC")
                    self.ping_drops += parse_addrs(fields[2])
                    continue
                if len(fields) not in (3, 4):
                    raise ValueError(f"{path}:{lineno}: want STATE REASON PORTSPEC [ADDRSPEC]")
                state, reason, ports = fields[:3]
                if reason not in REASONS.get(state, ()):
                    raise ValueError(f"{path}:{lineno}: unknown state/reason {state} {reason}")
                portset = None if ports == "all" else set(parse_ports(ports))
                addrs = parse_addrs(fields[3]) if len(fields) == 4 else None
                self.rules.append((state, reason, portset, addrs))

    @staticmethod
    def answers(addr):
        """Whether anything in the lab answers for addr at all (the target and its AnyIP block)."""
        ip = ipaddress.ip_address(addr)
        return str(ip) == TARGET_IP or ip in ANYIP_NET

    def answers_ping(self, addr):
        """Whether addr answers an ICMP echo request (the lab's addresses do, unless dropped)."""
        if not self.answers(addr):
            return False
        a = int(ipaddress.ip_address(addr))
        return not any(lo <= a <= hi for lo, hi in self.ping_drops)

    def expected(self, addr, port):
        if not self.answers(addr):
            return ("stealth", "no-response")
        a = int(ipaddress.ip_address(addr))
        for state, reason, ports, addrs in self.rules:
            if addrs is not None and not any(lo <= a <= hi for lo, hi in addrs):
                continue
            if ports is None or port in ports:
                return (state, reason)
        return ("closed", "rst")


# --- scanner output -----------------------------------------------------------------------------

def read_jsonl(path):
    """Returns (records, problems): one dict per non-empty line; unparsable lines are problems."""
    records, problems = [], []
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                problems.append(f"line {lineno}: empty line")
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as e:
                problems.append(f"line {lineno}: not JSON ({e}): {line[:120]!r}")
                continue
            if not isinstance(rec, dict):
                problems.append(f"line {lineno}: not a JSON object: {line[:120]!r}")
                continue
            records.append(rec)
    return records, problems


def check_scan(records, addrs, ports, expected, ttl=ANSWERED_TTL):
    """Problems with a --show all scan of addrs x ports, judged by expected(addr, port).

    Checks: every (ip, port) exactly once and nothing else; proto tcp; state and reason as
    expected; ttl an int equal to `ttl` for answered ports and null for stealth ones.
    """
    problems = []
    want = {(a, p) for a in addrs for p in ports}
    seen = set()
    for i, rec in enumerate(records, 1):
        ip, port = rec.get("ip"), rec.get("port")
        where = f"record {i} {ip}:{port}"
        if not isinstance(ip, str) or type(port) is not int:
            problems.append(f"{where}: ip must be a string and port an int: {rec}")
            continue
        key = (ip, port)
        if key not in want:
            problems.append(f"{where}: not asked for")
            continue
        if key in seen:
            problems.append(f"{where}: duplicate")
            continue
        seen.add(key)
        if rec.get("proto") != "tcp":
            problems.append(f"{where}: proto {rec.get('proto')!r}, want 'tcp'")
        got = (rec.get("state"), rec.get("reason"))
        exp = expected(ip, port)
        if got != exp:
            problems.append(f"{where}: got {got[0]}/{got[1]}, want {exp[0]}/{exp[1]}")
        if "ttl" not in rec:
            problems.append(f"{where}: no ttl key")
        elif exp[0] == "stealth":
            if rec["ttl"] is not None:
                problems.append(f"{where}: ttl {rec['ttl']!r} for a stealth port, want null")
        elif type(rec["ttl"]) is not int or rec["ttl"] != ttl:
            problems.append(f"{where}: ttl {rec['ttl']!r}, want {ttl}")
    missing = sorted(want - seen, key=lambda k: (ipaddress.ip_address(k[0]), k[1]))
    for ip, port in missing:
        problems.append(f"{ip}:{port}: missing from output (want {'/'.join(expected(ip, port))})")
    return problems


def report(title, problems, limit=20):
    """Print a verdict; returns the exit code (0 pass, 1 fail)."""
    if not problems:
        log(f"PASS: {title}")
        return 0
    log(f"FAIL: {title}: {len(problems)} problem(s); first {min(limit, len(problems))}:")
    for p in problems[:limit]:
        log(f"  {p}")
    return 1


def describe(proc):
    """A short account of a finished process, for failure messages."""
    return (f"exit {proc.returncode}\n--- stderr ---\n{proc.stderr[-3000:]}"
            f"\n--- stdout ---\n{proc.stdout[-1500:]}")


# --- packet counter -----------------------------------------------------------------------------

class PacketCounter:
    """Counts every frame on every interface of namespace ns while the with-block runs.

    result() after the block: {"count": N, "samples": [short descriptions of the first frames]}.
    """

    def __init__(self, ns):
        self.ns = ns
        self.proc = None
        self.result_ = None

    def __enter__(self):
        self.proc = subprocess.Popen(["ip", "netns", "exec", self.ns, PYTHON, os.path.abspath(__file__),
                                      "count-packets"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True)
        ready = self.proc.stdout.readline().strip()
        if ready != "ready":
            self.proc.kill()
            raise RuntimeError(f"packet counter did not start: {ready!r}")
        return self

    def __exit__(self, *exc):
        time.sleep(0.3)  # let frames still in flight reach the socket
        try:
            out, _ = self.proc.communicate(input="", timeout=10)
            self.result_ = json.loads(out)
        except (subprocess.TimeoutExpired, json.JSONDecodeError):
            self.proc.kill()
            self.proc.wait()
            raise
        return False

    def result(self):
        return self.result_


def _frame_summary(frame, addr):
    ifname, proto, pkttype = addr[0], addr[1], addr[2]
    direction = {0: "in", 4: "out"}.get(pkttype, f"type{pkttype}")
    desc = f"{ifname} {direction} ethertype=0x{proto:04x} len={len(frame)}"
    if proto == 0x0800 and len(frame) >= 34:
        ip = frame[14:34]
        desc += (f" {socket.inet_ntoa(ip[12:16])} -> {socket.inet_ntoa(ip[16:20])} ipproto={ip[9]}")
    return desc


def _count_packets_main():
    """In-namespace half of PacketCounter: print 'ready', count until stdin closes, print JSON."""
    ETH_P_ALL = 0x0003
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
    count, samples = 0, []

    def drain():
        nonlocal count
        while True:
            try:
                frame, addr = s.recvfrom(65535, socket.MSG_DONTWAIT)
            except BlockingIOError:
                return
            count += 1
            if len(samples) < 10:
                samples.append(_frame_summary(frame, addr))

    print("ready", flush=True)
    while True:
        r, _, _ = select.select([s, sys.stdin], [], [])
        if s in r:
            drain()
        if sys.stdin in r and not os.read(sys.stdin.fileno(), 1):
            drain()
            break
    print(json.dumps({"count": count, "samples": samples}), flush=True)


if __name__ == "__main__":
    if sys.argv[1:] == ["count-packets"]:
        _count_packets_main()
    else:
        sys.exit("usage: lablib.py count-packets  (run inside a namespace; used by PacketCounter)")


# --- hosts that limit their answers (issue 10) --------------------------------------------------

# Addresses of the AnyIP block (profiled like any other there) whose answers the target holds back:
# LIMITED_HOSTS[addr] = RSTs and ICMP errors per second each (nft "limit rate over N/second drop"
# in the target's output hook, as a host that rate-limits its error replies); POLICED_HOSTS[addr] =
# SYNs per second a policer in front of it lets through (the prerouting hook drops the rest).
LIMITED_HOSTS = {"198.18.1.220": 2000, "198.18.1.221": 500}
POLICED_HOSTS = {"198.18.1.230": 20000}


def limits_nft():
    out = [f"    ip saddr {a} ip daddr {SCAN_IP} tcp flags & rst == rst limit rate over {n}/second burst 20 packets drop\n"
           f"    ip saddr {a} ip daddr {SCAN_IP} meta l4proto icmp limit rate over {n}/second burst 20 packets drop"
           for a, n in LIMITED_HOSTS.items()]
    pre = [f"    ip daddr {a} tcp flags & (syn | ack) == syn limit rate over {n}/second burst 50 packets drop"
           for a, n in POLICED_HOSTS.items()]
    return ("table ip pa_limits {\n  chain out {\n    type filter hook output priority 10; policy accept;\n"
            + "\n".join(out) + "\n  }\n  chain pre {\n    type filter hook prerouting priority -310; policy accept;\n"
            + "\n".join(pre) + "\n  }\n}\n")


def add_answer_limits(tgt_ns):
    """Installs the LIMITED_HOSTS / POLICED_HOSTS rules in the target namespace `tgt_ns`."""
    subprocess.run(["ip", "netns", "exec", tgt_ns, "nft", "-f", "-"], input=limits_nft(), text=True, check=True)


# --- IPv6 on the lab's veth pair (issue 11) -------------------------------------------------------

# 2001:2::/48 (RFC 5180 benchmarking) only; no router, no route out, DAD and router
# solicitations off, permanent neighbour entries. The target's IPv6 profile differs from its
# IPv4 one on purpose: a host's IPv6 firewall is often not its IPv4 one.
SCAN_IP6, TARGET_IP6 = "2001:2::1", "2001:2::2"
SCAN_MAC, TARGET_MAC = "02:70:61:00:00:01", "02:70:61:00:00:02"
IPV6_OPEN = [22, 443, 8443, 9000]               # listeners on [::] (9000 is open over IPv6 only)
IPV6_RULES = [                                   # (ports, state, reason, nft verdict), first match wins
    ([23, 80, 5900], "stealth", "no-response", "drop"),  # 80 is open over IPv4, dropped over IPv6
    ([25, 7000], "closed", "admin-prohibited", "reject with icmpv6 type admin-prohibited"),
    ([111, 7001], "closed", "port-unreach", "reject with icmpv6 type port-unreachable"),
    ([3389], "closed", "no-route", "reject with icmpv6 type no-route"),
    ([7002], "closed", "addr-unreach", "reject with icmpv6 type addr-unreachable"),
]


def expected6(port):
    if port in IPV6_OPEN:
        return ("open", "syn-ack")
    for ports, state, reason, _ in IPV6_RULES:
        if port in ports:
            return (state, reason)
    return ("closed", "rst")


def enable_ipv6(lab):
    """Gives lab (a Lab) IPv6 on its veth pair, the IPv6 profile and IPv6 listeners."""
    for ns, ifname, mine, peer, peer_mac in ((lab.scan_ns, "veth-scan", SCAN_IP6, TARGET_IP6, TARGET_MAC),
                                             (lab.tgt_ns, "veth-tgt", TARGET_IP6, SCAN_IP6, SCAN_MAC)):
        for key in ("all", "default", ifname):
            for name, value in (("disable_ipv6", 0), ("accept_dad", 0), ("router_solicitations", 0),
                                ("accept_ra", 0), ("dad_transmits", 0)):
                subprocess.run(["ip", "netns", "exec", ns, "sysctl", "-qw", f"net.ipv6.conf.{key}.{name}={value}"],
                               capture_output=True)
        subprocess.run(["ip", "-n", ns, "addr", "add", f"{mine}/64", "dev", ifname, "nodad"], check=True)
        subprocess.run(["ip", "-n", ns, "neigh", "replace", peer, "lladdr", peer_mac, "dev", ifname, "nud", "permanent"],
                       check=True)
    subprocess.run(["ip", "netns", "exec", lab.tgt_ns, "sysctl", "-qw", "net.ipv6.icmp.ratelimit=0"], capture_output=True)
    rules = "\n".join(f"    tcp dport {{ {', '.join(map(str, ports))} }} {verdict}" for ports, _, _, verdict in IPV6_RULES)
    nft = ("table ip6 portauth_lab6 {\n  chain input {\n    type filter hook input priority 0; policy accept;\n"
           f"{rules}\n  }}\n}}\n")
    subprocess.run(["ip", "netns", "exec", lab.tgt_ns, "nft", "-f", "-"], input=nft, text=True, check=True)
    listener = os.path.join(lab.repo, "scripts", "lab_listener.py")
    # Ended by netlab.sh down, which stops every process left in the lab's namespaces.
    subprocess.Popen(["ip", "netns", "exec", lab.tgt_ns, "setsid", PYTHON, listener, "--host", "::",
                      *map(str, IPV6_OPEN)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        out = subprocess.run(["ip", "netns", "exec", lab.tgt_ns, "ss", "-Htln6"], capture_output=True, text=True).stdout
        if all(f":{p} " in out for p in IPV6_OPEN):
            return
        time.sleep(0.05)
    raise RuntimeError("IPv6 listeners did not start")
