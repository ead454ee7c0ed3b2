#!/usr/bin/env python3
"""Every output format from lab scans, checked against the profile, nmap's own output and a browser.

1. One scan of 198.18.0.2 over a few hundred ports (every reason of the profile) with
   -oX -oG -oJ -oN -oC -oH at once:
   * JSONL and CSV parsed back: every port once, state/reason/ttl as the profile says, and the
     two agree row for row (service, purpose, risk included);
   * XML valid against nmap's DTD (xmllint --dtdvalid); every port, listed or summed up in
     <extraports>, has the state and reason nmap's mapping of the profile gives;
   * `nmap -sS -Pn -n --reason -oX -oG` of the same target and ports: ndiff finds no port whose
     state differs (service names may differ only where portauth's database names the port
     otherwise), identical extraports; with the MAC address nmap adds and the service names
     taken out of both files, ndiff reports no difference at all (exit 0); the grepable Ports
     fields list the same ports in the same states as nmap's;
   * the text report has a row per port; the HTML report, rendered by headless Chromium, has
     one grid cell per port scanned, coloured as the profile says, and makes a PNG screenshot.
2. Two hosts, few ports (nothing summed up), -oX and -oC with the default --show open: per
   port state and reason equal to nmap's XML; the CSV has only the open ports.
3. Progress: shown on a terminal (run under `script`), absent in a pipe, present with
   --progress in a pipe, absent with --no-progress on a terminal.
4. scripts/setcap.sh on an installed copy; that copy, run as user nobody, scans the lab.
Exit 0 pass, 1 fail, 77 skipped (not root / no namespaces / nmap, ndiff, xmllint or chromium
missing: scripts/setup.sh installs them).
"""
import collections
import csv
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lablib  # noqa: E402

# Every reason of tests/lab/profile.conf for the host, and enough closed (RST) and stealth ports
# that nmap sums both states up in <extraports>.
PORTS_A = ("0-200,443,445,587,993,995,2049,3306,3389,4444,5000-5002,5432,5900-5910,6000-6001,6379,"
           "7000-7002,7100-7102,7200,7300-7301,7400-7401,8080,8443,10000-10100,31337,40001,65535")
# Few enough of each state that every port is listed; 198.18.1.12 filters ssh silently.
PORTS_B = "20-30,111,113,2049,5000-5002,6000,7000,7100,7200,7300"
HOSTS_B = ["198.18.0.2", "198.18.1.12"]
NMAP_DTD = "/usr/share/nmap/nmap.dtd"
CSV_HEADER = ["ip", "port", "proto", "state", "reason", "ttl", "service", "purpose", "risk", "host_verdict"]
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]


def nmap_view(state, reason):
    """portauth's (state, reason) -> what nmap -sS calls it."""
    if state == "open":
        return ("open", "syn-ack")
    if state == "stealth":
        return ("filtered", "no-response")
    if reason == "rst":
        return ("closed", "reset")
    return ("filtered", reason[len("icmp-"):])


def expand(spec):
    return lablib.parse_ports(spec) if spec else []


# --- parsers ------------------------------------------------------------------------------------

def read_csv(path, problems):
    """CSV rows -> records shaped like JSONL's (port int, ttl int or None, empty -> None)."""
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    if not rows or rows[0] != CSV_HEADER:
        problems.append(f"csv: header {rows[0] if rows else None}, want {CSV_HEADER}")
        return []
    out = []
    for i, row in enumerate(rows[1:], 2):
        if len(row) != len(CSV_HEADER):
            problems.append(f"csv line {i}: {len(row)} fields: {row}")
            continue
        rec = dict(zip(CSV_HEADER, row))
        rec["port"] = int(rec["port"])
        rec["ttl"] = int(rec["ttl"]) if rec["ttl"] else None
        for k in ("service", "purpose", "risk", "host_verdict"):
            rec[k] = rec[k] or None
        out.append(rec)
    return out


