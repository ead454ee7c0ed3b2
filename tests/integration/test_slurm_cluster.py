#!/usr/bin/env python3
"""A sharded sweep on a real Slurm job array merges into exactly the unsharded scan; a lost shard is
caught, named, and fixed by re-running that task alone.

scripts/slurm_up.sh starts a one-node cluster of its own (munged, slurmctld, slurmd on 127.0.0.1;
installing slurm-wlm and munge when missing). Every scanner runs in the lab's scanner namespace
(PORTAUTH_NETNS for scripts/cluster/slurm-shard.sh), against the lab only.

1. One unsharded scan of the profile (198.18.1.0/26 x 4 ports, --show all) is the reference.
2. sbatch --array=1-4 slurm-shard.sh: each task scans its shard (--shard auto/4 from
   SLURM_ARRAY_TASK_ID) and writes its JSONL and manifest; portauth merge of the four manifests gives
   the reference, (ip, port, state, reason, ttl) for each, and the profile's truth; merge -oX is one
   nmaprun that ndiff finds identical to the reference's.
3. A slow array whose task 3's scanner is killed (SIGKILL, as when a node dies) and whose task 2 is
   cancelled (scancel: SIGTERM): merge refuses, exit 1, naming "shard 3/4 is missing" (its manifest is
   empty) with the command that runs it, and shard 2/4 as incomplete with the --resume that finishes it;
   sbatch --array=2,3 alone, then merge equals the reference.
Exit 0 pass, 1 fail, 77 skipped.
"""
import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lablib  # noqa: E402

TARGET, PORTS = "198.18.1.0/26", "22,80,443,8080"
PROFILE = f"""# the Slurm test's sweep: every task must build the same plan
targets: {TARGET}
ports: "{PORTS}"
allow: 198.18.0.0/15
seed: 4242
rate: 20000
retries: 1
wait: 0.5
show: all
"""


class Slurm:
    """scripts/slurm_up.sh up on enter, down on exit (always)."""

    def __init__(self, repo, tmp):
        self.script = os.path.join(repo, "scripts", "slurm_up.sh")
        self.dir = os.path.join(tmp, "slurm")
        self.env = {**os.environ, "SLURM_CONF": os.path.join(self.dir, "slurm.conf")}

    def __enter__(self):
        proc = subprocess.run(["bash", self.script, "up", self.dir], capture_output=True, text=True, timeout=300)
        if proc.returncode == lablib.SKIP:
            lablib.log(f"SKIP: no Slurm here: {proc.stderr.strip()[-500:]}")
            self.down()
            sys.exit(lablib.SKIP)
        if proc.returncode != 0:
            self.down()
            raise RuntimeError(f"slurm_up.sh failed: {proc.stderr[-2000:]}")
        return self

    def __exit__(self, *exc):
        self.down()
        return False

    def down(self):
        subprocess.run(["bash", self.script, "down", self.dir], timeout=60)

    def run(self, argv, **kw):
        return subprocess.run(argv, capture_output=True, text=True, env=self.env, timeout=60, **kw)

    def submit(self, array, argv, extra_env):
        out = self.run(["sbatch", "--parsable", f"--array={array}", "-o", os.path.join(self.dir, "log", "task-%A_%a.out"),
                        "--export", "ALL," + ",".join(f"{k}={v}" for k, v in extra_env.items()), *argv])
        if out.returncode != 0:
            raise RuntimeError(f"sbatch: {out.stderr}")
        return out.stdout.strip().split(";")[0]

    def tasks(self, job):
        """{task id: state} of an array job (scontrol keeps finished jobs for MinJobAge)."""
        out = self.run(["scontrol", "-o", "show", "job", job])
        states = {}
        for line in out.stdout.splitlines():
            fields = dict(f.split("=", 1) for f in line.split() if "=" in f)
            if "ArrayTaskId" in fields:
                states[fields["ArrayTaskId"]] = (fields.get("JobState"), fields.get("ExitCode"))
        return states

    def scanner_pid(self, task):
        """The pid of the portauth process of a running array task (scontrol listpids), or None."""
        # listpids wants the task's own job id, not "ARRAY_TASK".
        shown = self.run(["scontrol", "-o", "show", "job", task]).stdout.split()
        ids = [f.split("=", 1)[1] for f in shown if f.startswith("JobId=")]
        if not ids:
            return None
        out = self.run(["scontrol", "listpids", ids[0]])
        for line in out.stdout.splitlines()[1:]:
            pid = line.split()[0]
            try:
                if open(f"/proc/{pid}/comm").read().strip() == "portauth":
                    return int(pid)
            except (OSError, ValueError):
                continue
        return None

    def wait(self, job, timeout=90):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.run(["squeue", "-h", "-j", job]).stdout.strip():
                return self.tasks(job)
            time.sleep(0.25)
        raise RuntimeError(f"job {job} still running after {timeout} s: {self.run(['squeue', '-j', job]).stdout}")


