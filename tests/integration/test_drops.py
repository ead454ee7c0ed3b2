#!/usr/bin/env python3
"""Capture drops are reported: progress line, summary, a warning naming the fix, JSON summary.

A scan of all 65,536 ports of the lab target at --rate max with the capture ring shrunk to
4 KiB (--pcap-buffer 4096) gets ~64,500 replies in well under a second: far more than the ring
holds while the capture thread is busy, so the kernel drops some. Pass:
  * the progress line (--progress, to a pipe) shows a non-zero "drops N";
  * the summary line says "pcap: N received, M dropped" with M > 0;
  * a warning names the likely fixes: a lower --rate and a bigger --pcap-buffer;
  * --summary-json says "complete": false with "pcap-drops" among the reasons, and the same M.
Control: the same scan at a modest rate with the default buffer drops nothing, prints no
warning, and its JSON summary says "complete": true. Exit 0 pass, 1 fail, 77 skipped.
"""
import json
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lablib  # noqa: E402

T = lablib.TARGET_IP
ALLOW = ["--allow", "198.18.0.0/15"]
PCAP_RE = re.compile(r"pcap: (\d+) received, (\d+) dropped")
DROPS_RE = re.compile(r"drops ([\d,]+)")


def scan(lab, binary, tmp, name, extra):
    summary = os.path.join(tmp, f"{name}-summary.jsonl")
    proc = lab.run([binary, "scan", T, "-p", "-", *ALLOW, "--retries", "0", "--wait", "0.5", "--show", "open",
                    "-o", os.path.join(tmp, f"{name}.txt"), "--summary-json", summary, "--progress", *extra])
    js = None
    if os.path.exists(summary):
        with open(summary) as f:
            lines = f.read().splitlines()
        js = json.loads(lines[0]) if len(lines) == 1 else {"lines": lines}
    return proc, js


def main():
    args = lablib.parse_args(__doc__.splitlines()[0])
    lablib.require_lab_support()
    problems = []
    with tempfile.TemporaryDirectory(prefix="portauth-drops-") as tmp, lablib.Lab(args.repo) as lab:
        os.chmod(tmp, 0o755)
        proc, js = scan(lab, args.binary, tmp, "tiny", ["--rate", "max", "--pcap-buffer", "4096"])
        if proc.returncode != 0:
            return lablib.report("drops", [f"scan failed: {lablib.describe(proc)}"])
        m = PCAP_RE.search(proc.stderr)
        dropped = int(m.group(2)) if m else -1
        progress_drops = max((int(x.replace(",", "")) for x in DROPS_RE.findall(proc.stderr)), default=-1)
        lablib.log(f"4 KiB ring at --rate max: summary dropped {dropped}; progress line showed up to "
                   f"{progress_drops} drops; JSON: complete={js and js.get('complete')} {js and js.get('incomplete')}")
        if dropped <= 0:
            problems.append(f"no pcap drops in the summary (the test needs some): {proc.stderr[-800:]}")
        if progress_drops <= 0:
            problems.append("the progress line never showed a non-zero 'drops N'")
        warning = [line for line in proc.stderr.splitlines() if "warning" in line and "dropped" in line]
        if not warning or "lower --rate" not in warning[0] or "--pcap-buffer" not in warning[0]:
            problems.append(f"no warning naming --rate and --pcap-buffer: {warning}")
        if not js or js.get("complete") is not False or "pcap-drops" not in js.get("incomplete", []) \
                or js.get("pcap", {}).get("dropped") != dropped or js.get("pcap", {}).get("buffer_bytes") != 4096:
            problems.append(f"JSON summary does not mark the scan incomplete with the drops: {js}")

        proc, js = scan(lab, args.binary, tmp, "control", ["--rate", "20000"])
        m = PCAP_RE.search(proc.stderr)
        lablib.log(f"control at 20000 pps, default ring: {m and m.group(0)}; JSON complete={js and js.get('complete')}")
        if proc.returncode != 0 or not m or int(m.group(2)) != 0:
            problems.append(f"control scan dropped packets or failed: {lablib.describe(proc)}")
        if "warning" in proc.stderr and "dropped" in proc.stderr:
            problems.append("control scan printed a drop warning")
        if not js or js.get("complete") is not True or js.get("incomplete") != []:
            problems.append(f"control JSON summary is not complete: {js}")
    return lablib.report("pcap drops show in progress, summary, warning and JSON summary", problems)


if __name__ == "__main__":
    sys.exit(main())
