#!/usr/bin/env bash
# bench_pps.sh: the packets-per-second race of issue 6, in a lab of network namespaces.
#
#   sudo scripts/bench_pps.sh [--quick] [--repeat N] [--only a,b,tx,capture,mem,wire,capcpu,cost]
#                             [--wire-runs default4,masscan,...] [--out DIR] [--name LAB]
#
# Installs what it races against (masscan, zmap, nmap; Debian packages) if missing, builds
# portauth (Release, into $BUILD_DIR, default build/), brings up lab LAB (default parace) with
# scripts/netlab.sh up --anyip16, runs scripts/bench_race.py in it, and always tears the lab down.
# Every scanner runs inside LAB-scan, which has no route out of 198.18.0.0/15: masscan and ZMap
# are given the interface, source address and the target's MAC explicitly, ZMap an empty
# blocklist. Results: DIR/results.jsonl and DIR/results.md (default DIR: /tmp/portauth-race-TIME);
# the wire rows (wire, capcpu, cost: scripts/bench_wire.py) also DIR/wire.md.
# A full run takes ~4 minutes per repeat on 2 cores (the README's table: --repeat 3); --quick ~1.
set -euo pipefail

readonly REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$REPO_DIR/build}
LAB=parace
OUT=/tmp/portauth-race-$(date +%Y%m%d-%H%M%S)
RACE_ARGS=()
while (($#)); do
  case $1 in
    --quick) RACE_ARGS+=(--quick); shift ;;
    --only) RACE_ARGS+=(--only "$2"); shift 2 ;;
    --repeat) RACE_ARGS+=(--repeat "$2"); shift 2 ;;
    --wire-runs) RACE_ARGS+=(--wire-runs "$2"); shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --name) LAB=$2; shift 2 ;;
    -h | --help) sed -n '2,16s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "bench_pps: unknown option '$1'" >&2; exit 2 ;;
  esac
done
[[ $EUID -eq 0 ]] || { echo "bench_pps: need root (namespaces, raw sockets)" >&2; exit 1; }

missing=()
for tool in masscan zmap nmap; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if ((${#missing[@]})); then
  echo "bench_pps: installing ${missing[*]}" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
[[ -x $BUILD_DIR/portauth ]] || BUILD_DIR=$BUILD_DIR "$REPO_DIR/scripts/setup.sh"

trap '"$REPO_DIR/scripts/netlab.sh" down --name "$LAB"' EXIT
"$REPO_DIR/scripts/netlab.sh" up --name "$LAB" --anyip16
mkdir -p "$OUT"
/usr/bin/python3 "$REPO_DIR/scripts/bench_race.py" --portauth "$BUILD_DIR/portauth" --lab "$LAB" --out "$OUT" \
  "${RACE_ARGS[@]}"
echo "bench_pps: results in $OUT/results.md" >&2
