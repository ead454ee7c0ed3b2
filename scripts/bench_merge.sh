#!/usr/bin/env bash
# bench_merge.sh: how long `portauth merge` takes on the shards of an Internet-wide scan.
#
#   scripts/bench_merge.sh [DIR] [TARGETS PORT SHARDS OPEN_PER_MILLE]
#   defaults:  /tmp/portauth-merge-bench  0.0.0.0/0 80 16 17     (about 62 million open lines, 10 GB)
#
# bench/merge/synth_shards writes the shards' JSONL (--show open, as a real sweep would) and
# manifests without scanning; then merge is timed twice: --check (every line checked against
# the plan, every checksum) and a full merge to JSONL (written to /dev/null, so the disk
# holds the inputs only). DIR is removed afterwards unless KEEP=1. Needs the build's
# build/portauth and build/bench/merge/synth_shards, and root: merge sends nothing, but like every
# run of portauth it runs inside a network namespace, a bare one the script makes (no interface
# but loopback) and removes.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD_DIR:-$repo/build}
dir=${1:-/tmp/portauth-merge-bench}
shift || true
mkdir -p "$dir"
start=$(date +%s.%N)
"$build/bench/merge/synth_shards" "$dir" "$@" 2>&1 | tail -1
gen=$(echo "$(date +%s.%N) - $start" | bc)
lines=$(cat "$dir"/shard-*.jsonl | wc -l)
bytes=$(du -cb "$dir"/shard-*.jsonl | tail -1 | cut -f1)
echo "bench_merge: generated $lines lines, $((bytes / 1048576)) MiB of JSONL in $gen s"
ns=pamerge$$
ip netns add "$ns"
trap 'ip netns del "$ns" 2>/dev/null || true' EXIT
timed() {
  local t0 t1
  t0=$(date +%s.%N)
  /usr/bin/env time -f "%U user %S sys %M KiB peak" "$@" 2>&1 | tail -2
  t1=$(date +%s.%N)
  echo "  wall $(echo "$t1 - $t0" | bc) s"
}
echo "bench_merge: merge --check:"
timed ip netns exec "$ns" "$build/portauth" merge "$dir"/shard-*.manifest.json --check
echo "bench_merge: merge -oJ /dev/null:"
timed ip netns exec "$ns" "$build/portauth" merge "$dir"/shard-*.manifest.json -oJ /dev/null
[[ ${KEEP:-0} == 1 ]] || rm -rf "$dir"
