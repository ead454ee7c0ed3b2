#!/usr/bin/env python3
"""scripts/demo.sh leaves the scan on the screen: a quiet build of what it needs, then the result.

Issue 19, item 13: the demo printed ~300 lines of CMake and compiler output before the result, and
built the tests, benchmarks and fuzzers to run one scan. Pass:
  1. `scripts/demo.sh -p 20-30,80,443` (its own lab, DEMO_LAB=pa<pid>d; the build directory of
     --binary) exits 0; what it prints before the scan's "$ portauth scan" line is at most a few
     lines, none of them CMake's or the compiler's; after it comes the scan: one text report
     listing exactly the profile's open ports among those; the lab is gone afterwards;
  2. the build log it names holds the build, of the binary and the database index only (no test,
     benchmark or fuzz target);
  3. a build that fails (scripts/setup.sh --quiet LOG --target no_such_target) exits non-zero
     and shows its log on the terminal.
Exit 0 pass, 1 fail, 77 skipped.
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lablib  # noqa: E402

PORTS = "20-30,80,443"
BUILD_NOISE = re.compile(r"^(-- |\[ *\d+%\]|Scanning dependencies|Consolidate compiler|gmake|make\[)|"
                         r"Building C|Linking C|Built target|warning:")


def run(argv, env, timeout=600):
    return subprocess.run(argv, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, timeout=timeout)


def main():
    args = lablib.parse_args(__doc__.splitlines()[0])
    lablib.require_lab_support()
    build_dir = os.path.dirname(args.binary)
    lab = f"pa{os.getpid()}d"
    env = {"BUILD_DIR": build_dir, "DEMO_LAB": lab}
    problems = []
    profile = lablib.Profile(os.path.join(args.repo, "tests", "lab", "profile.conf"))
    try:
        proc = run(["bash", os.path.join(args.repo, "scripts", "demo.sh"), "-p", PORTS], env)
    finally:
        subprocess.run(["bash", os.path.join(args.repo, "scripts", "netlab.sh"), "down", "--name", lab],
                       capture_output=True)
    screen = proc.stdout.splitlines()
    lablib.log("the demo's screen:\n  " + "\n  ".join(screen[:40]))
    if proc.returncode != 0:
        return lablib.report("the demo shows the scan", [f"demo.sh exit {proc.returncode}"])
    at = next((i for i, line in enumerate(screen) if line.startswith("$ portauth scan 198.18.0.2")), None)
    if at is None:
        problems.append("no '$ portauth scan 198.18.0.2' line")
        at = len(screen)
    before = [line for line in screen[:at] if line.strip()]
    if len(before) > 4 or any(BUILD_NOISE.search(line) for line in before):
        problems.append(f"{len(before)} lines before the scan, build output among them: {before[:8]}")
    after = "\n".join(screen[at:])
    want = {p for p in lablib.parse_ports(PORTS) if profile.expected(lablib.TARGET_IP, p)[0] == "open"}
    shown = {int(m.group(1)) for m in re.finditer(r"^(\d+)/tcp +open ", after, re.M)}
    if after.count("portauth scan report for 198.18.0.2") != 1 or shown != want:
        problems.append(f"the scan shows open ports {sorted(shown)}, want {sorted(want)}")
    left = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    if f"{lab}-scan" in left or f"{lab}-tgt" in left:
        problems.append(f"lab {lab} is still up after the demo")

    log_path = os.path.join(build_dir, "demo-build.log")
    try:
        with open(log_path) as f:
            log = f.read()
        built = set(re.findall(r"Built target (\S+)", log))
        if "portauth" not in built or "portauth_db_index" not in built:
            problems.append(f"{log_path}: the binary and the index are not in the log: {sorted(built)}")
        extra = sorted(t for t in built if re.search(r"test|bench|fuzz", t))
        if extra:
            problems.append(f"{log_path}: the demo built more than it needs: {extra}")
        lablib.log(f"2. {log_path}: {len(built)} targets, none of them tests, benchmarks or fuzzers")
    except OSError as e:
        problems.append(f"no build log: {e}")

    failing_log = os.path.join(build_dir, "demo-test-failure.log")
    fail = run(["bash", os.path.join(args.repo, "scripts", "setup.sh"), "--quiet", failing_log, "--target",
                "no_such_target"], {"BUILD_DIR": build_dir})
    if fail.returncode == 0 or "no_such_target" not in fail.stdout or "FAILED" not in fail.stdout:
        problems.append(f"a failed build: exit {fail.returncode}, its log not shown: {fail.stdout[-600:]!r}")
    else:
        lablib.log("3. a failed build exits non-zero and shows its log: " + fail.stdout.strip().splitlines()[-1])
    if os.path.exists(failing_log):
        os.remove(failing_log)
    return lablib.report("the demo builds quietly and leaves the scan on the screen", problems)


if __name__ == "__main__":
    sys.exit(main())
