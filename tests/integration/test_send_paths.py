#!/usr/bin/env python3
"""Every transmit path gives the profiled answers at --rate max; auto picks and says why; offline runs
send nothing, need no root.

In the lab's scanner namespace:
  1. --send-mode ring (PACKET_MMAP TX ring, next-hop MAC from the neighbour cache), xdp (AF_XDP, copy
     mode), raw and the default (auto), all at --rate max, over the AnyIP block 198.18.1.0/24 (one
     gateway: 198.18.0.2) x 8 ports, and ring over one on-link target (198.18.0.2, ports 0-1023):
     every (ip, port) once, as profiled. The default run's --summary-json says it took AF_XDP and
     names the next hop; without locked memory for AF_XDP's UMEM it takes the ring and says why.
  2. Where the ring cannot serve, auto falls back to raw and says why (two on-link targets: "own MAC";
     the loopback interface), and an explicit ring or xdp is refused: exit 2, says "--send-mode raw",
     sends nothing (counted where the frames would arrive: the ring bypasses the sender's taps).
  3. IPv6 (the lab's 2001:2::/48): ring and xdp over all ports 0-1023 of 2001:2::2, as profiled;
     the default on a mixed list (2001:2::2 and 198.18.0.2) takes AF_XDP for both families.
  4. --dry-run and --pcap-out FILE as an unprivileged user (uid 65534, no capabilities): exit 0, the
     generation rate on stderr, zero packets on the wire, and for --pcap-out one DLT_RAW record per
     probe, each a SYN to a probed (address, port).
Exit 0 pass, 1 fail, 77 skipped.
"""
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lablib  # noqa: E402
import lab_hosts  # noqa: E402

ALLOW = ["--allow", "198.18.0.0/15"]
PORTS = "0,22,80,113,443,3306,3389,8080"


def summary_of(path):
    with open(path) as f:
        return json.loads(f.readline())


def scan_matches(lab, binary, tmp, title, targets, addrs, ports, extra, expected=None, want_path=None, wrap=(),
                 reason=None):
    """Scans and checks every (ip, port) against the profile (or `expected`); want_path: the send
    path the summary must name, `reason` a word its reason must hold; wrap: a command prefix."""
    out, summary = os.path.join(tmp, "out.jsonl"), os.path.join(tmp, "summary.json")
    argv = [*wrap, binary, "scan", *targets.split(), "-p", ports, *ALLOW, "--rate", "max", "--show", "all", "--format",
            "jsonl", "-o", out, "--summary-json", summary, *extra]
    lablib.log("running: " + " ".join(argv))
    proc = lab.run(argv, timeout=120)
    if proc.returncode != 0 or not os.path.exists(out):
        return [f"{title}: scan did not complete: {lablib.describe(proc)}"]
    records, problems = lablib.read_jsonl(out)
    problems += lablib.check_scan(records, addrs, lablib.parse_ports(ports),
                                  expected or lablib.Profile(lab.profile_path).expected)
    path = summary_of(summary).get("send_path") or {}
    if want_path and path.get("mode") != want_path:
        problems.append(f"send path {path}, want {want_path}")
    if reason and reason not in path.get("reason", ""):
        problems.append(f"send path {path}: the reason does not name {reason}")
    lablib.log(f"  {title}: {len(records)} results, {len(problems)} problem(s); send path {path}")
    return [f"{title}: {p}" for p in problems]


def expected_mixed(profile):
    def expected(ip, port):
        return lab_hosts.expected6(port) if ":" in ip else profile.expected(ip, port)
    return expected


def refused(lab, binary, title, argv, want_rc=2):
    """argv must exit want_rc with a hint, sending nothing (counted on both sides of the veth)."""
    with lablib.PacketCounter(lab.scan_ns) as counter:
        proc = lab.run([binary, *argv], timeout=30)
    sent, samples = counter.result()["count"], counter.result()["samples"]
    lablib.log(f"  {title}: exit {proc.returncode}, {sent} packets {samples}, {proc.stderr.strip()[:160]!r}")
    if proc.returncode != want_rc or "--send-mode raw" not in proc.stderr or sent != 0:
        return [f"{title}: want exit {want_rc}, a hint and no packet; got exit {proc.returncode}, {sent} packets: "
                f"{proc.stderr.strip()[:300]!r}"]
    return []


