#!/usr/bin/env python3
"""The wire rows of the race (issue 23), called by scripts/bench_race.py in the lab that
scripts/bench_pps.sh brought up (--anyip16). Standard library only.

  wire    probes on the wire per second, counted at the receiving veth (veth-tgt's rx_packets,
          sampled every 10 ms in the target namespace; the rate is the count over the time it was
          rising), the target dropping every frame at its veth's ingress (a sink): portauth with
          default options, --send-mode raw / ring / xdp, raw with the capture as it was before
          PACKET_IGNORE_OUTGOING ("raw, before"), IPv6 (2001:2:0:1::/112, routed via 2001:2::2),
          and masscan --rate 10000000, all over 2^20 probes, round-robin so load falls on all alike
  capcpu  the capture thread's CPU per reply at a high reply rate (the target answers every probe:
          198.19.0.0/16 x 16 ports, raw path, --fixed-rate --rate max), with and without
          PACKET_IGNORE_OUTGOING: per-thread CPU from /proc/PID/task/TID/schedstat (the threads are
          named pa-capture and pa-sender)
  cost    how cost grows with work: 1 host x {1k, 65k} ports, {/24, /20, /16} x 1 port (default
          options), --dry-run /8 and /0 x 1 port; wall time, peak RSS (/usr/bin/time -v), probes/s;
          masscan and ZMap beside where they do the same job
Writes its rows into the race's results.jsonl and its tables into DIR/wire.md.
"""
import os
import re
import subprocess
import sys
import threading
import time

import bench_race as race

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "integration"))
import lab_hosts  # noqa: E402

V4_SINK, V6_SINK, SINK_PORTS = "198.19.0.0/16", "2001:2:0:1::/112", "1-16"
WIRE_KEYS = {"default4": "IPv4 default options", "raw4": "IPv4 --send-mode raw",
             "before4": "IPv4 raw, before (capture copies probes)", "ring4": "IPv4 --send-mode ring",
             "xdp4": "IPv4 --send-mode xdp", "default6": "IPv6 default options", "raw6": "IPv6 --send-mode raw",
             "xdp6": "IPv6 --send-mode xdp", "masscan": "IPv4 --rate 10000000"}
ALLOW = ["--allow", "198.18.0.0/15", "--allow", "2001:2::/48"]

# Samples a counter file inside a namespace every 10 ms until stdin closes; prints "t count" lines.
SAMPLER = r"""
import sys, time, select
path = sys.argv[1]
out = []
while True:
    with open(path) as f:
        out.append((time.monotonic(), int(f.read())))
    r, _, _ = select.select([sys.stdin], [], [], 0.01)
    if r and not sys.stdin.read(1):
        break
print("\n".join(f"{t:.6f} {c}" for t, c in out))
"""


def loadavg():
    with open("/proc/loadavg") as f:
        return f.read().split()[0]


