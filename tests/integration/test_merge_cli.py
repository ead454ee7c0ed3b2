#!/usr/bin/env python3
"""`scan --manifest`, `--shard auto/N` and `portauth merge` through the real binary, offline.

Every scan here is offline, --pcap-out /dev/null (no socket, nothing sent; every probe comes out
stealth; a --dry-run reports no port state at all), so this needs no root and no lab; as root the
scans still run in a namespace of their own (a bare one: only lo, down). The lab tests
(test_slurm_cluster.py, test_container_entrypoint.py) merge real answers. Checks:
  * 3 shards (--shard auto/3 from JOB_COMPLETION_INDEX, and from SLURM_ARRAY_TASK_ID) with
    --show all: their manifests say complete, shard i, the engine variable, a SHA-256 equal to
    sha256sum's; merge -oX -oJ -oG -oC -oH writes each, the XML is valid and ndiff finds no
    difference from one unsharded scan's, the JSONL has every (ip, port) once;
  * refusals, exit 1 and no output file: a missing shard (named, with its command), a plan with
    another seed (named), -oX from --show open shards, --show stealth from them, a manifest that is
    not JSON (FILE:LINE:COL), --shard auto/3 with no engine variable (the scan never starts);
  * an interrupted shard (SIGINT) writes "complete": false and merge says how to finish it.
Exit 0 pass, 1 fail.
"""
import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lablib  # noqa: E402

TARGET, PORTS = "198.18.1.0/28", "22,80,443"
COMMON = ["--allow", "198.18.0.0/15", "--seed", "77", "--pcap-out", os.devnull, "--retries", "0", "--wait", "0",
          "--no-progress"]
# As root, every scan runs in a bare namespace (netns_up); otherwise as is: nothing is sent either way.
NETNS = []


def netns_up():
    if os.geteuid() == 0 and subprocess.run(["ip", "netns", "add", f"pam{os.getpid()}"],
                                            capture_output=True).returncode == 0:
        NETNS[:] = ["ip", "netns", "exec", f"pam{os.getpid()}"]


def netns_down():
    if NETNS:
        subprocess.run(["ip", "netns", "del", f"pam{os.getpid()}"], capture_output=True)


def run(argv, env=None, cwd=None):
    e = {k: v for k, v in os.environ.items() if k not in ("JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID")}
    e.update(env or {})
    return subprocess.run([*NETNS, *argv], capture_output=True, text=True, timeout=60, env=e, cwd=cwd)


def main():
    args = lablib.parse_args(__doc__.splitlines()[0])
    netns_up()
    try:
        return check(args)
    finally:
        netns_down()


