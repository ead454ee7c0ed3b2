#!/usr/bin/env python3
"""Privileges: a scan started as root runs as an ordinary user with CAP_NET_RAW only.

1. Started as root (no SUDO_USER): during the scan /proc/PID/status shows uid and gid 65534
   (nobody) in all four slots, no supplementary groups, CapEff = CapPrm = CAP_NET_RAW only,
   CapInh = CapAmb = 0, NoNewPrivs 1; the scan still finishes with results as profiled.
2. --user with an unknown user: exit 2, a message naming the step, nothing sent.
3. A copy of the binary given cap_net_raw with setcap, run by uid 65534 (not root at all),
   scans the lab correctly.
4. Files the user named are made before the drop (issue 19.7: as root without sudo, `--resume-file
   /tmp/x/r2.yaml` was "Permission denied; writing /tmp/portauth-resume-PID.yaml instead"): in a
   directory only root may write, an interrupted scan's resume file is where it was asked (mode
   0600, a resume file), nothing in /tmp instead; `--resume` of it finishes the scan, which then
   empties it (nobody may not remove it) and says so; --resume-file in a missing directory is
   refused (exit 1, named) before anything is sent.
Exit 0 pass, 1 fail, 77 skipped.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lablib  # noqa: E402

ALLOW = ["--allow", "198.18.0.0/15"]
CAP_NET_RAW = 1 << 13
NOBODY = 65534


def status_of(pid):
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    return fields


def find_scanner_pid(parent_pid):
    """`ip netns exec` execs portauth directly, so the Popen pid is the scanner's pid."""
    return parent_pid


