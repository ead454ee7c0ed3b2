#!/usr/bin/env python3
"""The throughput race of issue 6, run inside a lab that scripts/bench_pps.sh has brought up.

    bench_race.py --portauth BIN --lab NAME --out DIR [--quick] [--repeat N] [--only a,b,mem]

Scenarios (every scanner runs in NAME-scan, the lab's scanner namespace, which has no route out):
  a    one host, 198.18.0.2, all 65,536 ports: portauth, nmap -sS -T4, masscan
  b    198.19.0.0/16 (netlab.sh --anyip16) x ports 22,80,113: portauth, masscan, ZMap
       (ZMap 2.1 scans one port per run: three runs, times and counts added)
  tx   the transmit path alone (the target drops every frame at its veth's ingress): portauth
       --send-mode raw vs ring at --rate max, probes/s and CPU seconds
  capture  CPU cost of the capture modes: immediate TPACKET_V2 (--rate 100000) vs V3 blocks (100001)
  mem  peak RSS of portauth --dry-run over /12, /10, /8 x 1 port (/usr/bin/time -v)
  wire, capcpu, cost  probes on the wire against masscan (a sink, counted at the receiving veth), the
       capture thread's CPU per reply, how cost grows with work: scripts/bench_wire.py (DIR/wire.md)
Each tool runs at a sweep of rates; every run is scored against tests/lab/profile.conf
(scripts/bench_score.py). For every run it records: wall time, SYNs that reached the target and
replies the target sent (nftables counters in NAME-tgt), the tool's own send rate and capture drops
where it reports them, replies the tool missed (target replies - tool's answers), open recall and
three-state agreement. Writes DIR/results.jsonl (one object per run) and DIR/results.md (tables,
plus each tool's highest rate with open recall >= 99.99%: scripts/bench_report.py). Standard library
only.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_score  # noqa: E402
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "integration"))
import lablib  # noqa: E402
from bench_report import fmt_rate, markdown  # noqa: E402

SCAN_IP, TARGET_IP = "198.18.0.1", "198.18.0.2"
SCAN_MAC, TARGET_MAC = "02:70:61:00:00:01", "02:70:61:00:00:02"
SCAN_IF = "veth-scan"

# Counters in the target namespace: SYNs arriving (before any lab rule can drop them) and every
# TCP or ICMP reply it sends back to the scanner.
COUNTERS_NFT = f"""table ip pa_race {{
  chain pre {{
    type filter hook prerouting priority -300; policy accept;
    tcp flags & (syn | ack) == syn counter
  }}
  chain out {{
    type filter hook output priority 300; policy accept;
    ip daddr {SCAN_IP} meta l4proto {{ tcp, icmp }} counter
  }}
}}
"""

# masscan 1.3.2 (Debian's) never exits on a silent wire: its receive thread sits in pcap_next(),
# which with libpcap 1.10 does not return without a packet, so the end-of-scan check is never
# reached. A trickle of UDP from the target (20 packets/s, to the discard port) wakes it up.
KEEPALIVE = ("import socket,time\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
             f"while True:\n    s.sendto(b'k',('{SCAN_IP}',9)); time.sleep(0.05)\n")


def log(msg):
    print(msg, flush=True)


class Lab:
    def __init__(self, name):
        self.scan_ns, self.tgt_ns = f"{name}-scan", f"{name}-tgt"
        self.repo = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")  # for lab_hosts.enable_ipv6

    def in_scan(self, argv):
        return ["ip", "netns", "exec", self.scan_ns, *argv]

    def in_tgt(self, argv):
        return ["ip", "netns", "exec", self.tgt_ns, *argv]

    def install_counters(self):
        subprocess.run(self.in_tgt(["nft", "-f", "-"]), input=COUNTERS_NFT, text=True, check=True)

    def counters(self):
        out = subprocess.run(self.in_tgt(["nft", "-j", "list", "table", "ip", "pa_race"]), capture_output=True,
                             text=True, check=True).stdout
        values = {}
        for item in json.loads(out)["nftables"]:
            rule = item.get("rule")
            if not rule:
                continue
            for expr in rule["expr"]:
                if "counter" in expr:
                    values[rule["chain"]] = expr["counter"]["packets"]
        return values.get("pre", 0), values.get("out", 0)


# --- the tools ------------------------------------------------------------------------------------

def portauth_runs(binary, targets, ports, rate, out, mode="raw", wait="0.1", retries="2", fmt="csv"):
    # CSV rather than JSONL: the same three states per port, and ~2 us less per line to write
    # (JSONL goes through nlohmann::json), which on 2 cores is CPU taken from the scan.
    return [[binary, "scan", targets, "-p", ports, "--allow", "198.18.0.0/15", "--rate", str(rate),
             "--wait", wait, "--retries", retries, "--send-mode", mode, "--show", "all", "--format", fmt,
             "-o", out]], [out]


def portauth_default_runs(binary, targets, ports, out, extra=()):
    """portauth as a user types it: no timing option at all (the closed-loop controller's
    defaults), only what the scorer needs (every state, one CSV file)."""
    return [[binary, "scan", targets, "-p", ports, *extra, "--show", "all", "--format", "csv", "-o", out,
             "--summary-json", out + ".summary.json"]], [out]


def nmap_runs(targets, ports, out):
    return [["nmap", "-sS", "-T4", f"-p{ports}", "-n", "-Pn", "-e", SCAN_IF, "--reason", "-oX", out, targets]], [out]


def masscan_runs(targets, ports, rate, out, wait="2"):
    # --wait is whole seconds and counted with time(0), so "1" can mean anything from 0 to 1 s:
    # 2 guarantees at least a second for the last replies, like portauth's and ZMap's waits.
    return [["masscan", targets, f"-p{ports}", "--rate", str(rate), "--interface", SCAN_IF, "--adapter-ip", SCAN_IP,
             "--adapter-mac", SCAN_MAC, "--router-mac", TARGET_MAC, "--wait", wait, "--show", "closed",
             "-oL", out]], [out]


def zmap_runs(targets, ports, rate, out_prefix, blocklist):
    argvs, outs = [], []
    for port in ports.split(","):
        out = f"{out_prefix}-{port}.json"
        # The json output module keeps unsuccessful answers (RSTs); ZMap 2.1's csv one drops
        # them whatever --output-filter says.
        argvs.append(["zmap", "-p", port, "-i", SCAN_IF, "-S", SCAN_IP, "-G", TARGET_MAC, "-b", blocklist,
                      "-r", str(rate), "-c", "1", "-M", "tcp_synscan", "--disable-syslog", "-O", "json", "-o", out,
                      "-f", "saddr,sport,classification,success,repeat", "-m", out + ".meta.json", targets])
        outs.append(out)
    return argvs, outs


def sent_pps(stderr):
    """portauth's SYNs a second while sending, from its "sent: N SYNs (P passes, R a second while
    sending; ...)" line (output/report.h)."""
    m = re.search(r"sent: [\d,]+ SYNs .*?(?:\(|: )\d+ pass(?:es)?, ([\d,]+) a second while sending", stderr)
    return float(m.group(1).replace(",", "")) if m else None


