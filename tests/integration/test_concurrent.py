#!/usr/bin/env python3
"""Two scans at once from the same namespace: each reports exactly its own results.

Each portauth run draws its own random cookie key, and its capture sees every reply that
reaches the namespace, the other scan's included. Two cases, both scans started together:
  1. different targets and ports, default (random) source ports;
  2. the SAME target and ports, forced onto the SAME source ports (--source-port), different
     seeds: every reply to one scan reaches the other's validator with the right addresses and
     ports and only the cookie to tell them apart.
Pass: every scan's JSONL matches tests/lab/profile.conf port by port, and in case 2 each scan
rejected replies (it saw the other's and refused them). Exit 0 pass, 1 fail, 77 skipped.
"""
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lablib  # noqa: E402

ALLOW = ["--allow", "198.18.0.0/15"]
REJECTED_RE = re.compile(r"replies: (\d+) accepted, (\d+) duplicate, (\d+) rejected")


def run_together(lab, scans):
    """Starts every argv at once in the scanner namespace; returns their CompletedProcess-likes."""
    procs = [subprocess.Popen(["ip", "netns", "exec", lab.scan_ns, *argv], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for argv in scans]
    results = []
    for argv, p in zip(scans, procs):
        out, err = p.communicate(timeout=240)
        results.append(subprocess.CompletedProcess(argv, p.returncode, out, err))
    return results


def check(name, proc, path, addrs, ports, profile):
    if proc.returncode != 0:
        return [f"{name}: {lablib.describe(proc)}"], 0
    records, problems = lablib.read_jsonl(path)
    problems += lablib.check_scan(records, addrs, ports, profile.expected)
    m = REJECTED_RE.search(proc.stderr)
    rejected = int(m.group(3)) if m else -1
    lablib.log(f"  {name}: {len(records)} ports reported, {rejected} replies rejected, {len(problems)} problem(s)")
    return [f"{name}: {p}" for p in problems], rejected


def main():
    args = lablib.parse_args(__doc__.splitlines()[0])
    lablib.require_lab_support()
    problems = []
    with tempfile.TemporaryDirectory(prefix="portauth-concurrent-") as tmp, lablib.Lab(args.repo) as lab:
        os.chmod(tmp, 0o755)
        profile = lablib.Profile(lab.profile_path)

        def scan(name, targets, ports, *extra):
            path = os.path.join(tmp, f"{name}.jsonl")
            argv = [args.binary, "scan", targets, "-p", ports, *ALLOW, "--show", "all", "--format", "jsonl",
                    "-o", path, "--no-progress", "--rate", "20000", *extra]
            return argv, path

        # 1. Different targets and ports, each scan's own random source ports.
        lablib.log("case 1: 198.18.0.2 ports 0-32767 and 198.18.1.0/26 ports 1-1024, at once")
        a_argv, a_path = scan("a", lablib.TARGET_IP, "0-32767")
        b_argv, b_path = scan("b", "198.18.1.0/26", "1-1024")
        a, b = run_together(lab, [a_argv, b_argv])
        p, _ = check("case 1 scan a", a, a_path, [lablib.TARGET_IP], range(0, 32768), profile)
        problems += p
        p, _ = check("case 1 scan b", b, b_path, lablib.expand_addrs("198.18.1.0/26"), range(1, 1025), profile)
        problems += p

        # 2. Same target, same ports, same source ports; only the keys (and seeds) differ.
        lablib.log("case 2: both scan 198.18.0.2 ports 0-65535 from source ports 62000-62255, at once")
        same = ["--source-port", "62000-62255"]
        c_argv, c_path = scan("c", lablib.TARGET_IP, "-", *same, "--seed", "1")
        d_argv, d_path = scan("d", lablib.TARGET_IP, "-", *same, "--seed", "2")
        c, d = run_together(lab, [c_argv, d_argv])
        p, c_rejected = check("case 2 scan c", c, c_path, [lablib.TARGET_IP], range(65536), profile)
        problems += p
        p, d_rejected = check("case 2 scan d", d, d_path, [lablib.TARGET_IP], range(65536), profile)
        problems += p
        # Each saw the other's ~64,500 replies; a scan that rejected none did not share the wire.
        for name, n in (("c", c_rejected), ("d", d_rejected)):
            if n < 1000:
                problems.append(f"case 2 scan {name} rejected only {n} replies: the scans did not overlap")
    return lablib.report("two scans at once each report only their own results", problems)


if __name__ == "__main__":
    sys.exit(main())