def xml_ports(path):
    """nmap XML -> {ip: {port: (state, reason, service or None)}}, extraports expanded, and
    {ip: [(state, count, [(reason, count, ports)])]} as written."""
    hosts, extras = {}, {}
    for host in ET.parse(path).getroot().iter("host"):
        ip = next(a.get("addr") for a in host.iter("address") if a.get("addrtype") == "ipv4")
        ports = hosts.setdefault(ip, {})
        extras[ip] = []
        for ep in host.iter("extraports"):
            reasons = []
            for er in ep.iter("extrareasons"):
                reasons.append((er.get("reason"), int(er.get("count")), er.get("ports")))
                for p in expand(er.get("ports")):
                    ports[p] = (ep.get("state"), er.get("reason"), None)
            extras[ip].append((ep.get("state"), int(ep.get("count")), reasons))
        for port in host.iter("port"):
            st, svc = port.find("state"), port.find("service")
            ports[int(port.get("portid"))] = (st.get("state"), st.get("reason"),
                                              svc.get("name") if svc is not None else None)
    return hosts, extras


def grepable_ports(path):
    """-oG -> {ip: {port: state}} of the Ports: field, and {ip: ignored-state text or None}."""
    listed, ignored = {}, {}
    with open(path) as f:
        for line in f:
            if not line.startswith("Host: ") or "\tPorts: " not in line:
                continue
            ip = line.split()[1]
            fields = dict(part.split(": ", 1) for part in line.rstrip("\n").split("\t")[1:])
            listed[ip] = {int(e.split("/")[0]): e.split("/")[1] for e in fields["Ports"].split(", ")}
            ignored[ip] = fields.get("Ignored State")
    return listed, ignored


# --- checks -------------------------------------------------------------------------------------

def check_csv_jsonl(tmp, profile, ports, problems):
    records, bad = lablib.read_jsonl(os.path.join(tmp, "a.jsonl"))
    problems += [f"jsonl: {p}" for p in bad]
    problems += [f"jsonl: {p}" for p in lablib.check_scan(records, [lablib.TARGET_IP], ports, profile.expected)]
    rows = read_csv(os.path.join(tmp, "a.csv"), problems)
    problems += [f"csv: {p}" for p in lablib.check_scan(rows, [lablib.TARGET_IP], ports, profile.expected)]
    by_port = {r.get("port"): r for r in records}
    for row in rows:
        rec = by_port.get(row["port"])
        if rec is not None and {k: rec.get(k) for k in CSV_HEADER} != row:
            problems.append(f"csv and jsonl disagree on port {row['port']}: {row} vs {rec}")
    return records


def check_xml(tmp, profile, ports, problems):
    path = os.path.join(tmp, "a.xml")
    lint = subprocess.run(["xmllint", "--noout", "--dtdvalid", NMAP_DTD, path], capture_output=True, text=True)
    if lint.returncode != 0:
        problems.append(f"xml: not valid against {NMAP_DTD}: {lint.stderr[-1500:]}")
    hosts, _ = xml_ports(path)
    got = hosts.get(lablib.TARGET_IP, {})
    if sorted(got) != ports:
        problems.append(f"xml: {len(got)} ports (listed + extraports), want {len(ports)}")
    for p in ports:
        want = nmap_view(*profile.expected(lablib.TARGET_IP, p))
        if p in got and got[p][:2] != want:
            problems.append(f"xml: port {p} is {got[p][:2]}, want {want}")


def run_ndiff(nmap_xml, our_xml):
    proc = subprocess.run(["ndiff", nmap_xml, our_xml], capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"ndiff failed ({proc.returncode}): {proc.stderr}")
    return proc