def dropped_while_scanning(args, lab, profile, tmp, problems):
    out = os.path.join(tmp, "priv.jsonl")
    env = {k: v for k, v in os.environ.items() if k != "SUDO_USER"}
    proc = subprocess.Popen(["ip", "netns", "exec", lab.scan_ns, args.binary, "scan", lablib.TARGET_IP,
                             "-p", "1-20000", *ALLOW, "--rate", "10000", "--show", "all", "--format", "jsonl",
                             "-o", out], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    time.sleep(1.0)
    st = status_of(find_scanner_pid(proc.pid))
    _, err = proc.communicate(timeout=120)
    lablib.log("during the scan: " + ", ".join(f"{k}={st.get(k)}" for k in
                                                   ("Uid", "Gid", "Groups", "CapEff", "CapPrm", "CapInh", "CapAmb",
                                                    "NoNewPrivs")))
    want_ids = " ".join([str(NOBODY)] * 4)
    if " ".join(st.get("Uid", "").split()) != want_ids or " ".join(st.get("Gid", "").split()) != want_ids:
        problems.append(f"uid/gid during scan: Uid={st.get('Uid')} Gid={st.get('Gid')}, want all {NOBODY}")
    if st.get("Groups", "x") != "":
        problems.append(f"supplementary groups during scan: {st.get('Groups')!r}, want none")
    for key, want in (("CapEff", CAP_NET_RAW), ("CapPrm", CAP_NET_RAW), ("CapInh", 0), ("CapAmb", 0)):
        if int(st.get(key, "ffff"), 16) != want:
            problems.append(f"{key} = {st.get(key)}, want {want:016x}")
    if st.get("NoNewPrivs") != "1":
        problems.append(f"NoNewPrivs = {st.get('NoNewPrivs')}, want 1")
    if proc.returncode != 0:
        problems.append(f"scan after the drop: exit {proc.returncode}: {err.strip()[:300]}")
        return
    records, bad = lablib.read_jsonl(out)
    problems += bad + lablib.check_scan(records, [lablib.TARGET_IP], range(1, 20001), profile.expected)


def unknown_user(args, lab, problems):
    with lablib.PacketCounter(lab.scan_ns) as counter:
        proc = lab.run([args.binary, "scan", lablib.TARGET_IP, "-p", "22", *ALLOW, "--user", "no-such-user-here"])
    seen = counter.result()["count"]
    if proc.returncode != 2 or "no-such-user-here" not in proc.stderr or seen:
        problems.append(f"--user no-such-user-here: exit {proc.returncode}, {seen} packets, {proc.stderr.strip()[:200]!r}")
    else:
        lablib.log("unknown user: " + proc.stderr.strip().splitlines()[-1])


def setcap_user_scan(args, lab, profile, tmp, problems):
    setcap, setpriv = shutil.which("setcap"), shutil.which("setpriv")
    if not setcap or not setpriv:
        problems.append("setcap/setpriv missing (apt-get install libcap2-bin util-linux)")
        return
    copy = os.path.join(tmp, "portauth")
    shutil.copyfile(args.binary, copy)
    os.chmod(copy, 0o755)
    subprocess.run([setcap, "cap_net_raw+ep", copy], check=True)
    out = os.path.join(tmp, "user.jsonl")
    db = os.path.join(args.repo, "db", "data", "ports.yaml")
    proc = lab.run([setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", copy, "scan",
                    lablib.TARGET_IP, "-p", "1-2000", *ALLOW, "--rate", "20000", "--show", "all", "--format", "jsonl",
                    "-o", out, "--db", db])
    if proc.returncode != 0:
        problems.append(f"setcap'd binary as uid {NOBODY}: {lablib.describe(proc)}")
        return
    records, bad = lablib.read_jsonl(out)
    problems += bad + lablib.check_scan(records, [lablib.TARGET_IP], range(1, 2001), profile.expected)
    lablib.log(f"setcap'd binary run by uid {NOBODY}: {len(records)} results as profiled")


def named_resume_file(args, lab, tmp, problems):
    env = {k: v for k, v in os.environ.items() if k != "SUDO_USER"}
    rootonly = os.path.join(tmp, "x")
    os.mkdir(rootonly, 0o755)  # root's: 'nobody' can neither create nor remove files here
    resume = os.path.join(rootonly, "r2.yaml")
    out = os.path.join(tmp, "named.jsonl")
    before = set(os.listdir("/tmp"))
    proc = subprocess.Popen(["ip", "netns", "exec", lab.scan_ns, args.binary, "scan", lablib.TARGET_IP, "-p-", *ALLOW,
                             "--rate", "8000", "--format", "jsonl", "-o", out, "--resume-file", resume],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    time.sleep(1.0)
    proc.send_signal(2)  # SIGINT
    _, err = proc.communicate(timeout=60)
    # Ours only: other scans on a shared machine may leave theirs in /tmp meanwhile (`ip netns
    # exec` execs portauth, so the Popen pid is the scanner's).
    strays = [f for f in set(os.listdir("/tmp")) - before if f == f"portauth-resume-{proc.pid}.yaml"]
    ok = os.path.isfile(resume) and os.path.getsize(resume) > 0 and (os.stat(resume).st_mode & 0o777) == 0o600
    if proc.returncode != 0 or not ok or strays or "instead" in err or f"--resume {resume}" not in err:
        problems.append(f"named --resume-file as root: exit {proc.returncode}, at {resume}: {ok}, strays {strays}: "
                        f"{err.strip()[-400:]}")
        for f in strays:
            os.unlink(os.path.join("/tmp", f))
        return
    if not open(resume).read().startswith("# portauth resume file"):
        problems.append(f"{resume} is not a resume file")
    lablib.log(f"4. interrupted as nobody: the resume file is {resume} ({os.path.getsize(resume)} bytes, mode 0600)")
    proc = subprocess.run(["ip", "netns", "exec", lab.scan_ns, args.binary, "scan", "--resume", resume],
                          capture_output=True, text=True, timeout=120, env=env)
    if proc.returncode != 0 or not os.path.isfile(resume) or os.path.getsize(resume) != 0 or \
            f"the resume file {resume} is left empty" not in proc.stderr:
        problems.append(f"resumed as nobody: want the finished scan's resume file emptied, with a note: "
                        f"{lablib.describe(proc)}")
    else:
        lablib.log("4. resumed and finished: " + proc.stderr.strip().splitlines()[-1])
    missing = os.path.join(tmp, "no", "such", "dir", "r.yaml")
    with lablib.PacketCounter(lab.scan_ns) as counter:
        proc = lab.run([args.binary, "scan", lablib.TARGET_IP, "-p", "22", *ALLOW, "--resume-file", missing])
    seen = counter.result()["count"]
    if proc.returncode != 1 or f"cannot create the --resume-file '{missing}'" not in proc.stderr or seen:
        problems.append(f"--resume-file in a missing directory: exit {proc.returncode}, {seen} packets: "
                        f"{proc.stderr.strip()[:300]!r}")


def main():
    args = lablib.parse_args(__doc__.splitlines()[0])
    lablib.require_lab_support()
    problems = []
    with tempfile.TemporaryDirectory(prefix="portauth-priv-") as tmp, lablib.Lab(args.repo) as lab:
        os.chmod(tmp, 0o1777)  # the unprivileged runs write here
        profile = lablib.Profile(lab.profile_path)
        dropped_while_scanning(args, lab, profile, tmp, problems)
        unknown_user(args, lab, problems)
        setcap_user_scan(args, lab, profile, tmp, problems)
        named_resume_file(args, lab, tmp, problems)
    return lablib.report("root drops to an unprivileged user with CAP_NET_RAW only", problems)


if __name__ == "__main__":
    sys.exit(main())
