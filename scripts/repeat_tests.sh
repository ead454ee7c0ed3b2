#!/usr/bin/env bash
# Runs ctest tests N times in a row and counts the runs that failed, per test: the way to find a
# test that passes only usually (issue 19: a flaky test hid a silently wrong scan). Run as root
# (the integration tests build their own lab namespaces); nothing leaves them.
#
#   sudo scripts/repeat_tests.sh 20 '^integration\.rate_limited$'   # one test, 20 runs
#   sudo scripts/repeat_tests.sh 5 -L integration                   # the integration suite, 5 runs
#
# BUILD_DIR (default build) is the build tree; JOBS (default 2) is ctest's -j. Each run's log is
# kept under OUT (default /tmp/portauth-repeat-PID). Exit 0 when every run passed.
set -u
if [ $# -lt 2 ]; then
  sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
runs=$1
shift
case "$runs" in '' | *[!0-9]*) echo "repeat_tests: the number of runs must be a whole number, not '$runs'" >&2; exit 2 ;; esac
if [ "$1" = "-L" ]; then select_args=(-L "$2"); else select_args=(-R "$1"); fi
build=${BUILD_DIR:-build}
out=${OUT:-/tmp/portauth-repeat-$$}
mkdir -p "$out"
declare -A failures=()
failed_runs=0
for i in $(seq 1 "$runs"); do
  log="$out/run-$i.log"
  start=$(date +%s)
  ctest --test-dir "$build" "${select_args[@]}" -j"${JOBS:-2}" --timeout 900 --output-on-failure >"$log" 2>&1
  rc=$?
  if grep -q 'No tests were found' "$log"; then echo "repeat_tests: no test matches ${select_args[*]}" >&2; exit 2; fi
  failed=$(grep -E '^\s*[0-9]+/[0-9]+ Test +#[0-9]+: .*(\*\*\*Failed|\*\*\*Timeout|\*\*\*Exception)' "$log" |
    sed -E 's/.*Test +#[0-9]+: ([^ ]+) .*/\1/' | tr '\n' ' ')
  for t in $failed; do failures[$t]=$((${failures[$t]:-0} + 1)); done
  [ "$rc" -ne 0 ] && failed_runs=$((failed_runs + 1))
  printf 'run %d/%d: %s in %d s, load %s%s\n' "$i" "$runs" "$([ "$rc" -eq 0 ] && echo passed || echo FAILED)" \
    "$(($(date +%s) - start))" "$(cut -d' ' -f1 /proc/loadavg)" "${failed:+; failed: $failed}"
done
echo "$((runs - failed_runs)) of $runs runs passed (logs in $out)"
for t in "${!failures[@]}"; do echo "  $t failed in ${failures[$t]} of $runs runs"; done
[ "$failed_runs" -eq 0 ]
