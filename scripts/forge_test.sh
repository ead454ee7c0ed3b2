#!/usr/bin/env bash
# forge_test.sh: the forged-reply test at full size. While portauth scans all 65,536 ports of
# the lab target, 100,000 forged SYN-ACKs, RSTs and ICMP unreachables are injected from the
# target namespace (tests/integration/forge_replies.py, sending only to the lab scanner's
# 198.18.0.1); the scan must report exactly the lab profile and count every forged packet that
# reaches its validator as rejected. Then a retransmitting target must still yield one result
# per port. CI runs the same test with 20,000 packets (ctest -R integration.forged).
#
#   sudo scripts/forge_test.sh [COUNT [PPS]]      default 100000 packets at 12500 per second
# Needs root (network namespaces) and a build (scripts/setup.sh); BINARY=path overrides build/portauth.
set -euo pipefail
readonly REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BINARY=${BINARY:-$REPO_DIR/build/portauth}
PYTHON=/usr/bin/python3
[[ -x $PYTHON ]] || PYTHON=python3
exec "$PYTHON" "$REPO_DIR/tests/integration/test_forged.py" --binary "$BINARY" --repo "$REPO_DIR" \
  --count "${1:-100000}" --pps "${2:-12500}"