class RxCounter:
    """veth-tgt's received frames, sampled in the target namespace while the with-block runs."""

    def __init__(self, lab):
        self.lab = lab

    def __enter__(self):
        self.proc = subprocess.Popen(self.lab.in_tgt(["python3", "-c", SAMPLER,
                                                      "/sys/class/net/veth-tgt/statistics/rx_packets"]),
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        time.sleep(0.2)
        return self

    def __exit__(self, *exc):
        time.sleep(0.2)
        out, _ = self.proc.communicate("", timeout=30)
        pts = [(float(t), int(c)) for t, c in (line.split() for line in out.splitlines() if line.strip())]
        total = pts[-1][1] - pts[0][1]
        active = sum(t1 - t0 for (t0, c0), (t1, c1) in zip(pts, pts[1:]) if c1 > c0)
        self.frames, self.active_s = total, active
        self.pps = total / active if active > 0 else 0
        return False


def sink_up(lab):
    subprocess.run(lab.in_tgt(["nft", "-f", "-"]), input=race.DROP_ALL_NFT, text=True, check=True)
    lab_hosts.enable_ipv6(lab)
    subprocess.run(lab.in_scan(["ip", "-6", "route", "replace", "2001:2:0:1::/64", "via", "2001:2::2",
                                "dev", "veth-scan"]), check=True)


def sink_down(lab):
    subprocess.run(lab.in_tgt(["nft", "delete", "table", "netdev", "pa_race_drop"]))


def scenario_wire(args, lab, results):
    race.log(f"== wire: 2^20 probes into a sink, counted at the receiving veth (load {loadavg()})")
    sink_up(lab)
    b = args.portauth
    v4 = [b, "scan", V4_SINK, "-p", SINK_PORTS, *ALLOW, "-o", "/dev/null"]
    v6 = [b, "scan", V6_SINK, "-p", SINK_PORTS, *ALLOW, "-o", "/dev/null"]
    runs = [  # (tool, label, argv, environment); --wire-runs picks some by the keys in WIRE_KEYS
        ("portauth", "IPv4 default options", v4, {}),
        ("portauth", "IPv4 --send-mode raw", v4 + ["--send-mode", "raw"], {}),
        ("portauth", "IPv4 raw, before (capture copies probes)", v4 + ["--send-mode", "raw"],
         {"PORTAUTH_BENCH_CAPTURE_OUTGOING": "1"}),
        ("portauth", "IPv4 --send-mode ring", v4 + ["--send-mode", "ring"], {}),
        ("portauth", "IPv4 --send-mode xdp", v4 + ["--send-mode", "xdp"], {}),
        ("portauth", "IPv6 default options", v6, {}),
        ("portauth", "IPv6 --send-mode raw", v6 + ["--send-mode", "raw"], {}),
        ("portauth", "IPv6 --send-mode xdp", v6 + ["--send-mode", "xdp"], {}),
        ("masscan", "IPv4 --rate 10000000", ["masscan", V4_SINK, f"-p{SINK_PORTS}", "--rate", "10000000",
                                             "--interface", race.SCAN_IF, "--adapter-ip", race.SCAN_IP,
                                             "--adapter-mac", race.SCAN_MAC, "--router-mac", race.TARGET_MAC,
                                             "--wait", "0"], {}),
    ]
    keys = getattr(args, "wire_runs", None)
    if keys:
        wanted = {WIRE_KEYS[k] for k in keys.split(",")}
        runs = [r for r in runs if r[1] in wanted]
    try:
        for i in range(args.repeat):
            for tool, label, argv, env in runs:
                # Default options keep their retry passes; the rate counts only while frames flow.
                keepalive = None
                if tool == "masscan":  # masscan never exits on a silent wire (bench_race.KEEPALIVE)
                    keepalive = subprocess.Popen(lab.in_tgt(["python3", "-c", race.KEEPALIVE]),
                                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                summary = os.path.join(args.out, "wire.summary.json")
                extra = ["--summary-json", summary] if tool == "portauth" else []
                t0 = time.monotonic()
                with RxCounter(lab) as rx:
                    proc = subprocess.run(lab.in_scan(["env", *[f"{k}={v}" for k, v in env.items()], *argv, *extra]),
                                          capture_output=True, text=True, timeout=300)
                wall = time.monotonic() - t0
                if keepalive:
                    keepalive.terminate()
                    keepalive.wait()
                path = None
                if tool == "portauth" and os.path.exists(summary):
                    with open(summary) as f:
                        m = re.search(r'"send_path":\{"mode":"(\w+)"', f.read().replace(" ", ""))
                        path = m.group(1) if m else None
                r = {"scenario": "wire", "tool": tool, "label": label, "rc": proc.returncode, "run": i,
                     "frames_at_target": rx.frames, "active_s": round(rx.active_s, 3), "pps": round(rx.pps),
                     "wall_s": round(wall, 2), "send_path": path, "load": loadavg(),
                     "command": " ".join(argv + extra)}
                race.log(f"  {tool:8} {label:42} {rx.pps / 1e6:6.3f} Mpps  {rx.frames:8} frames in "
                         f"{rx.active_s:5.2f} s  path {path}  load {r['load']}" + (f"  rc={proc.returncode}"
                                                                                     if proc.returncode else ""))
                if proc.returncode:
                    race.log("    " + proc.stderr.strip()[-300:])
                results.append(r)
    finally:
        sink_down(lab)


def thread_cpu_run(lab, argv, env):
    """Runs argv in the scanner namespace; samples each thread's CPU (schedstat, ns) every 20 ms.
    Returns (proc, {thread name: CPU seconds}, process CPU seconds)."""
    proc = subprocess.Popen(lab.in_scan(["env", *[f"{k}={v}" for k, v in env.items()], "/usr/bin/time", "-f",
                                         "cpu %U %S", *argv]), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    last = {}

    def sample():
        pid = None
        while proc.poll() is None:
            if pid is None:  # the portauth child of /usr/bin/time (ip netns exec execs in place)
                try:
                    kids = open(f"/proc/{proc.pid}/task/{proc.pid}/children").read().split()
                    pid = kids[0] if kids else None
                except OSError:
                    pass
            if pid:
                try:
                    for tid in os.listdir(f"/proc/{pid}/task"):
                        name = open(f"/proc/{pid}/task/{tid}/comm").read().strip()
                        ns = int(open(f"/proc/{pid}/task/{tid}/schedstat").read().split()[0])
                        last[name] = max(last.get(name, 0), ns)
                except (OSError, ValueError):
                    pass
            time.sleep(0.02)

    t = threading.Thread(target=sample)
    t.start()
    out, err = proc.communicate(timeout=300)
    t.join()
    proc.stderr_text = err
    m = re.search(r"cpu ([\d.]+) ([\d.]+)", err)
    total = float(m.group(1)) + float(m.group(2)) if m else None
    return proc, {k: v / 1e9 for k, v in last.items()}, total


def scenario_capcpu(args, lab, results):
    race.log(f"== capture CPU per reply: the target answers every probe (load {loadavg()})")
    argv = [args.portauth, "scan", V4_SINK, "-p", SINK_PORTS, *ALLOW, "--send-mode", "raw", "--fixed-rate",
            "--rate", "max", "--retries", "0", "--wait", "0.5", "-o", "/dev/null"]
    for i in range(args.repeat):
        for label, env in (("before: capture copies our probes", {"PORTAUTH_BENCH_CAPTURE_OUTGOING": "1"}),
                           ("PACKET_IGNORE_OUTGOING", {})):
            proc, threads, total = thread_cpu_run(lab, argv, env)
            m = re.search(r"pcap: (\d+) received, (\d+) dropped", proc.stderr_text)
            replies = int(m.group(1)) if m else 0
            sent_pps = race.sent_pps(proc.stderr_text)  # SYNs a second while sending
            cap, snd = threads.get("pa-capture"), threads.get("pa-sender")
            r = {"scenario": "capcpu", "tool": "portauth", "label": label, "run": i, "rc": proc.returncode,
                 "replies": replies, "pcap_drops": int(m.group(2)) if m else None,
                 "capture_cpu_s": cap, "sender_cpu_s": snd, "process_cpu_s": total,
                 "capture_ns_per_reply": round(cap * 1e9 / replies) if cap and replies else None,
                 "sender_ns_per_probe": round(snd * 1e9 / (1 << 20)) if snd else None,
                 "pps": int(sent_pps) if sent_pps else None, "load": loadavg(), "command": " ".join(argv)}
            race.log(f"  {label:36} replies {replies}  capture {cap}s ({r['capture_ns_per_reply']} ns/reply)  "
                     f"sender {snd}s ({r['sender_ns_per_probe']} ns/probe)  process {total}s  {r['pps']} pps  "
                     f"load {r['load']}")
            results.append(r)


def timed(lab, argv, timeout=900):
    """(proc, wall s, peak RSS KiB) of argv under /usr/bin/time -v in the scanner namespace."""
    t0 = time.monotonic()
    proc = subprocess.run(lab.in_scan(["/usr/bin/time", "-v", *argv]), capture_output=True, text=True,
                          timeout=timeout)
    wall = time.monotonic() - t0
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    return proc, wall, int(m.group(1)) if m else None


def scenario_cost(args, lab, results):
    race.log(f"== how cost grows with work (load {loadavg()})")
    b = args.portauth
    blocklist = os.path.join(args.out, "empty-blocklist.conf")
    open(blocklist, "w").close()
    masscan = ["masscan", "--interface", race.SCAN_IF, "--adapter-ip", race.SCAN_IP, "--adapter-mac", race.SCAN_MAC,
               "--router-mac", race.TARGET_MAC, "--rate", "1000000", "--wait", "1", "-oL", "/dev/null"]
    rows = [  # (work, probes, portauth argv, masscan argv or None, zmap argv or None)
        ("1 host x 1,000 ports", 1000, [b, "scan", race.TARGET_IP, "-p", "1-1000", *ALLOW, "-o", "/dev/null"],
         [*masscan, race.TARGET_IP, "-p1-1000"], None),
        ("1 host x 65,536 ports", 65536, [b, "scan", race.TARGET_IP, "-p", "0-65535", *ALLOW, "-o", "/dev/null"],
         [*masscan, race.TARGET_IP, "-p0-65535"], None),
    ]
    for prefix, n in (("24", 256), ("20", 4096), ("16", 65536)):
        block = f"198.19.0.0/{prefix}"
        rows.append((f"/{prefix} x 1 port", n, [b, "scan", block, "-p", "80", *ALLOW, "-o", "/dev/null"],
                     [*masscan, block, "-p80"],
                     ["zmap", "-p", "80", "-i", race.SCAN_IF, "-S", race.SCAN_IP, "-G", race.TARGET_MAC, "-b",
                      blocklist, "-r", "1000000", "-c", "1", "-M", "tcp_synscan", "--disable-syslog", "-o",
                      "/dev/null", block]))
    dry = ["--dry-run", "--rate", "max", "--retries", "0", "--wait", "0", "--confirm-large", "-o", "/dev/null"]
    # No masscan or ZMap beside the dry runs: Debian's masscan 1.3.2 --offline stops at "FAILED: bad
    # packet template" (with or without --adapter-ip/--source-ip), and ZMap's --dryrun prints every
    # packet, which measures the terminal.
    rows.append(("--dry-run /8 x 1 port", 1 << 24, [b, "scan", "20.0.0.0/8", "-p", "80", "--allow", "20.0.0.0/8",
                                                     *dry], None, None))
    if not args.quick:
        rows.append(("--dry-run /0 x 1 port", 3702258432, [b, "scan", "0.0.0.0/0", "-p", "80", "--allow",
                                                            "0.0.0.0/0", *dry], None, None))
    for work, probes, pa, ms, zm in rows:
        for tool, argv in (("portauth", pa), ("masscan", ms), ("zmap", zm)):
            if argv is None:
                continue
            keepalive = None
            if tool == "masscan" and "--offline" not in argv:
                keepalive = subprocess.Popen(lab.in_tgt(["python3", "-c", race.KEEPALIVE]),
                                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                proc, wall, rss = timed(lab, argv, timeout=1200)
            finally:
                if keepalive:
                    keepalive.terminate()
                    keepalive.wait()
            gen = re.search(r"generated at (\d+) pps", proc.stderr)
            r = {"scenario": "cost", "tool": tool, "label": work, "rc": proc.returncode, "probes": probes,
                 "wall_s": round(wall, 2), "peak_rss_kib": rss, "probes_per_s": round(probes / wall),
                 "generation_pps": int(gen.group(1)) if gen else None, "load": loadavg(),
                 "command": " ".join(argv)}
            race.log(f"  {work:24} {tool:8} wall {wall:8.2f} s  peak {rss} KiB  {r['probes_per_s']} probes/s"
                     + (f"  (generation {r['generation_pps']} pps)" if gen else "") + f"  load {r['load']}"
                     + (f"  rc={proc.returncode}: {proc.stderr.strip()[-200:]}" if proc.returncode else ""))
            results.append(r)


def median(xs):
    xs = sorted(x for x in xs if x is not None)
    return xs[len(xs) // 2] if xs else None


def markdown(results):
    out = []
    wire = [r for r in results if r["scenario"] == "wire"]
    if wire:
        out += ["| tool | run | Mpps at the receiving veth (median; min-max) | path taken | runs |",
                "|---|---|---:|---|---:|"]
        labels = list(dict.fromkeys((r["tool"], r["label"]) for r in wire))
        for tool, label in labels:
            rs = [r for r in wire if (r["tool"], r["label"]) == (tool, label)]
            pps = [r["pps"] for r in rs]
            out.append(f"| {tool} | {label} | {median(pps) / 1e6:.3f}; {min(pps) / 1e6:.3f}-{max(pps) / 1e6:.3f} | "
                       f"{rs[0].get('send_path') or '-'} | {len(rs)} |")
    cap = [r for r in results if r["scenario"] == "capcpu"]
    if cap:
        out += ["", "| capture | replies | capture thread ns/reply (median; min-max) | sender thread ns/probe | "
                "process CPU s |", "|---|---:|---:|---:|---:|"]
        for label in dict.fromkeys(r["label"] for r in cap):
            rs = [r for r in cap if r["label"] == label]
            c = [r["capture_ns_per_reply"] for r in rs]
            out.append(f"| {label} | {median([r['replies'] for r in rs])} | {median(c)}; {min(c)}-{max(c)} | "
                       f"{median([r['sender_ns_per_probe'] for r in rs])} | {median([r['process_cpu_s'] for r in rs])} |")
    cost = [r for r in results if r["scenario"] == "cost"]
    if cost:
        out += ["", "| work | probes | tool | wall s | peak RSS MiB | probes/s |", "|---|---:|---|---:|---:|---:|"]
        for r in cost:
            rss = f"{r['peak_rss_kib'] / 1024:.0f}" if r["peak_rss_kib"] else "-"
            out.append(f"| {r['label']} | {r['probes']:,} | {r['tool']} | {r['wall_s']} | {rss} | "
                       f"{r['probes_per_s']:,} |")
    return "\n".join(out)
