#!/usr/bin/env bash
# setup.sh: install what portauth needs from Debian's archive (only what is missing) and
# build it into build/ (Release, -O2). Safe to run again: it skips installed packages and
# rebuilds incrementally.
#
#   scripts/setup.sh              install + build everything (scripts/test.sh)
#   scripts/setup.sh --deps-only  install only
#   scripts/setup.sh --quiet LOG --target T [--target T ...]
#                                 build only targets T (scripts/demo.sh: portauth and the database
#                                 index), the configure and build output into LOG; on the terminal
#                                 one progress line; LOG is printed if the build fails
#   BUILD_DIR=dir BUILD_TYPE=Debug CMAKE_ARGS="..." scripts/setup.sh
set -euo pipefail

readonly REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$REPO_DIR/build}
BUILD_TYPE=${BUILD_TYPE:-Release}

deps_only=0 log="" targets=()
while (($#)); do
  case $1 in
    --deps-only) deps_only=1; shift ;;
    --quiet) log=${2:?--quiet needs a log file}; shift 2 ;;
    --target) targets+=("--target" "${2:?--target needs a target}"); shift 2 ;;
    *) echo "setup: unknown argument '$1' (see the header of $0)" >&2; exit 1 ;;
  esac
done

# Build: compiler, CMake and the libraries named by the design. Lab and tests: iproute2
# (ip netns, veth), nftables (the target's firewall profile), python3 (listeners and test
# drivers, standard library only), tcpdump (the no-packet-sent checks), util-linux (setpriv,
# script). Output tests: nmap, ndiff and libxml2-utils (nmap's XML, its DTD, xmllint) to check
# the nmap XML against nmap itself; chromium renders the HTML report headless. Fuzzing: clang and
# its runtimes (libFuzzer, sanitizers) for the harnesses in fuzz/ (scripts/fuzz.sh). `portauth
# serve`: libcpp-httplib-dev (the HTTP library), wrk (its benchmark, scripts/bench_serve.sh); its
# browser test drives chromium with puppeteer-core from npm (nodejs and npm below, when missing).
readonly PACKAGES=(
  build-essential cmake pkg-config
  libnet1-dev libpcap-dev libyaml-cpp-dev libcli11-dev nlohmann-json3-dev libcpp-httplib-dev wrk libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  iproute2 nftables python3 tcpdump util-linux procps libcap2-bin libcap-dev
  nmap ndiff libxml2-utils chromium
  libwireshark-data tshark
  zsh
  clang libclang-rt-14-dev
  libxdp-dev libbpf-dev
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js and npm for the browser tests: Debian's, unless a node and an npm are already there
# (from another source: Debian's npm would not install beside them).
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then missing+=(nodejs npm); fi
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: need root to install: ${missing[*]} (run with sudo)" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
((deps_only)) && exit 0

configure() { cmake -S "$REPO_DIR" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE="$BUILD_TYPE" ${CMAKE_ARGS:-}; }
build() { cmake --build "$BUILD_DIR" -j"$(nproc)" "${targets[@]}"; }

if [[ -z $log ]]; then
  configure >/dev/null
  build
  echo "setup: built $BUILD_DIR/portauth" >&2
  exit 0
fi

# Quiet: everything into the log; on the terminal one line, rewritten with the build's percentage
# (a line per minute when standard error is not a terminal); the log itself if anything fails.
mkdir -p "$(dirname "$log")"
: >"$log"
what="${targets[*]:-everything}"
what=${what//--target /}
start=$SECONDS
(configure && build) >>"$log" 2>&1 &
pid=$!
tty=0
[[ -t 2 ]] && tty=1
last=-60
while kill -0 "$pid" 2>/dev/null; do
  pct=$({ grep -o '^\[ *[0-9]*%\]' "$log" || true; } | tail -n 1 | tr -dc '0-9')
  if ((tty)); then
    printf '\rsetup: building %s ... %s%% (%d s; log: %s)' "$what" "${pct:-0}" $((SECONDS - start)) "$log" >&2
  elif ((SECONDS - last >= 60)); then
    echo "setup: building $what ... ${pct:-0}% (log: $log)" >&2
    last=$SECONDS
  fi
  sleep 0.5
done
rc=0
wait "$pid" || rc=$?
((tty)) && printf '\r\033[K' >&2
if ((rc != 0)); then
  echo "setup: the build of $what FAILED (exit $rc); its log, $log:" >&2
  cat "$log" >&2
  echo "setup: the build of $what FAILED; the log above is $log" >&2
  exit "$rc"
fi
echo "setup: built $what in $((SECONDS - start)) s (log: $log)" >&2
