"""Shared helpers for portauth's integration tests (standard library only).

Contract:
  * Every test script takes `--binary PATH --repo DIR` (parse_args) and calls require_lab_support()
    first: it exits SKIP (77) when not root or when network namespaces cannot be made.
  * Lab(...) is a context manager around `scripts/netlab.sh up/down` with a name unique to this
    process (pa<pid>); down always runs, also on SIGTERM/SIGINT (turned into SystemExit here).
    Lab.run(argv) runs a command inside the lab's scanner namespace, the only place probes start.
  * LoopbackNs(...) is a bare namespace with only `lo` up and listeners on 127.0.0.1.
  * Profile(path).expected(addr, port) -> (state, reason): the ground truth of tests/lab/profile.conf
    (lab_profile.py, re-exported here with the lab's addresses from lab_constants.py).
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

from lab_constants import (ANSWERED_TTL, ANYIP_NET, REASONS, SCAN_IF, SCAN_IP, STATES,  # noqa: F401 (re-exported)
                           TARGET_IP)
from lab_profile import Profile, expand_addrs, parse_addrs, parse_ports  # noqa: F401 (re-exported)

SKIP = 77
PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable


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


class BareNs:
    """A namespace with nothing in it (lo down): for runs of the binary that must send nothing
    (a dry run, merge), so that even a mistake cannot reach a network."""

    def __init__(self, name=None):
        self.ns = name or f"pa{os.getpid()}-bare"

    def __enter__(self):
        subprocess.run(["ip", "netns", "add", self.ns], check=True)
        return self

    def __exit__(self, *exc):
        subprocess.run(["ip", "netns", "del", self.ns], capture_output=True)
        return False

    def run(self, argv, timeout=120, **kw):
        return ns_run(self.ns, argv, timeout=timeout, **kw)


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
    """Counts every frame on every interface of namespace ns while the with-block runs, and, when
    ns is a lab's scanner namespace (N-scan), every frame arriving in its target namespace (N-tgt)
    too: frames sent through the TX ring or AF_XDP bypass the sender's packet taps, so only the
    receiving side sees them.

    result() after the block: {"count": N, "samples": [short descriptions of the first frames]}.
    """

    def __init__(self, ns):
        self.ns = ns
        self.procs = []
        self.result_ = None

    def __enter__(self):
        spots = [(self.ns, [])]
        if self.ns.endswith("-scan"):
            peer = self.ns[:-len("-scan")] + "-tgt"
            if os.path.exists(os.path.join("/run/netns", peer)):
                spots.append((peer, ["--arriving"]))
        for ns, extra in spots:
            proc = subprocess.Popen(["ip", "netns", "exec", ns, PYTHON, os.path.abspath(__file__), "count-packets",
                                     *extra], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            self.procs.append(proc)
            ready = proc.stdout.readline().strip()
            if ready != "ready":
                for p in self.procs:
                    p.kill()
                raise RuntimeError(f"packet counter did not start in {ns}: {ready!r}")
        return self

    def __exit__(self, *exc):
        time.sleep(0.3)  # let frames still in flight reach the socket
        total = {"count": 0, "samples": []}
        try:
            for proc in self.procs:
                out, _ = proc.communicate(input="", timeout=10)
                got = json.loads(out)
                total["count"] += got["count"]
                total["samples"] += got["samples"]
            self.result_ = total
        except (subprocess.TimeoutExpired, json.JSONDecodeError):
            for proc in self.procs:
                proc.kill()
                proc.wait()
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


def _count_packets_main(arriving_only=False):
    """In-namespace half of PacketCounter: print 'ready', count until stdin closes, print JSON.
    arriving_only: only frames that came in on an interface other than lo."""
    ETH_P_ALL = 0x0003
    PACKET_OUTGOING = 4
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
            if arriving_only and (addr[2] == PACKET_OUTGOING or addr[0] == "lo"):
                continue
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
    if sys.argv[1:2] == ["count-packets"] and sys.argv[2:] in ([], ["--arriving"]):
        _count_packets_main(arriving_only=sys.argv[2:] == ["--arriving"])
    else:
        sys.exit("usage: lablib.py count-packets  (run inside a namespace; used by PacketCounter)")

