#!/usr/bin/env python3
"""Each shipped example config, run as its own header says, prints what it promises and writes no file.

Issue 19, item 12: full-host.yaml printed 64,519 lines on the lab target (its comment said stealth
ports were "the quiet majority"; there nearly every port is closed) and wrote an 8.5 MB JSONL
file into the source tree; shieldsup-common.yaml promised every port "explained" and printed a
table. Now each example is run in the lab exactly as its header's lab line says (`sudo ip netns
exec pa-scan build/portauth scan --config config/examples/NAME.yaml`, here in this test's own
lab), from an empty working directory, with nothing overridden, and its promise is checked:

  * full-host.yaml: one text report listing exactly the profile's open ports of 0-65535 (no
    closed or stealth row), and a summary line whose counts are the profile's, in a few lines;
  * shieldsup-common.yaml: the ShieldsUP report for the 26 common ports, states and counts as
    profiled, a "Security implications" paragraph for every open or closed port (none for the
    stealth ones), and the TruStealth verdict;
  * subnet-sweep.yaml: one CSV line per (host, port) the profile has open, over both scans'
    targets and ports, and nothing else but the two header lines.

Every example must have a check here (a new one without a promise fails), and no run may leave a
file in config/examples or in its working directory.
Exit 0 pass, 1 fail, 77 skipped.
"""
import csv
import io
import ipaddress
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lablib  # noqa: E402
import test_shieldsup  # noqa: E402  (the ShieldsUP report's parser and the common ports)

T = lablib.TARGET_IP
SUMMARY = re.compile(r"^(\d+) open, (\d+) closed, (\d+) stealth of (\d+) ports probed")


def profile_counts(profile, addr, ports):
    counts = {"open": 0, "closed": 0, "stealth": 0}
    for p in ports:
        counts[profile.expected(addr, p)[0]] += 1
    return counts


def full_host(out, profile):
    ports = range(65536)
    want_open = {p for p in ports if profile.expected(T, p)[0] == "open"}
    problems = []
    if out.count("portauth scan report for ") != 1 or f"portauth scan report for {T}\n" not in out:
        problems.append(f"not one text report for {T}")
    rows = [line.split() for line in out.splitlines() if re.match(r"^\d+/tcp ", line)]
    shown = {int(r[0].split("/")[0]) for r in rows}
    if any(r[1] != "open" for r in rows):
        problems.append(f"rows that are not open: {[r[:2] for r in rows if r[1] != 'open'][:5]}")
    if shown != want_open:
        problems.append(f"open ports {sorted(shown)}, want {sorted(want_open)}")
    summary = [SUMMARY.match(line) for line in out.splitlines() if SUMMARY.match(line)]
    want = profile_counts(profile, T, ports)
    if len(summary) != 1:
        problems.append("no summary line counting open, closed and stealth")
    else:
        got = dict(zip(("open", "closed", "stealth", "probed"), map(int, summary[0].groups())))
        if got != {**want, "probed": 65536}:
            problems.append(f"summary {got}, want {want} of 65536")
    if len(out.splitlines()) > len(want_open) + 10:
        problems.append(f"{len(out.splitlines())} lines for {len(want_open)} open ports")
    return problems, f"{len(shown)} open ports listed, {len(out.splitlines())} lines"


def shieldsup_common(out, profile):
    what = "shieldsup-common.yaml"
    report = test_shieldsup.parse_report(out)
    problems = []
    if f"ShieldsUP report for {T}" not in out or "Ports tested: common" not in out:
        problems.append("not a ShieldsUP report of the common ports")
    problems += test_shieldsup.expect_rows(what, report, T, test_shieldsup.COMMON, profile)
    explained = {int(m.group(1)) for m in re.finditer(r"^(\d+)/tcp (?:open|closed) \(", out, re.M)}
    want = {p for p in test_shieldsup.COMMON if profile.expected(T, p)[0] != "stealth"}
    if "Security implications" not in out or explained != want:
        problems.append(f"explained ports {sorted(explained)}, want every open or closed one {sorted(want)}")
    if report["checks"].get("TruStealth") not in ("PASSED", "FAILED"):
        problems.append("no TruStealth verdict")
    return problems, f"26 ports, {len(explained)} explained, TruStealth {report['checks'].get('TruStealth')}"


