#!/usr/bin/env python3
"""Default options against hosts that limit their answers: every port as profiled.

The lab's target holds back answers for four AnyIP addresses (lab_hosts.LIMITED_HOSTS and
POLICED_HOSTS): two send at most 2,000 and 500 RSTs/ICMP errors a second, two sit behind a
policer that drops SYNs above 20,000 a second (one of them closed on every port but one open and
one dropped, scanned on all 65,536). A fixed-rate scanner reports most of their closed ports as
stealth; portauth's rate controller must find the rate at which the answers keep up, and its
retries must go on while they find answers, so a scan with no timing option at all gets every
port right, and its --summary-json says "complete": true with a last retry pass that found
nothing (issue 19: 3 runs in 12 left closed ports stealth and still said complete).
Exit 0 pass, 1 fail, 77 skipped.
"""
import json
import collections
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lab_hosts  # noqa: E402
import lablib  # noqa: E402

# (address, ports): few enough that the slowest host is scanned in seconds at its limit.
SCANS = [("198.18.1.220", "1-6000"), ("198.18.1.221", "1-1500"), ("198.18.1.230", "1-30000"),
         ("198.18.1.231", "0-65535")]


def main():
    args = lablib.parse_args(__doc__.splitlines()[0])
    lablib.require_lab_support()
    failed = 0
    with tempfile.TemporaryDirectory(prefix="portauth-limited-") as tmp, lablib.Lab(args.repo) as lab:
        lab_hosts.add_answer_limits(lab.tgt_ns)
        profile = lablib.Profile(lab.profile_path)
        expected = lambda a, p: lab_hosts.expected(profile, a, p)  # noqa: E731
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
            problems += lablib.check_scan(records, [addr], lablib.parse_ports(ports), expected)
            tally = collections.Counter(f"{r.get('state')}/{r.get('reason')}" for r in records)
            lablib.log(f"{took:.1f} s; " + ", ".join(f"{k}={v}" for k, v in sorted(tally.items())))
            with open(summary) as f:
                text = f.read().strip()
            lablib.log("summary: " + text)
            js = json.loads(text)
            if js.get("complete") is not True or js.get("last_retry_answers") != 0 or js.get("warnings"):
                problems.append(f"summary: complete {js.get('complete')}, last_retry_answers "
                                f"{js.get('last_retry_answers')}, warnings {js.get('warnings')}: want a complete scan "
                                "whose last retry found nothing")
            failed |= lablib.report(title, problems)
    return failed


if __name__ == "__main__":
    sys.exit(main())