def check_ndiff(tmp, services, problems):
    """ndiff nmap.xml a.xml: no state differences; service differences only where our database
    names the port; the extraports ('Not shown') line unchanged."""
    nmap_xml, our_xml = os.path.join(tmp, "nmap.xml"), os.path.join(tmp, "a.xml")
    proc = run_ndiff(nmap_xml, our_xml)
    lablib.log("ndiff nmap.xml a.xml:\n" + proc.stdout.rstrip())
    sides = collections.defaultdict(dict)
    for line in proc.stdout.splitlines():
        m = re.match(r"^([-+])(\d+)/tcp\s+(\S+)\s*(\S*)", line)
        if m:
            sides[int(m.group(2))][m.group(1)] = (m.group(3), m.group(4) or None)
        elif re.match(r"^[-+]Not shown:", line):
            problems.append(f"ndiff: extraports differ: {line}")
        elif re.match(r"^[-+]Host is", line):
            problems.append(f"ndiff: host state differs: {line}")
    for port, side in sorted(sides.items()):
        theirs, ours = side.get("-"), side.get("+")
        if theirs is None or ours is None or theirs[0] != ours[0]:
            problems.append(f"ndiff: port {port}: nmap {theirs}, portauth {ours}")
        elif ours[1] != (services.get(port) or "unknown"):
            problems.append(f"ndiff: port {port}: service {ours[1]!r}, the database says {services.get(port)!r}")
    if sides:
        lablib.log(f"ndiff: {len(sides)} port(s) differ in service name only (portauth's database names them)")

    # The same two files without what legitimately differs (nmap's MAC address line, the
    # service names): ndiff must find them identical.
    def strip(src, dst, drop_mac):
        tree = ET.parse(src)
        for host in tree.getroot().iter("host"):
            for a in list(host.findall("address")):
                if drop_mac and a.get("addrtype") == "mac":
                    host.remove(a)
            for port in host.iter("port"):
                for svc in list(port.findall("service")):
                    port.remove(svc)
        tree.write(dst, encoding="UTF-8", xml_declaration=True)
    strip(nmap_xml, os.path.join(tmp, "nmap-bare.xml"), True)
    strip(our_xml, os.path.join(tmp, "a-bare.xml"), False)
    bare = run_ndiff(os.path.join(tmp, "nmap-bare.xml"), os.path.join(tmp, "a-bare.xml"))
    if bare.returncode != 0:
        problems.append(f"ndiff of the files without MAC and service names reports differences:\n{bare.stdout}")
    else:
        lablib.log("ndiff without MAC address and service names: no differences (exit 0)")


def check_grepable(tmp, problems):
    ours, our_ignored = grepable_ports(os.path.join(tmp, "a.gnmap"))
    theirs, their_ignored = grepable_ports(os.path.join(tmp, "nmap.gnmap"))
    if ours != theirs:
        problems.append(f"grepable: Ports fields differ from nmap's: {ours} vs {theirs}")
    if our_ignored != their_ignored:
        problems.append(f"grepable: Ignored State {our_ignored} vs nmap's {their_ignored}")


def check_text(tmp, ports, problems):
    with open(os.path.join(tmp, "a.txt")) as f:
        text = f.read()
    rows = re.findall(r"^(\d+)/tcp\s", text, re.M)
    if sorted(map(int, rows)) != ports:
        problems.append(f"text: {len(rows)} port rows, want {len(ports)}")
    if not re.search(r"^\d+ open, \d+ closed, \d+ stealth of \d+ ports probed", text, re.M):
        problems.append("text: no summary line")


def chromium(args, timeout=120):
    with tempfile.TemporaryDirectory(prefix="portauth-chromium-") as profile_dir:
        return subprocess.run([shutil.which("chromium"), *CHROMIUM_FLAGS, f"--user-data-dir={profile_dir}", *args],
                              capture_output=True, text=True, timeout=timeout)


def check_html(tmp, profile, ports, problems):
    page = os.path.join(tmp, "a.html")
    proc = chromium(["--dump-dom", page])
    if proc.returncode != 0:
        problems.append(f"html: chromium --dump-dom failed: {proc.stderr[-1500:]}")
        return
    cells = re.findall(r'<i class="cell (\w+)[^"]*" data-k="(\d+)"', proc.stdout)
    if len(cells) != len(ports):
        problems.append(f"html: {len(cells)} grid cells in the rendered DOM, want {len(ports)} (ports scanned)")
    for cls, k in cells:
        want = profile.expected(lablib.TARGET_IP, ports[int(k)])[0]
        if cls != want:
            problems.append(f"html: cell of port {ports[int(k)]} is {cls}, want {want}")
            break
    if "Stealth ports: <b>FAILED</b>" not in proc.stdout:
        problems.append("html: no 'Stealth ports: FAILED' verdict (the target answers)")
    png = os.path.join(tmp, "a.png")
    shot = chromium(["--window-size=1280,1400", f"--screenshot={png}", page])
    if shot.returncode != 0 or not os.path.exists(png):
        problems.append(f"html: no screenshot: {shot.stderr[-1500:]}")
        return
    with open(png, "rb") as f:
        head = f.read(24)
    width, height = int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
    if head[:8] != b"\x89PNG\r\n\x1a\n" or (width, height) != (1280, 1400):
        problems.append(f"html: screenshot is not a 1280x1400 PNG ({head[:8]!r}, {width}x{height})")
    lablib.log(f"html: {len(cells)} cells rendered; screenshot {os.path.getsize(png)} bytes")


