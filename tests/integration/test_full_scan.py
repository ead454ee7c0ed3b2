#!/usr/bin/env python3
"""Full-range scan of the lab target: every one of 65,536 ports reported once, exactly as profiled.

portauth scan 198.18.0.2 -p 0-65535 --allow 198.18.0.0/15 --rate 20000 --show all --format jsonl -o OUT,
run in the lab's scanner namespace. Pass: exit 0; 65,536 lines, each port once; state, reason, proto,
ip as tests/lab/profile.conf says; ttl 64 when answered, null when stealth.
Exit 0 pass, 1 fail, 77 skipped (not root / no network namespaces).
"""
import collections
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lablib  # noqa: E402


def main():
    args = lablib.parse_args(__doc__.splitlines()[0])
    lablib.require_lab_support()
    with tempfile.TemporaryDirectory(prefix="portauth-full-") as tmp, lablib.Lab(args.repo) as lab:
        profile = lablib.Profile(lab.profile_path)
        out = os.path.join(tmp, "out.jsonl")
        argv = [args.binary, "scan", lablib.TARGET_IP, "-p", "0-65535", "--allow", "198.18.0.0/15",
                "--rate", "20000", "--show", "all", "--format", "jsonl", "-o", out]
        lablib.log("running: " + " ".join(argv))
        proc = lab.run(argv, timeout=240)
        if proc.returncode != 0:
            lablib.log(f"FAIL: scan did not complete: {lablib.describe(proc)}")
            return 1
        if not os.path.exists(out):
            lablib.log(f"FAIL: no output file {out}: {lablib.describe(proc)}")
            return 1
        records, problems = lablib.read_jsonl(out)
        if len(records) + len(problems) != 65536:
            problems.insert(0, f"{len(records) + len(problems)} lines, want 65536")
        problems += lablib.check_scan(records, [lablib.TARGET_IP], range(65536), profile.expected)
        tally = collections.Counter(f"{r.get('state')}/{r.get('reason')}" for r in records)
        lablib.log("results: " + ", ".join(f"{k}={v}" for k, v in sorted(tally.items())))
        return lablib.report("full scan of 198.18.0.2 ports 0-65535 matches the profile", problems)


if __name__ == "__main__":
    sys.exit(main())