def tool_report(tool, stderr, outs):
    """The send rate and capture drops the tool reports itself, where it does."""
    rep = {"reported_pps": None, "pcap_drops": None}
    if tool == "portauth":
        try:  # the closed loop's account (--summary-json), where the run asked for one
            with open(outs[0] + ".summary.json") as f:
                rate = json.load(f).get("rate", {})
            if rate.get("mode") == "closed-loop":
                rep["controller"] = {k: rate.get(k) for k in ("min", "max", "final", "backoffs", "held_by", "rtt_ms")}
        except (OSError, ValueError, IndexError):
            pass
        rep["reported_pps"] = sent_pps(stderr)
        m = re.search(r"pcap: \d+ received, (\d+) dropped", stderr)
        rep["pcap_drops"] = int(m.group(1)) if m else None
    elif tool == "masscan":
        rates = [float(x) for x in re.findall(r"rate:\s*([\d.]+)-kpps", stderr.replace("\r", "\n"))]
        rep["reported_pps"] = max(rates) * 1000 if rates else None
    elif tool == "zmap":
        rates = []
        for value, unit in re.findall(r"send: \d+ done \(([\d.]+) ([KMG]?)p/s avg\)", stderr):
            rates.append(float(value) * {"": 1, "K": 1e3, "M": 1e6, "G": 1e9}[unit])
        rep["reported_pps"] = sum(rates) / len(rates) if rates else None
        drops = 0
        for out in outs:
            try:
                with open(out + ".meta.json") as f:
                    drops += json.load(f).get("pcap_drop", 0)
            except (OSError, ValueError):
                drops = None
                break
        rep["pcap_drops"] = drops
    return rep


