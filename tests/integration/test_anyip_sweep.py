#!/usr/bin/env python3
"""Sweep the lab's AnyIP block: many hosts, a few ports, every (ip, port) once and as profiled.

The lab target answers for all of 198.18.1.0/24 with per-address rules (tests/lab/profile.conf):
normal hosts, drop-all hosts (stealth), host-unreachable and admin-prohibited blocks, and hosts
where only some ports are dropped, reset or rejected. Three target forms are scanned: CIDR, a full
a.b.c.d-e.f.g.h range and the short a.b.c.d-h range, each with --show all --format jsonl.
Exit 0 pass, 1 fail, 77 skipped.
"""
import collections
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lablib  # noqa: E402

PORTS = "0,22,80,113,443,3306,3389,8080"
# (target spec as given to portauth, the same set spelt for lablib.expand_addrs)
SCANS = [
    ("198.18.1.0/24", "198.18.1.0/24"),
    ("198.18.1.10-198.18.1.40", "198.18.1.10-198.18.1.40"),  # SSH-dropped, reset, rejected hosts
    ("198.18.1.60-70", "198.18.1.60-198.18.1.70"),           # normal -> drop-all boundary at .64
    ("198.18.1.126-198.18.1.145", "198.18.1.126-198.18.1.145"),  # drop-all, host-unreach, prohibited
]


def main():
    args = lablib.parse_args(__doc__.splitlines()[0])
    lablib.require_lab_support()
    failed = 0
    with tempfile.TemporaryDirectory(prefix="portauth-anyip-") as tmp, lablib.Lab(args.repo) as lab:
        profile = lablib.Profile(lab.profile_path)
        ports = lablib.parse_ports(PORTS)
        for n, (spec, addrs) in enumerate(SCANS):
            out = os.path.join(tmp, f"sweep{n}.jsonl")
            argv = [args.binary, "scan", spec, "-p", PORTS, "--allow", "198.18.0.0/15",
                    "--show", "all", "--format", "jsonl", "-o", out]
            lablib.log("running: " + " ".join(argv))
            proc = lab.run(argv, timeout=240)
            title = f"sweep of {spec} ports {PORTS} matches the profile"
            if proc.returncode != 0 or not os.path.exists(out):
                lablib.log(f"FAIL: {title}: scan did not complete: {lablib.describe(proc)}")
                failed = 1
                continue
            records, problems = lablib.read_jsonl(out)
            problems += lablib.check_scan(records, lablib.expand_addrs(addrs), ports, profile.expected)
            tally = collections.Counter(f"{r.get('state')}/{r.get('reason')}" for r in records)
            lablib.log("results: " + ", ".join(f"{k}={v}" for k, v in sorted(tally.items())))
            failed |= lablib.report(title, problems)
    return failed


if __name__ == "__main__":
    sys.exit(main())
