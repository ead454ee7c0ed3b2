#!/usr/bin/env bash
# test.sh: the one test command (README and CI). Installs and builds what it needs, then
#   1. the Release build's whole suite: unit, database, and the integration tests that
#      scan a lab of network namespaces this script's tests create and tear down;
#   2. the unit and database tests again in an AddressSanitizer + UBSan build;
#   3. scripts/test_hostile.sh: a ThreadSanitizer build of the two-thread tests, 25 s per fuzz harness.
# Needs root for the namespaces (integration tests report "skipped" without it).
set -euo pipefail

readonly REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO_DIR"
JOBS=$(nproc)

scripts/setup.sh
# The daemon lab's packages (real servers for the -sV and UDP tests), installed before the suite so
# no timed test waits for apt; as root only (without root the integration tests are skipped anyway).
if [[ $(id -u) -eq 0 ]]; then scripts/daemon_lab.sh install; fi
echo "== Release build: unit, database and lab integration tests" >&2
ctest --test-dir build --output-on-failure -j"$JOBS"

echo "== ASan+UBSan build: unit and database tests" >&2
BUILD_DIR=build-asan BUILD_TYPE=Debug CMAKE_ARGS="-DPORTAUTH_SANITIZE=ON -DPORTAUTH_BENCH=OFF" scripts/setup.sh
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j"$JOBS" -LE integration

# --- Hostile input (issue 7): TSan build of the two-thread tests, then every fuzz harness 25 s ---
scripts/test_hostile.sh
