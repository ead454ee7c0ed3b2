#!/usr/bin/env python3
"""Hosts that lie, named right; honest hosts named nothing (scripts/liarlab.py's hosts).

One scan with default options of the SYN proxy (nftables synproxy), the host that answers
every port (tproxy to one listener), the tarpit (a raw-socket LaBrea), the honest host with
3,003 listeners and the lab's own target, every state reported (--show all) in every output:
  - the ports come out as the wire says (a SYN-ACK is open, for nmap's sake, on every liar);
  - --summary-json "hosts" names each liar with its evidence (window 0 and SYN cookies for the
    proxy, and exactly its listeners as the ports that reach a service; canaries for the one
    that answers everywhere; window 10 and no options for the tarpit), and nothing else;
  - every JSONL line of a liar carries "host_verdict"; no line of an honest host does;
  - nmap XML is valid against nmap's DTD and carries the verdict in a hostscript; grepable and
    CSV carry it; the text report leads with the verdict and lists none of the liars' open ports
    but the proxy's real services;
  - the honest hosts cost at most three canary probes each;
  - `portauth probe` on a liar's port says what the host is;
  - -sV on the SYN proxy tries only its real services (the ports the connect check reached),
    not its 3,000 SYN-ACKs, and says so: those ports carry a probed service, every other open
    line the table's, the summary counts the rest as not tried, and the verdict says -sV tried
    only the ports that reach a service;
  - -sV on the host that answers every port (a real OpenSSH, `sshd -i`, behind every port) tries
    its canaries and 8 of its open ports, one in each eighth of the range, and the verdict's
    evidence names the service they all showed: the product and version the daemon itself
    greets with, read here from the daemon; in the summary JSON, the XML hostscript and the
    text report's verdict line.
The rate-blocking host has its own test (test_rate_block.py). Exit 0 pass, 1 fail, 77 skipped.
"""
import csv
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lablib  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
import liarlab  # noqa: E402

PORTS = "1-3000"
TARGET = "198.18.0.2"


