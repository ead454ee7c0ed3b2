#!/usr/bin/env python3
"""Turns the race's run records (scripts/bench_race.py) into the markdown tables of bench/README.md.

    bench_report.py DIR/results.jsonl        re-print results.md from a finished race

Runs of one configuration are summarised: median wall time and rates, the WORST open recall and
three-state agreement, the most replies missed; a configuration "meets the goal" only if every one of
its runs found >= 99.99% of the open ports. Standard library only.
"""
import json
import sys

RECALL_GOAL = 0.9999


def fmt_rate(x):
    if x is None:
        return "-"
    return f"{x / 1e6:.2f}M" if x >= 1e6 else f"{x / 1e3:.0f}k"


def median(values):
    values = sorted(v for v in values if v is not None)
    return values[len(values) // 2] if values else None


def groups(results, scenario):
    """Runs of one (tool, label), in the order they ran, summarised: medians of time and rate,
    worst recall and agreement, most replies missed; ok = every run met the recall goal."""
    order, by = [], {}
    for r in results:
        if r["scenario"] != scenario:
            continue
        key = (r["tool"], r["label"])
        if key not in by:
            order.append(key)
            by[key] = []
        by[key].append(r)
    out = []
    for key in order:
        runs = by[key]
        out.append({
            "tool": key[0], "label": key[1], "runs": len(runs),
            "wall_s": median(r["wall_s"] for r in runs),
            "wall_range": (min(r["wall_s"] for r in runs), max(r["wall_s"] for r in runs)),
            "syns": median(r["syns_at_target"] for r in runs),
            "avg_pps": median(r["avg_pps"] for r in runs),
            "tool_pps": median(r["reported_pps"] for r in runs),
            "pcap_drops": None if any(r["pcap_drops"] is None for r in runs) else max(r["pcap_drops"] for r in runs),
            "missed": max(r["replies_missed"] for r in runs),
            "open": f"{min(r['open_found'] for r in runs)}/{runs[0]['open_truth']}",
            "recall": min(r["open_recall"] for r in runs),
            "agreement": min(r["agreement"] for r in runs),
            "ok": all(r["open_recall"] >= RECALL_GOAL and not r["rc"] for r in runs),
            "rc": next((r["rc"] for r in runs if r["rc"]), 0),
        })
    return out


def markdown(results):
    lines = []
    for scenario, title in (("a", "(a) 198.18.0.2, all 65,536 ports"),
                            ("a6", "(a6) 2001:2::2, all 65,536 ports over IPv6"),
                            ("r", "(r) hosts that limit their answers (RSTs and ICMP errors per second)"),
                            ("s", "(s) 198.19.0.0/16 x 23,80: half the probes silent"),
                            ("l", "(l) 198.18.0.2, all ports, 1% random loss each way"),
                            ("b", "(b) 198.19.0.0/16 x 22,80,113")):
        rows = groups(results, scenario)
        if not rows:
            continue
        lines += [f"### {title}", "",
                  "| tool | run | n | wall s (median; min-max) | SYNs at target | SYNs/wall | tool's pps | "
                  "pcap drops | replies missed | open found/truth | open recall | 3-state agreement |",
                  "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for g in rows:
            drops = "-" if g["pcap_drops"] is None else str(g["pcap_drops"])
            lo, hi = g["wall_range"]
            lines.append(f"| {g['tool']} | {g['label']} | {g['runs']} | {g['wall_s']:.2f}; {lo:.2f}-{hi:.2f} | "
                         f"{g['syns']} | {g['avg_pps']} | {fmt_rate(g['tool_pps'])} | {drops} | {g['missed']} | "
                         f"{g['open']} | {g['recall']:.5f} | {g['agreement']:.5f} |"
                         + (f" rc={g['rc']}" if g["rc"] else ""))
        lines.append("")
        best = {}
        for g in rows:
            if g["tool"] != "nmap" and g["ok"]:
                pps = g["tool_pps"] or g["avg_pps"] or 0
                if g["tool"] not in best or pps > (best[g["tool"]]["tool_pps"] or best[g["tool"]]["avg_pps"] or 0):
                    best[g["tool"]] = g
        for tool in sorted({g["tool"] for g in rows} - {"nmap"}):
            g = best.get(tool)
            lines.append(f"- {tool}: highest rate with open recall >= 99.99% in every run: " +
                         (f"{g['label']} (tool's pps {fmt_rate(g['tool_pps'])}, wall {g['wall_s']:.2f} s)" if g
                          else "none of the rates tried"))
        lines.append("")
    tx = [r for r in results if r["scenario"] == "tx"]
    if tx:
        lines += ["### transmit path alone (198.19.0.0/16 x 16 ports, target drops at ingress)", "",
                  "| send mode | pps (median) | runs | CPU s per 2^20 probes (median) |", "|---|---:|---:|---:|"]
        for label in dict.fromkeys(r["label"] for r in tx):
            rs = [r for r in tx if r["label"] == label]
            lines.append(f"| {label} | {median(r['pps'] for r in rs)} | {len(rs)} | {median(r['cpu_s'] for r in rs)} |")
        lines.append("")
    cap = [r for r in results if r["scenario"] == "capture"]
    if cap:
        lines += ["### capture ring mode (198.19.0.0/16 x 3 ports, 196,608 replies)", "",
                  "| mode | --rate | runs | CPU s (median) | pcap drops (max) |", "|---|---:|---:|---:|---:|"]
        for label in dict.fromkeys(r["label"] for r in cap):
            rs = [r for r in cap if r["label"] == label]
            lines.append(f"| {label} | {rs[0]['rate']} | {len(rs)} | {median(r['cpu_s'] for r in rs)} | "
                         f"{max(r['pcap_drops'] or 0 for r in rs)} |")
        lines.append("")
    mem = [r for r in results if r["scenario"] == "mem"]
    if mem:
        lines += ["### memory: portauth --dry-run, 1 port", "", "| scan | probes | peak RSS KiB | generation pps |",
                  "|---|---:|---:|---:|"]
        lines += [f"| {r['label']} | {r['probes']} | {r['peak_rss_kib']} | {r['generation_pps']} |" for r in mem]
        lines.append("")
    return "\n".join(lines)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: bench_report.py RESULTS.jsonl")
    with open(sys.argv[1]) as f:
        print(markdown([json.loads(line) for line in f if line.strip()]))


if __name__ == "__main__":
    main()