# --- one run --------------------------------------------------------------------------------------

def run(lab, profile, scenario, tool, label, rate, argvs, outs, targets, ports, timeout):
    for out in outs:
        if os.path.exists(out):
            os.unlink(out)
    keepalive = None
    if tool == "masscan":
        keepalive = subprocess.Popen(lab.in_tgt(["python3", "-c", KEEPALIVE]), stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        time.sleep(0.2)
    syn0, rep0 = lab.counters()
    stderr, wall, rc = "", 0.0, 0
    try:
        for argv in argvs:
            t0 = time.monotonic()
            proc = subprocess.run(lab.in_scan(argv), capture_output=True, text=True, timeout=timeout)
            wall += time.monotonic() - t0
            stderr += proc.stderr + proc.stdout
            rc = rc or proc.returncode
    except subprocess.TimeoutExpired:
        rc, wall = "timeout", float(timeout)
    finally:
        if keepalive:
            keepalive.terminate()
            keepalive.wait()
    syn1, rep1 = lab.counters()  # (the keepalive is UDP: the reply counter does not see it)
    result = {"scenario": scenario, "tool": tool, "label": label, "rate": rate, "rc": rc, "wall_s": round(wall, 3),
              "syns_at_target": syn1 - syn0, "target_replies": rep1 - rep0}
    result.update(tool_report(tool, stderr, outs))
    result.update(bench_score.score(tool, outs, bench_score.lablib.expand_addrs(targets),
                                    set(bench_score.lablib.parse_ports(ports)), profile))
    result["avg_pps"] = round(result["syns_at_target"] / wall) if wall else None
    result["replies_missed"] = max(0, result["target_replies"] - result["answered"])
    result["command"] = " ; ".join(" ".join(a) for a in argvs)
    log(f"  {tool:8} {label:18} wall {result['wall_s']:7.2f} s  syns {result['syns_at_target']:7}  "
        f"pps(avg) {result['avg_pps'] or 0:8}  pps(tool) {fmt_rate(result['reported_pps']):>8}  "
        f"recall {result['open_recall']:.5f}  agree {result['agreement']:.5f}  missed {result['replies_missed']}"
        + (f"  rc={rc}" if rc else "")
        + (f"\n           controller: {result['controller']}" if result.get("controller") else ""))
    return result


# --- scenarios ------------------------------------------------------------------------------------

def repeat(args, fn):
    for _ in range(args.repeat):
        fn()


def scenario_a(args, lab, profile, results):
    targets, ports = TARGET_IP, "0-65535"
    log(f"== (a) {targets}, ports {ports}")
    out = args.out

    def portauth(label, rate, **kw):
        ext = kw.get("fmt", "csv")
        repeat(args, lambda: results.append(run(
            lab, profile, "a", "portauth", label, rate,
            *portauth_runs(args.portauth, targets, ports, rate, f"{out}/a-portauth.{ext}", **kw), targets, ports, 300)))

    repeat(args, lambda: results.append(run(lab, profile, "a", "nmap", "-sS -T4", None,
                                            *nmap_runs(targets, ports, f"{out}/a-nmap.xml"), targets, ports, 600)))
    repeat(args, lambda: results.append(run(lab, profile, "a", "portauth", "default options", None,
                                            *portauth_default_runs(args.portauth, targets, ports, f"{out}/a-default.csv"),
                                            targets, ports, 300)))
    repeat(args, lambda: results.append(run(
        lab, profile, "a", "portauth", "--fixed-rate max w0.1", "max",
        *portauth_default_runs(args.portauth, targets, ports, f"{out}/a-fixed.csv",
                               ["--fixed-rate", "--rate", "max", "--wait", "0.1"]), targets, ports, 300)))
    if args.quick:
        return
    portauth("raw max w0.1", "max")
    portauth("ring max w0.1", "max", mode="ring")
    if not args.quick:
        portauth("raw 100000 w0.1", "100000")
        portauth("raw max w0.1 jsonl", "max", fmt="jsonl")
        portauth("raw max defaults (w1)", "max", wait="1")
    for rate in (["100000"] if args.quick else ["5000", "10000", "25000", "50000", "100000", "200000"]):
        repeat(args, lambda: results.append(run(lab, profile, "a", "masscan", f"{rate} w2", rate,
                                                *masscan_runs(targets, ports, rate, f"{out}/a-masscan.txt"),
                                                targets, ports, 300)))


def scenario_b(args, lab, profile, results):
    targets, ports = "198.19.0.0/16", "22,80,113"
    log(f"== (b) {targets}, ports {ports}")
    out = args.out
    blocklist = f"{out}/empty-blocklist.conf"
    open(blocklist, "w").close()  # ZMap's default blocklist excludes 198.18.0.0/15: give it none
    for rate in (["100000", "max"] if args.quick else ["50000", "100000", "200000", "400000", "max"]):
        for mode in (["raw"] if rate != "max" else ["raw", "ring"]):
            repeat(args, lambda: results.append(run(
                lab, profile, "b", "portauth", f"{mode} {rate} w1", rate,
                *portauth_runs(args.portauth, targets, ports, rate, f"{out}/b-portauth.csv", mode=mode, wait="1"),
                targets, ports, 300)))
    for rate in (["50000"] if args.quick else ["12500", "25000", "50000", "100000", "200000"]):
        repeat(args, lambda: results.append(run(lab, profile, "b", "masscan", f"{rate} w2", rate,
                                                *masscan_runs(targets, ports, rate, f"{out}/b-masscan.txt"),
                                                targets, ports, 300)))
    for rate in (["100000"] if args.quick else ["50000", "100000", "200000", "400000", "1000000"]):
        repeat(args, lambda: results.append(run(lab, profile, "b", "zmap", f"{rate} c1", rate,
                                                *zmap_runs(targets, ports, rate, f"{out}/b-zmap", blocklist),
                                                targets, ports, 300)))


# The transmit path alone: the target drops every frame at the veth's ingress (a netdev hook,
# before any IP or TCP work), so what limits the rate is our send path, not the target's stack.
DROP_ALL_NFT = """table netdev pa_race_drop {
  chain ingress {
    type filter hook ingress device veth-tgt priority -500; policy drop;
  }
}
"""


def cpu_run(lab, argv):
    """Runs argv under /usr/bin/time; (CompletedProcess, user + system CPU seconds)."""
    proc = subprocess.run(lab.in_scan(["/usr/bin/time", "-f", "cpu %U %S", *argv]), capture_output=True, text=True,
                          timeout=300)
    m = re.search(r"cpu ([\d.]+) ([\d.]+)", proc.stderr)
    return proc, round(float(m.group(1)) + float(m.group(2)), 2) if m else None


def scenario_tx(args, lab, results):
    log("== transmit path alone: raw socket + sendmmsg vs PACKET_MMAP TX ring, target drops at ingress")
    subprocess.run(lab.in_tgt(["nft", "-f", "-"]), input=DROP_ALL_NFT, text=True, check=True)
    try:
        for _ in range(args.repeat):
            for mode in ("raw", "ring"):
                argv = [args.portauth, "scan", "198.19.0.0/16", "-p", "1-16", "--allow", "198.18.0.0/15", "--rate",
                        "max", "--retries", "0", "--wait", "0", "--send-mode", mode, "--format", "csv", "-o",
                        "/dev/null"]
                proc, cpu = cpu_run(lab, argv)
                pps = sent_pps(proc.stderr)
                r = {"scenario": "tx", "tool": "portauth", "label": f"--send-mode {mode}", "rc": proc.returncode,
                     "probes": 1 << 20, "pps": int(pps) if pps else None, "cpu_s": cpu,
                     "command": " ".join(argv)}
                log(f"  {mode}: {r['pps']} pps, {cpu} s CPU for {r['probes']} probes")
                results.append(r)
    finally:
        subprocess.run(lab.in_tgt(["nft", "delete", "table", "netdev", "pa_race_drop"]))


def scenario_capture(args, lab, results):
    log("== capture: immediate mode (TPACKET_V2, rate <= 100000) vs TPACKET_V3 blocks (rate 100001)")
    for _ in range(args.repeat):
        for rate, mode in (("100000", "immediate (V2)"), ("100001", "V3 blocks")):
            argv = [args.portauth, "scan", "198.19.0.0/16", "-p", "22,80,113", "--allow", "198.18.0.0/15", "--rate",
                    rate, "--retries", "0", "--wait", "1", "--format", "csv", "-o", "/dev/null"]
            proc, cpu = cpu_run(lab, argv)
            drops = re.search(r"pcap: (\d+) received, (\d+) dropped", proc.stderr)
            r = {"scenario": "capture", "tool": "portauth", "label": mode, "rate": rate, "rc": proc.returncode,
                 "cpu_s": cpu, "pcap_received": int(drops.group(1)) if drops else None,
                 "pcap_drops": int(drops.group(2)) if drops else None, "command": " ".join(argv)}
            log(f"  {mode}: {cpu} s CPU, pcap {r['pcap_received']} received, {r['pcap_drops']} dropped")
            results.append(r)


def scenario_mem(args, lab, results):
    log("== memory: portauth --dry-run --rate max, 1 port, peak RSS")
    for prefix in ("12", "10", "8"):
        argv = ["/usr/bin/time", "-v", args.portauth, "scan", f"10.0.0.0/{prefix}", "-p", "80", "--allow",
                "10.0.0.0/8", "--dry-run", "--rate", "max", "--retries", "0", "--wait", "0", "--format", "jsonl",
                "-o", "/dev/null"]
        proc = subprocess.run(lab.in_scan(argv), capture_output=True, text=True, timeout=600)
        rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
        pps = re.search(r"generated at (\d+) pps", proc.stderr)
        r = {"scenario": "mem", "tool": "portauth", "label": f"dry-run /{prefix} x 1", "rc": proc.returncode,
             "probes": 1 << (32 - int(prefix)), "peak_rss_kib": int(rss.group(1)) if rss else None,
             "generation_pps": int(pps.group(1)) if pps else None, "command": " ".join(argv)}
        log(f"  /{prefix}: {r['probes']} probes, peak RSS {r['peak_rss_kib']} KiB, {r['generation_pps']} pps")
        results.append(r)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--portauth", required=True)
    ap.add_argument("--lab", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--quick", action="store_true", help="two rates per tool instead of the sweep")
    ap.add_argument("--repeat", type=int, default=1, help="runs per configuration (the report shows medians)")
    ap.add_argument("--only", default="a,a6,r,s,l,b,tx,capture,mem,wire,capcpu",
                    help="comma list of scenarios: a, a6, r, s, l, b, tx, capture, mem, wire, capcpu, cost")
    ap.add_argument("--wire-runs", help="with wire: only these runs (keys of bench_wire.WIRE_KEYS, comma list)")
    args = ap.parse_args()
    args.portauth = os.path.abspath(args.portauth)
    os.makedirs(args.out, exist_ok=True)
    lab = Lab(args.lab)
    lab.install_counters()
    profile = bench_score.load_profile(os.path.join(bench_score.REPO, "tests", "lab", "profile.conf"))
    results = []
    only = set(args.only.split(","))
    if "a" in only:
        scenario_a(args, lab, profile, results)
    import bench_closed_loop as closed  # noqa: E402  (the default-options rows; it imports this file)
    if "a6" in only:
        closed.scenario_a6(args, lab, results)
    if "r" in only:
        closed.scenario_r(args, lab, profile, results)
    if "s" in only:
        closed.scenario_s(args, lab, profile, results)
    if "l" in only:
        closed.scenario_l(args, lab, profile, results)
    if "b" in only:
        scenario_b(args, lab, profile, results)
    if "tx" in only:
        scenario_tx(args, lab, results)
    if "capture" in only:
        scenario_capture(args, lab, results)
    if "mem" in only:
        scenario_mem(args, lab, results)
    import bench_wire as wire  # noqa: E402  (issue 23's rows; it imports this file)
    if "capcpu" in only:
        wire.scenario_capcpu(args, lab, results)
    if "cost" in only:
        wire.scenario_cost(args, lab, results)
    if "wire" in only:  # last: it turns the lab's IPv6 on
        wire.scenario_wire(args, lab, results)
    wire_md = wire.markdown(results)
    if wire_md:
        with open(os.path.join(args.out, "wire.md"), "w") as f:
            f.write(wire_md + "\n")
        log("\n" + wire_md)
    with open(os.path.join(args.out, "results.jsonl"), "w") as f:
        for r in results:
            f.write(json.dumps(r) + "\n")
    md = markdown(results)
    with open(os.path.join(args.out, "results.md"), "w") as f:
        f.write(md + "\n")
    log("\n" + md)


if __name__ == "__main__":
    main()