def auto_falls_back(lab, binary, tmp, title, argv, reason):
    """The default picks raw here, says why in -v and --summary-json, and scans."""
    summary = os.path.join(tmp, "fallback.json")
    proc = lab.run([binary, *argv, "-v", "--summary-json", summary, "-o", "/dev/null"], timeout=60)
    path = summary_of(summary).get("send_path") if os.path.exists(summary) else None
    lablib.log(f"  {title}: exit {proc.returncode}, send path {path}")
    if proc.returncode != 0 or not path or path["mode"] != "raw" or reason not in path["reason"] \
            or "send path: raw" not in proc.stderr:
        return [f"{title}: want raw with a reason naming {reason!r}; got exit {proc.returncode}, {path}, "
                f"{proc.stderr.strip()[-300:]!r}"]
    return []


def pcap_records(path):
    """(linktype, [packet bytes]) of a classic little- or big-endian pcap file."""
    with open(path, "rb") as f:
        data = f.read()
    endian = "<" if data[:4] == b"\xd4\xc3\xb2\xa1" else ">"
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    packets, off = [], 24
    while off + 16 <= len(data):
        caplen = struct.unpack(endian + "I", data[off + 8:off + 12])[0]
        packets.append(data[off + 16:off + 16 + caplen])
        off += 16 + caplen
    return linktype, packets


def offline_checks(lab, binary, tmp):
    problems = []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return ["offline: setpriv not found (apt-get install util-linux)"]
    os.chmod(tmp, 0o777)
    copy = os.path.join(tmp, "portauth")
    shutil.copyfile(binary, copy)
    os.chmod(copy, 0o755)
    nobody = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all"]
    pcap = os.path.join(tmp, "probes.pcap")
    addrs = lablib.expand_addrs("198.18.1.0/28")
    ports = lablib.parse_ports(PORTS)
    for what, extra in (("--dry-run", ["--dry-run"]), ("--pcap-out", ["--pcap-out", pcap])):
        argv = [*nobody, copy, "scan", "198.18.1.0/28", "-p", PORTS, *ALLOW, "--rate", "max", "--retries", "0",
                "--wait", "0", "--format", "jsonl", "-o", "/dev/null", *extra]
        with lablib.PacketCounter(lab.scan_ns) as counter:
            try:
                proc = lab.run(argv, timeout=60)
            except subprocess.TimeoutExpired:
                proc = None
        packets = counter.result()
        if proc is None:
            problems.append(f"{what}: still running after 60 s")
            continue
        lablib.log(f"  {what} as uid 65534: exit {proc.returncode}, {packets['count']} packets, "
                   f"{proc.stderr.strip().splitlines()[-1:]}")
        if proc.returncode != 0:
            problems.append(f"{what}: exit {proc.returncode}: {lablib.describe(proc)}")
        if packets["count"] != 0:
            problems.append(f"{what}: {packets['count']} packet(s) on the wire, want 0: {packets['samples']}")
        m = re.search(r"(\d+) probes generated at (\d+) pps", proc.stderr)
        if not m or int(m.group(1)) != len(addrs) * len(ports) or int(m.group(2)) <= 0:
            problems.append(f"{what}: no generation rate for {len(addrs) * len(ports)} probes on stderr: "
                            f"{proc.stderr.strip()[-300:]!r}")
    if os.path.exists(pcap):
        linktype, packets = pcap_records(pcap)
        if linktype != 101:
            problems.append(f"--pcap-out: link type {linktype}, want 101 (LINKTYPE_RAW)")
        want = {(a, p) for a in addrs for p in ports}
        got = set()
        for pkt in packets:
            if len(pkt) < 40 or pkt[0] != 0x45 or pkt[9] != 6 or pkt[33] != 0x02:
                problems.append(f"--pcap-out: a record is not an IPv4 SYN: {pkt[:40].hex()}")
                break
            got.add(("%d.%d.%d.%d" % tuple(pkt[16:20]), struct.unpack(">H", pkt[22:24])[0]))
        if got != want or len(packets) != len(want):
            problems.append(f"--pcap-out: {len(packets)} records for {len(got)} distinct probes, want {len(want)} "
                            f"(missing {sorted(want - got)[:5]}, extra {sorted(got - want)[:5]})")
    else:
        problems.append("--pcap-out: no file written")
    return problems


