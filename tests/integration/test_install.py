#!/usr/bin/env python3
"""cmake --install to a temporary prefix gives a working portauth that finds its own database.

Installs the build the binary came from (its directory holds CMakeCache.txt) with
`cmake --install BUILD --prefix TMP`, then checks:
  * the prefix holds bin/portauth, share/portauth/ports.yaml, share/man/man1/portauth.1 (which
    man(1) renders without warnings) and every config/examples/*.yaml under share/portauth/examples;
  * the installed binary runs `lookup 25` (no PORTAUTH_DB, run from another directory) and
    finds port 25; with the installed database broken it fails naming that file, so the
    lookup really read the installed copy and not the source tree's;
  * `portauth --help` and `portauth scan --help` list every option, with the defaults, the
    nmap-style output options and the progress switches; an unknown option is a clear error;
  * the bash and zsh completions are installed (share/bash-completion/completions/portauth,
    share/zsh/site-functions/_portauth); bash completes `portauth scan --ra` to --rate and the
    value of --format to the format names; zsh (when installed) accepts the script.
Needs no root. Exit 0 pass, 1 fail, 77 skipped (no cmake).
"""
import glob
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lablib  # noqa: E402

HELP_MUST_LIST = [
    "--ports", "--rate TEXT=max", "--retries INT=2", "--wait FLOAT=1", "--show TEXT=open",
    "--format TEXT=text", "-o,--output", "--output-xml", "-oX", "--output-grepable", "-oG",
    "--output-jsonl", "-oJ", "--output-text", "-oN", "--output-csv", "-oC", "--output-html", "-oH",
    "--progress", "--no-progress", "--allow", "--exclude", "--db",
]


def run(argv, **kw):
    env = {k: v for k, v in os.environ.items() if k != "PORTAUTH_DB"}
    return subprocess.run(argv, capture_output=True, text=True, timeout=60, env=env, **kw)


def complete(script, words):
    """What the installed bash completion offers for the command line `words` (the last is being typed)."""
    line = " ".join(words)
    program = (f"source {script}; COMP_WORDS=({line}); COMP_CWORD={len(words) - 1}; "
               "_portauth; printf '%s\\n' \"${COMPREPLY[@]}\"")
    return subprocess.run(["bash", "-c", program], capture_output=True, text=True, timeout=60).stdout.split()


def check_completions(prefix):
    problems = []
    bash = os.path.join(prefix, "share", "bash-completion", "completions", "portauth")
    zsh = os.path.join(prefix, "share", "zsh", "site-functions", "_portauth")
    for path in (bash, zsh):
        if not os.path.isfile(path):
            problems.append(f"not installed: {os.path.relpath(path, prefix)}")
    if problems:
        return problems
    if subprocess.run(["bash", "-n", bash], capture_output=True, timeout=60).returncode != 0:
        problems.append("the bash completion is not valid bash")
    got = complete(bash, ["portauth", "scan", "--ra"])
    if "--rate" not in got:
        problems.append(f"bash completion of 'portauth scan --ra' offers {got}, want --rate")
    got = complete(bash, ["portauth", "scan", "--format", "q"])
    if got != []:
        problems.append(f"bash completion of '--format q' offers {got}, want nothing")
    got = complete(bash, ["portauth", "scan", "--format", "j"])
    if got != ["jsonl"]:
        problems.append(f"bash completion of '--format j' offers {got}, want ['jsonl']")
    if shutil.which("zsh"):
        zproc = subprocess.run(["zsh", "-n", zsh], capture_output=True, text=True, timeout=60)
        if zproc.returncode != 0:
            problems.append(f"the zsh completion is not valid zsh: {zproc.stderr[:300]}")
    lablib.log("completions: bash offers --rate for 'scan --ra'" if not problems else "completions: problems")
    return problems


def main():
    args = lablib.parse_args(__doc__.splitlines()[0])
    build_dir = os.path.dirname(args.binary)
    if shutil.which("cmake") is None:
        lablib.log("SKIP: cmake not found")
        return lablib.SKIP
    if not os.path.exists(os.path.join(build_dir, "CMakeCache.txt")):
        lablib.log(f"FAIL: {build_dir} (the binary's directory) is not a CMake build directory")
        return 1
    problems = []
    with tempfile.TemporaryDirectory(prefix="portauth-install-") as prefix:
        proc = run(["cmake", "--install", build_dir, "--prefix", prefix])
        if proc.returncode != 0:
            lablib.log(f"FAIL: cmake --install failed: {lablib.describe(proc)}")
            return 1
        binary = os.path.join(prefix, "bin", "portauth")
        db = os.path.join(prefix, "share", "portauth", "ports.yaml")
        man = os.path.join(prefix, "share", "man", "man1", "portauth.1")
        for path in (binary, db, man):
            if not os.path.isfile(path):
                problems.append(f"not installed: {os.path.relpath(path, prefix)}")
        for example in glob.glob(os.path.join(args.repo, "config", "examples", "*.yaml")):
            if not os.path.isfile(os.path.join(prefix, "share", "portauth", "examples", os.path.basename(example))):
                problems.append(f"example not installed: {os.path.basename(example)}")
        if problems:
            return lablib.report("install", problems)

        if shutil.which("man"):
            page = subprocess.run(["man", "--warnings", "-l", man], capture_output=True, text=True, timeout=60,
                                  env={**os.environ, "MANPAGER": "cat", "MANWIDTH": "100"})
            if page.returncode != 0 or page.stderr.strip() or "portauth" not in page.stdout:
                problems.append(f"man page does not render cleanly: {page.stderr[-800:]}")

        # Run from elsewhere, so nothing relative to the working directory can help.
        lookup = run([binary, "lookup", "25"], cwd=tempfile.gettempdir())
        if lookup.returncode != 0 or "smtp" not in lookup.stdout.lower():
            problems.append(f"installed `portauth lookup 25` failed: {lablib.describe(lookup)}")
        else:
            lablib.log("installed binary: lookup 25 -> " + lookup.stdout.strip().splitlines()[0])
        with open(db) as f:
            good = f.read()
        with open(db, "w") as f:
            f.write("schema_version: [this is not the database\n")
        broken = run([binary, "lookup", "25"], cwd=tempfile.gettempdir())
        with open(db, "w") as f:
            f.write(good)
        if broken.returncode == 0 or db not in broken.stderr:
            problems.append("with the installed database broken, lookup did not fail naming it: it reads "
                            f"another copy: {lablib.describe(broken)}")

        top = run([binary, "--help"])
        scan = run([binary, "scan", "--help"])
        for name in ("scan", "lookup", "--version"):
            if name not in top.stdout:
                problems.append(f"portauth --help does not list {name}")
        for name in HELP_MUST_LIST:
            if name not in scan.stdout:
                problems.append(f"portauth scan --help does not list {name!r}")
        bad = run([binary, "scan", "198.18.0.2", "-p", "22", "--no-such-option"])
        if bad.returncode != 1 or "--no-such-option" not in bad.stderr:
            problems.append(f"an unknown option is not a clear error: {lablib.describe(bad)}")
        if "Usage: portauth scan [OPTIONS] TARGETS..." not in scan.stdout:
            problems.append("portauth scan --help does not start with its usage line")
        problems += check_completions(prefix)
    return lablib.report("cmake --install to a temporary prefix; the installed binary runs lookup", problems)


if __name__ == "__main__":
    sys.exit(main())
