#!/usr/bin/env python3
"""The UDP benchmarks of issue 24, side by side with nmap in one run. Root; standard library only.

    bench_udp.py --portauth BIN [--out DIR] [--only top100,sweep] [--sweep-runs N]

top100  The daemon lab (scripts/daemon_lab.sh through tests/integration/lab_daemons.py: dnsmasq,
        chronyd, snmpd, memcached -U on 198.18.0.2; 69, 137, 1900 dropped; 514 refused with ICMP
        admin-prohibited; everything else closed, at Linux's default ICMP limit of one error a
        second after a burst of 6), over nmap's top-100 UDP ports (nmap's own list, read from
        /usr/share/nmap/nmap-services at run time), plus every UDP port the lab serves:
          1. nmap -sU -T4 -Pn -n --reason                (the reference time)
          2. portauth scan -sU                           (default options)
          3. portauth scan -sU -T4
          4. portauth scan -sU --wait-unreachable
        each 10 s after the last (the target's ICMP bucket refills), each scored against the lab's
        ground truth: every open port found and named by its reply; no port in a state its
        daemon or firewall contradicts (open|filtered allowed for what the ICMP limit withheld,
        except with --wait-unreachable, which must classify every port exactly); the time, and
        its ratio to nmap's; for --wait-unreachable the physical minimum (the ICMP errors the
        target must send, less its burst of 6, at the period portauth measured) and the ratio.
sweep   198.19.0.0/16 (scripts/netlab.sh --anyip16) x 53/udp, answered by one dnsmasq on the
        target for all 65,536 addresses: first the lab's reply ceiling (--fixed-rate, no retry,
        rising rates: the highest at which 99.5% are answered in one pass), then portauth -sU
        with default options (closed loop) `--sweep-runs` times: time, rate, open ports found.
Writes DIR/results.json and prints a Markdown summary (bench/README.md, "UDP").
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "tests", "integration"))

NMAP_SERVICES = "/usr/share/nmap/nmap-services"
REFILL_S = 10  # the target's ICMP bucket: 6 tokens at 1 a second


def log(msg):
    print(msg, flush=True)


def nmap_top_udp(n):
    """nmap's n most frequent UDP ports, from its services file (read here, never copied)."""
    rows = []
    with open(NMAP_SERVICES) as f:
        for line in f:
            if line.startswith("#"):
                continue
            parts = line.split()
            if len(parts) >= 3 and parts[1].endswith("/udp"):
                rows.append((float(parts[2]), int(parts[1].split("/")[0])))
    rows.sort(key=lambda r: -r[0])
    return sorted(p for _, p in rows[:n])


def run_timed(ns, argv, timeout=1800):
    t0 = time.monotonic()
    r = subprocess.run(["ip", "netns", "exec", ns, *argv], capture_output=True, text=True, timeout=timeout)
    return r, time.monotonic() - t0


def xml_states(path):
    root = ET.parse(path).getroot()
    out = {}
    for port in root.iter("port"):
        out[int(port.get("portid"))] = port.find("state").get("state")
    for extra in root.iter("extraports"):
        for reason in extra.iter("extrareasons"):
            for item in reason.get("ports", "").split(","):
                if item:
                    lo, _, hi = item.partition("-")
                    for p in range(int(lo), int(hi or lo) + 1):
                        out[p] = extra.get("state")
    return out


def truth(lab, ports):
    """port -> exact state: the table's, every other port closed."""
    t = {p: "closed" for p in ports}
    for s in lab.services:
        if s.proto != "udp" or s.port not in t:
            continue
        t[s.port] = "open" if s.open else ("open|filtered" if s.role == "drop" else "filtered")
    return t


