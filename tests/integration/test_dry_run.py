#!/usr/bin/env python3
"""A dry run says what the scan would do, reports no port state, writes no file and sends nothing.

Issue 19.8: `scan 198.18.0.2 -p 22 --dry-run` took 3 s (every pass's wait), reported "1 stealth" and
"3 packets sent ... on eth0", then "nothing was sent". In the lab's scanner namespace, under a
packet counter:
  * `scan 198.18.0.2 -p 22 --dry-run -oX X --summary-json S`: exit 0, well under the 3 s of waits,
    nothing on standard output (no port state), no X or S created, 0 packets on the wire; stderr
    says it would send 1 SYN from 198.18.0.1 on veth-scan, in 1 pass then up to 2 retry passes,
    the rate (from 50,000 up to the ceiling), a time estimate, the files it would write, and
    "1 probe generated" (each probe built once: no retry pass);
  * all 65,536 ports at --fixed-rate --rate 20000: the estimate is 65,536 / 20,000 s of sending,
    and the run itself does not pace (it ends in a fraction of that).
Exit 0 pass, 1 fail, 77 skipped.
"""
import os
import re
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lablib  # noqa: E402


def dry_run(args, lab, argv, problems, label):
    with lablib.PacketCounter(lab.scan_ns) as counter:
        t0 = time.monotonic()
        proc = lab.run([args.binary, "scan", *argv, "--dry-run"], timeout=60)
        took = time.monotonic() - t0
    packets = counter.result()
    lablib.log(f"{label}: exit {proc.returncode} in {took:.2f} s, {packets['count']} packets; stderr:\n{proc.stderr}")
    if proc.returncode != 0:
        problems.append(f"{label}: {lablib.describe(proc)}")
    if packets["count"] != 0:
        problems.append(f"{label}: {packets['count']} packets on the wire, want 0: {packets['samples']}")
    if proc.stdout.strip():
        problems.append(f"{label}: a dry run printed results on standard output: {proc.stdout[:300]!r}")
    for state in ("open", "closed", "stealth"):
        if re.search(rf"\b{state}\b", proc.stderr):
            problems.append(f"{label}: a dry run reported a port state ('{state}')")
    return proc, took


def main():
    args = lablib.parse_args(__doc__.splitlines()[0])
    lablib.require_lab_support()
    problems = []
    with tempfile.TemporaryDirectory(prefix="portauth-dry-") as tmp, lablib.Lab(args.repo) as lab:
        xml, summary = os.path.join(tmp, "a.xml"), os.path.join(tmp, "s.json")
        proc, took = dry_run(args, lab, [lablib.TARGET_IP, "-p", "22", "-oX", xml, "--summary-json", summary],
                             problems, "one port")
        if took > 2.0:  # the old dry run waited 1 s after each of 3 passes
            problems.append(f"one port: the dry run took {took:.2f} s: it waits as a real scan would")
        for want in ("dry run: would send 1 SYN (1 address x 1 port) from 198.18.0.1 on veth-scan in 1 pass, "
                     "then up to 2 retry passes",
                     "dry run: rate: from 50,000 SYNs a second, doubling while the answers keep up, up to 10,000,000",
                     "dry run: time: under 0.01 s of sending if nothing holds the rate back, and up to 1 s of waiting",
                     f"xml to {xml}",
                     "(nothing is written now)",
                     f"dry run: would write --summary-json {summary}",
                     "dry run: 1 probe generated at "):
            if want not in proc.stderr:
                problems.append(f"one port: stderr lacks {want!r}")
        for path in (xml, summary):
            if os.path.exists(path):
                problems.append(f"one port: the dry run wrote {path}")

        proc, took = dry_run(args, lab, [lablib.TARGET_IP, "-p-", "--fixed-rate", "--rate", "20000"], problems,
                             "all ports at --fixed-rate --rate 20000")
        if "dry run: time: about 3.28 s of sending, and 1 s of waiting for late replies after each pass" not in proc.stderr:
            problems.append("all ports: no estimate of 65,536 / 20,000 = 3.28 s of sending")
        m = re.search(r"dry run: (\d+) probes generated", proc.stderr)
        if not m or int(m.group(1)) != 65536:
            problems.append(f"all ports: {m and m.group(1)} probes generated, want 65536 (each once)")
        if took > 2.0:
            problems.append(f"all ports: the dry run took {took:.2f} s: it paces at --rate instead of estimating")
    return lablib.report("a dry run says what it would do, reports no state, writes and sends nothing", problems)


if __name__ == "__main__":
    sys.exit(main())