def subnet_sweep(out, profile):
    excluded = "198.18.1.255"
    scans = [(lablib.expand_addrs("198.18.1.0/24"), [22]),
             (lablib.expand_addrs("198.18.1.0/27") + [T], [80, 443, 8080, 8081, 8443])]
    want = {(a, p) for addrs, ports in scans for a in addrs if a != excluded for p in ports
            if profile.expected(a, p)[0] == "open"}
    header = "ip,port,proto,state,reason,ttl,service,purpose,risk,host_verdict"
    lines = out.splitlines()
    problems = []
    if lines.count(header) != 2:
        problems.append(f"{lines.count(header)} CSV header lines, want one per scan (2)")
    rows = list(csv.reader(io.StringIO("\n".join(line for line in lines if line != header))))
    got = {(r[0], int(r[1])) for r in rows if len(r) == 10}
    if len(got) != len(rows) or any(r[3] != "open" for r in rows if len(r) == 10):
        problems.append("lines that are not one open (host, port) each")
    if got != want:
        extra, missing = sorted(got - want)[:5], sorted(want - got, key=lambda k: (ipaddress.ip_address(k[0]), k[1]))
        problems.append(f"{len(got)} (host, port) lines, want {len(want)}; extra {extra}, missing {missing[:5]}")
    return problems, f"{len(got)} open (host, port) lines"


PROMISES = {"full-host.yaml": full_host, "shieldsup-common.yaml": shieldsup_common,
            "subnet-sweep.yaml": subnet_sweep}


def snapshot(directory):
    return {e.name: (e.stat().st_size, e.stat().st_mtime_ns) for e in os.scandir(directory)}


def main():
    args = lablib.parse_args(__doc__.splitlines()[0])
    lablib.require_lab_support()
    examples_dir = os.path.join(args.repo, "config", "examples")
    names = sorted(n for n in os.listdir(examples_dir) if n.endswith(".yaml"))
    problems = [f"{n}: no promise check in {os.path.basename(__file__)}" for n in names if n not in PROMISES]
    with lablib.Lab(args.repo) as lab:
        profile = lablib.Profile(lab.profile_path)
        for name in names:
            if name not in PROMISES:
                continue
            with open(os.path.join(examples_dir, name)) as f:
                header = f.read()
            lab_line = f"sudo ip netns exec pa-scan build/portauth scan --config config/examples/{name}"
            if lab_line not in header:
                problems.append(f"{name}: its header does not give the lab line '{lab_line}'")
            before = snapshot(examples_dir)
            with tempfile.TemporaryDirectory(prefix="portauth-example-") as cwd:
                proc = lablib.ns_run(lab.scan_ns, [args.binary, "scan", "--config", os.path.join(examples_dir, name)],
                                     timeout=240, cwd=cwd)
                left = os.listdir(cwd)
            if left:
                problems.append(f"{name}: wrote {left} in its working directory")
            if snapshot(examples_dir) != before:
                problems.append(f"{name}: changed config/examples: {sorted(set(snapshot(examples_dir)) ^ set(before))}")
            if proc.returncode != 0:
                problems.append(f"{name}: {lablib.describe(proc)}")
                continue
            found, what = PROMISES[name](proc.stdout, profile)
            problems += [f"{name}: {p}" for p in found]
            lablib.log(f"{name}: {what}; {'as promised' if not found else 'NOT as promised'}")
    return lablib.report("each example config prints what it promises and writes no file", problems)


if __name__ == "__main__":
    sys.exit(main())
