#!/usr/bin/env python3
"""Default options against hosts that limit their answers: every port as profiled.

The lab's target holds back answers for three AnyIP addresses (lab_hosts.LIMITED_HOSTS and
POLICED_HOSTS): two send at most 2,000 and 500 RSTs/ICMP errors a second, one sits behind a
policer that drops SYNs above 20,000 a second. A fixed-rate scanner reports most of their closed
ports as stealth; portauth's rate controller must find the rate at which the answers keep up, so a
scan with no timing option at all gets every port right. Exit 0 pass, 1 fail, 77 skipped.
"""
import collections
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lab_hosts  # noqa: E402
import lablib  # noqa: E402

# (address, ports): few enough that the slowest host is scanned in seconds at its limit.
SCANS = [("198.18.1.220", "1-6000"), ("198.18.1.221", "1-1500"), ("198.18.1.230", "1-30000")]


def main():
    args = lablib.parse_args(__doc__.splitlines()[0])
    lablib.require_lab_support()
    failed = 0
    with tempfile.TemporaryDirectory(prefix="portauth-limited-") as tmp, lablib.Lab(args.repo) as lab:
        lab_hosts.add_answer_limits(lab.tgt_ns)
        profile = lablib.Profile(lab.profile_path)
        for n, (addr, ports) in enumerate(SCANS):
            out = os.path.join(tmp, f"limited{n}.jsonl")
            summary = os.path.join(tmp, f"limited{n}.summary.json")
            argv = [args.binary, "scan", addr, "-p", ports, "--show", "all", "-oJ", out, "--summary-json", summary]
            lablib.log("running: " + " ".join(argv))
            t0 = time.monotonic()
            proc = lab.run(argv, timeout=240)
            took = time.monotonic() - t0
            title = f"default options against {addr} (ports {ports}) match the profile"
            if proc.returncode != 0 or not os.path.exists(out):
                lablib.log(f"FAIL: {title}: scan did not complete: {lablib.describe(proc)}")
                failed = 1
                continue
            records, problems = lablib.read_jsonl(out)
            problems += lablib.check_scan(records, [addr], lablib.parse_ports(ports), profile.expected)
            tally = collections.Counter(f"{r.get('state')}/{r.get('reason')}" for r in records)
            lablib.log(f"{took:.1f} s; " + ", ".join(f"{k}={v}" for k, v in sorted(tally.items())))
            with open(summary) as f:
                lablib.log("summary: " + f.read().strip())
            failed |= lablib.report(title, problems)
    return failed


if __name__ == "__main__":
    sys.exit(main())
