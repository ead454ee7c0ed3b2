#!/usr/bin/env python3
"""bench_sv.py: the -sV benchmark of issue 20, run by scripts/bench_sv.sh (which documents it).

Three parts, all in the daemon lab's namespaces (DaemonLab: every command runs in its scanner
namespace):
  daemons  nmap -sS -sV -T4 and portauth scan -sV (default options) on every TCP port the lab's
           real daemons serve, side by side in the same run: what each names on each port, the
           products, the silent port, the time of each and their ratio;
  silent   3,000 ports on the target that accept and never speak (a listener of this script's):
           portauth scan -sV, the time until every port is identified (the wall time of the scan,
           and the stage's own time after the SYN scan), and that all 3,000 are "silent";
  empty    a host with no open port (ports 30000-39999 of the target: every one closed): scan with
           and without -sV, alternated, median of N each: -sV must cost nothing there.
Results: OUT/results.md (the tables for bench/README.md) and OUT/results.json.
"""
import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

ALLOW = ["--allow", "198.18.0.0/15"]
SILENT_FIRST, SILENT_COUNT = 20001, 3000
EMPTY_PORTS = "30000-39999"

# A listener in the target namespace: 3,000 ports that accept every connection and never send a byte.
SILENT_LISTENER = r"""
import resource, selectors, signal, socket, sys
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
first, count = int(sys.argv[1]), int(sys.argv[2])
sel = selectors.DefaultSelector()
for port in range(first, first + count):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("198.18.0.2", port)); s.listen(4096); s.setblocking(False)
    sel.register(s, selectors.EVENT_READ, "listen")
signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
print("ready", flush=True)
held = []
while True:
    for key, _ in sel.select():
        if key.data == "listen":
            try:
                c, _ = key.fileobj.accept()
            except OSError:
                continue
            c.setblocking(False)
            sel.register(c, selectors.EVENT_READ, "conn")
        else:  # read and drop what the client says; close when it does; never write
            try:
                data = key.fileobj.recv(65536)
            except OSError:
                data = b""
            if not data:
                sel.unregister(key.fileobj); key.fileobj.close()
"""


def log(msg):
    print(f"bench_sv: {msg}", file=sys.stderr, flush=True)


def timed(lab, argv, timeout=900):
    t0 = time.monotonic()
    r = lab.run(argv, timeout=timeout)
    return r, time.monotonic() - t0


def xml_services(path):
    """nmap XML -> {port: (state, name, tunnel, product, version, extrainfo, method)}."""
    out = {}
    for port in ET.parse(path).getroot().iter("port"):
        st, sv = port.find("state"), port.find("service")
        g = (lambda k: sv.get(k) if sv is not None else None)
        out[int(port.get("portid"))] = (st.get("state"), g("name"), g("tunnel"), g("product"), g("version"),
                                        g("extrainfo"), g("method"))
    return out


def shown(t):
    """nmap's SERVICE VERSION as its text report shows it: 'ssl/http nginx 1.22.1', 'abyss?'."""
    if t is None:
        return "-"
    _, name, tunnel, product, version, extra, method = t
    s = (f"{tunnel}/" if tunnel else "") + (name or "unknown") + ("?" if method == "table" else "")
    more = " ".join(x for x in (product, version, f"({extra})" if extra else None) if x)
    return f"{s} {more}".strip()


