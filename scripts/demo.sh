#!/usr/bin/env bash
# demo.sh: the README's main command. Installs and builds portauth, creates the lab (a
# scanner namespace and a target namespace joined by a veth pair, 198.18.0.0/15 only, no
# route out), scans the lab target, and tears the lab down again.
#
#   sudo scripts/demo.sh                      all 65,536 ports of the lab target
#   sudo scripts/demo.sh -p 1-1024 --show all  any other scan options for that target
set -euo pipefail

readonly REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly LAB=pademo
cd "$REPO_DIR"
[[ $(id -u) -eq 0 ]] || { echo "demo: run as root (sudo): it creates network namespaces" >&2; exit 1; }

scripts/setup.sh
trap 'scripts/netlab.sh down --name "$LAB" >/dev/null 2>&1 || true' EXIT
NETLAB_QUIET=1 scripts/netlab.sh up --name "$LAB"

args=("$@")
# Default options, as a user types it: every port, and the rate left to the closed-loop
# controller. (A target named inside 198.18.0.0/15 is scanned as asked: no --allow needed.)
((${#args[@]})) || args=(-p-)
echo
echo "\$ portauth scan 198.18.0.2 ${args[*]}   (inside namespace $LAB-scan)"
echo
ip netns exec "$LAB-scan" build/portauth scan 198.18.0.2 "${args[@]}"
