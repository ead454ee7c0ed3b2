#!/usr/bin/env python3
"""-sV against REAL daemons: what answers on each port is what the daemon lab says it is.

The daemon lab (scripts/daemon_lab.sh, tests/integration/lab_daemons.py) runs real Debian
servers in a target namespace: OpenSSH on 22 and 2222, nginx HTTP on 80 and 2525 (where the
port database expects SMTP) and HTTPS on 443 and 6443, OpenSMTPD on 25 and 587, Dovecot IMAP/POP3
plain and inside TLS (143, 110, 993, 995), vsftpd, dnsmasq (DNS over TCP), Redis twice (6379, and
6000 with a password, where the database expects X11), Memcached, Mosquitto, PostgreSQL, MariaDB,
a port that accepts and never speaks (9999) and one that closes every connection at once (9998).
Ground truth: tests/lab/daemons.conf, with each daemon's version read from dpkg (the installed
package), never written in this test.

One `scan -sV` of every TCP port the lab serves (and a closed one), then:
  * every served port is named as nmap names it (ssh, http, smtp, imap, pop3, ftp, domain, mysql,
    postgresql, redis, memcached, mqtt); TLS-wrapped ones (443, 6443, 993, 995) carry tunnel
    "ssl" (nmap's ssl/imap and ssl/pop3: name imap/pop3, tunnel ssl) and the certificate's facts
    (the lab's self-signed certificate, its SAN);
  * the product the daemon calls itself is given, and where the daemon states its version it is
    the installed package's upstream version;
  * the silent port is never named and gets no product (answer "silent"); the closing one is
    "tcpwrapped" with no product; the closed port has no probed service;
  * SMTP says STARTTLS is offered; the password-protected Redis is Redis "authentication required";
  * the nmap XML is valid against nmap's DTD, and ndiff reads it: against the same scan without
    -sV it reports the products found;
  * `probe TARGET 2525` explains that nginx answers HTTP there, that this is not what the port
    usually carries, and shows the HTTP page; the same over IPv6 for OpenSSH.
Exit 0 pass, 1 fail, 77 skipped (not root, no namespaces, or no daemon lab in this tree).

Before the daemon lab is in this tree, DAEMON_LAB_REPO=DIR points at a tree that has it
(scripts/daemon_lab.sh, tests/lab/daemons.conf, tests/integration/lab_daemons.py).
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lablib  # noqa: E402

ALLOW = ["--allow", "198.18.0.0/15"]
CLOSED_PORT = 7


def load_daemon_lab(repo):
    lab_repo = os.environ.get("DAEMON_LAB_REPO", repo)
    here = os.path.join(lab_repo, "tests", "integration")
    if not os.path.exists(os.path.join(here, "lab_daemons.py")) or \
            not os.path.exists(os.path.join(lab_repo, "scripts", "daemon_lab.sh")):
        lablib.log("SKIP: no daemon lab in this tree (scripts/daemon_lab.sh, tests/integration/lab_daemons.py); "
                   "set DAEMON_LAB_REPO to a tree that has it")
        sys.exit(lablib.SKIP)
    sys.path.insert(0, here)
    import lab_daemons  # noqa: E402
    return lab_daemons, lab_repo


def word_in(word, text):
    return bool(text) and re.search(r"(?i)\b" + re.escape(word) + r"\b", text) is not None


def check_service(s, rec, problems):
    """One served TCP port of the lab against its JSONL line."""
    where = f"{s.port}/tcp ({s.role})"
    sv = rec.get("service")
    if not isinstance(sv, dict):
        problems.append(f"{where}: no service object: {rec}")
        return
    if rec.get("state") != "open":
        problems.append(f"{where}: state {rec.get('state')}, want open")
    if s.role == "silent":
        if sv.get("name") is not None or sv.get("product") is not None or sv.get("answer") != "silent":
            problems.append(f"{where}: a port that never speaks was guessed: {sv}")
        return
    if s.role == "closing":
        if sv.get("name") != "tcpwrapped" or sv.get("product") is not None or sv.get("answer") != "tcpwrapped":
            problems.append(f"{where}: want tcpwrapped without a product: {sv}")
        return
    if sv.get("name") != s.name or sv.get("method") != "probed" or sv.get("answer") != "identified":
        problems.append(f"{where}: named {sv.get('name')!r} ({sv.get('method')}, {sv.get('answer')}), "
                        f"want {s.name!r} probed")
    if sv.get("tunnel") != s.tunnel:
        problems.append(f"{where}: tunnel {sv.get('tunnel')!r}, want {s.tunnel!r}")
    if s.product and not word_in(s.product, sv.get("product")):
        problems.append(f"{where}: product {sv.get('product')!r}, want one naming {s.product}")
    # A version, where given, is the installed package's; the daemons that state theirs must give it.
    states_version = s.role in ("vsftpd", "sshd", "nginx-http", "nginx-https", "dnsmasq", "redis", "memcached",
                                "mosquitto")
    if s.version and (sv.get("version") or states_version):
        if sv.get("version") != s.version:
            problems.append(f"{where}: version {sv.get('version')!r}, want {s.version!r} "
                            f"(dpkg: {s.package} {s.deb_version})")
    if s.tunnel == "ssl":
        tls = sv.get("tls") or {}
        if not tls.get("version", "").startswith("TLS") or not tls.get("self_signed"):
            problems.append(f"{where}: TLS facts {tls}")
        if "CN=lab.portauth.test" not in (tls.get("subject") or "") or "IP:198.18.0.2" not in (tls.get("san") or []):
            problems.append(f"{where}: certificate subject/SAN {tls.get('subject')!r} {tls.get('san')}")
        if not re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", tls.get("not_after") or ""):
            problems.append(f"{where}: not_after {tls.get('not_after')!r}")
    if s.name == "smtp" and (sv.get("details") or {}).get("starttls") != "offered":
        problems.append(f"{where}: STARTTLS should be offered: {sv.get('details')}")
    if s.role == "redis-auth" and sv.get("extrainfo") != "authentication required":
        problems.append(f"{where}: extrainfo {sv.get('extrainfo')!r}, want 'authentication required'")
    if not sv.get("banner"):
        problems.append(f"{where}: no banner recorded")


def check_xml(lab, binary, target, ports, tmp, xml_sv, problems):
    if shutil.which("xmllint") and os.path.exists("/usr/share/nmap/nmap.dtd"):
        r = subprocess.run(["xmllint", "--noout", "--dtdvalid", "/usr/share/nmap/nmap.dtd", xml_sv],
                           capture_output=True, text=True)
        if r.returncode != 0:
            problems.append(f"nmap's DTD refuses the -sV XML: {r.stderr[-800:]}")
    with open(xml_sv) as f:
        xml = f.read()
    for want in ('<service name="unknown" method="probed" conf="10"/>',  # the silent port
                 '<service name="tcpwrapped" method="probed" conf="8"/>',
                 'name="imap" product="Dovecot imapd" tunnel="ssl" method="probed"'):
        if want not in xml:
            problems.append(f"XML lacks {want}")
    if shutil.which("ndiff"):
        plain = os.path.join(tmp, "plain.xml")
        r = lab.run([binary, "scan", target, "-p", ports, *ALLOW, "--no-progress", "-oX", plain])
        if r.returncode != 0:
            problems.append(f"scan without -sV failed: {lablib.describe(r)}")
            return
        d = subprocess.run(["ndiff", plain, xml_sv], capture_output=True, text=True)
        # ndiff exits 1 when the scans differ, 2 on error.
        if d.returncode != 1 or "nginx 1.22.1" not in d.stdout or "OpenSSH" not in d.stdout:
            problems.append(f"ndiff did not read the services (exit {d.returncode}): {d.stdout[-800:]} {d.stderr[-400:]}")


def check_probe(lab, binary, target, problems):
    r = lab.run([binary, "probe", target, "2525", *ALLOW, "--wait", "0.5"], timeout=120)
    text = " ".join(r.stdout.split())
    if r.returncode != 0:
        problems.append(f"probe 2525 failed: {lablib.describe(r)}")
        return
    for want in ("nginx answers HTTP on port 2525/tcp.", "That is not what the port usually carries",
                 "Port 80/tcp: http", "Product: nginx 1.22.1"):
        if want not in text:
            problems.append(f"probe 2525: missing {want!r} in:\n{r.stdout[:1500]}")
    r6 = lab.run([binary, "probe", lab.target_ip6, "2222", "--wait", "0.5"], timeout=120)
    if r6.returncode != 0 or not re.search(r"^Product: +OpenSSH ", r6.stdout, re.M):
        problems.append(f"probe [{lab.target_ip6}]:2222 (IPv6) did not find OpenSSH: {lablib.describe(r6)}")


def main():
    args = lablib.parse_args(__doc__.splitlines()[0])
    lablib.require_lab_support()
    lab_daemons, lab_repo = load_daemon_lab(args.repo)
    problems = []
    tmp = tempfile.mkdtemp(prefix="pa-sv-")
    try:
        with lab_daemons.DaemonLab(lab_repo) as lab:
            served = [s for s in lab.services if s.proto == "tcp" and s.open]
            ports = ",".join(str(p) for p in sorted({s.port for s in served} | {CLOSED_PORT}))
            jsonl, xml = os.path.join(tmp, "sv.jsonl"), os.path.join(tmp, "sv.xml")
            t0 = time.monotonic()
            r = lab.run([args.binary, "scan", "-sV", lab.target_ip, "-p", ports, *ALLOW, "--show", "all",
                         "--no-progress", "-oJ", jsonl, "-oX", xml], timeout=240)
            seconds = time.monotonic() - t0
            lablib.log(f"scan -sV of {len(served)} served ports took {seconds:.1f} s")
            if r.returncode != 0:
                problems.append(f"scan -sV failed: {lablib.describe(r)}")
            else:
                records, bad = lablib.read_jsonl(jsonl)
                problems += bad
                by_port = {rec["port"]: rec for rec in records}
                for s in served:
                    if s.port not in by_port:
                        problems.append(f"{s.port}/tcp: missing from the output")
                    else:
                        check_service(s, by_port[s.port], problems)
                closed = by_port.get(CLOSED_PORT, {})
                if closed.get("state") != "closed" or (closed.get("service") or {}).get("method") != "table":
                    problems.append(f"{CLOSED_PORT}/tcp: want closed with the table's name only: {closed}")
                if "services: " not in r.stdout + r.stderr:
                    problems.append(f"no services summary line: {r.stdout[-500:]} {r.stderr[-500:]}")
                check_xml(lab, args.binary, lab.target_ip, ports, tmp, xml, problems)
                check_probe(lab, args.binary, lab.target_ip, problems)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return lablib.report("scan -sV names the daemon lab's real services", problems, limit=40)


if __name__ == "__main__":
    sys.exit(main())
