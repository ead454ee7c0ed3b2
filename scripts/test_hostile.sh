#!/usr/bin/env bash
# test_hostile.sh: the checks scripts/test.sh adds for hostile input and threads (its last step).
#   1. ThreadSanitizer: a build of the unit and engine tests with -fsanitize=thread (build-tsan/),
#      running the tests where threads share state: the probe table, the SPSC result queue, the
#      capture loop on its own thread with a reader and a drainer, whole scans on the
#      in-memory network (sender, capture and main threads, the rate controller, the evidence per
#      host and the block watch), portauth serve's HTTP server (event loops and scan threads on
#      loopback sockets), and -sV's connection engine (its epoll thread and the threads that feed
#      it), alone and in a scan.
#   2. Fuzzing: every libFuzzer harness for 25 s (scripts/fuzz.sh --ci: clang, ASan+UBSan);
#      a crash fails the run and leaves its input in build-fuzz/artifacts/.
# The ASan+UBSan unit-test build and the ctest replay of every fuzz corpus and regression
# input (fuzz_replay.*) are part of test.sh's own steps.
set -euo pipefail
readonly REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO_DIR"

echo "== TSan build: the two-thread tests (ProbeTable, SpscQueue, the capture loop on its thread, whole engine scans)" >&2
cmake -S "$REPO_DIR" -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPORTAUTH_BENCH=OFF \
  -DCMAKE_CXX_FLAGS="-fsanitize=thread -fno-omit-frame-pointer" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=thread" >/dev/null
cmake --build build-tsan -j"$(nproc)" --target unit_tests engine_tests web_unit_tests service_engine_tests service_stage_tests >/dev/null
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
  build-tsan/tests/unit/unit_tests --gtest_brief=1 --gtest_filter='ProbeTable.*:SpscQueue.*:CaptureLoop.*:CaptureThreads.*'
# Whole scans: the sender, capture and main threads around the table, the result queue and the
# rate controller's counters, on the in-memory network (a few of them: TSan is ~10x slower);
# UdpScan.*: the UDP phase after the passes, its ICMP meter fed from the capture thread;
# Liars.*: the evidence per host kept by the capture thread, the block watch on the sender's,
# and (ABlockInATcpAndUdp) both with UDP probes in the scan.
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
  build-tsan/tests/engine/engine_tests --gtest_brief=1 \
  --gtest_filter='EngineScan.Retries*:EngineScan.Interrupt*:EngineScan.Forged*:RateControl.HostLimitedTo20000*:RateControl.OneLimited*:Liars.SynProxy*:Liars.AShortBlock*:Liars.ABlockInATcpAndUdp*:UdpScan.*'

# portauth serve: the event loops, the scan threads, the admission counters, the scan gate and
# the report store, over real loopback sockets.
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
  build-tsan/tests/web/web_unit_tests --gtest_brief=1 --gtest_filter='HttpServer*:RouterTest.ScansAreGated:ScanGate*'
# -sV: the connection engine's epoll thread beside the thread that submits jobs and takes the
# results (its inbox and done list), against loopback servers, alone and inside whole scans.
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
  build-tsan/tests/service/service_engine_tests --gtest_brief=1 --gtest_filter='ConnEngine.*'
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" build-tsan/tests/service/service_stage_tests --gtest_brief=1

echo "== Fuzzing: each harness for 25 s (scripts/fuzz.sh --ci)" >&2
scripts/fuzz.sh --ci
