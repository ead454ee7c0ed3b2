#!/usr/bin/env python3
"""Forged replies change nothing, and a retransmitting target still yields one result per port.

Part 1: while portauth scans all 65,536 ports of the lab target, forge_replies.py (run in the
TARGET namespace, sending only to the scanner's 198.18.0.1) injects --count packets the scanner
must reject: SYN-ACKs and RSTs with wrong ack numbers, from addresses and ports never probed, to
destination ports inside and outside the scan's source range, ICMP unreachables quoting headers
never sent. Pass: every port exactly as tests/lab/profile.conf says (zero changes), and the
summary's "N rejected" (stderr and --summary-json) equals the forged packets the capture filter
lets through (those to ports outside the range never reach the validator), with no pcap drops.

Part 2: the target retransmits its SYN-ACKs (tcp_synack_retries raised in its namespace, and
an nftables rule in the scanner's namespace drops our kernel's RSTs, which would otherwise end
each half-open connection at once). Pass: each open port reported exactly once, open, while the
summary counts the retransmissions as duplicates.

  test_forged.py --binary build/portauth --repo . [--count 100000] [--pps 12500]
(scripts/forge_test.sh runs the 100,000-packet version.) Exit 0 pass, 1 fail, 77 skipped.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lablib  # noqa: E402

T = lablib.TARGET_IP
ALLOW = ["--allow", "198.18.0.0/15"]
SOURCE_PORTS = (62000, 62255)
WAIT = 1.0
SUMMARY_RE = re.compile(r"replies: (\d+) accepted, (\d+) duplicate, (\d+) rejected; pcap: (\d+) received, "
                        r"(\d+) dropped")


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", required=True)
    ap.add_argument("--repo", required=True)
    ap.add_argument("--count", type=int, default=20000, help="forged packets (default 20000)")
    ap.add_argument("--pps", type=float, default=10000, help="forged packets per second (default 10000)")
    args = ap.parse_args()
    args.binary, args.repo = os.path.abspath(args.binary), os.path.abspath(args.repo)
    return args


def summary_counts(stderr):
    m = SUMMARY_RE.search(stderr)
    if not m:
        return None
    keys = ("accepted", "duplicate", "rejected", "pcap_received", "pcap_dropped")
    return dict(zip(keys, map(int, m.groups())))


def profile_ports(profile, state):
    return [p for p in range(65536) if profile.expected(T, p)[0] == state]


def forged_scan(args, lab, profile, tmp):
    problems = []
    open_ports, stealth_ports = profile_ports(profile, "open"), profile_ports(profile, "stealth")
    inject_seconds = args.count / args.pps
    # The first pass must outlast the injection (which starts ~0.5 s in), so every forged
    # packet arrives while the capture runs; retries and waits add ~2 s after it.
    rate = int(min(20000, 65536 / (inject_seconds + 1.5)))
    out = os.path.join(tmp, "forged.jsonl")
    summary = os.path.join(tmp, "forged-summary.jsonl")
    argv = [args.binary, "scan", T, "-p", "-", *ALLOW, "--rate", str(rate), "--wait", str(WAIT),
            "--source-port", f"{SOURCE_PORTS[0]}-{SOURCE_PORTS[1]}", "--show", "all", "--format", "jsonl",
            "-o", out, "--summary-json", summary, "--no-progress"]
    injector = subprocess.Popen(
        ["ip", "netns", "exec", lab.tgt_ns, lablib.PYTHON, os.path.join(os.path.dirname(__file__), "forge_replies.py"),
         "--count", str(args.count), "--pps", str(args.pps), "--ports", "%d-%d" % SOURCE_PORTS,
         "--open", ",".join(map(str, open_ports)), "--stealth", ",".join(map(str, stealth_ports[:200]))],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        if injector.stdout.readline().strip() != "ready":
            return ["forge_replies.py did not start"]
        lablib.log(f"part 1: scanning 65,536 ports at {rate} pps while injecting {args.count} forged packets "
                   f"at {args.pps:.0f} pps")
        scan = subprocess.Popen(["ip", "netns", "exec", lab.scan_ns, *argv], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        time.sleep(0.5)  # the capture is open and the first probes are out
        injector.stdin.write("go\n")
        injector.stdin.flush()
        report = json.loads(injector.stdout.readline())
        injection_done = time.monotonic()
        injector.wait(30)
        stdout, stderr = scan.communicate(timeout=300)
        scan_done = time.monotonic()
    finally:
        for p in (injector,):
            if p.poll() is None:
                p.kill()
    lablib.log(f"  injector: {report['sent']} sent in {report['seconds']} s, {report['in_filter']} through the "
               f"capture filter; kinds: {report['by_kind']}")
    if scan.returncode != 0:
        return [f"forged scan failed: exit {scan.returncode}\n{stderr[-2000:]}"]
    if injection_done > scan_done - WAIT:
        problems.append("the injection ended after the scan's capture: the test is mis-sized")
    records, problems_jsonl = lablib.read_jsonl(out)
    problems += problems_jsonl
    problems += lablib.check_scan(records, [T], range(65536), profile.expected)
    counts = summary_counts(stderr)
    if counts is None:
        return problems + [f"no replies/pcap summary on stderr: {stderr[-1500:]}"]
    lablib.log(f"  scanner: {counts}")
    if counts["pcap_dropped"]:
        problems.append(f"pcap dropped {counts['pcap_dropped']} packets: the rejected count cannot be exact")
    if counts["rejected"] != report["in_filter"]:
        problems.append(f"summary says {counts['rejected']} rejected; {report['in_filter']} forged packets passed "
                        f"the capture filter")
    answered = sum(1 for r in records if r.get("state") in ("open", "closed"))
    if counts["accepted"] != answered:
        problems.append(f"{counts['accepted']} replies accepted but {answered} ports open or closed")
    with open(summary) as f:
        js = json.loads(f.readline())
    if js["replies"]["rejected"] != counts["rejected"] or not js["complete"]:
        problems.append(f"--summary-json disagrees or is incomplete: {js}")
    lablib.log(f"  {len(records)} ports reported, {counts['rejected']} replies rejected, "
               f"{len(problems)} problem(s)")
    return problems


def retransmission_scan(args, lab, profile, tmp):
    open_ports = profile_ports(profile, "open")
    # The target retransmits each SYN-ACK 1, 3, 7, 15 ... s after the first while our kernel's
    # RST (nothing listens on our side) is dropped on the way out.
    lablib.ns_run(lab.tgt_ns, ["sysctl", "-q", "-w", "net.ipv4.tcp_synack_retries=6"]).check_returncode()
    nft = ("table inet portauth_test_norst {\n  chain out {\n    type filter hook output priority 0; policy accept;\n"
           "    tcp flags & rst == rst drop\n  }\n}")
    added = lablib.ns_run(lab.scan_ns, ["nft", "-f", "-"], input=nft + "\n")
    if added.returncode != 0:
        return [f"cannot add the nftables rule that drops our RSTs: {added.stderr}"]
    try:
        out = os.path.join(tmp, "retrans.jsonl")
        # One stealth port keeps the scan listening through every pass and wait (a scan whose
        # probes have all been answered ends at once). No canaries: every accepted reply must be
        # an open port's.
        ports = open_ports + [profile_ports(profile, "stealth")[0]]
        proc = lab.run([args.binary, "scan", T, "-p", ",".join(map(str, ports)), *ALLOW, "--wait", "3", "--canaries", "0",
                        "--show", "all", "--format", "jsonl", "-o", out, "--no-progress"])
    finally:
        lablib.ns_run(lab.scan_ns, ["nft", "delete table inet portauth_test_norst"])
        lablib.ns_run(lab.tgt_ns, ["sysctl", "-q", "-w", "net.ipv4.tcp_synack_retries=1"])
    if proc.returncode != 0:
        return [f"retransmission scan failed: {lablib.describe(proc)}"]
    records, problems = lablib.read_jsonl(out)
    problems += lablib.check_scan(records, [T], ports, profile.expected)
    counts = summary_counts(proc.stderr)
    if counts is None:
        return problems + [f"no replies summary on stderr: {proc.stderr[-1500:]}"]
    lablib.log(f"part 2: {len(open_ports)} open ports and 1 stealth, {len(records)} results; scanner: {counts}")
    # ~9 s of capture: retransmissions at 1, 3 and 7 s, so about 3 per port; demand 2.
    if counts["duplicate"] < 2 * len(open_ports):
        problems.append(f"only {counts['duplicate']} duplicates for {len(open_ports)} open ports: the target did not "
                        f"retransmit, so this part proved nothing")
    if counts["accepted"] != len(open_ports):
        problems.append(f"{counts['accepted']} replies accepted for {len(open_ports)} open ports")
    return problems


def main():
    args = parse_args()
    if not os.access(args.binary, os.X_OK):
        lablib.log(f"FAIL: portauth binary not found: {args.binary}")
        return 1
    lablib.require_lab_support()
    with tempfile.TemporaryDirectory(prefix="portauth-forged-") as tmp, lablib.Lab(args.repo) as lab:
        os.chmod(tmp, 0o755)  # the scanner may drop to nobody after opening its outputs
        profile = lablib.Profile(lab.profile_path)
        problems = forged_scan(args, lab, profile, tmp)
        problems += retransmission_scan(args, lab, profile, tmp)
    return lablib.report(f"{args.count} forged replies changed nothing; retransmitted SYN-ACKs made no second "
                         f"result", problems)


if __name__ == "__main__":
    sys.exit(main())
