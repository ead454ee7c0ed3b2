#!/usr/bin/env python3
"""`scan --manifest`, `--shard auto/N` and `portauth merge` through the real binary, offline.

Every scan here is offline, --pcap-out /dev/null (no socket, nothing sent; every probe comes out
stealth; a --dry-run reports no port state at all), so it needs no lab; the scans still run in a
namespace of their own (a bare one: only lo, down), so it needs root and is skipped without. The lab tests
(test_slurm_cluster.py, test_container_entrypoint.py) merge real answers. Checks:
  * 3 shards (--shard auto/3 from JOB_COMPLETION_INDEX, and from SLURM_ARRAY_TASK_ID) with
    --show all: their manifests say complete, shard i, the engine variable, a SHA-256 equal to
    sha256sum's; merge -oX -oJ -oG -oC -oH writes each, the XML is valid and ndiff finds no
    difference from one unsharded scan's, the JSONL has every (ip, port) once;
  * refusals, exit 1 and no output file: a missing shard (named, with its command), a plan with
    another seed (named), -oX from --show open shards, --show stealth from them, a manifest that is
    not JSON (FILE:LINE:COL), --shard auto/3 with no engine variable (the scan never starts);
  * an interrupted shard (SIGINT) writes "complete": false and merge says how to finish it.
As root, with the daemon lab in the tree (scripts/daemon_lab.sh: real Debian daemons), one more,
scanned for real inside the lab's scanner namespace (~10 s with the lab's start): a 2-shard
`scan -sV -sU` of FTP, SSH, SMTP, HTTP, HTTPS, IMAPS, MariaDB, Redis, a tcpwrapped and a closed
port, DNS and SNMP over UDP, merged: every merged JSONL line is its shard's byte for byte, the
merged XML passes nmap's DTD and has the same <service> on every port as the unsharded scan's
(parsed, and ndiff finds no difference), the text report the same rows (VERSION, UDP replies),
grepable nmap's ssl|http; the services summary is the unsharded scan's, also from manifests
without their "services" account (counted on the lines); a shard scanned without -sV is refused.
Exit 0 pass, 1 fail.
"""
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lablib  # noqa: E402

TARGET, PORTS = "198.18.1.0/28", "22,80,443"
COMMON = ["--allow", "198.18.0.0/15", "--seed", "77", "--pcap-out", os.devnull, "--retries", "0", "--wait", "0",
          "--no-progress"]
# Every scan runs in a bare namespace (netns_up); without one (not root) the test is skipped: nothing
# would be sent, but a mistake in an option must never turn a scan here into one from the host.
NETNS = []
# The -sV merge: what each daemon says (TLS on 443 and 993, binary and cut banners on 3306, 6379
# and 80), tcpwrapped 9998, closed 7; DNS and SNMP answer over UDP.
SV_PORTS = "T:7,21,22,25,80,443,993,3306,6379,9998,U:53,161"
DTD = "/usr/share/nmap/nmap.dtd"


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
    if not NETNS:
        lablib.log("SKIP: needs root to run its scans in an empty network namespace")
        return lablib.SKIP
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
        check_service_merge(args, p, problems)
    return lablib.report("scan --manifest, --shard auto and merge through the binary", problems)


def services_of(xml_path):
    """{(protocol, port): <service> attributes} of an nmap XML file."""
    return {(port.get("protocol"), port.get("portid")): dict(port.find("service").attrib)
            for port in ET.parse(xml_path).getroot().iter("port")}


def port_rows(text):
    """The text report's port table (rows and UDP reply lines), without the summary lines."""
    lines = text.splitlines()
    start = next((i for i, ln in enumerate(lines) if ln.startswith("PORT ")), len(lines))
    end = next((i for i in range(start, len(lines)) if not lines[i].strip()), len(lines))
    return lines[start:end]


def service_counts(text):
    """(identified, unrecognised, silent, tcpwrapped) and the connections of a services line."""
    m = re.search(r"services: (\d+) identified, (\d+) unrecognised, (\d+) silent, (\d+) tcpwrapped.*?; (\d+) connections",
                  text)
    return (m.group(1, 2, 3, 4), int(m.group(5))) if m else (None, None)