def check(args):
    problems = []
    b = args.binary
    with tempfile.TemporaryDirectory(prefix="portauth-merge-") as tmp:
        os.chmod(tmp, 0o1777)
        def p(name):
            return os.path.join(tmp, name)
        for i in (1, 2, 3):
            env = {"JOB_COMPLETION_INDEX": str(i - 1)} if i != 2 else {"SLURM_ARRAY_TASK_ID": "2"}
            proc = run([b, "scan", TARGET, "-p", PORTS, *COMMON, "--shard", "auto/3", "--show", "all",
                        "-oJ", p(f"s{i}.jsonl"), "--manifest", p(f"s{i}.manifest.json")], env)
            if proc.returncode != 0:
                problems.append(f"shard {i}: {lablib.describe(proc)}")
                return lablib.report("merge CLI", problems)
            m = json.load(open(p(f"s{i}.manifest.json")))
            digest = hashlib.sha256(open(p(f"s{i}.jsonl"), "rb").read()).hexdigest()
            var, val = next(iter(env.items()))
            if m["shard"] != i or not m["complete"] or m["engine"].get(var) != val or \
                    m["outputs"][0]["sha256"] != digest or m["plan"]["shards"] != 3:
                problems.append(f"shard {i} manifest: {json.dumps(m)[:600]}")
        manifests = [p(f"s{i}.manifest.json") for i in (1, 2, 3)]
        ref = run([b, "scan", TARGET, "-p", PORTS, *COMMON, "--show", "all", "-oX", p("ref.xml")])
        outs = ["-oX", p("m.xml"), "-oJ", p("m.jsonl"), "-oG", p("m.gnmap"), "-oC", p("m.csv"), "-oH", p("m.html")]
        proc = run([b, "merge", *manifests, *outs])
        if proc.returncode != 0 or ref.returncode != 0:
            problems.append(f"merge: {lablib.describe(proc)} / reference: {ref.stderr[-300:]}")
        else:
            records, bad = lablib.read_jsonl(p("m.jsonl"))
            problems += bad + lablib.check_scan(records, lablib.expand_addrs(TARGET), lablib.parse_ports(PORTS),
                                                lambda a, port: ("stealth", "no-response"))
            x = subprocess.run(["xmllint", "--noout", p("m.xml")], capture_output=True, text=True)
            nd = subprocess.run(["ndiff", p("ref.xml"), p("m.xml")], capture_output=True, text=True)
            changed = [ln for ln in nd.stdout.splitlines() if ln[:1] in "+-" and "scan initiated" not in ln]
            if x.returncode != 0 or nd.returncode not in (0, 1) or changed:
                problems.append(f"merged XML: xmllint {x.stderr[:200]} ndiff {changed[:5]} {nd.stderr[:200]}")
            for f in ("m.gnmap", "m.csv", "m.html"):
                if os.path.getsize(p(f)) == 0:
                    problems.append(f"merge wrote an empty {f}")
            lablib.log(f"merged 3 shards: {proc.stderr.strip()}")

        def refused(label, argv, wants, env=None):
            for f in ("r.xml", "r.jsonl"):
                if os.path.exists(p(f)):
                    os.unlink(p(f))
            proc = run(argv, env)
            missing = [w for w in wants if w not in proc.stderr]
            if proc.returncode != 1 or missing or os.path.exists(p("r.xml")) or os.path.exists(p("r.jsonl")):
                problems.append(f"{label}: want exit 1 with {missing} and no output: {lablib.describe(proc)}")
            else:
                lablib.log(f"refused, {label}: {proc.stderr.strip().splitlines()[-1][:160]}")

        refused("a missing shard", [b, "merge", manifests[0], manifests[2], "-oX", p("r.xml")],
                ["shard 2/3 is missing", "JOB_COMPLETION_INDEX=1 ", "-oJ " + p("s2.jsonl"), p("s2.manifest.json")])
        run([b, "scan", TARGET, "-p", PORTS, *COMMON[:3], "78", *COMMON[4:], "--shard", "2/3", "--show", "all",
             "-oJ", p("o2.jsonl"), "--manifest", p("o2.manifest.json")])
        refused("another seed", [b, "merge", manifests[0], p("o2.manifest.json"), manifests[2], "-oJ", p("r.jsonl")],
                ["are shards of different scans (seed 78 vs 77)"])
        for i in (1, 2, 3):
            run([b, "scan", TARGET, "-p", PORTS, *COMMON, "--shard", f"{i}/3", "-oJ", p(f"open{i}.jsonl"),
                 "--manifest", p(f"open{i}.manifest.json")])
        opens = [p(f"open{i}.manifest.json") for i in (1, 2, 3)]
        refused("XML from --show open shards", [b, "merge", *opens, "-oX", p("r.xml")],
                ["xml output reports every port, but the shards recorded only open ports"])
        refused("--show stealth from --show open shards", [b, "merge", *opens, "--show", "stealth", "-oJ", p("r.jsonl")],
                ["asks for states the shards did not record (they hold: open)"])
        open(p("bad.manifest.json"), "w").write('{"portauth_manifest": 1,\n "plan": [\n')
        refused("a manifest that is not JSON", [b, "merge", p("bad.manifest.json"), "-oJ", p("r.jsonl")],
                [p("bad.manifest.json") + ":3:1: not JSON"])
        refused("--shard auto/3 with no engine", [b, "scan", TARGET, "-p", PORTS, *COMMON, "--shard", "auto/3",
                                                  "-oJ", p("r.jsonl"), "--manifest", p("r.manifest.json")],
                ["--shard auto/3 needs the shard's index from a batch engine"])
        if os.path.exists(p("r.manifest.json")):
            problems.append("a scan refused at planning still created its manifest")

        # Interrupted: a slow offline run, SIGINT after 1 s.
        proc = subprocess.Popen([*NETNS, b, "scan", "198.18.0.0/22", "-p", PORTS, *COMMON, "--rate", "1000", "--shard", "1/3",
                                 "--show", "all", "-oJ", p("i1.jsonl"), "--manifest", p("i1.manifest.json"),
                                 "--resume-file", p("i1.resume")], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
        time.sleep(1)
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=30)
        m = json.load(open(p("i1.manifest.json")))
        if m["complete"] or not m["interrupted"] or not m["resume_file"]:
            problems.append(f"interrupted shard manifest: {json.dumps(m)[:400]}")
        proc = run([b, "merge", p("i1.manifest.json"), "--check"])
        if proc.returncode != 1 or "is incomplete (interrupted): finish it with: portauth scan --resume " not in proc.stderr:
            problems.append(f"merge of an interrupted shard: {lablib.describe(proc)}")
    return lablib.report("scan --manifest, --shard auto and merge through the binary", problems)


if __name__ == "__main__":
    sys.exit(main())
