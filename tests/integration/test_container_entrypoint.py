#!/usr/bin/env python3
"""The container's entry point, run the way a pod of deploy/kubernetes/portauth-sweep.yaml runs it.

No container engine here, so the image is laid out by hand as the Containerfile lays it out:
`cmake --install` to TMP/usr/local, scripts/cluster/k8s-entrypoint.sh as portauth-shard, the binary
given cap_net_raw+ep and a copy without it as portauth-merge; the profile where the ConfigMap is mounted; an output directory owned by the
pod's user. Each "pod" runs in the lab's scanner namespace as uid 10001 (the Containerfile's USER),
with a bounding set of NET_RAW only (drop ALL, add NET_RAW) and only the pod's environment
(JOB_COMPLETION_INDEX, PORTAUTH_SHARDS, PORTAUTH_PROFILE, PORTAUTH_OUT, PATH). Checks:
  * indexes 0 and 1 of PORTAUTH_SHARDS=2 each exit 0 and write shard-INDEX.jsonl and its manifest
    (recording JOB_COMPLETION_INDEX), owned by uid 10001;
  * `portauth-shard merge`, with no capability at all, writes all.xml, all.jsonl, all.html, and
    all.jsonl holds exactly the unsharded scan (run as root), as the lab profile says;
  * JOB_COMPLETION_INDEX=2 of 2 fails (exit 1) naming it, and sends nothing; without
    JOB_COMPLETION_INDEX the entry point refuses.
Exit 0 pass, 1 fail, 77 skipped.
"""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lablib  # noqa: E402

UID = 10001
TARGET, PORTS = "198.18.1.0/27", "22,80,443"
PROFILE = f"""targets: {TARGET}
ports: "{PORTS}"
allow: 198.18.0.0/15
seed: 99
rate: 20000
retries: 1
wait: 0.5
show: all
"""


def pod(lab, root, env, argv=(), caps="+net_raw"):
    """Runs the entry point in the lab's scanner namespace as the pod's user with the pod's environment."""
    full_env = {"PATH": f"{root}/usr/local/bin:/usr/bin:/bin", **env}
    cmd = ["ip", "netns", "exec", lab.scan_ns, "setpriv", f"--reuid={UID}", f"--regid={UID}", "--clear-groups",
           f"--bounding-set=-all{',' + caps if caps else ''}", "--inh-caps=-all", "env", "-i",
           *[f"{k}={v}" for k, v in full_env.items()], "portauth-shard", *argv]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def main():
    args = lablib.parse_args(__doc__.splitlines()[0])
    lablib.require_lab_support()
    for tool in ("setcap", "setpriv", "cmake"):
        if shutil.which(tool) is None:
            lablib.log(f"SKIP: need {tool}")
            return lablib.SKIP
    problems = []
    build_dir = os.path.dirname(args.binary)
    tmp = tempfile.mkdtemp(prefix="portauth-pod-")
    try:
        os.chmod(tmp, 0o755)
        root = os.path.join(tmp, "image")
        inst = subprocess.run(["cmake", "--install", build_dir, "--prefix", f"{root}/usr/local"], capture_output=True,
                              text=True)
        if inst.returncode != 0:
            problems.append(f"cmake --install: {inst.stderr[-500:]}")
            return lablib.report("container entry point", problems)
        shard_bin = f"{root}/usr/local/bin/portauth-shard"
        shutil.copy(os.path.join(args.repo, "scripts", "cluster", "k8s-entrypoint.sh"), shard_bin)
        os.chmod(shard_bin, 0o755)
        shutil.copy(f"{root}/usr/local/bin/portauth", f"{root}/usr/local/bin/portauth-merge")
        subprocess.run(["setcap", "cap_net_raw+ep", f"{root}/usr/local/bin/portauth"], check=True)
        for d, _, _ in os.walk(tmp):
            os.chmod(d, 0o755)
        os.makedirs(f"{tmp}/etc/portauth")
        open(f"{tmp}/etc/portauth/sweep.yaml", "w").write(PROFILE)
        out = f"{tmp}/out"
        os.makedirs(out)
        os.chown(out, UID, UID)
        base_env = {"PORTAUTH_SHARDS": "2", "PORTAUTH_PROFILE": f"{tmp}/etc/portauth/sweep.yaml", "PORTAUTH_OUT": out}

        with lablib.Lab(args.repo) as lab:
            profile = lablib.Profile(lab.profile_path)
            for index in (0, 1):
                proc = pod(lab, root, {**base_env, "JOB_COMPLETION_INDEX": str(index)})
                if proc.returncode != 0:
                    problems.append(f"pod {index}: {lablib.describe(proc)}")
                    continue
                for name in (f"shard-{index}.jsonl", f"shard-{index}.manifest.json"):
                    path = os.path.join(out, name)
                    if not os.path.exists(path) or os.stat(path).st_uid != UID:
                        problems.append(f"pod {index}: {name} missing or not owned by uid {UID}")
                manifest = open(os.path.join(out, f"shard-{index}.manifest.json")).read()
                if f'"JOB_COMPLETION_INDEX": "{index}"' not in manifest or f'"shard": {index + 1},' not in manifest:
                    problems.append(f"pod {index}: the manifest does not record index {index} as shard {index + 1}")
                lablib.log(f"pod {index}: {proc.stderr.strip().splitlines()[-1]}")

            with lablib.PacketCounter(lab.scan_ns) as counter:
                proc = pod(lab, root, {**base_env, "JOB_COMPLETION_INDEX": "2"})
            if proc.returncode != 1 or "JOB_COMPLETION_INDEX=2 is not an index 0-1" not in proc.stderr:
                problems.append(f"index 2 of 2: want exit 1 naming it: {lablib.describe(proc)}")
            if counter.result()["count"]:
                problems.append(f"index 2 of 2 sent packets: {counter.result()}")
            proc = pod(lab, root, base_env)
            if proc.returncode == 0 or "JOB_COMPLETION_INDEX is not set" not in proc.stderr:
                problems.append(f"no JOB_COMPLETION_INDEX: want a refusal: {lablib.describe(proc)}")

            proc = pod(lab, root, base_env, ["merge"], caps="")
            if proc.returncode != 0:
                problems.append(f"merge pod: {lablib.describe(proc)}")
            else:
                lablib.log(f"merge pod: {proc.stderr.strip().splitlines()[-1]}")
                for name in ("all.xml", "all.jsonl", "all.html"):
                    if not os.path.getsize(os.path.join(out, name)):
                        problems.append(f"merge pod wrote no {name}")
                ref = os.path.join(tmp, "ref.jsonl")
                r = lab.run([args.binary, "scan", "-c", f"{tmp}/etc/portauth/sweep.yaml", "-oJ", ref, "--no-progress"])
                if r.returncode != 0:
                    problems.append(f"reference scan: {lablib.describe(r)}")
                key = lambda rec: (rec["ip"], rec["port"], rec["state"], rec["reason"], rec["ttl"])  # noqa: E731
                merged, bad = lablib.read_jsonl(os.path.join(out, "all.jsonl"))
                problems += bad
                if sorted(map(key, merged)) != sorted(map(key, lablib.read_jsonl(ref)[0])):
                    problems.append("the merged all.jsonl differs from the unsharded scan")
                problems += lablib.check_scan(merged, lablib.expand_addrs(TARGET), lablib.parse_ports(PORTS),
                                              profile.expected)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return lablib.report("the container entry point runs as an Indexed Job's pod would", problems)


if __name__ == "__main__":
    sys.exit(main())