def main():
    args = lablib.parse_args(__doc__.splitlines()[0])
    lablib.require_lab_support()
    failed = 0
    with tempfile.TemporaryDirectory(prefix="portauth-liars-") as tmp, lablib.Lab(args.repo) as lab:
        subprocess.run([lablib.PYTHON, os.path.join(args.repo, "scripts", "liarlab.py"), "up", "--name", lab.name],
                       check=True, timeout=120)
        liars = [liarlab.SYN_PROXY, liarlab.ANSWERS_ALL, liarlab.TARPIT]
        honest = [liarlab.MANY, TARGET]
        out = {ext: os.path.join(tmp, f"scan.{ext}") for ext in ("jsonl", "xml", "gnmap", "csv", "txt", "json")}
        argv = [args.binary, "scan", *liars, *honest, "-p", PORTS, "--show", "all", "-oJ", out["jsonl"],
                "-oX", out["xml"], "-oG", out["gnmap"], "-oC", out["csv"], "-oN", out["txt"],
                "--summary-json", out["json"]]
        lablib.log("running: " + " ".join(argv))
        proc = lab.run(argv, timeout=240)
        if proc.returncode != 0:
            return lablib.report("the scan ran", [lablib.describe(proc)])
        ports = lablib.parse_ports(PORTS)
        profile = lablib.Profile(lab.profile_path)
        many = set(liarlab.MANY_LISTENERS)

        def expected(ip, port):
            if ip in liars:
                return ("open", "syn-ack")
            if ip == liarlab.MANY:
                return ("open", "syn-ack") if port in many else ("closed", "rst")
            return profile.expected(ip, port)

        records, problems = lablib.read_jsonl(out["jsonl"])
        # The liars sit one router further away (TTL 63); the lab's target answers with 64.
        far = [r for r in records if r.get("ip") != TARGET]
        near = [r for r in records if r.get("ip") == TARGET]
        problems += lablib.check_scan(far, liars + [liarlab.MANY], ports, expected, ttl=63)
        problems += lablib.check_scan(near, [TARGET], ports, expected, ttl=64)
        failed |= lablib.report("every port of every host as the wire says", problems)

        with open(out["json"]) as f:
            summary = json.loads(f.readline())
        hosts = {h["ip"]: h for h in summary["hosts"]}
        problems = []
        want = {liarlab.SYN_PROXY: "syn-proxy", liarlab.ANSWERS_ALL: "answers-all", liarlab.TARPIT: "tarpit"}
        for ip, kind in want.items():
            got = hosts.get(ip, {}).get("verdict")
            if got != kind:
                problems.append(f"{ip}: verdict {got!r}, want {kind!r}")
        for ip in honest:
            if ip in hosts:
                problems.append(f"{ip} is honest, yet named {hosts[ip]['verdict']}: {hosts[ip]['line']}")
        proxy = hosts.get(liarlab.SYN_PROXY, {})
        ev = proxy.get("evidence", {})
        if ev.get("window") != 0 or ev.get("syn_cookies") is not True:
            problems.append(f"syn-proxy evidence lacks window 0 / SYN cookies: {ev}")
        services = [p for p in liarlab.SYN_PROXY_SERVICES if p in ports]
        if proxy.get("service_ports") != services:
            problems.append(f"syn-proxy service ports {proxy.get('service_ports')}, want {services}")
        if "SYN proxy (window 0, SYN cookies)" not in proxy.get("line", ""):
            problems.append(f"syn-proxy line: {proxy.get('line')!r}")
        aa = hosts.get(liarlab.ANSWERS_ALL, {}).get("evidence", {})
        if aa.get("canaries_open", 0) < 3 or aa.get("canaries_open") != aa.get("canaries_answered"):
            problems.append(f"answers-all canaries: {aa}")
        tp = hosts.get(liarlab.TARPIT, {}).get("evidence", {})
        if tp.get("window") != liarlab.TARPIT_WINDOW or tp.get("options") != "none":
            problems.append(f"tarpit evidence: {tp}")
        for ip in want:
            if not any(ip in w for w in summary["warnings"]):
                problems.append(f"no warning names {ip}: {summary['warnings']}")
        # Cost on honest hosts: the scan's own probes, three canaries a host, retries of silence.
        if summary["canary_probes"] != 3 * (len(liars) + len(honest)):
            problems.append(f"canary probes {summary['canary_probes']}, want {3 * (len(liars) + len(honest))}")
        failed |= lablib.report("the summary names each liar by its evidence and no honest host", problems)

        problems = []
        for r in records:
            flagged = r.get("ip") in want
            if flagged and r.get("host_verdict") != want[r["ip"]]:
                problems.append(f"{r['ip']}:{r['port']}: host_verdict {r.get('host_verdict')!r}")
            if not flagged and "host_verdict" in r:
                problems.append(f"{r['ip']}:{r['port']}: an honest host's line says {r['host_verdict']}")
        with open(out["csv"]) as f:
            for row in csv.DictReader(f):
                if row["host_verdict"] != want.get(row["ip"], ""):
                    problems.append(f"CSV {row['ip']}:{row['port']}: host_verdict {row['host_verdict']!r}")
        failed |= lablib.report("every JSONL and CSV line of a liar, and none of an honest host, carries its verdict",
                                problems)

        problems = []
        xml = subprocess.run(["xmllint", "--noout", "--dtdvalid", "/usr/share/nmap/nmap.dtd", out["xml"]],
                             capture_output=True, text=True)
        if xml.returncode != 0:
            problems.append("xmllint --dtdvalid nmap.dtd: " + xml.stderr[-1500:])
        with open(out["xml"]) as f:
            text = f.read()
        for ip, kind in want.items():
            if f'output="{kind}: ' not in text:
                problems.append(f"XML: no hostscript with {kind}")
        if text.count("<hostscript>") != len(want):
            problems.append(f"XML: {text.count('<hostscript>')} hostscripts, want {len(want)}")
        with open(out["gnmap"]) as f:
            gnmap = f.read()
        for ip, kind in want.items():
            if f"Host verdict: {kind} (" not in gnmap:
                problems.append(f"grepable: no verdict for {ip}")
        with open(out["txt"]) as f:
            report = f.read()
        for ip, kind in want.items():
            if f"VERDICT: {kind}: " not in report:
                problems.append(f"text: no VERDICT line for {ip}")
        # Collapsed: the liars' open ports are one line each; only the proxy's services are listed.
        listed = [line for line in report.splitlines() if line.split("/tcp")[0].isdigit() and " open " in line]
        expected_open = len(services) + len([p for p in ports if p in many]) + len(
            [p for p in ports if profile.expected(TARGET, p)[0] == "open"])
        if len(listed) != expected_open:
            problems.append(f"text: {len(listed)} open rows, want {expected_open} (liars collapsed)")
        failed |= lablib.report("XML (valid against nmap.dtd), grepable and the text report lead with the verdict",
                                problems)

        probe = lab.run([args.binary, "probe", liarlab.SYN_PROXY, "443"], timeout=60)
        problems = []
        if probe.returncode != 0 or "Verdict: syn-proxy" not in probe.stdout or "reaches a service" not in probe.stdout:
            problems.append(lablib.describe(probe))
        failed |= lablib.report("portauth probe says what the host is", problems)

        sv = {ext: os.path.join(tmp, f"sv.{ext}") for ext in ("jsonl", "json")}
        proc = lab.run([args.binary, "scan", liarlab.SYN_PROXY, "-p", PORTS, "-sV", "-oJ", sv["jsonl"],
                        "--summary-json", sv["json"]], timeout=240)
        problems = []
        if proc.returncode != 0:
            problems.append(lablib.describe(proc))
        else:
            records, problems = lablib.read_jsonl(sv["jsonl"])
            probed = sorted(r["port"] for r in records if r.get("service", {}).get("method") == "probed")
            if probed != services:
                problems.append(f"ports with a probed service {probed}, want the proxy's services {services}")
            unmarked = [r["port"] for r in records if r.get("host_verdict") != "syn-proxy"]
            if unmarked:
                problems.append(f"{len(unmarked)} lines without host_verdict, e.g. {unmarked[:5]}")
            with open(sv["json"]) as f:
                summary = json.loads(f.readline())
            svc = summary.get("services", {})
            if svc.get("not_tried") != len(ports) - len(services):
                problems.append(f"services not tried {svc.get('not_tried')}, want {len(ports) - len(services)}")
            if svc.get("connections", 0) > 3 * len(services):
                problems.append(f"-sV made {svc.get('connections')} connections for {len(services)} services")
            host = {h["ip"]: h for h in summary["hosts"]}.get(liarlab.SYN_PROXY, {})
            if host.get("verdict") != "syn-proxy" or host.get("service_ports") != services or \
                    host.get("services_identified") is not True:
                problems.append(f"summary host: {host}")
            said = proc.stdout + proc.stderr  # the summary lines: the text report's, or stderr's
            if f"{len(ports) - len(services):,} open ports of hosts that answer on every port not tried" not in said:
                problems.append("the summary does not say which ports -sV left alone: " + said[-800:])
        failed |= lablib.report("-sV on the SYN proxy identifies only the ports that reach a service", problems)
        failed |= check_same_service(args, lab, tmp, ports)
    return failed