def scan_all_formats(lab, binary, tmp, problems):
    profile = lablib.Profile(lab.profile_path)
    ports = expand(PORTS_A)
    out = {ext: os.path.join(tmp, f"a.{ext}") for ext in ("xml", "gnmap", "jsonl", "txt", "csv", "html")}
    argv = [binary, "scan", lablib.TARGET_IP, "-p", PORTS_A, "--allow", "198.18.0.0/15", "--rate", "20000",
            "--show", "all", "-oX", out["xml"], "-oG", out["gnmap"], "-oJ", out["jsonl"], "-oN", out["txt"],
            "-oC", out["csv"], "-oH", out["html"]]
    lablib.log("running: " + " ".join(argv))
    proc = lab.run(argv)
    missing = [p for p in out.values() if not os.path.exists(p)]
    if proc.returncode != 0 or missing:
        problems.append(f"scan with every format failed (missing {missing}): {lablib.describe(proc)}")
        return
    nmap = lab.run(["nmap", "-sS", "-Pn", "-n", "--reason", "-p" + PORTS_A, "-oX", os.path.join(tmp, "nmap.xml"),
                    "-oG", os.path.join(tmp, "nmap.gnmap"), lablib.TARGET_IP])
    if nmap.returncode != 0:
        problems.append(f"nmap failed: {lablib.describe(nmap)}")
        return
    records = check_csv_jsonl(tmp, profile, ports, problems)
    services = {r["port"]: r.get("service") for r in records}
    check_xml(tmp, profile, ports, problems)
    check_ndiff(tmp, services, problems)
    check_grepable(tmp, problems)
    check_text(tmp, ports, problems)
    check_html(tmp, profile, ports, problems)


def scan_two_hosts(lab, binary, tmp, problems):
    xml_out, csv_out, nmap_out = (os.path.join(tmp, n) for n in ("b.xml", "b.csv", "nmap-b.xml"))
    proc = lab.run([binary, "scan", *HOSTS_B, "-p", PORTS_B, "--allow", "198.18.0.0/15", "-oX", xml_out,
                    "-oC", csv_out])
    nmap = lab.run(["nmap", "-sS", "-Pn", "-n", "--reason", "-p" + PORTS_B, "-oX", nmap_out, *HOSTS_B])
    if proc.returncode != 0 or nmap.returncode != 0:
        problems.append(f"two-host scans failed: {lablib.describe(proc)}\n{lablib.describe(nmap)}")
        return
    ours, our_extras = xml_ports(xml_out)
    theirs, their_extras = xml_ports(nmap_out)
    for ip in HOSTS_B:
        if our_extras.get(ip) or their_extras.get(ip):
            problems.append(f"two hosts: {ip} has extraports (ours {our_extras.get(ip)}, nmap {their_extras.get(ip)})")
        a = {p: v[:2] for p, v in ours.get(ip, {}).items()}
        b = {p: v[:2] for p, v in theirs.get(ip, {}).items()}
        if a != b:
            diff = {p: (a.get(p), b.get(p)) for p in sorted(set(a) | set(b)) if a.get(p) != b.get(p)}
            problems.append(f"two hosts: {ip}: state/reason differ from nmap's (portauth, nmap): {diff}")
    rows = read_csv(csv_out, problems)
    want = sorted((ip, p) for ip, ports in ours.items() for p, v in ports.items() if v[0] == "open")
    got = sorted((r["ip"], r["port"]) for r in rows)
    if got != want or any(r["state"] != "open" for r in rows):
        problems.append(f"two hosts: CSV with the default --show open has {got}, want the open ports {want}")
    lablib.log(f"two hosts: {sum(len(v) for v in ours.values())} ports agree with nmap; CSV has {len(rows)} open")


