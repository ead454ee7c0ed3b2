#!/usr/bin/env python3
"""Hosts that lie (issue 21): the benchmark, in a lab of its own (scripts/netlab.sh up --liars).

    sudo scripts/bench_liars.py [--portauth BIN] [--name LAB] [--out DIR] [--only names,honest,block]
                                [--block-ports N] [--no-nmap]

Every scanner runs in LAB-scan, which routes only 198.18.0.0/15. Default options throughout
(`portauth scan TARGETS -p PORTS` plus only what the scoring reads: --show all, a JSONL file and
--summary-json). Three parts:
  names   each liar of scripts/liarlab.py scanned on all 65,536 ports, one scan per host: its
          verdict must be the one liarlab.EXPECTED names, and every port must come out open (a
          SYN-ACK is open, for nmap's sake)
  honest  every existing lab host (198.18.0.2 and the AnyIP block 198.18.1.0/24; the hosts that
          limit their answers, tests/integration/lab_hosts.py, each alone) and the host with 3,003
          listeners: no verdict for any, every port right, canary probes per host, follow-ups
  block   the host that blocks sources above 300 SYN/s for 15 s, ports 1-N (default 10,000):
          portauth with default options, then nmap -sS -T4, in the same run (16 s apart, so each
          starts unblocked): wall time, every port right or not, and the ratios to the physical
          minimum (N / 300 s) and to nmap
Writes DIR/results.json and prints a markdown table. Standard library only.
"""
import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(REPO, "tests", "integration"))
import lab_hosts  # noqa: E402
import lablib  # noqa: E402
import liarlab  # noqa: E402


def log(msg):
    print(f"bench_liars: {msg}", file=sys.stderr, flush=True)


def scan(args, lab, tag, targets, ports):
    """portauth with default options; ports None: its default port set (no -p at all)."""
    out = os.path.join(args.out, f"{tag}.jsonl")
    summary = os.path.join(args.out, f"{tag}.summary.json")
    argv = [args.portauth, "scan", *targets, *(["-p", ports] if ports else []), "--show", "all", "-oJ", out,
            "--summary-json", summary]
    log("running: " + " ".join(argv))
    t0 = time.monotonic()
    proc = lab.run(argv, timeout=1800)
    took = time.monotonic() - t0
    if proc.returncode != 0:
        raise SystemExit(f"bench_liars: {tag}: {lablib.describe(proc)}")
    records, problems = lablib.read_jsonl(out)
    with open(summary) as f:
        js = json.loads(f.readline())
    return {"took": took, "records": records, "problems": problems, "summary": js}


def wrong_ports(records, addrs, ports, expected, ttl):
    return len(lablib.check_scan(records, addrs, ports, expected, ttl=ttl))


def part_names(args, lab, results):
    ports = lablib.parse_ports("0-65535")
    for ip, kind in liarlab.EXPECTED.items():
        if kind == "rate-block":
            continue
        r = scan(args, lab, f"names-{kind}", [ip], "0-65535")
        hosts = {h["ip"]: h for h in r["summary"]["hosts"]}
        got = hosts.get(ip, {})
        wrong = wrong_ports(r["records"], [ip], ports, lambda _a, _p: ("open", "syn-ack"), 63)
        results.append({"part": "names", "host": ip, "want": kind, "verdict": got.get("verdict"), "line": got.get("line"),
                        "evidence": got.get("evidence"), "seconds": round(r["took"], 2), "ports_wrong": wrong,
                        "follow_up": r["summary"]["follow_ups"], "right": got.get("verdict") == kind and wrong == 0})
        log(f"{ip}: {got.get('verdict')} (want {kind}) in {r['took']:.1f} s; {got.get('line')}")


def part_honest(args, lab, results):
    profile = lablib.Profile(lab.profile_path)
    many = set(liarlab.MANY_LISTENERS)
    # The lab's target and every AnyIP host on the default port set (0-1055 and the ranked ports
    # above); the target and the listener-rich host on all ports; then, with the answer limits
    # of tests/integration/lab_hosts.py installed, each limited host on test_rate_limited.py's
    # ports. (The limited hosts are scanned alone: in one sweep with the 64 silent hosts of the
    # AnyIP block, the rate controller's all-groups judge can drive the retry pass down to
    # ~16 pps, on main as well: a retry-pass issue of the controller, not of hosts that lie.)
    cases = [("honest-anyip", [lablib.TARGET_IP, "198.18.1.0/24"], None, profile.expected, 64),
             ("honest-target-all", [lablib.TARGET_IP], "0-65535", profile.expected, 64),
             ("honest-3003-all", [liarlab.MANY], "0-65535",
              lambda _a, p: ("open", "syn-ack") if p in many else ("closed", "rst"), 63),
             ("limits", None, None, None, None),
             ("honest-limited-2000", ["198.18.1.220"], "1-6000", profile.expected, 64),
             ("honest-limited-500", ["198.18.1.221"], "1-1500", profile.expected, 64),
             ("honest-policed-20000", ["198.18.1.230"], "1-30000", profile.expected, 64)]
    for tag, targets, ports, expected, ttl in cases:
        if tag == "limits":
            lab_hosts.add_answer_limits(lab.tgt_ns)
            continue
        r = scan(args, lab, tag, targets, ports)
        addrs = sorted({rec["ip"] for rec in r["records"]})
        port_list = sorted({rec["port"] for rec in r["records"]})
        wrong = wrong_ports(r["records"], addrs, port_list, expected, ttl)
        s = r["summary"]
        n_hosts = len(addrs)
        results.append({"part": "honest", "case": tag, "hosts": n_hosts, "ports": len(port_list),
                        "flagged": [h["ip"] + ": " + h["verdict"] for h in s["hosts"]], "ports_wrong": wrong,
                        "canary_probes_per_host": s["canary_probes"] / max(n_hosts, 1),
                        "follow_up_probes": s["follow_ups"]["probes"], "seconds": round(r["took"], 2),
                        "right": not s["hosts"] and wrong == 0 and s["canary_probes"] <= 3 * n_hosts})
        log(f"{tag}: {n_hosts} hosts x {len(port_list)} ports, {len(s['hosts'])} flagged, {wrong} wrong, "
            f"{s['canary_probes'] / max(n_hosts, 1):.1f} canary probes a host, {r['took']:.1f} s")


