#!/usr/bin/env bash
# loss_recall.sh: recall of open ports under 1% packet loss each way, for --retries 0, 1, 2, 3.
#
#   sudo scripts/loss_recall.sh                 198.18.0.2 + 198.18.1.0/24 x the 18 open ports (3,136 open
#                                               ports a scan), 5 scans per retry count
#   sudo scripts/loss_recall.sh --anyip16 [N]   198.19.0.0/16 x the 18 open ports (1,179,648 open ports a
#                                               scan), N scans per retry count (default 1)
#
# The loss is two nftables rules in the lab's target namespace (`numgen random mod 100 < 1 drop`
# on the probes coming in and on everything going back; this kernel has no netem). Prints one
# row per retry count: open ports, found, missed, recall, false opens (must be 0). The test
# itself is tests/integration/test_loss.py (CI: the default retries must find >= 99.9%).
# Needs root and a build (scripts/setup.sh); BINARY=path overrides build/portauth.
set -euo pipefail
readonly REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BINARY=${BINARY:-$REPO_DIR/build/portauth}
PYTHON=/usr/bin/python3
[[ -x $PYTHON ]] || PYTHON=python3
if [[ ${1:-} == --anyip16 ]]; then
  exec "$PYTHON" "$REPO_DIR/tests/integration/test_loss.py" --binary "$BINARY" --repo "$REPO_DIR" \
    --table "${2:-1}" --anyip16 --rate "${RATE:-100000}"
fi
exec "$PYTHON" "$REPO_DIR/tests/integration/test_loss.py" --binary "$BINARY" --repo "$REPO_DIR" --table "${1:-5}"