def check_service_merge(args, p, problems):
    """A 2-shard -sV -sU scan of the daemon lab, merged: what answered survives (see the docstring)."""
    if os.geteuid() != 0 or not os.path.exists(os.path.join(args.repo, "scripts", "daemon_lab.sh")):
        lablib.log("SKIP (part): the -sV merge needs root and the daemon lab (scripts/daemon_lab.sh)")
        return
    import lab_daemons  # noqa: E402 (only this part needs it)
    b, t0 = args.binary, time.monotonic()
    with lab_daemons.DaemonLab(args.repo, name=f"pm{os.getpid()}") as lab:
        scan = [b, "scan", "-sV", "-sU", lab.target_ip, "-p", SV_PORTS, "--allow", "198.18.0.0/15", "--seed", "5",
                "--show", "all", "--no-progress"]
        ref = lab.run([*scan, "-oX", p("sv-ref.xml"), "-oN", p("sv-ref.txt")])
        shards = [lab.run([*scan, "--shard", f"{i}/2", "-oJ", p(f"sv{i}.jsonl"), "--manifest", p(f"sv{i}.manifest.json")])
                  for i in (1, 2)]
        manifests = [p("sv1.manifest.json"), p("sv2.manifest.json")]
        outs = {"-oX": p("svm.xml"), "-oJ": p("svm.jsonl"), "-oN": p("svm.txt"), "-oG": p("svm.gnmap"), "-oC": p("svm.csv")}
        merged = lab.run([b, "merge", *manifests, *[x for kv in outs.items() for x in kv]])
        for label, proc in (("unsharded -sV scan", ref), ("shard 1", shards[0]), ("shard 2", shards[1]),
                            ("merge", merged)):
            if proc.returncode != 0:
                problems.append(f"-sV merge: {label}: {lablib.describe(proc)}")
                return
        scanned = time.monotonic() - t0
        lines = sorted(open(p("sv1.jsonl")).read().splitlines() + open(p("sv2.jsonl")).read().splitlines())
        if sorted(open(outs["-oJ"]).read().splitlines()) != lines or len(lines) != 12:
            problems.append(f"-sV merge: the merged JSONL is not the shards' lines ({len(lines)} lines)")
        want, got = services_of(p("sv-ref.xml")), services_of(outs["-oX"])
        probed = [k for k, sv in got.items() if sv.get("method") == "probed"]
        if got != want or len(probed) != 9 or got.get(("tcp", "443"), {}).get("tunnel") != "ssl":
            problems.append(f"-sV merge: <service> elements differ from the unsharded scan's: {got} vs {want}")
        x = subprocess.run(["xmllint", "--noout", "--dtdvalid", DTD, outs["-oX"]], capture_output=True, text=True)
        nd = subprocess.run(["ndiff", p("sv-ref.xml"), outs["-oX"]], capture_output=True, text=True)
        changed = [ln for ln in nd.stdout.splitlines() if ln[:1] in "+-" and "scan initiated" not in ln]
        if x.returncode != 0 or nd.returncode not in (0, 1) or changed:
            problems.append(f"-sV merge: merged XML: xmllint {x.stderr[:300]} ndiff {changed[:6]} {nd.stderr[:200]}")
        ref_text, text = open(p("sv-ref.txt")).read(), open(outs["-oN"]).read()
        rows = port_rows(text)
        if rows != port_rows(ref_text) or "VERSION" not in rows[0] or not any("| SNMP answered" in r for r in rows):
            problems.append("-sV merge: text rows differ from the unsharded scan's:\n" + "\n".join(rows) +
                            "\n--- unsharded ---\n" + "\n".join(port_rows(ref_text)))
        if "443/open/tcp//ssl|http//nginx 1.22.1/" not in open(outs["-oG"]).read():
            problems.append("-sV merge: grepable lacks 443/open/tcp//ssl|http//nginx 1.22.1/")
        if not open(outs["-oC"]).readline().startswith("ip,port,proto,state,reason,ttl,service,purpose,risk,product,"):
            problems.append("-sV merge: the CSV header has no -sV columns")
        counts, connections = service_counts(ref_text)
        shard_connections = sum(json.load(open(m))["services"]["connections"] for m in manifests)
        if counts is None or service_counts(merged.stderr) != (counts, shard_connections) or \
                service_counts(text) != (counts, shard_connections):
            problems.append(f"-sV merge: services {service_counts(merged.stderr)}, want {counts} and "
                            f"{shard_connections} connections (unsharded: {connections})")
        # Manifests written before they recorded "services": the answers counted on the lines.
        for m in manifests:
            j = json.load(open(m))
            del j["services"]
            json.dump(j, open(m, "w"))
        old = lab.run([b, "merge", *manifests, "-oN", p("svm-old.txt")])
        if old.returncode != 0 or service_counts(old.stderr) != (counts, 0):
            problems.append(f"-sV merge from older manifests: {service_counts(old.stderr)}, want {counts}, 0 connections: "
                            f"{lablib.describe(old)}")
        plain = lab.run([*scan[:2], *scan[3:], "--shard", "2/2", "-oJ", p("svp2.jsonl"), "--manifest", p("svp2.manifest.json")])
        mixed = lab.run([b, "merge", manifests[0], p("svp2.manifest.json"), "-oJ", p("svmixed.jsonl")])
        if plain.returncode != 0 or mixed.returncode != 1 or os.path.exists(p("svmixed.jsonl")) or \
                f"({manifests[0]}) was scanned with -sV and shard 2/2 ({p('svp2.manifest.json')}) without" not in mixed.stderr:
            problems.append(f"-sV merge: a shard without -sV: {lablib.describe(plain)} / {lablib.describe(mixed)}")
        lablib.log(f"-sV merge of 2 shards ({scanned:.1f} s with the lab's start): {merged.stderr.strip()}")


if __name__ == "__main__":
    sys.exit(main())
