#!/usr/bin/env python3
"""deploy/kubernetes/ validates offline against the Kubernetes API schema, and its pieces fit together.

No cluster here: kubectl's --dry-run=client still asks an API server for discovery and fails
offline, so the schema check is the npm package kubernetes-models (deploy/kubernetes/validate/,
installed with npm into the build tree on first use). Checks:
  * every document of every deploy/kubernetes/*.yaml is valid for its apiVersion and kind, and a
    copy with a bad completionMode and a string completions is rejected (the check can fail);
  * the sweep is an Indexed Job whose completions, parallelism and PORTAUTH_SHARDS agree; its pods
    run as the Containerfile's non-root user with every capability dropped but NET_RAW, mount the
    ConfigMap where the entry point looks (/etc/portauth/sweep.yaml) and the claim the merge Job
    reads; the merge Job has no capability at all;
  * the ConfigMap's profile is a valid portauth config: `scan --dry-run` of shard 1/N plans it.
Needs node and npm (the registry) for the schema part; exit 0 pass, 1 fail, 77 skipped.
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lablib  # noqa: E402


def load_docs(path, node_dir):
    """All documents of a YAML file as JSON, parsed by the yaml package we installed."""
    code = ("import {readFileSync} from 'node:fs'; import {parseAllDocuments} from 'yaml';"
            "console.log(JSON.stringify(parseAllDocuments(readFileSync(process.argv[2], 'utf8')).map(d => d.toJS())));")
    script = os.path.join(node_dir, "dump.mjs")
    open(script, "w").write(code)
    out = subprocess.run(["node", script, path], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def main():
    args = lablib.parse_args(__doc__.splitlines()[0])
    if shutil.which("node") is None or shutil.which("npm") is None:
        lablib.log("SKIP: need node and npm for the offline Kubernetes schema check")
        return lablib.SKIP
    problems = []
    kdir = os.path.join(args.repo, "deploy", "kubernetes")
    node_dir = os.path.join(os.path.dirname(args.binary), "k8s-validate")
    os.makedirs(node_dir, exist_ok=True)
    for f in ("package.json", "validate.mjs"):
        shutil.copy(os.path.join(kdir, "validate", f), node_dir)
    if not os.path.isdir(os.path.join(node_dir, "node_modules", "kubernetes-models")):
        inst = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"], cwd=node_dir,
                              capture_output=True, text=True, timeout=240)
        if inst.returncode != 0:
            lablib.log(f"SKIP: npm install of kubernetes-models failed (registry unreachable?): {inst.stderr[-500:]}")
            return lablib.SKIP
    files = sorted(glob.glob(os.path.join(kdir, "*.yaml")))
    val = subprocess.run(["node", os.path.join(node_dir, "validate.mjs"), *files], capture_output=True, text=True)
    lablib.log(val.stdout.strip())
    if val.returncode != 0 or val.stdout.count(": valid") != 4:
        problems.append(f"schema check: exit {val.returncode}: {val.stderr.strip()} {val.stdout.strip()}")

    sweep_path = os.path.join(kdir, "portauth-sweep.yaml")
    with tempfile.TemporaryDirectory(prefix="portauth-k8s-") as tmp:
        bad = os.path.join(tmp, "bad.yaml")
        text = open(sweep_path).read()
        open(bad, "w").write(text.replace("completionMode: Indexed", "completionMode: Indexd")
                             .replace("completions: 16", 'completions: "16"'))
        val = subprocess.run(["node", os.path.join(node_dir, "validate.mjs"), bad], capture_output=True, text=True)
        for want in ("spec/completionMode must be equal to one of the allowed values", "spec/completions must be integer"):
            if val.returncode != 1 or want not in val.stderr:
                problems.append(f"a broken Job was not rejected with {want!r}: exit {val.returncode} {val.stderr}")

        docs = {(d["kind"], d["metadata"]["name"]): d for d in load_docs(sweep_path, node_dir)}
        docs.update({(d["kind"], d["metadata"]["name"]): d
                     for d in load_docs(os.path.join(kdir, "portauth-merge.yaml"), node_dir)})
        job = docs[("Job", "portauth-sweep")]["spec"]
        merge = docs[("Job", "portauth-merge")]["spec"]
        pod, mpod = job["template"]["spec"], merge["template"]["spec"]
        c, mc = pod["containers"][0], mpod["containers"][0]
        env = {e["name"]: e["value"] for e in c.get("env", [])}
        if job.get("completionMode") != "Indexed" or not (job["completions"] == job["parallelism"] ==
                                                          int(env.get("PORTAUTH_SHARDS", -1))):
            problems.append(f"sweep Job: want Indexed with completions = parallelism = PORTAUTH_SHARDS: {job}")
        uid = re.search(r"^USER (\d+)$", open(os.path.join(args.repo, "Containerfile")).read(), re.M)
        if not uid or pod["securityContext"].get("runAsUser") != int(uid.group(1)) or \
                not pod["securityContext"].get("runAsNonRoot"):
            problems.append(f"sweep pods must run as the Containerfile's USER, non-root: {pod['securityContext']}")
        caps = c["securityContext"]["capabilities"]
        if caps != {"drop": ["ALL"], "add": ["NET_RAW"]} or c["securityContext"].get("allowPrivilegeEscalation") is False:
            problems.append(f"shard container: want drop ALL, add NET_RAW, exec may raise the file capability: "
                            f"{c['securityContext']}")
        if mc["securityContext"]["capabilities"] != {"drop": ["ALL"]} or mc["args"] != ["merge"]:
            problems.append(f"merge container: want no capability and args [merge]: {mc}")
        mounts = {m["name"]: m["mountPath"] for m in c["volumeMounts"]}
        vols = {v["name"]: v for v in pod["volumes"]}
        mvols = {v["name"]: v for v in mpod["volumes"]}
        if mounts.get("profile") != "/etc/portauth" or vols["profile"]["configMap"]["name"] != "portauth-sweep":
            problems.append(f"the profile must be the ConfigMap at /etc/portauth: {mounts} {vols}")
        if mounts.get("out") != "/out" or vols["out"] != mvols.get("out") or \
                ("PersistentVolumeClaim", vols["out"]["persistentVolumeClaim"]["claimName"]) not in docs:
            problems.append(f"shards and merge must share the claim mounted at /out: {vols} {mvols}")

        profile = os.path.join(tmp, "sweep.yaml")
        open(profile, "w").write(docs[("ConfigMap", "portauth-sweep")]["data"]["sweep.yaml"])
        # A dry run sends nothing; it runs in an empty namespace all the same, so only as root (a
        # mistyped option must never turn it into a scan from the host).
        argv = [args.binary, "scan", "-c", profile, "--shard", f"1/{job['completions']}",
                "--allow", "192.0.2.0/24", "--dry-run", "--wait", "0", "-o", "/dev/null"]
        if os.geteuid() == 0:
            with lablib.BareNs() as bare:
                plan = bare.run(argv, timeout=60)
            if plan.returncode != 0 or "dry run:" not in plan.stderr:
                problems.append(f"the ConfigMap's profile does not plan: {lablib.describe(plan)}")
        else:
            lablib.log("SKIP (part): the profile's dry run needs root (it runs in an empty network namespace)")
    return lablib.report("Kubernetes manifests validate offline and fit the container", problems)


if __name__ == "__main__":
    sys.exit(main())
