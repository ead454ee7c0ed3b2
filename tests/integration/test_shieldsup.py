#!/usr/bin/env python3
"""`portauth shieldsup` and `scan --report shieldsup` against the lab: counts, table, TruStealth.

Hosts (tests/lab/profile.conf):
  198.18.1.64   drops all TCP and ignores pings: every check PASSED, TruStealth PASSED
  198.18.1.200  ports like the host (22 open, 23/135/445 dropped), ignores pings: one open port
                fails the stealth and unsolicited-packet checks, the ping check passes, TruStealth FAILED
  198.18.0.2    the same ports, but answers pings: with only dropped ports tested, the stealth and
                unsolicited checks pass and ONLY the ping check fails
  198.18.0.2    the common preset: the counts and every port's state as profiled, implications
                printed for what answered
Also: `scan --report shieldsup` prints the same verdict and still writes its -o file (with its
--show), and a target of several addresses is refused (exit 1) with nothing sent.
Exit 0 pass, 1 fail, 77 skipped.
"""
import collections
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lablib  # noqa: E402

ALLOW = ["--allow", "198.18.0.0/15"]
STEALTH_HOST = "198.18.1.64"
NO_PING_HOST = "198.18.1.200"
COMMON = [0, 21, 22, 23, 25, 79, 80, 110, 113, 119, 135, 139, 143, 389, 443, 445, 1002,
          1024, 1025, 1026, 1027, 1028, 1029, 1030, 1720, 5000]
CHECKS = ("All ports stealth", "Unsolicited packets", "Ping reply", "TruStealth")
ROW = re.compile(r"^(\d+)/tcp +(open|closed|stealth) +(\S+) +(\d+|-) ")


def parse_report(stdout):
    """{'counts': {...}, 'checks': {...: 'PASSED'|'FAILED'}, 'rows': {port: (state, reason, ttl)}}"""
    counts, checks, rows = {}, {}, {}
    for line in stdout.splitlines():
        m = re.match(r"^ *(\d+) Ports (Open|Closed|Stealth|Tested)$", line)
        if m:
            counts[m.group(2).lower()] = int(m.group(1))
        m = re.match(r"^(%s): +(PASSED|FAILED)  " % "|".join(CHECKS), line)
        if m:
            checks[m.group(1)] = m.group(2)
        m = ROW.match(line)
        if m:
            rows[int(m.group(1))] = (m.group(2), m.group(3), m.group(4))
    return {"counts": counts, "checks": checks, "rows": rows}


def run_report(lab, binary, argv, what):
    proc = lab.run([binary, *argv, *ALLOW, "--wait", "0.5"], timeout=120)
    lablib.log(f"  {what}: exit {proc.returncode}; " + proc.stderr.strip().replace("\n", " | ")[:300])
    if proc.returncode != 0:
        return None, [f"{what}: {lablib.describe(proc)}"]
    return proc, []


def expect_checks(what, report, want):
    problems = []
    for name, verdict in want.items():
        if report["checks"].get(name) != verdict:
            problems.append(f"{what}: '{name}' {report['checks'].get(name)!r}, want {verdict}")
    return problems


def expect_rows(what, report, host, ports, profile):
    """Every tested port in the table with the profiled state and reason; counts that add up."""
    problems = []
    want = collections.Counter()
    for port in ports:
        state, reason = profile.expected(host, port)
        want[state] += 1
        got = report["rows"].get(port)
        if got is None:
            problems.append(f"{what}: port {port} missing from the table")
        elif got[:2] != (state, reason):
            problems.append(f"{what}: port {port} is {got[0]}/{got[1]}, want {state}/{reason}")
    for state in ("open", "closed", "stealth"):
        if report["counts"].get(state) != want[state]:
            problems.append(f"{what}: {report['counts'].get(state)} Ports {state.title()}, want {want[state]}")
    if report["counts"].get("tested") != len(ports):
        problems.append(f"{what}: {report['counts'].get('tested')} Ports Tested, want {len(ports)}")
    return problems