def main():
    args = lablib.parse_args(__doc__.splitlines()[0])
    lablib.require_lab_support()
    problems = []
    with tempfile.TemporaryDirectory(prefix="portauth-send-") as tmp, lablib.Lab(args.repo) as lab:
        block = lablib.expand_addrs("198.18.1.0/24")
        for mode in ("ring", "xdp", "raw"):
            problems += scan_matches(lab, args.binary, tmp, f"{mode} /24", "198.18.1.0/24", block, PORTS,
                                     ["--send-mode", mode], want_path=mode)
        problems += scan_matches(lab, args.binary, tmp, "default /24", "198.18.1.0/24", block, PORTS, [],
                                 want_path="xdp")
        # AF_XDP cannot be had (its UMEM is locked memory: no CAP_IPC_LOCK, a 64 KiB RLIMIT_MEMLOCK):
        # auto hands over to the ring and says why.
        problems += scan_matches(lab, args.binary, tmp, "default, no locked memory", "198.18.1.0/24", block, PORTS,
                                 [], want_path="ring", wrap=["setpriv", "--bounding-set=-ipc_lock", "prlimit",
                                                             "--memlock=65536:65536"], reason="AF_XDP")
        problems += scan_matches(lab, args.binary, tmp, "ring on-link host", lablib.TARGET_IP, [lablib.TARGET_IP],
                                 "0-1023", ["--send-mode", "ring"], want_path="ring")

        two = ["scan", "198.18.0.2-198.18.0.3", "-p", "80", *ALLOW]
        # 198.18.0.3 gets a neighbour entry (the target's MAC; nothing answers for it there), so the
        # raw fallback's probes to it never start an ARP whose retries and "host unreachable"
        # errors would land in a later packet count.
        subprocess.run(["ip", "-n", lab.scan_ns, "neigh", "replace", "198.18.0.3", "lladdr", lab_hosts.TARGET_MAC,
                        "dev", "veth-scan", "nud", "permanent"], check=True)
        # The refusals first: the fallback scans may leave late frames behind them.
        for mode in ("ring", "xdp"):
            problems += refused(lab, args.binary, f"{mode}, two on-link targets", [*two, "--send-mode", mode])
        problems += refused(lab, args.binary, "xdp on loopback", ["scan", "127.0.0.1", "-p", "80", "--send-mode", "xdp"])

        problems += auto_falls_back(lab, args.binary, tmp, "default, two on-link targets", two, "own MAC")
        problems += offline_checks(lab, args.binary, tmp)
        # Last: the lab with IPv6 on has neighbour-discovery noise on the wire.
        lab_hosts.enable_ipv6(lab)
        six = [*ALLOW, "--allow", "2001:2::/48"]
        expected6 = expected_mixed(lablib.Profile(lab.profile_path))
        for mode in ("ring", "xdp"):
            problems += scan_matches(lab, args.binary, tmp, f"{mode} IPv6 host", lab_hosts.TARGET_IP6,
                                     [lab_hosts.TARGET_IP6], "0-1023", ["--send-mode", mode, *six], expected6,
                                     want_path=mode)
        problems += scan_matches(lab, args.binary, tmp, "default, both families",
                                 f"{lab_hosts.TARGET_IP6} {lablib.TARGET_IP}", [lab_hosts.TARGET_IP6, lablib.TARGET_IP],
                                 "0-1023", six, expected6, want_path="xdp")
        # Last, as nothing after it counts packets: a scan of the loopback interface.
        problems += auto_falls_back(lab, args.binary, tmp, "default, loopback", ["scan", "127.0.0.1", "-p", "80"],
                                    "loopback")

    return lablib.report("raw, ring, xdp and auto match the profile; auto says why; offline runs send nothing",
                         problems)


if __name__ == "__main__":
    sys.exit(main())