def part_daemons(lab, binary, out, repeat):
    served = sorted([s for s in lab.services if s.proto == "tcp" and s.open], key=lambda s: s.port)
    ports = ",".join(str(s.port) for s in served)
    runs = []
    for i in range(repeat):
        nx, px, pj = (os.path.join(out, f"{n}-{i}") for n in ("nmap.xml", "portauth.xml", "portauth.jsonl"))
        argv_n = ["nmap", "-sS", "-sV", "-T4", "-Pn", "-n", "-p", ports, "-oX", nx, lab.target_ip]
        argv_p = [binary, "scan", "-sV", lab.target_ip, "-p", ports, *ALLOW, "--no-progress", "-oX", px, "-oJ", pj]
        log(f"daemons run {i + 1}/{repeat}: nmap")
        rn, tn = timed(lab, argv_n)
        log(f"  nmap {tn:.1f} s; portauth")
        rp, tp = timed(lab, argv_p)
        log(f"  portauth {tp:.1f} s")
        if rn.returncode or rp.returncode:
            raise SystemExit(f"a scan failed:\n{rn.stderr[-2000:]}\n{rp.stderr[-2000:]}")
        ns = f"ip netns exec {lab.scan_ns} "  # as run: inside the lab's scanner namespace
        runs.append({"nmap_s": tn, "portauth_s": tp, "nmap": xml_services(nx), "portauth": xml_services(px),
                     "cmd_nmap": ns + " ".join(argv_n), "cmd_portauth": ns + " ".join(argv_p)})
    last = runs[-1]
    rows, named_same, nmap_named, products_given, products_named = [], 0, 0, 0, 0
    for s in served:
        n, p = last["nmap"].get(s.port), last["portauth"].get(s.port)
        truth = (f"{s.tunnel}/" if s.tunnel else "") + (s.name or "-") + (f" {s.product}" if s.product else "")
        n_probed = n is not None and n[6] == "probed"
        if n_probed:
            nmap_named += 1
            if p and p[1] == n[1] and p[2] == n[2]:
                named_same += 1
            if n[3]:
                products_named += 1
                if p and p[3]:
                    products_given += 1
        rows.append(f"| {s.port} | {truth} | {shown(n)} | {shown(p)} |")
    silent = [s.port for s in served if s.role == "silent"]
    silent_guessed = [port for port in silent if last["portauth"][port][1] not in ("unknown", None) or
                      last["portauth"][port][3]]
    tn = [r["nmap_s"] for r in runs]
    tp = [r["portauth_s"] for r in runs]
    return {
        "ports": len(served), "nmap_named": nmap_named, "named_same": named_same,
        "nmap_products": products_named, "products_given": products_given, "silent_ports": silent,
        "silent_guessed": silent_guessed, "nmap_s": tn, "portauth_s": tp,
        "ratio": [p / n for p, n in zip(tp, tn)], "rows": rows,
        "cmd_nmap": last["cmd_nmap"], "cmd_portauth": last["cmd_portauth"],
    }


def part_silent(lab, binary, out, repeat):
    listener = subprocess.Popen(["ip", "netns", "exec", lab.tgt_ns, sys.executable, "-c", SILENT_LISTENER,
                                 str(SILENT_FIRST), str(SILENT_COUNT)], stdout=subprocess.PIPE, text=True)
    try:
        if listener.stdout.readline().strip() != "ready":
            raise SystemExit("the silent listener did not start")
        ports = f"{SILENT_FIRST}-{SILENT_FIRST + SILENT_COUNT - 1}"
        runs = []
        for i in range(repeat):
            pj = os.path.join(out, f"silent-{i}.jsonl")
            argv = [binary, "scan", "-sV", lab.target_ip, "-p", ports, *ALLOW, "--no-progress", "-oJ", pj]
            log(f"silent run {i + 1}/{repeat}")
            r, t = timed(lab, argv)
            if r.returncode:
                raise SystemExit(f"scan failed: {r.stderr[-2000:]}")
            m = re.search(r"; ([0-9.]+) s after the SYN scan", r.stdout + r.stderr)  # the text report may be on stdout
            answers = {}
            with open(pj) as f:
                for line in f:
                    a = json.loads(line)["service"]["answer"]
                    answers[a] = answers.get(a, 0) + 1
            runs.append({"wall_s": t, "stage_after_syn_s": float(m.group(1)) if m else None, "answers": answers,
                         "cmd": f"ip netns exec {lab.scan_ns} " + " ".join(argv), "summary": [l for l in (r.stdout + r.stderr).splitlines() if "services:" in l]})
            time.sleep(2)
        return {"ports": SILENT_COUNT, "runs": runs}
    finally:
        listener.terminate()
        listener.wait(timeout=30)


