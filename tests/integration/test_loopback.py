#!/usr/bin/env python3
"""Scan 127.0.0.1 over lo in a namespace of its own: listeners open, every other port closed/rst.

portauth scan 127.0.0.1 -p 1-3000 --allow 127.0.0.0/8 --interface lo --show all --format jsonl -o OUT,
in a fresh namespace holding only lo and listeners on 127.0.0.1. On lo the capture also sees the
scanner's own SYNs; a correct scanner does not mistake them for replies.
Exit 0 pass, 1 fail, 77 skipped.
"""
import collections
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lablib  # noqa: E402

OPEN = {1, 22, 80, 631, 2999, 3000}  # both ends of the range, and a few in between


def expected(_addr, port):
    return ("open", "syn-ack") if port in OPEN else ("closed", "rst")


def main():
    args = lablib.parse_args(__doc__.splitlines()[0])
    lablib.require_lab_support()
    with tempfile.TemporaryDirectory(prefix="portauth-lo-") as tmp, \
            lablib.LoopbackNs(args.repo, sorted(OPEN)) as ns:
        out = os.path.join(tmp, "out.jsonl")
        argv = [args.binary, "scan", "127.0.0.1", "-p", "1-3000", "--allow", "127.0.0.0/8",
                "--interface", "lo", "--show", "all", "--format", "jsonl", "-o", out]
        lablib.log("running: " + " ".join(argv))
        proc = ns.run(argv, timeout=120)
        if proc.returncode != 0 or not os.path.exists(out):
            lablib.log(f"FAIL: scan did not complete: {lablib.describe(proc)}")
            return 1
        records, problems = lablib.read_jsonl(out)
        problems += lablib.check_scan(records, ["127.0.0.1"], range(1, 3001), expected)
        tally = collections.Counter(f"{r.get('state')}/{r.get('reason')}" for r in records)
        lablib.log("results: " + ", ".join(f"{k}={v}" for k, v in sorted(tally.items())))
        return lablib.report("loopback scan of 127.0.0.1 ports 1-3000", problems)


if __name__ == "__main__":
    sys.exit(main())
