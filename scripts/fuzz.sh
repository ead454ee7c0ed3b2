#!/usr/bin/env bash
# fuzz.sh: build the libFuzzer harnesses (fuzz/, clang, ASan+UBSan) and run them.
#
#   scripts/fuzz.sh                    every harness for 10 minutes, one after the other
#   scripts/fuzz.sh --ci               every harness for 25 s, one per core (scripts/test.sh runs this)
#   scripts/fuzz.sh --time 3600 --jobs 2 port_db config_file   chosen harnesses, 1 h each, two at once
#
# Harnesses: the ten of fuzz/CMakeLists.txt (reply_parser udp_reply target_grammar config_file resume_file
# port_db web_request service_rules service_session shard_line).
# Each run starts from the seed corpus in fuzz/corpus/NAME plus what earlier runs found
# (BUILD/work/NAME, kept between runs, never committed). A crash leaves its input in
# BUILD/artifacts/NAME/ and makes this script exit 1: minimise it (fuzz_NAME -minimize_crash=1
# -runs=10000 FILE), fix the bug, and copy the input to fuzz/regressions/NAME/, which ctest
# replays in every build (fuzz_replay.NAME). Prints one line per harness: executions, seconds,
# corpus size, result. Needs clang and libclang-rt (installed with apt-get when root).
set -euo pipefail

readonly REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${FUZZ_BUILD_DIR:-$REPO_DIR/build-fuzz}
ALL=(reply_parser udp_reply target_grammar config_file resume_file port_db web_request service_rules service_session shard_line)
SECONDS_EACH=600
JOBS=1
HARNESSES=()
while (($#)); do
  case $1 in
    --ci) SECONDS_EACH=25; JOBS=$(nproc) ;;
    --time) SECONDS_EACH=$2; shift ;;
    --jobs) JOBS=$2; shift ;;
    -h|--help) sed -n '2,16s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) HARNESSES+=("$1") ;;
  esac
  shift
done
((${#HARNESSES[@]})) || HARNESSES=("${ALL[@]}")

if ! command -v clang++ >/dev/null || ! compgen -G "/usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a" >/dev/null; then
  if [[ $(id -u) -ne 0 ]]; then
    echo "fuzz.sh: need clang and libclang-rt-*-dev (sudo apt-get install clang libclang-rt-14-dev)" >&2
    exit 1
  fi
  echo "fuzz.sh: installing clang" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends clang libclang-rt-14-dev >/dev/null
fi

targets=()
for h in "${HARNESSES[@]}"; do targets+=("fuzz_$h"); done
CC=clang CXX=clang++ cmake -S "$REPO_DIR" -B "$BUILD_DIR" -DPORTAUTH_FUZZ=ON -DPORTAUTH_TESTS=OFF \
  -DPORTAUTH_BENCH=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)" --target "${targets[@]}" >/dev/null

# Runs one harness; its libFuzzer log goes to BUILD/logs/NAME.log.
run_one() {
  local h=$1 work=$BUILD_DIR/work/$1 art=$BUILD_DIR/artifacts/$1/ log=$BUILD_DIR/logs/$1.log rc=0
  mkdir -p "$work" "$art" "$BUILD_DIR/logs"
  # -timeout: one input taking 10 s is a hang; -rss_limit_mb: one input needing 2 GB is a bug.
  "$BUILD_DIR/fuzz/fuzz_$h" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$art" "$work" "$REPO_DIR/fuzz/corpus/$h" >"$log" 2>&1 || rc=$?
  local execs secs corpus
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
  corpus=$(find "$work" -type f | wc -l)
  if ((rc == 0)); then
    printf 'fuzz: %-15s %12s executions in %5s s, corpus %6s inputs: clean\n' "$h" "${execs:-?}" "${secs:-?}" "$corpus"
  else
    printf 'fuzz: %-15s FAILED (exit %d) after %s executions; input in %s; log %s\n' "$h" "$rc" "${execs:-?}" "$art" "$log"
    grep -m3 -E "ERROR|SUMMARY|Assertion" "$log" | sed 's/^/fuzz:   /'
  fi
  return "$rc"
}

failed=0
pids=()
for h in "${HARNESSES[@]}"; do
  [[ -x $BUILD_DIR/fuzz/fuzz_$h ]] || { echo "fuzz.sh: no harness '$h' (have: ${ALL[*]})" >&2; exit 2; }
  run_one "$h" &
  pids+=($!)
  if ((${#pids[@]} >= JOBS)); then
    wait "${pids[0]}" || failed=1
    pids=("${pids[@]:1}")
  fi
done
for p in "${pids[@]}"; do wait "$p" || failed=1; done
exit "$failed"
