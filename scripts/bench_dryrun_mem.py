#!/usr/bin/env python3
"""Internet-scale state, measured: peak RSS and probe rate of `portauth scan --dry-run` (nothing is
sent, no socket is opened) for one port over a /8, a /4 and 0.0.0.0/0.

  scripts/bench_dryrun_mem.py [--binary build/portauth] [--zero-shards N] [--only 8,4,0]

The /0 is all of IPv4 less the never-scan and default-excluded ranges (about 3.7e9 probes): one run,
unless --zero-shards N, which runs shard 1/N only and extrapolates its time (N x) and its table
(the table is 1 bit per probe of the shard). Prints one line per run and a Markdown table.
Peak RSS is the child's ru_maxrss (the whole process: table, probe space, buffers).
"""
import argparse
import os
import re
import resource
import subprocess
import sys
import time

RANGES = {"8": "20.0.0.0/8", "4": "32.0.0.0/4", "0": "0.0.0.0/0"}


def run(binary, cidr, shard=None):
    argv = [binary, "scan", cidr, "-p", "80", "--dry-run", "--rate", "max", "--retries", "0", "--wait", "0",
            "--seed", "1", "--no-progress", "--confirm-large", "-o", "/dev/null"]
    if shard:
        argv += ["--shard", shard]
    t0 = time.monotonic()
    pid = os.fork()
    if pid == 0:
        # A child of its own, so ru_maxrss is this run's alone.
        res = subprocess.run(argv, capture_output=True, text=True)
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        with open(f"/tmp/bench_dryrun_{os.getpid()}.txt", "w") as f:
            f.write(f"{res.returncode}\n{rss}\n{res.stderr}")
        os._exit(0)
    os.waitpid(pid, 0)
    wall = time.monotonic() - t0
    path = f"/tmp/bench_dryrun_{pid}.txt"
    rc, rss, err = open(path).read().split("\n", 2)
    os.unlink(path)
    if rc != "0":
        sys.exit(f"bench_dryrun_mem: {' '.join(argv)} failed (exit {rc}):\n{err}")
    m = re.search(r"dry run: (\d+) probes generated at (\d+) pps", err)
    return {"probes": int(m.group(1)), "pps": int(m.group(2)), "rss_mib": int(rss) / 1024, "wall": wall}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--binary", default=os.path.join(here, "..", "build", "portauth"))
    ap.add_argument("--zero-shards", type=int, default=1, help="run 0.0.0.0/0 as shard 1/N and extrapolate")
    ap.add_argument("--only", default="8,4,0")
    args = ap.parse_args()
    rows = []
    for key in args.only.split(","):
        shards = args.zero_shards if key == "0" else 1
        r = run(args.binary, RANGES[key], f"1/{shards}" if shards > 1 else None)
        table_mib = (r["probes"] + 63) // 64 * 8 / 2**20
        note = "measured, one run"
        if shards > 1:
            note = f"shard 1/{shards} measured; time x{shards}, table for the whole /0 computed"
            r["wall"] *= shards
            table_mib *= shards
        print(f"/{key} {RANGES[key]}: {r['probes']} probes, {r['pps'] / 1e6:.1f} M probes/s, peak RSS "
              f"{r['rss_mib']:.0f} MiB (table {table_mib:.0f} MiB), {r['wall']:.1f} s wall; {note}", flush=True)
        rows.append((key, r, table_mib, note))
    print("\n| range | probes | probes/s | peak RSS | table (1 bit/probe) | wall | how |")
    print("|---|---|---|---|---|---|---|")
    for key, r, table, note in rows:
        print(f"| /{key} | {r['probes']:,} | {r['pps'] / 1e6:.1f} M | {r['rss_mib']:.0f} MiB | {table:.0f} MiB | "
              f"{r['wall']:.0f} s | {note} |")


if __name__ == "__main__":
    main()
