#!/usr/bin/env bash
# bench_sv.sh: the -sV benchmark of issue 20 (bench/README.md, "Service identification").
#
#   sudo scripts/bench_sv.sh [--repeat N] [--only daemons,silent,empty] [--out DIR] [--name LAB]
#
# Brings up the daemon lab (scripts/daemon_lab.sh: real Debian daemons in LAB-tgt, default name
# svbench; DAEMON_LAB_REPO=DIR takes the lab from another tree), runs scripts/bench_sv.py in it,
# and always tears it down. Every scanner runs inside LAB-scan, which has no route out of
# 198.18.0.0/15. Parts:
#   daemons  nmap -sS -sV -T4 and portauth scan -sV side by side on every TCP port the daemons
#            serve: names, products, the silent port, times and their ratio (N runs)
#   silent   3,000 ports that accept and never speak on one host: portauth scan -sV until all
#            are identified (N runs)
#   empty    a host with no open port, 10,000 closed ports: scan with and without -sV, alternated
#            (max(15, N) runs each), medians and their ratio
# Results: DIR/results.md and DIR/results.json (default DIR: /tmp/portauth-sv-TIME).
# Default: --repeat 3, ~12 minutes (nmap takes ~3 of them per run).
set -euo pipefail

readonly REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$REPO_DIR/build}
LAB=svbench
OUT=/tmp/portauth-sv-$(date +%Y%m%d-%H%M%S)
ARGS=()
while (($#)); do
  case $1 in
    --repeat) ARGS+=(--repeat "$2"); shift 2 ;;
    --only) ARGS+=(--only "$2"); shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --name) LAB=$2; shift 2 ;;
    -h | --help) sed -n '2,19s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "bench_sv: unknown option '$1'" >&2; exit 2 ;;
  esac
done
[[ $EUID -eq 0 ]] || { echo "bench_sv: need root (namespaces, raw sockets)" >&2; exit 1; }
LAB_REPO=${DAEMON_LAB_REPO:-$REPO_DIR}
[[ -f $LAB_REPO/scripts/daemon_lab.sh && -f $LAB_REPO/tests/integration/lab_daemons.py ]] ||
  { echo "bench_sv: no daemon lab in $LAB_REPO (set DAEMON_LAB_REPO)" >&2; exit 1; }
command -v nmap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nmap >/dev/null
[[ -x $BUILD_DIR/portauth ]] || BUILD_DIR=$BUILD_DIR "$REPO_DIR/scripts/setup.sh"
mkdir -p "$OUT"
PYTHON=/usr/bin/python3
[[ -x $PYTHON ]] || PYTHON=python3
# DaemonLab brings the lab up and always down (also on error); a leftover from a killed run first.
bash "$LAB_REPO/scripts/daemon_lab.sh" down --name "$LAB" >/dev/null 2>&1 || true
"$PYTHON" "$REPO_DIR/scripts/bench_sv.py" --binary "$BUILD_DIR/portauth" --lab-repo "$LAB_REPO" --out "$OUT" \
  --name "$LAB" "${ARGS[@]}"
echo "bench_sv: results in $OUT/results.md" >&2