def score(states, want, exact, replies=None):
    """Problems of one run: open ports missed or not named, states the lab contradicts."""
    problems = []
    for port, w in sorted(want.items()):
        got = states.get(port)
        if w == "open":
            if got != "open":
                problems.append(f"{port}/udp {got}, it is open")
            elif replies is not None and not replies.get(port):
                problems.append(f"{port}/udp open but its reply is not explained")
        elif got == "open":
            problems.append(f"{port}/udp open without a reply ({w})")
        elif got != w and (exact or got != "open|filtered"):
            problems.append(f"{port}/udp {got}, it is {w}")
    return problems


def bench_top100(binary, out, results):
    from lab_daemons import DaemonLab
    with DaemonLab(REPO) as lab:
        ports = sorted(set(nmap_top_udp(100)) | set(lab.udp_open()) |
                       {s.port for s in lab.services if s.proto == "udp"})
        spec = ",".join(map(str, ports))
        want = truth(lab, ports)
        errors = sum(1 for s in want.values() if s in ("closed", "filtered"))
        log(f"top100: {len(ports)} ports ({len(lab.udp_open())} open, {errors} owe an ICMP error)")
        row = {"ports": len(ports), "open": lab.udp_open(), "icmp_errors_owed": errors, "runs": []}
        time.sleep(REFILL_S)
        xml = os.path.join(out, "nmap-top100.xml")
        r, took = run_timed(lab.scan_ns, ["nmap", "-sU", "-T4", "-Pn", "-n", "--reason", "-p", spec, "-oX", xml,
                                          lab.target_ip])
        nmap_states = xml_states(xml) if r.returncode == 0 else {}
        nmap_run = {"tool": "nmap -sU -T4", "seconds": took, "problems": score(nmap_states, want, False),
                    "states": summarize(nmap_states)}
        row["runs"].append(nmap_run)
        log(f"  nmap -sU -T4: {took:.1f} s {nmap_run['states']}")
        for label, extra in (("portauth -sU (default)", []), ("portauth -sU -T4", ["-T4"]),
                             ("portauth -sU --wait-unreachable", ["--wait-unreachable"])):
            time.sleep(REFILL_S)
            base = os.path.join(out, re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-"))
            r, took = run_timed(lab.scan_ns, [binary, "scan", lab.target_ip, "-sU", "-p", spec, *extra, "--show", "all",
                                              "--no-progress", "--user", "root", "-oJ", base + ".jsonl",
                                              "-oX", base + ".xml", "--summary-json", base + ".summary"])
            if r.returncode != 0:
                row["runs"].append({"tool": label, "error": r.stderr[-2000:]})
                continue
            rows = [json.loads(x) for x in open(base + ".jsonl") if x.strip()]
            states = {x["port"]: x["state"] for x in rows}
            replies = {x["port"]: x.get("reply") for x in rows if x["state"] == "open"}
            summary = json.loads(open(base + ".summary").readline())
            limited = summary.get("udp", {}).get("icmp_limited", [])
            period = limited[0]["seconds_per_error"] if limited and limited[0]["seconds_per_error"] else None
            run = {"tool": label, "seconds": took, "vs_nmap": took / nmap_run["seconds"],
                   "problems": score(states, want, "--wait-unreachable" in extra, replies),
                   "states": summarize(states), "seconds_per_icmp_error": period,
                   "replies": {p: replies[p] for p in sorted(replies)}}
            if "--wait-unreachable" in extra and period:
                run["physical_minimum_s"] = (errors - 6) * period
                run["vs_minimum"] = took / run["physical_minimum_s"]
            row["runs"].append(run)
            log(f"  {label}: {took:.2f} s ({run['vs_nmap']:.3f} of nmap's) {run['states']} "
                f"{'minimum %.1f s, %.3fx' % (run['physical_minimum_s'], run['vs_minimum']) if 'vs_minimum' in run else ''}"
                f" problems: {run['problems'] or 'none'}")
        results["top100"] = row


def summarize(states):
    out = {}
    for s in states.values():
        out[s] = out.get(s, 0) + 1
    return dict(sorted(out.items()))


def bench_sweep(binary, out, runs, results):
    name = f"us{os.getpid() % 10000}"
    netlab = os.path.join(REPO, "scripts", "netlab.sh")
    empty = os.path.join(out, "empty-profile.conf")
    open(empty, "w").close()
    run_dir = tempfile.mkdtemp(prefix="bench-udp-")
    subprocess.run(["bash", netlab, "up", "--name", name, "--anyip16", "--profile", empty], check=True,
                   capture_output=True)
    try:
        # One dnsmasq for every address of the /16 (AnyIP: it answers from the address asked).
        subprocess.run(["ip", "netns", "exec", f"{name}-tgt", "/usr/sbin/dnsmasq", "--port=53", "--no-resolv",
                        "--no-hosts", "--no-poll", "--cache-size=0", f"--pid-file={run_dir}/dnsmasq.pid",
                        "--user=dnsmasq", "--local=/lab.portauth.test/", "-C", "/dev/null"], check=True)
        time.sleep(0.5)
        target, ns = "198.19.0.0/16", f"{name}-scan"
        ceiling = None
        ladder = []
        for rate in (5000, 10000, 15000, 20000, 30000, 40000, 60000):
            summ = os.path.join(out, f"sweep-fixed-{rate}.summary")
            r, took = run_timed(ns, [binary, "scan", target, "-sU", "-p", "53", "--fixed-rate", "--rate", str(rate),
                                     "--retries", "0", "--wait", "1", "--no-progress", "--user", "root", "-oJ",
                                     "/dev/null", "--summary-json", summ])
            got = json.loads(open(summ).readline())["open"] if r.returncode == 0 else 0
            ladder.append({"rate": rate, "answered": got, "seconds": took})
            log(f"  sweep ceiling: {rate} pps -> {got}/65536 answered in one pass")
            if got >= 0.995 * 65536:
                ceiling = rate
            time.sleep(1)
        sweeps = []
        for i in range(runs):
            summ = os.path.join(out, f"sweep-default-{i}.summary")
            r, took = run_timed(ns, [binary, "scan", target, "-sU", "-p", "53", "--no-progress", "--user", "root",
                                     "-oJ", "/dev/null", "--summary-json", summ])
            s = json.loads(open(summ).readline()) if r.returncode == 0 else {}
            sweeps.append({"seconds": took, "open": s.get("open"), "packets_sent": s.get("packets_sent"),
                           "passes": s.get("passes"), "rate": s.get("rate")})
            log(f"  sweep default #{i + 1}: {took:.2f} s, {s.get('open')}/65536 open, {s.get('packets_sent')} probes "
                f"in {s.get('passes')} passes")
            time.sleep(2)
        results["sweep"] = {"ladder": ladder, "ceiling_pps": ceiling,
                            "ceiling_seconds": 65536 / ceiling if ceiling else None, "default": sweeps}
    finally:
        pid = os.path.join(run_dir, "dnsmasq.pid")
        if os.path.exists(pid):
            subprocess.run(["kill", open(pid).read().strip()], capture_output=True)
        subprocess.run(["bash", netlab, "down", "--name", name], capture_output=True)
        shutil.rmtree(run_dir, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--portauth", required=True)
    ap.add_argument("--out", default=None)
    ap.add_argument("--only", default="top100,sweep")
    ap.add_argument("--sweep-runs", type=int, default=3)
    a = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("bench_udp.py: needs root (network namespaces)")
    out = a.out or tempfile.mkdtemp(prefix="bench-udp-out-")
    os.makedirs(out, exist_ok=True)
    os.chmod(out, 0o755)
    binary = os.path.abspath(a.portauth)
    results = {"when": time.strftime("%Y-%m-%d %H:%M:%S"), "host_cpus": os.cpu_count()}
    only = a.only.split(",")
    if "top100" in only:
        bench_top100(binary, out, results)
    if "sweep" in only:
        bench_sweep(binary, out, a.sweep_runs, results)
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    log(f"results: {os.path.join(out, 'results.json')}")


if __name__ == "__main__":
    main()