def main():
    args = lablib.parse_args(__doc__.splitlines()[0])
    lablib.require_lab_support()
    failed = 0
    with tempfile.TemporaryDirectory(prefix="portauth-sup-") as tmp, lablib.Lab(args.repo) as lab:
        profile = lablib.Profile(lab.profile_path)
        b = args.binary
        # The profile must say what these cases assume, or the test proves nothing.
        assert not profile.answers_ping(STEALTH_HOST) and not profile.answers_ping(NO_PING_HOST)
        assert profile.answers_ping(lablib.TARGET_IP)
        assert all(profile.expected(STEALTH_HOST, p)[0] == "stealth" for p in COMMON)

        # 1. Drops everything, ignores pings: TruStealth PASSED (default preset: common).
        what = f"shieldsup {STEALTH_HOST}"
        proc, problems = run_report(lab, b, ["shieldsup", STEALTH_HOST], what)
        if proc:
            r = parse_report(proc.stdout)
            problems += expect_rows(what, r, STEALTH_HOST, COMMON, profile)
            problems += expect_checks(what, r, dict.fromkeys(CHECKS, "PASSED"))
            if "Ports tested: common" not in proc.stdout:
                problems.append(f"{what}: the default port set is not the common preset")
        failed |= lablib.report("a host that drops everything and ignores pings PASSES TruStealth", problems)

        # 2. One open port among dropped ones, pings ignored: FAILED by the open port alone.
        ports = [22, 23, 135, 445]
        what = f"shieldsup {NO_PING_HOST} -p 22,23,135,445"
        proc, problems = run_report(lab, b, ["shieldsup", NO_PING_HOST, "-p", "22,23,135,445"], what)
        if proc:
            r = parse_report(proc.stdout)
            problems += expect_rows(what, r, NO_PING_HOST, ports, profile)
            problems += expect_checks(what, r, {"All ports stealth": "FAILED", "Unsolicited packets": "FAILED",
                                                "Ping reply": "PASSED", "TruStealth": "FAILED"})
            if not re.search(r"^22/tcp open \(syn-ack\), risk \w+: ssh - ", proc.stdout, re.M):
                problems.append(f"{what}: no security implications for the open port 22")
        failed |= lablib.report("one open port FAILS TruStealth", problems)

        # 3. Only dropped ports tested, but the host answers pings: ONLY the ping check fails.
        ports = [23, 135, 137, 138, 139, 445, 3389]
        assert all(profile.expected(lablib.TARGET_IP, p)[0] == "stealth" for p in ports)
        what = f"shieldsup {lablib.TARGET_IP} (stealth ports only)"
        proc, problems = run_report(lab, b, ["shieldsup", lablib.TARGET_IP, "-p", "23,135,137-139,445,3389"], what)
        if proc:
            r = parse_report(proc.stdout)
            problems += expect_rows(what, r, lablib.TARGET_IP, ports, profile)
            problems += expect_checks(what, r, {"All ports stealth": "PASSED", "Unsolicited packets": "PASSED",
                                                "Ping reply": "FAILED", "TruStealth": "FAILED"})
        failed |= lablib.report("a host that answers pings FAILS the ping check only", problems)

        # 4. The common preset on the lab host: counts, table and implications as profiled.
        what = f"shieldsup {lablib.TARGET_IP} --preset common"
        proc, problems = run_report(lab, b, ["shieldsup", lablib.TARGET_IP, "--preset", "common"], what)
        if proc:
            r = parse_report(proc.stdout)
            problems += expect_rows(what, r, lablib.TARGET_IP, COMMON, profile)
            problems += expect_checks(what, r, {"All ports stealth": "FAILED", "Unsolicited packets": "FAILED",
                                                "Ping reply": "FAILED", "TruStealth": "FAILED"})
            text = " ".join(proc.stdout.split())
            for port in COMMON:
                state, reason = profile.expected(lablib.TARGET_IP, port)
                head = re.search(rf"(^|\n){port}/tcp {state} \({re.escape(reason)}\), ", proc.stdout)
                if state != "stealth" and not head:
                    problems.append(f"{what}: no implications entry for {state} port {port}")
                if state == "stealth" and head:
                    problems.append(f"{what}: an implications entry for stealth port {port}")
            if "FTP dates from the early 1970s" not in text:  # port 21's background, from the database
                problems.append(f"{what}: the database background of port 21 is missing")
        failed |= lablib.report("the common preset on the lab host matches the profile", problems)

        # 5. scan --report shieldsup: the same verdict, and -o files still written with their --show.
        out = os.path.join(tmp, "sup.jsonl")
        what = f"scan {STEALTH_HOST} --report shieldsup"
        proc, problems = run_report(lab, b, ["scan", STEALTH_HOST, "--preset", "common", "--report", "shieldsup",
                                             "--show", "all", "--format", "jsonl", "-o", out], what)
        if proc:
            r = parse_report(proc.stdout)
            problems += expect_checks(what, r, dict.fromkeys(CHECKS, "PASSED"))
            records, bad = lablib.read_jsonl(out) if os.path.exists(out) else ([], ["no -o file"])
            problems += bad
            problems += lablib.check_scan(records, [STEALTH_HOST], COMMON, profile.expected)
        failed |= lablib.report("scan --report shieldsup PASSES the stealth host and writes -o", problems)

        # 6. More than one address: refused before anything is sent.
        problems = []
        for argv in (["shieldsup", "198.18.1.64/30"], ["scan", "198.18.1.64-65", "-p", "80", "--report", "shieldsup"]):
            with lablib.PacketCounter(lab.scan_ns) as counter:
                proc = lab.run([b, *argv, *ALLOW], timeout=30)
            n = counter.result()["count"]
            lablib.log(f"  {' '.join(argv)}: exit {proc.returncode}, {n} packets, {proc.stderr.strip()[:120]!r}")
            if proc.returncode != 1 or n != 0 or "one host" not in proc.stderr:
                problems.append(f"{' '.join(argv)}: exit {proc.returncode}, {n} packets, stderr {proc.stderr!r}")
        failed |= lablib.report("a ShieldsUP report of several addresses is refused, nothing sent", problems)
    return failed


if __name__ == "__main__":
    sys.exit(main())
