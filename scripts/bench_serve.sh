#!/usr/bin/env bash
# bench_serve.sh: `portauth serve` under load, in a lab of its own (issue 22's targets).
#
#   sudo scripts/bench_serve.sh [--duration S] [--connections N] [--grids N] [--no-baseline]
#   sudo scripts/bench_serve.sh --ab OTHER_BUILD_DIR [--rounds N] [--duration S] [--connections N]
#
# The server runs in the lab's scanner namespace (198.18.0.1:8080), wrk and curl in the target
# namespace (the lab client 198.18.0.2). Measured, one after another in one run:
#   pages    wrk -t2 -cN --latency for --duration seconds (default 10, N 200): /port/80 (one page),
#            a random port 0-65535 per request (bench/serve/random_ports.lua: pages rendered as
#            they are asked for), and /favicon.ico (a 204 with no body: what the test costs with
#            no page at all, the floor), with the server's CPU time per request (/proc/PID/stat)
#   baseline the same two runs against the same router behind cpp-httplib's own listen() and a
#            thread pool of 256 (build/bench/serve/serve_httplib_baseline), for the ratio
#   grid     POST /api/scan {"ports": "service"} --grids times (default 10) from the lab client, with
#            serve's default options (which identify the open ports' services), then as many with
#            --no-service-scan: the 0-1055 grid, request to last port (curl's time_total)
# Servers: one with default options (32 connections per address: the first page run, -c32), one
# with --client-connections 256 (wrk's 200 connections all come from one address), one with default
# options for the grids and one with --no-service-scan; all with the lab's --listen and
# --allow-clients, and --client-rate 1000/min (the default 10/min would hold the grid runs back).
# SERVE_ARGS (environment) adds options to the 200-connection servers, e.g. SERVE_ARGS='--threads 2'.
# --ab: two builds side by side, nothing else: --rounds times (default 3), the 200-connection page
# runs against BUILD_DIR's server (A) and OTHER_BUILD_DIR's (B), the order swapped every round.
# Needs root, iproute2, nftables, wrk, curl, python3; builds nothing (build/ first).
set -euo pipefail

readonly REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$REPO_DIR/build}
DURATION=10 CONNECTIONS=200 GRIDS=10 BASELINE=1 AB_DIR= ROUNDS=3
while (($#)); do
  case $1 in
    --duration) DURATION=$2; shift ;;
    --connections) CONNECTIONS=$2; shift ;;
    --grids) GRIDS=$2; shift ;;
    --no-baseline) BASELINE=0 ;;
    --ab) AB_DIR=$2; shift ;;
    --rounds) ROUNDS=$2; shift ;;
    -h|--help) sed -n '2,20s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "bench_serve.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
[[ $(id -u) -eq 0 ]] || { echo "bench_serve.sh: needs root (network namespaces)" >&2; exit 1; }
for t in wrk curl; do command -v $t >/dev/null || { echo "bench_serve.sh: need $t (scripts/setup.sh --deps-only)" >&2; exit 1; }; done
[[ -x $BUILD_DIR/portauth ]] || { echo "bench_serve.sh: no $BUILD_DIR/portauth: build first" >&2; exit 1; }