def part_empty(lab, binary, repeat):
    times = {"without": [], "with": []}
    cmds = {}
    for i in range(repeat):
        for mode in ("without", "with"):
            argv = [binary, "scan", lab.target_ip, "-p", EMPTY_PORTS, *ALLOW, "--no-progress", "-oJ", "/dev/null"]
            if mode == "with":
                argv.insert(2, "-sV")
            cmds[mode] = f"ip netns exec {lab.scan_ns} " + " ".join(argv)
            r, t = timed(lab, argv)
            if r.returncode:
                raise SystemExit(f"scan failed: {r.stderr[-2000:]}")
            times[mode].append(t)
    med = {k: statistics.median(v) for k, v in times.items()}
    return {"times": times, "median": med, "ratio": med["with"] / med["without"], "cmds": cmds}


def markdown(res):
    out = []
    if "daemons" in res:
        d = res["daemons"]
        out += ["### Real daemons: nmap -sS -sV -T4 vs portauth scan -sV", "",
                f"`{d['cmd_nmap']}`  ", f"`{d['cmd_portauth']}`", "",
                "| port | the lab's truth (daemons.conf) | nmap | portauth |", "|---|---|---|---|", *d["rows"], "",
                "| run | nmap -sS -sV -T4 | portauth scan -sV | ratio |", "|---|---:|---:|---:|"]
        for i, (n, p, r) in enumerate(zip(d["nmap_s"], d["portauth_s"], d["ratio"]), 1):
            out.append(f"| {i} | {n:.1f} s | {p:.1f} s | {r:.3f} ({n / p:.0f}x faster) |")
        out += ["", f"Named as nmap names them: {d['named_same']} of the {d['nmap_named']} ports nmap identified "
                f"(probed); products: {d['products_given']} of the {d['nmap_products']} nmap gives a product for; "
                f"silent port{'s' if len(d['silent_ports']) != 1 else ''} {d['silent_ports']} guessed: "
                f"{d['silent_guessed'] or 'none'}.", ""]
    if "silent" in res:
        s = res["silent"]
        out += [f"### {s['ports']} ports that accept and never speak, one host", "", f"`{s['runs'][0]['cmd']}`", "",
                "| run | wall time (SYN scan + -sV) | -sV after the SYN scan | answers |", "|---|---:|---:|---|"]
        for i, r in enumerate(s["runs"], 1):
            out.append(f"| {i} | {r['wall_s']:.2f} s | {r['stage_after_syn_s']} s | {r['answers']} |")
        out.append("")
    if "empty" in res:
        e = res["empty"]
        out += ["### A host with no open port (10,000 closed ports): -sV costs nothing", "",
                f"`{e['cmds']['without']}` vs `{e['cmds']['with']}`", "",
                "| | runs (s) | median |", "|---|---|---:|",
                f"| without -sV | {', '.join(f'{t:.3f}' for t in e['times']['without'])} | {e['median']['without']:.3f} s |",
                f"| with -sV | {', '.join(f'{t:.3f}' for t in e['times']['with'])} | {e['median']['with']:.3f} s |",
                "", f"with / without: {e['ratio']:.3f}", ""]
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", required=True)
    ap.add_argument("--lab-repo", required=True, help="a tree with scripts/daemon_lab.sh and lab_daemons.py")
    ap.add_argument("--out", required=True)
    ap.add_argument("--name", default="svbench")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only", default="daemons,silent,empty")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    sys.path.insert(0, os.path.join(args.lab_repo, "tests", "integration"))
    import lab_daemons  # noqa: E402
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    log(f"open-file limit here: soft {soft}, hard {hard}; load average {os.getloadavg()[0]:.1f}")
    parts = args.only.split(",")
    res = {"load_start": os.getloadavg()[0]}
    with lab_daemons.DaemonLab(args.lab_repo, name=args.name) as lab:
        if "daemons" in parts:
            res["daemons"] = part_daemons(lab, args.binary, args.out, args.repeat)
        if "silent" in parts:
            res["silent"] = part_silent(lab, args.binary, args.out, args.repeat)
        if "empty" in parts:
            res["empty"] = part_empty(lab, args.binary, max(15, args.repeat))
    res["load_end"] = os.getloadavg()[0]
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(res, f, indent=1, default=str)
    md = markdown(res) + f"\nLoad average {res['load_start']:.1f} at the start, {res['load_end']:.1f} at the end.\n"
    with open(os.path.join(args.out, "results.md"), "w") as f:
        f.write(md)
    print(md)


if __name__ == "__main__":
    main()