GREETING = ("import socket,sys\n"
            "s = socket.create_connection((sys.argv[1], int(sys.argv[2])), 5)\n"
            "print(s.makefile('rb').readline().decode('latin1').rstrip())\n")


def check_same_service(args, lab, tmp, ports):
    """-sV on the host that answers every port: the same real service behind its canaries and ports."""
    name = "-sV on the host that answers every port names the one service behind canaries and ports"
    if not os.path.exists(liarlab.SSHD):
        return lablib.report(name, [f"no {liarlab.SSHD}: install openssh-server (scripts/daemon_lab.sh install)"])
    # What the daemon says it is, asked directly (a port no scan covers): "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10".
    greeting = lab.run([lablib.PYTHON, "-c", GREETING, liarlab.ANSWERS_ALL, "47001"], timeout=30).stdout.strip()
    software = greeting.split("-", 2)[2] if greeting.startswith("SSH-") and greeting.count("-") >= 2 else ""
    product, _, version = software.split(" ", 1)[0].partition("_")
    if not product or not version:
        return lablib.report(name, [f"the daemon behind {liarlab.ANSWERS_ALL} greets with {greeting!r}"])
    want = f"ssh {product} {version}"
    out = {ext: os.path.join(tmp, f"aa.{ext}") for ext in ("jsonl", "json", "xml", "txt")}
    proc = lab.run([args.binary, "scan", liarlab.ANSWERS_ALL, "-p", PORTS, "-sV", "-oJ", out["jsonl"],
                    "--summary-json", out["json"], "-oX", out["xml"], "-oN", out["txt"]], timeout=120)
    if proc.returncode != 0:
        return lablib.report(name, [lablib.describe(proc)])
    records, problems = lablib.read_jsonl(out["jsonl"])
    with open(out["json"]) as f:
        summary = json.loads(f.readline())
    host = {h["ip"]: h for h in summary["hosts"]}.get(liarlab.ANSWERS_ALL, {})
    ev = host.get("evidence", {})
    if host.get("verdict") != "answers-all":
        problems.append(f"verdict {host.get('verdict')!r}, want answers-all (the comparison never drops it)")
    same = ev.get("same_service", "")
    if not same.startswith(want):
        problems.append(f"same_service {same!r}, want what the daemon greets with: {want!r} ({greeting!r})")
    canaries, sampled = ev.get("service_canaries_tried", []), ev.get("service_ports_sampled", [])
    if not 1 <= len(canaries) <= 4 or any(p in ports for p in canaries):
        problems.append(f"canaries tried {canaries}: want 1 to 4, none a port of the scan")
    eighths = sorted({(ports.index(p) * 8) // len(ports) for p in sampled if p in ports})
    if len(sampled) != 8 or eighths != list(range(8)):
        problems.append(f"sampled ports {sampled}: want 8, one in each eighth of {PORTS}")
    if ev.get("services_compared") != len(canaries) + len(sampled):
        problems.append(f"{ev.get('services_compared')} answers compared, want every port tried: {ev}")
    probed = {r["port"]: r["service"] for r in records if r.get("service", {}).get("method") == "probed"}
    if sorted(probed) != sorted(sampled):
        problems.append(f"ports with a probed service {sorted(probed)}, want the sample {sorted(sampled)}")
    if any(s.get("product") != product or s.get("version") != version for s in probed.values()):
        problems.append(f"sampled lines: {list(probed.values())[:2]}")
    if any(r.get("host_verdict") != "answers-all" for r in records) or len(records) != len(ports):
        problems.append(f"{len(records)} lines, want {len(ports)}, each with host_verdict answers-all")
    svc = summary.get("services", {})
    if svc.get("not_tried") != len(ports) - len(sampled) or svc.get("connections", 0) > 2 * (len(canaries) + len(sampled)):
        problems.append(f"services: {svc}")
    with open(out["xml"]) as f:
        xml = f.read()
    if f'<elem key="same_service">{same}</elem>' not in xml or f"{same} behind canaries and ports" not in xml:
        problems.append("XML: the hostscript lacks same_service")
    lint = subprocess.run(["xmllint", "--noout", "--dtdvalid", "/usr/share/nmap/nmap.dtd", out["xml"]],
                          capture_output=True, text=True)
    if lint.returncode != 0:
        problems.append("xmllint --dtdvalid nmap.dtd: " + lint.stderr[-800:])
    with open(out["txt"]) as f:
        text = f.read()
    if "VERDICT: answers-all: " not in text or f"{same} behind canaries and ports" not in text:
        problems.append("text: the verdict line lacks the service: " + text[:600])
    return lablib.report(name, problems)


if __name__ == "__main__":
    sys.exit(main())