def nmap_states(path):
    states = {}
    for host in ET.parse(path).getroot().iter("host"):
        for port in host.iter("port"):
            states[int(port.get("portid"))] = port.find("state").get("state")
        for extra in host.iter("extraports"):
            for reasons in extra.iter("extrareasons"):
                for p in lablib.parse_ports(reasons.get("ports")):
                    states[p] = extra.get("state")
    return states


def part_block(args, lab, results):
    host, n = liarlab.RATE_BLOCK, args.block_ports
    ports = list(range(1, n + 1))
    services = set(liarlab.RATE_BLOCK_SERVICES)
    minimum = n / liarlab.RATE_BLOCK_PPS
    time.sleep(liarlab.RATE_BLOCK_SECONDS + 1)  # unblocked, whatever ran before
    r = scan(args, lab, "block-portauth", [host], f"1-{n}")
    wrong = wrong_ports(r["records"], [host], ports,
                        lambda _a, p: ("open", "syn-ack") if p in services else ("closed", "rst"), 63)
    verdict = {h["ip"]: h for h in r["summary"]["hosts"]}.get(host, {})
    row = {"part": "block", "tool": "portauth (default options)", "ports": n, "seconds": round(r["took"], 2),
           "ports_wrong": wrong, "verdict": verdict.get("verdict"), "line": verdict.get("line"),
           "minimum_seconds": round(minimum, 1), "x_minimum": round(r["took"] / minimum, 2)}
    results.append(row)
    log(f"portauth: {r['took']:.1f} s, {wrong} wrong, {verdict.get('line')}")
    if args.no_nmap:
        return
    time.sleep(liarlab.RATE_BLOCK_SECONDS + 1)
    out = os.path.join(args.out, "block-nmap.xml")
    argv = ["nmap", "-sS", "-T4", f"-p1-{n}", "-n", "-Pn", "-e", "veth-scan", "--reason", "-oX", out, host]
    log("running: " + " ".join(argv))
    t0 = time.monotonic()
    proc = lab.run(argv, timeout=3600)
    took = time.monotonic() - t0
    states = nmap_states(out) if proc.returncode == 0 else {}
    nmap_wrong = sum(1 for p in ports if states.get(p) != ("open" if p in services else "closed"))
    results.append({"part": "block", "tool": "nmap -sS -T4", "ports": n, "seconds": round(took, 2),
                    "ports_wrong": nmap_wrong, "minimum_seconds": round(minimum, 1),
                    "x_minimum": round(took / minimum, 2)})
    row["nmap_over_portauth"] = round(took / r["took"], 2)
    log(f"nmap: {took:.1f} s, {nmap_wrong} wrong; portauth {took / r['took']:.2f}x faster")


def markdown(results):
    lines = ["| part | host / case | result | wall s | ports wrong | notes |", "|---|---|---|---:|---:|---|"]
    for r in results:
        if r["part"] == "names":
            lines.append(f"| names | {r['host']} (want {r['want']}) | **{r['verdict']}** | {r['seconds']} | "
                         f"{r['ports_wrong']} | {r['line']} |")
        elif r["part"] == "honest":
            lines.append(f"| honest | {r['case']}: {r['hosts']} hosts x {r['ports']} ports | "
                         f"{len(r['flagged'])} flagged | {r['seconds']} | {r['ports_wrong']} | "
                         f"{r['canary_probes_per_host']:.1f} canary probes/host, {r['follow_up_probes']} follow-up probes |")
        else:
            extra = f"{r['x_minimum']}x the minimum ({r['minimum_seconds']} s)"
            if "nmap_over_portauth" in r:
                extra += f"; nmap -T4 / portauth = {r['nmap_over_portauth']}x"
            if r.get("line"):
                extra += f"; {r['verdict']}: {r['line']}"
            lines.append(f"| block | {r['tool']}, {r['ports']} ports | | {r['seconds']} | {r['ports_wrong']} | {extra} |")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--portauth", default=os.path.join(REPO, "build", "portauth"))
    ap.add_argument("--name", default="lbench")
    ap.add_argument("--out", default=tempfile.mkdtemp(prefix="portauth-liars-bench-"))
    ap.add_argument("--only", default="names,honest,block")
    ap.add_argument("--block-ports", type=int, default=10000)
    ap.add_argument("--no-nmap", action="store_true")
    args = ap.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("bench_liars: need root (namespaces, raw sockets)")
    os.makedirs(args.out, exist_ok=True)
    parts = set(args.only.split(","))
    results = []
    with lablib.Lab(REPO, args.name) as lab:
        subprocess.run([lablib.PYTHON, os.path.join(HERE, "liarlab.py"), "up", "--name", lab.name], check=True)
        if "block" in parts:  # first: nothing else has probed the rate-blocking host yet
            part_block(args, lab, results)
        if "names" in parts:
            part_names(args, lab, results)
        if "honest" in parts:
            part_honest(args, lab, results)
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    print(markdown(results))
    log(f"results in {args.out}/results.json")
    return 0 if all(r.get("right", True) and r.get("ports_wrong", 0) == 0 for r in results if r.get("tool") != "nmap -sS -T4") else 1


if __name__ == "__main__":
    sys.exit(main())