def results(path):
    records, bad = lablib.read_jsonl(path)
    return {(r["ip"], r["port"]): (r["state"], r["reason"], r["ttl"]) for r in records}, bad


def merge(lab, args, manifests, out_dir, extra=()):
    # merge sends nothing, but every run of the binary stays inside the lab's namespace.
    return lab.run([args.binary, "merge", *manifests, "-oJ", os.path.join(out_dir, "merged.jsonl"),
                    "-oX", os.path.join(out_dir, "merged.xml"), *extra], timeout=60)


def compare_merged(args, out_dir, reference, ref_xml, profile, problems, label):
    merged, bad = results(os.path.join(out_dir, "merged.jsonl"))
    problems += [f"{label}: {b}" for b in bad]
    if merged != reference:
        diff = sorted(set(merged.items()) ^ set(reference.items()))[:5]
        problems.append(f"{label}: merged result differs from the unsharded scan ({len(merged)} vs "
                        f"{len(reference)} ports), e.g. {diff}")
    records, _ = lablib.read_jsonl(os.path.join(out_dir, "merged.jsonl"))
    problems += [f"{label}: {p}" for p in lablib.check_scan(records, lablib.expand_addrs(TARGET),
                                                            lablib.parse_ports(PORTS), profile.expected)]
    nd = subprocess.run(["ndiff", ref_xml, os.path.join(out_dir, "merged.xml")], capture_output=True, text=True)
    changed = [line for line in nd.stdout.splitlines() if line[:1] in "+-" and "scan initiated" not in line]
    if nd.returncode not in (0, 1) or changed:
        problems.append(f"{label}: ndiff reference vs merged XML: exit {nd.returncode}, {changed[:5]} {nd.stderr[:200]}")


