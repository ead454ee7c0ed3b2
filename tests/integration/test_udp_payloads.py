#!/usr/bin/env python3
"""Wireshark's dissectors read portauth's UDP probes as the protocols they are meant to be.

One `portauth scan -sU --pcap-out` (in the lab's scanner namespace, sending nothing) writes a
probe to every port the payload table knows (probe/udp_payloads.h) and to one it does not, over
IPv4 and IPv6; tshark reads the pcap back. For each probe:
  * no malformed-packet mark and no expert error: the bytes parse as the protocol says;
  * the dissector Wireshark picks for the port names the fields the payload promises: a DNS
    query for the root's NS with recursion desired, an NTP client request (mode 3, version 4), an
    SNMP get of sysDescr.0 with community "public", memcached's "stats", an SSDP M-SEARCH, an IKEv2
    IKE_SA_INIT from an initiator, an OpenVPN client hard reset, a NetBIOS node status query for
    '*', an mDNS PTR query, a SIP OPTIONS request, a TFTP read request, a portmapper and an NFS
    NULL call, a STUN binding request, a CoAP GET, a CLDAP search of the root DSE, a QUIC long
    header padded to 1200 bytes;
  * the UDP checksum is right (tshark's own validation), and the port without a payload gets
    an empty datagram.
Exit 0 pass, 1 fail, 77 skipped (not root, no namespaces, or no tshark: scripts/setup.sh
installs it).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lablib  # noqa: E402

# port -> (display filter that must match the probe, what it says)
EXPECT = {
    7: (None, "echo: 8 bytes"),
    13: (None, "daytime"),
    17: (None, "qotd"),
    19: (None, "chargen"),
    53: ('dns.flags.response == 0 && dns.flags.recdesired == 1 && dns.qry.type == 2 && dns.qry.name == "<Root>"',
         "DNS . NS, recursion desired"),
    69: ('tftp.opcode == 1 && tftp.source_file == "portauth-probe" && tftp.type == "octet"', "TFTP RRQ"),
    111: ("rpc.msgtyp == 0 && rpc.program == 100000 && rpc.procedure == 0", "portmapper NULL call"),
    123: ("ntp.flags.mode == 3 && ntp.flags.vn == 4", "NTPv4 client request"),
    137: ("nbns.flags.response == 0 && nbns.type == 33", "NetBIOS node status query"),
    161: ('snmp.community == "public" && snmp.name == 1.3.6.1.2.1.1.1.0 && snmp.get_request_element',
          "SNMP get sysDescr.0, public"),
    389: ('cldap && ldap.protocolOp == 3 && ldap.scope == 0 && ldap.present == "objectClass"',
          "CLDAP search of the root DSE"),
    443: ("quic.header_form == 1 && quic.version == 0x1a2a3a4a", "QUIC long header forcing version negotiation"),
    500: ("isakmp.exchangetype == 34 && isakmp.version == 0x20 && isakmp.flags == 0x08 && isakmp.length == 184",
          "IKEv2 IKE_SA_INIT from an initiator"),
    1194: ("openvpn.opcode == 7", "OpenVPN P_CONTROL_HARD_RESET_CLIENT_V2"),
    1434: (None, "SQL Server Browser CLNT_UCAST_EX"),
    1900: ('ssdp && http.request.method == "M-SEARCH"', "SSDP M-SEARCH"),
    2049: ("rpc.msgtyp == 0 && rpc.program == 100003 && rpc.procedure == 0", "NFSv3 NULL call"),
    3478: ("stun.type == 0x0001", "STUN binding request"),
    4500: ("udpencap && isakmp.exchangetype == 34", "IKEv2 behind the non-ESP marker"),
    5060: ('sip.Method == "OPTIONS"', "SIP OPTIONS"),
    5351: (None, "NAT-PMP external address request"),
    5353: ("mdns && dns.qry.type == 12", "mDNS PTR query"),
    5683: ("coap.code == 1", "CoAP GET"),
    10001: (None, "Ubiquiti discovery"),
    11211: (None, "memcached stats"),
}
EMPTY_PORT = 40000


def tshark(pcap, fields, display_filter=None):
    argv = ["tshark", "-r", pcap, "-o", "udp.check_checksum:TRUE", "-T", "fields", "-E", "separator=|"]
    for f in fields:
        argv += ["-e", f]
    if display_filter:
        argv += ["-Y", display_filter]
    r = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        raise RuntimeError(f"tshark failed: {r.stderr[-2000:]}")
    return [line.split("|") for line in r.stdout.splitlines() if line]


def main():
    args = lablib.parse_args(__doc__)
    lablib.require_lab_support()
    if shutil.which("tshark") is None:
        lablib.log("SKIP: tshark not installed (apt-get install tshark)")
        return lablib.SKIP
    problems = []
    ports = sorted(EXPECT) + [EMPTY_PORT]
    with lablib.Lab(args.repo) as lab, tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)
        pcap = os.path.join(tmp, "probes.pcap")
        r = lab.run([args.binary, "scan", "198.18.0.2", "2001:2::2", "-sU", "-p", ",".join(map(str, ports)),
                     "--pcap-out", pcap, "--retries", "0", "--source-ip", "198.18.0.1,2001:2::1",
                     "--no-progress", "--user", "root"])
        if r.returncode != 0:
            return lablib.report("pcap-out", [lablib.describe(r)])
        rows = tshark(pcap, ["ip.dst", "ipv6.dst", "udp.dstport", "udp.length", "udp.checksum.status",
                             "_ws.malformed", "_ws.expert.severity", "frame.protocols"])
        seen = {}
        for ip4, ip6, port, length, csum, malformed, severity, protocols in rows:
            key = (ip4 or ip6, int(port))
            seen[key] = protocols
            if csum != "1":  # Wireshark's PROTO_CHECKSUM_E_GOOD
                problems.append(f"{key}: UDP checksum status {csum!r} (1 is good)")
            if malformed:
                problems.append(f"{key}: Wireshark marks it malformed ({protocols})")
            if severity and int(severity, 0) >= 0x00800000:  # PI_ERROR
                problems.append(f"{key}: Wireshark reports an expert error ({protocols})")
            if int(port) == EMPTY_PORT and int(length) != 8:
                problems.append(f"{key}: a port without a payload got {int(length) - 8} bytes, not an empty datagram")
        for dst in ("198.18.0.2", "2001:2::2"):
            for port in ports:
                if (dst, port) not in seen:
                    problems.append(f"no probe to {dst} port {port}/udp in the pcap")
        for port, (flt, what) in sorted(EXPECT.items()):
            if not flt:
                continue
            hits = tshark(pcap, ["udp.dstport"], f"udp.dstport == {port} && ({flt})")
            if len(hits) != 2:
                problems.append(f"port {port}: {len(hits)} of 2 probes dissect as {what} ({flt}); "
                                f"protocols seen: {seen.get(('198.18.0.2', port))}")
        # QUIC: a server answers only a datagram of at least 1200 bytes (RFC 9000 14.1).
        for _, length in tshark(pcap, ["udp.dstport", "udp.length"], "udp.dstport == 443"):
            if int(length) - 8 < 1200:
                problems.append(f"QUIC probe of {int(length) - 8} bytes, under 1200")
        lablib.log(f"{len(rows)} probes dissected; {len(EXPECT)} payloads checked")
    return lablib.report("Wireshark reads every UDP payload as its protocol", problems)


if __name__ == "__main__":
    sys.exit(main())