def check_progress(lab, binary, problems):
    base = [binary, "scan", lablib.TARGET_IP, "-p", "0-9999", "--allow", "198.18.0.0/15", "--rate", "5000",
            "--retries", "0", "--wait", "0.5", "--format", "jsonl", "-o", "/dev/null"]

    def run_raw(argv):
        # Bytes, not text: text mode would turn the '\r' that rewrites the line into '\n'.
        proc = subprocess.run(["ip", "netns", "exec", lab.scan_ns, *argv], capture_output=True, timeout=120)
        return proc.returncode, proc.stdout.decode(errors="replace"), proc.stderr.decode(errors="replace")

    def on_terminal(extra):
        # `script` gives the scan a pseudo-terminal; what the terminal shows comes back on stdout.
        return run_raw(["script", "-qec", shlex.join(base + extra), "/dev/null"])

    def shows(text):
        return "\r[pass 1/1]" in text and "pps" in text and "ETA" in text

    rc, out, _ = on_terminal([])
    if rc != 0 or not shows(out):
        problems.append(f"progress: not shown on a terminal: {out[-800:]!r}")
    elif "probed in" not in out:
        problems.append("progress: the final summary is missing on the terminal")
    rc, _, err = run_raw(base)
    if rc != 0 or "\r" in err or "ETA" in err or "probed in" not in err:
        problems.append(f"progress: noise (or no summary) in a pipe: {err[-800:]!r}")
    rc, _, err = run_raw(base + ["--progress"])
    if not shows(err):
        problems.append(f"progress: --progress shows nothing in a pipe: {err[-800:]!r}")
    rc, out, _ = on_terminal(["--no-progress"])
    if "\r[pass" in out or "probed in" not in out:
        problems.append(f"progress: --no-progress still shows progress on a terminal: {out[-800:]!r}")
    lablib.log("progress: terminal, pipe, --progress and --no-progress checked")


def check_setcap(lab, repo, binary, tmp, problems):
    """Install to a prefix, give the copy cap_net_raw with scripts/setcap.sh, scan as nobody."""
    build_dir = os.path.dirname(binary)
    prefix = os.path.join(tmp, "prefix")
    inst = subprocess.run(["cmake", "--install", build_dir, "--prefix", prefix], capture_output=True, text=True)
    installed = os.path.join(prefix, "bin", "portauth")
    if inst.returncode != 0 or not os.path.exists(installed):
        problems.append(f"setcap: install failed: {inst.stdout[-800:]} {inst.stderr[-800:]}")
        return
    cap = subprocess.run(["bash", os.path.join(repo, "scripts", "setcap.sh"), installed], capture_output=True,
                         text=True)
    if cap.returncode != 0:
        problems.append(f"setcap: scripts/setcap.sh failed: {cap.stderr[-800:]}")
        return
    for d in (tmp, prefix):  # let nobody reach the binary and write its output
        os.chmod(d, os.stat(d).st_mode | stat.S_IRWXU | stat.S_IRWXG | stat.S_IRWXO)
    out = os.path.join(tmp, "nobody.jsonl")
    proc = lab.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", installed, "scan",
                    lablib.TARGET_IP, "-p", "20-25", "--allow", "198.18.0.0/15", "-oJ", out])
    opened = [r["port"] for r in lablib.read_jsonl(out)[0]] if os.path.exists(out) else None
    if proc.returncode != 0 or opened is None or set(opened) != {21, 22, 25}:
        problems.append(f"setcap: the installed copy run as nobody did not scan: {opened} {lablib.describe(proc)}")
    else:
        lablib.log("setcap: scripts/setcap.sh + user nobody: scan found 21, 22, 25 open")


def main():
    args = lablib.parse_args(__doc__.splitlines()[0])
    lablib.require_lab_support()
    missing = [t for t in ("nmap", "ndiff", "xmllint", "chromium", "script", "setpriv", "cmake", "setcap")
               if shutil.which(t) is None]
    if missing or not os.path.exists(NMAP_DTD):
        lablib.log(f"SKIP: missing {missing or NMAP_DTD} (scripts/setup.sh installs them)")
        return lablib.SKIP
    problems = []
    with tempfile.TemporaryDirectory(prefix="portauth-outputs-") as tmp, lablib.Lab(args.repo) as lab:
        scan_all_formats(lab, args.binary, tmp, problems)
        scan_two_hosts(lab, args.binary, tmp, problems)
        check_progress(lab, args.binary, problems)
        check_setcap(lab, args.repo, args.binary, tmp, problems)
    return lablib.report("every output format matches the profile, nmap and a browser", problems)


if __name__ == "__main__":
    sys.exit(main())
