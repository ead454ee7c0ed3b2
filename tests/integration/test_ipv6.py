#!/usr/bin/env python3
"""IPv6 in the lab: all 65,536 ports of 2001:2::2 as its IPv6 profile says, and a mixed list.

The lab gets IPv6 on its veth pair (lab_hosts.enable_ipv6: 2001:2::/48 only, no route out, DAD and
router solicitations off, permanent neighbour entries) and an IPv6 profile that differs from the
IPv4 one: port 9000 open over IPv6 only, 80 open over IPv4 but dropped over IPv6, ICMPv6
admin-prohibited, port-unreachable, no-route and address-unreachable rejections. Checks:
  1. a full-port IPv6 scan with default options: every port's state and reason (--show all, JSONL);
  2. a mixed IPv4 + IPv6 target list from a file (-iL): both families right in one run;
  3. the nmap XML of the IPv6 scan (addrtype="ipv6") validates against nmap's DTD, and ndiff against
     nmap -6's own XML of the same ports finds no port whose state differs;
  4. probe and shieldsup on the IPv6 host, the TruStealth ping check answered over ICMPv6 echo.
Exit 0 pass, 1 fail, 77 skipped.
"""
import collections
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lab_hosts  # noqa: E402
import lablib  # noqa: E402

NMAP_DTD = "/usr/share/nmap/nmap.dtd"
MIXED_PORTS = "22,23,25,80,111,443,3389,7002,9000"


def check6(records, addr, ports):
    return lablib.check_scan(records, [addr], ports, lambda _a, p: lab_hosts.expected6(p))


def main():
    args = lablib.parse_args(__doc__.splitlines()[0])
    lablib.require_lab_support()
    failed = 0
    with tempfile.TemporaryDirectory(prefix="portauth-ipv6-") as tmp, lablib.Lab(args.repo) as lab:
        lab_hosts.enable_ipv6(lab)
        profile = lablib.Profile(lab.profile_path)

        # 1. every port over IPv6, default options
        out, xml = os.path.join(tmp, "v6.jsonl"), os.path.join(tmp, "v6.xml")
        argv = [args.binary, "scan", lab_hosts.TARGET_IP6, "-p-", "--show", "all", "-oJ", out, "-oX", xml]
        lablib.log("running: " + " ".join(argv))
        proc = lab.run(argv, timeout=240)
        title = f"all 65,536 ports of {lab_hosts.TARGET_IP6} match the IPv6 profile"
        if proc.returncode != 0 or not os.path.exists(out):
            lablib.log(f"FAIL: {title}: {lablib.describe(proc)}")
            return 1
        records, problems = lablib.read_jsonl(out)
        problems += check6(records, lab_hosts.TARGET_IP6, range(65536))
        tally = collections.Counter(f"{r.get('state')}/{r.get('reason')}" for r in records)
        lablib.log("results: " + ", ".join(f"{k}={v}" for k, v in sorted(tally.items())))
        failed |= lablib.report(title, problems)

        # 3. the XML: nmap's DTD, and ndiff against nmap -6 on the ports that matter
        problems = []
        if subprocess.run(["xmllint", "--noout", "--dtdvalid", NMAP_DTD, xml], capture_output=True).returncode != 0:
            problems.append("xmllint: the IPv6 XML does not validate against nmap's DTD")
        if 'addrtype="ipv6"' not in open(xml).read():
            problems.append('the XML has no addrtype="ipv6" address')
        ours, theirs = os.path.join(tmp, "ours.xml"), os.path.join(tmp, "nmap.xml")
        lab.run([args.binary, "scan", lab_hosts.TARGET_IP6, "-p", MIXED_PORTS, "-oX", ours], timeout=120)
        lab.run(["nmap", "-6", "-sS", "-Pn", "-n", "--reason", "-e", "veth-scan", "-p", MIXED_PORTS, "-oX", theirs,
                 lab_hosts.TARGET_IP6], timeout=120)
        nd = subprocess.run(["ndiff", theirs, ours], capture_output=True, text=True)
        if nd.returncode not in (0, 1):
            problems.append(f"ndiff failed: {nd.stderr.strip()}")
        for line in nd.stdout.splitlines():
            m = re.match(r"^([-+])(\d+)/tcp\s+(\S+)", line)
            if m:
                other = re.search(rf"^[{'+' if m.group(1) == '-' else '-'}]{m.group(2)}/tcp\s+(\S+)", nd.stdout, re.M)
                if not other or other.group(1) != m.group(3):
                    problems.append(f"ndiff: port {m.group(2)} state differs: {line}")
        lablib.log("ndiff nmap -6 vs portauth:\n" + nd.stdout.rstrip())
        failed |= lablib.report("IPv6 XML validates (nmap DTD) and ndiff finds nmap -6's port states", problems)

        # 2. a mixed target list
        targets = os.path.join(tmp, "hosts.txt")
        with open(targets, "w") as f:
            f.write(f"# both families\n{lablib.TARGET_IP}\n{lab_hosts.TARGET_IP6}\n")
        out = os.path.join(tmp, "mixed.jsonl")
        proc = lab.run([args.binary, "scan", "-iL", targets, "-p", MIXED_PORTS, "--show", "all", "-oJ", out],
                       timeout=120)
        title = "a mixed IPv4 + IPv6 target list: both hosts right in one run"
        if proc.returncode != 0 or not os.path.exists(out):
            lablib.log(f"FAIL: {title}: {lablib.describe(proc)}")
            return 1
        records, problems = lablib.read_jsonl(out)
        ports = lablib.parse_ports(MIXED_PORTS)
        problems += lablib.check_scan([r for r in records if r.get("ip") == lablib.TARGET_IP], [lablib.TARGET_IP],
                                      ports, profile.expected)
        problems += check6([r for r in records if r.get("ip") == lab_hosts.TARGET_IP6], lab_hosts.TARGET_IP6, ports)
        if len(records) != 2 * len(ports):
            problems.append(f"{len(records)} records, want {2 * len(ports)}")
        failed |= lablib.report(title, problems)

        # 4. probe and shieldsup on the IPv6 host (TruStealth's ping over ICMPv6 echo)
        problems = []
        for port, want in ((9000, ("open", "syn-ack")), (25, ("closed", "admin-prohibited"))):
            proc = lab.run([args.binary, "probe", lab_hosts.TARGET_IP6, str(port)], timeout=120)
            if proc.returncode != 0 or f"State:   {want[0]}" not in proc.stdout or f"Reason:  {want[1]}" not in proc.stdout:
                problems.append(f"probe {lab_hosts.TARGET_IP6} {port}: want {want}: {lablib.describe(proc)}")
        proc = lab.run([args.binary, "shieldsup", lab_hosts.TARGET_IP6], timeout=120)
        for want in (f"ShieldsUP report for {lab_hosts.TARGET_IP6}", "2 Ports Open", "2 Ports Stealth",
                     "Ping reply:           FAILED", "(3 replies to 3 requests)"):
            if want not in proc.stdout:
                problems.append(f"shieldsup {lab_hosts.TARGET_IP6}: no {want!r}: {lablib.describe(proc)}")
        failed |= lablib.report("probe and shieldsup over IPv6 (ICMPv6 echo for the ping check)", problems)
    return failed


if __name__ == "__main__":
    sys.exit(main())
