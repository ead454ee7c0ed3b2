#!/usr/bin/env python3
"""Refusals send nothing: bad input, a reserved target without --allow, and no privileges.

Each command runs in the lab's scanner namespace while a raw AF_PACKET counter watches every
interface there. Pass, for each: the exit status wanted (1 for a bad value, non-zero otherwise), a
message on stderr naming the problem, and ZERO packets on the wire. A control first proves the
counter sees a datagram sent into the lab.
Exit 0 pass, 1 fail, 77 skipped.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lablib  # noqa: E402

ALLOW = ["--allow", "198.18.0.0/15"]
T = lablib.TARGET_IP
NONZERO = "non-zero"
# (what, portauth arguments, exit status wanted, regex stderr must match (case-insensitive))
CASES = [
    ("octet over 255", ["scan", "1.2.3.256", "-p", "80", *ALLOW], 1, re.escape("1.2.3.256")),
    ("prefix over 32", ["scan", "198.18.0.0/33", "-p", "80", *ALLOW], 1, re.escape("198.18.0.0/33")),
    ("reversed address range", ["scan", "198.18.0.9-198.18.0.2", "-p", "80", *ALLOW], 1,
     re.escape("198.18.0.9-198.18.0.2")),
    ("reversed port range", ["scan", T, "-p", "100-1", *ALLOW], 1, re.escape("100-1")),
    ("port over 65535", ["scan", T, "-p", "65536", *ALLOW], 1, "65536"),
    ("empty port list items", ["scan", T, "-p", ",,", *ALLOW], 1, re.escape(",,")),
    ("no targets", ["scan", "-p", "80", *ALLOW], NONZERO, "target"),
    ("rate 0", ["scan", T, "-p", "80", "--rate", "0", *ALLOW], 1, "rate"),
    ("rate abc", ["scan", T, "-p", "80", "--rate", "abc", *ALLOW], 1, "abc"),
    ("reserved target without --allow", ["scan", T, "-p", "80"], NONZERO, re.escape("--allow")),
]
PRIVILEGE_HINT = r"root|cap_net_raw|setcap"


def run_watched(lab, argv):
    """Runs argv in the scanner namespace under a packet counter: (proc or None, counter result)."""
    with lablib.PacketCounter(lab.scan_ns) as counter:
        try:
            proc = lab.run(argv, timeout=30)
        except subprocess.TimeoutExpired:
            proc = None
    return proc, counter.result()


def judge(what, proc, packets, want_exit, stderr_re):
    problems = []
    if proc is None:
        return [f"{what}: still running after 30 s (killed); {packets['count']} packets seen"]
    rc = proc.returncode
    if want_exit == NONZERO:
        if rc == 0 or rc < 0 or rc in (126, 127):
            problems.append(f"{what}: exit {rc}, want a non-zero exit of portauth's own")
    elif rc != want_exit:
        problems.append(f"{what}: exit {rc}, want {want_exit}")
    if not re.search(stderr_re, proc.stderr, re.IGNORECASE):
        problems.append(f"{what}: stderr does not match /{stderr_re}/i: {proc.stderr.strip()[:300]!r}")
    if packets["count"] != 0:
        problems.append(f"{what}: {packets['count']} packet(s) on the wire, want 0: {packets['samples']}")
    lablib.log(f"  {what}: exit {rc}, {packets['count']} packets, stderr: "
               f"{proc.stderr.strip().splitlines()[:1]}")
    return problems


def unprivileged_copy(binary, tmp):
    """A copy nobody can run: without file capabilities, in a directory anyone can enter."""
    os.chmod(tmp, 0o755)
    copy = os.path.join(tmp, "portauth")
    shutil.copyfile(binary, copy)
    os.chmod(copy, 0o755)
    return copy


def main():
    args = lablib.parse_args(__doc__.splitlines()[0])
    lablib.require_lab_support()
    setpriv = shutil.which("setpriv")
    problems = []
    with tempfile.TemporaryDirectory(prefix="portauth-bad-") as tmp, lablib.Lab(args.repo) as lab:
        # Control: the counter must see a datagram the scanner namespace sends into the lab.
        send = [lablib.PYTHON, "-c", "import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM);"
                f" s.sendto(b'x', ('{T}', 9))"]
        proc, packets = run_watched(lab, send)
        if proc is None or proc.returncode != 0 or packets["count"] < 1:
            lablib.log(f"FAIL: packet counter control saw {packets['count']} packets")
            return 1
        lablib.log(f"control: counter saw {packets['count']} packet(s) for one datagram")

        for what, argv, want_exit, stderr_re in CASES:
            proc, packets = run_watched(lab, [args.binary, *argv])
            problems += judge(what, proc, packets, want_exit, stderr_re)

        if setpriv is None:
            problems.append("unprivileged: setpriv not found (apt-get install util-linux)")
        else:
            copy = unprivileged_copy(args.binary, tmp)
            argv = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
                    copy, "scan", T, "-p", "22,80", *ALLOW]
            proc, packets = run_watched(lab, argv)
            problems += judge("unprivileged (uid 65534)", proc, packets, NONZERO, PRIVILEGE_HINT)
    return lablib.report("refused commands exit non-zero, say why, and send nothing", problems)


if __name__ == "__main__":
    sys.exit(main())
