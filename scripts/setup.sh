#!/usr/bin/env bash
# setup.sh: install what portauth needs from Debian's archive (only what is missing) and
# build it into build/ (Release, -O2). Safe to run again: it skips installed packages and
# rebuilds incrementally.
#
#   scripts/setup.sh              install + build
#   scripts/setup.sh --deps-only  install only
#   BUILD_DIR=dir BUILD_TYPE=Debug CMAKE_ARGS="..." scripts/setup.sh
set -euo pipefail

readonly REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$REPO_DIR/build}
BUILD_TYPE=${BUILD_TYPE:-Release}

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
  libnet1-dev libpcap-dev libyaml-cpp-dev libcli11-dev nlohmann-json3-dev libcpp-httplib-dev wrk
  libgtest-dev libgmock-dev libbenchmark-dev
  iproute2 nftables python3 tcpdump util-linux procps libcap2-bin libcap-dev
  nmap ndiff libxml2-utils chromium
  libwireshark-data
  zsh
  clang libclang-rt-14-dev
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
[[ ${1:-} == --deps-only ]] && exit 0

cmake -S "$REPO_DIR" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE="$BUILD_TYPE" ${CMAKE_ARGS:-} >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)"
echo "setup: built $BUILD_DIR/portauth" >&2