readonly LAB=bsv$$ SCAN_NS=bsv$$-scan TGT_NS=bsv$$-tgt
TMP=$(mktemp -d /tmp/portauth-bench-serve.XXXXXX)
SERVER_PID=
cleanup() {
  [[ -n $SERVER_PID ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  NETLAB_QUIET=1 bash "$REPO_DIR/scripts/netlab.sh" down --name "$LAB" || true
  rm -rf "$TMP"
}
trap cleanup EXIT
NETLAB_QUIET=1 bash "$REPO_DIR/scripts/netlab.sh" up --name "$LAB"

wait_http() {  # URL
  for _ in $(seq 100); do
    ip netns exec "$TGT_NS" curl -s -o /dev/null "$1" && return 0
    sleep 0.1
  done
  echo "bench_serve.sh: nothing answers at $1" >&2
  exit 1
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# wrk against URL; prints one table row: what | rps | p50 | p90 | p99 | max | server CPU us/request
pages() {  # what URL PID [wrk args]
  local what=$1 url=$2 pid=$3; shift 3
  local t0 t1 out
  ip netns exec "$TGT_NS" wrk -t2 -c"$CONNECTIONS" -d2s "$@" "$url" >/dev/null 2>&1  # warm up
  sleep 1  # the warm-up's connections closed and counted out
  t0=$(cpu_ticks "$pid")
  out=$(ip netns exec "$TGT_NS" wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$@" "$url" 2>&1)
  t1=$(cpu_ticks "$pid")
  python3 - "$what" "$out" "$t0" "$t1" "$(getconf CLK_TCK)" <<'EOF'
import re, sys
what, out, t0, t1, hz = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
def ms(v):
    m = re.match(r"([\d.]+)(us|ms|s)", v)
    return float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
lat = {p: ms(v) for p, v in re.findall(r"^\s+(50|90|99)%\s+(\S+)", out, re.M)}
mx = ms(re.search(r"Latency\s+\S+\s+\S+\s+(\S+)", out).group(1))
reqs = int(re.search(r"(\d+) requests in", out).group(1))
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
errors = re.search(r"Socket errors: (.*)", out)
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
cpu = (t1 - t0) / hz / reqs * 1e6
note = (" errors: " + errors.group(1) if errors else "") + (f" non-2xx: {non2xx.group(1)}" if non2xx else "")
print(f"| {what} | {rps:,.0f} | {lat['50']:.2f} | {lat['90']:.2f} | {lat['99']:.2f} | {mx:.1f} | {cpu:.1f} |{note}")
EOF
}

# Starts DIR's server with the options of the 200-connection runs (SERVER_PID) and runs the pages
# against it: /port/80, a random port, and with "floor" /favicon.ico (204, no body, no page: the
# floor of this test on this machine).
page_runs() {  # LABEL DIR [floor]
  ip netns exec "$SCAN_NS" "$2/portauth" serve --listen 198.18.0.1:8080 --allow-clients 198.18.0.0/15 \
    --client-connections 256 --client-rate 1000/min ${SERVE_ARGS:-} 2>"$TMP/serve.log" &
  SERVER_PID=$!
  wait_http http://198.18.0.1:8080/port/80
  pages "$1, /port/80" http://198.18.0.1:8080/port/80 "$SERVER_PID"
  pages "$1, random /port/N" http://198.18.0.1:8080/ "$SERVER_PID" -s "$REPO_DIR/bench/serve/random_ports.lua"
  if [[ ${3:-} == floor ]]; then
    pages "$1, /favicon.ico (204, no body: the floor)" http://198.18.0.1:8080/favicon.ico "$SERVER_PID"
  fi
}

echo "bench_serve.sh: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), $CONNECTIONS connections, ${DURATION} s per run"
echo
echo "| server, page | requests/s | p50 ms | p90 ms | p99 ms | max ms | server CPU us/request |"
echo "|---|---|---|---|---|---|---|"

if [[ -n $AB_DIR ]]; then
  [[ -x $AB_DIR/portauth ]] || { echo "bench_serve.sh: no $AB_DIR/portauth" >&2; exit 1; }
  ab_run() {  # LABEL DIR
    page_runs "$1" "$2"
    kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
  }
  for round in $(seq "$ROUNDS"); do
    if ((round % 2)); then ab_run "A $BUILD_DIR" "$BUILD_DIR"; ab_run "B $AB_DIR" "$AB_DIR"
    else ab_run "B $AB_DIR" "$AB_DIR"; ab_run "A $BUILD_DIR" "$BUILD_DIR"; fi
  done
  echo
  echo "bench_serve.sh: load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
  exit 0
fi

# With default options (but the lab's address and client block): 32 connections, the default
# limit for one address.
ip netns exec "$SCAN_NS" "$BUILD_DIR/portauth" serve --listen 198.18.0.1:8080 --allow-clients 198.18.0.0/15 \
  --client-rate 1000/min 2>"$TMP/serve-defaults.log" &
SERVER_PID=$!
wait_http http://198.18.0.1:8080/port/80
CONNECTIONS_WANTED=$CONNECTIONS
CONNECTIONS=32 pages "portauth serve, defaults, 32 connections, /port/80" http://198.18.0.1:8080/port/80 "$SERVER_PID"
CONNECTIONS=$CONNECTIONS_WANTED
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true

page_runs "portauth serve" "$BUILD_DIR" floor

if ((BASELINE)) && [[ -x $BUILD_DIR/bench/serve/serve_httplib_baseline ]]; then
  ip netns exec "$SCAN_NS" "$BUILD_DIR/bench/serve/serve_httplib_baseline" 198.18.0.1 8081 256 2>/dev/null &
  BASE_PID=$!
  wait_http http://198.18.0.1:8081/port/80
  pages "cpp-httplib listen(), 256 threads, /port/80" http://198.18.0.1:8081/port/80 "$BASE_PID"
  pages "cpp-httplib listen(), 256 threads, random /port/N" http://198.18.0.1:8081/ "$BASE_PID" \
    -s "$REPO_DIR/bench/serve/random_ports.lua"
  kill "$BASE_PID"; wait "$BASE_PID" 2>/dev/null || true
fi

# The grids: serve's default options (which identify what answers on the open ports, -sV), then the
# same server with --no-service-scan, one after the other in this run.
grids() {  # LABEL SERVE-OPTION...
  local label=$1
  shift
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
  ip netns exec "$SCAN_NS" "$BUILD_DIR/portauth" serve --listen 198.18.0.1:8080 --allow-clients 198.18.0.0/15 \
    --client-rate 1000/min "$@" 2>"$TMP/serve-grid.log" &
  SERVER_PID=$!
  wait_http http://198.18.0.1:8080/port/80
  : >"$TMP/grid-times"
  : >"$TMP/grid-server"
  for i in $(seq "$GRIDS"); do
    ip netns exec "$TGT_NS" curl -s -o "$TMP/grid.json" -w '%{time_total}\n' -X POST \
      -H 'Content-Type: application/json' -d '{"ports": "service"}' http://198.18.0.1:8080/api/scan >>"$TMP/grid-times"
    python3 -c "import json,sys; d=json.load(open(sys.argv[1])); s=d.get('services', {}); print(d['seconds'], s.get('identified', '-'), s.get('tcpwrapped', '-')); assert d['counts']['tested'] == 1056, d" \
      "$TMP/grid.json" >>"$TMP/grid-server"
    sleep 0.2
  done
  python3 - "$label" "$TMP/grid-times" "$TMP/grid-server" <<'EOF'
import statistics, sys
label = sys.argv[1]
rows = [line.split() for line in open(sys.argv[3])]
for what, v in (("request to last port (curl time_total)", [float(x) for x in open(sys.argv[2])]),
                ("the scan alone (server's seconds)", [float(r[0]) for r in rows])):
    print(f"| {label}: {what} | {min(v):.2f} | {statistics.median(v):.2f} | {max(v):.2f} |")
if rows[-1][1] != "-":
    print(f"| {label}: services identified / tcpwrapped (last grid) | {rows[-1][1]} / {rows[-1][2]} | | |")
EOF
}
echo
echo "| the 0-1055 grid of 198.18.0.2 (POST /api/scan service) | min s | median s | max s |"
echo "|---|---|---|---|"
grids "default options (-sV)"
grids "--no-service-scan" --no-service-scan
echo
echo "bench_serve.sh: load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
