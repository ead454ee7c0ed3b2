#!/usr/bin/env bash
# demo.sh: the README's main command. Installs what is missing, builds what the demo needs (the
# portauth binary and its port database, quietly: one progress line, the full log in
# BUILD_DIR/demo-build.log, shown if the build fails), creates the lab (a scanner namespace and a
# target namespace joined by a veth pair, 198.18.0.0/15 only, no route out), scans the lab
# target, and tears the lab down again. What stays on the screen is the scan.
#
#   sudo scripts/demo.sh                      all 65,536 ports of the lab target
#   sudo scripts/demo.sh -p 1-1024 --show all  any other scan options for that target
#   BUILD_DIR=dir DEMO_LAB=name               another build directory, another lab name
set -euo pipefail

readonly REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly LAB=${DEMO_LAB:-pademo}
export BUILD_DIR=${BUILD_DIR:-$REPO_DIR/build}
cd "$REPO_DIR"
[[ $(id -u) -eq 0 ]] || { echo "demo: run as root (sudo): it creates network namespaces" >&2; exit 1; }

# Only the binary and the database index (tests, benchmarks and fuzzers are scripts/test.sh's).
scripts/setup.sh --quiet "$BUILD_DIR/demo-build.log" --target portauth --target portauth_db_index
trap 'scripts/netlab.sh down --name "$LAB" >/dev/null 2>&1 || true' EXIT
NETLAB_QUIET=1 scripts/netlab.sh up --name "$LAB" >/dev/null

args=("$@")
# Default options, as a user types it: every port, and the rate left to the closed-loop
# controller. (A target named inside 198.18.0.0/15 is scanned as asked: no --allow needed.)
((${#args[@]})) || args=(-p-)
echo
echo "\$ portauth scan 198.18.0.2 ${args[*]}   (inside namespace $LAB-scan)"
echo
ip netns exec "$LAB-scan" "$BUILD_DIR/portauth" scan 198.18.0.2 "${args[@]}"