def main():
    args = lablib.parse_args(__doc__.splitlines()[0])
    lablib.require_lab_support()
    problems = []
    shard_script = os.path.join(args.repo, "scripts", "cluster", "slurm-shard.sh")
    tmp = tempfile.mkdtemp(prefix="portauth-slurm-")
    os.chmod(tmp, 0o755)  # the scanner drops root for 'nobody' once its files are open
    try:
        with Slurm(args.repo, tmp) as slurm, lablib.Lab(args.repo) as lab:
            profile_path = os.path.join(tmp, "sweep.yaml")
            open(profile_path, "w").write(PROFILE)
            profile = lablib.Profile(lab.profile_path)
            t0 = time.monotonic()

            ref_json, ref_xml = os.path.join(tmp, "ref.jsonl"), os.path.join(tmp, "ref.xml")
            proc = lab.run([args.binary, "scan", "-c", profile_path, "-oJ", ref_json, "-oX", ref_xml, "--no-progress"])
            if proc.returncode != 0:
                problems.append(f"unsharded scan: {lablib.describe(proc)}")
                return lablib.report("Slurm job array", problems)
            reference, bad = results(ref_json)
            problems += bad
            lablib.log(f"1. unsharded reference: {len(reference)} ports")

            env = {"PORTAUTH": args.binary, "PORTAUTH_NETNS": lab.scan_ns}
            out1 = os.path.join(tmp, "run1")
            job = slurm.submit("1-4", [shard_script, profile_path, "4", out1], env)
            states = slurm.wait(job)
            if any(s != ("COMPLETED", "0:0") for s in states.values()) or len(states) != 4:
                problems.append(f"array job {job}: tasks {states}")
            manifests = sorted(glob.glob(os.path.join(out1, "shard-*.manifest.json")))
            engines = [json.load(open(m))["engine"].get("SLURM_ARRAY_TASK_ID") for m in manifests]
            if sorted(engines) != ["1", "2", "3", "4"]:
                problems.append(f"the manifests do not record the four array tasks: {engines}")
            proc = merge(lab, args, manifests, out1)
            if proc.returncode != 0:
                problems.append(f"merge of the array's shards: {lablib.describe(proc)}")
            else:
                compare_merged(args, out1, reference, ref_xml, profile, problems, "array 1-4")
            lablib.log(f"2. array job {job}: {len(states)} tasks, merged ({time.monotonic() - t0:.1f} s so far)")

            # 3. A slow array (about 4 s a task): task 3's scanner dies without a word (SIGKILL, as
            # when its node fails) and task 2 is cancelled (SIGTERM: it writes an incomplete manifest).
            out2 = os.path.join(tmp, "run2")
            job = slurm.submit("1-4", [shard_script, profile_path, "4", out2, "--rate", "16"], env)
            deadline = time.monotonic() + 30
            scanner = None
            # Both scanners must be under way (task 2's manifest created, which the scan does once
            # its outputs are open) before one is killed and the other cancelled: cancelled while
            # still starting, task 2 would leave no manifest at all, and under load that happens.
            manifest2 = os.path.join(out2, "shard-2.manifest.json")
            while (scanner is None or slurm.scanner_pid(f"{job}_2") is None or not os.path.exists(manifest2)) \
                    and time.monotonic() < deadline:
                scanner = slurm.scanner_pid(f"{job}_3")
                time.sleep(0.1)
            time.sleep(0.5)
            if scanner is None:
                problems.append(f"task 3 of job {job} never ran a scanner: {slurm.tasks(job)}")
            else:
                os.kill(scanner, signal.SIGKILL)
            cancel = slurm.run(["scancel", f"{job}_2"])
            states = slurm.wait(job)
            if cancel.returncode != 0 or states.get("2", ("",))[0] != "CANCELLED" or states.get("3", ("",))[0] == "COMPLETED":
                problems.append(f"could not stop tasks 2 and 3 of job {job}: {cancel.stderr.strip()} {states}")
            manifests = sorted(glob.glob(os.path.join(out2, "shard-*.manifest.json")))
            proc = merge(lab, args, manifests, out2)
            err = proc.stderr
            for want in ("shard 3/4 is missing", "SLURM_ARRAY_TASK_ID=3 ", "shard-3.manifest.json: empty",
                         "shard 2/4 (", ") is incomplete (interrupted): finish it with: portauth scan --resume "):
                if want not in err:
                    problems.append(f"merge with tasks 2 and 3 lost: no {want!r} in: {err.strip()[:1500]}")
            if proc.returncode != 1:
                problems.append(f"merge with tasks 2 and 3 lost: exit {proc.returncode}, want 1")
            if os.path.exists(os.path.join(out2, "merged.jsonl")):
                problems.append("a refused merge still wrote its output")
            lablib.log(f"3. task 3 killed, task 2 cancelled; merge refused:\n{err.strip()}")
            # The cancelled scanner's resume file is where the task was told to write it, beside its
            # outputs (issue 19.7: it landed in the node's /tmp, the task having dropped root).
            resume2 = os.path.join(out2, "shard-2.resume.yaml")
            if f"--resume {resume2} " not in err or not os.path.getsize(resume2):
                problems.append(f"task 2's resume file is not {resume2}: {err.strip()[:600]}")

            job = slurm.submit("2,3", [shard_script, profile_path, "4", out2], env)
            states = slurm.wait(job)
            if states != {"2": ("COMPLETED", "0:0"), "3": ("COMPLETED", "0:0")}:
                problems.append(f"re-run of tasks 2 and 3 (job {job}): {states}")
            proc = merge(lab, args, manifests, out2)
            if proc.returncode != 0:
                problems.append(f"merge after re-running tasks 2 and 3: {lablib.describe(proc)}")
            else:
                compare_merged(args, out2, reference, ref_xml, profile, problems, "after re-running tasks 2 and 3")
            lablib.log(f"3. tasks 2 and 3 re-run alone (job {job}); merge equals the reference "
                       f"({time.monotonic() - t0:.1f} s in all)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return lablib.report("a Slurm job array merges into the unsharded scan; a lost shard is named and re-run", problems)


if __name__ == "__main__":
    sys.exit(main())
