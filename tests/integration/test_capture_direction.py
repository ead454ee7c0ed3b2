#!/usr/bin/env python3
"""The capture socket never receives our own outgoing frames: PACKET_IGNORE_OUTGOING, not just
libpcap's user-space direction check.

In the lab's scanner namespace, tools/capture_direction opens the live capture exactly as a scan
does (capture::open_live) with a filter that matches our own datagrams too, sends 200 UDP
datagrams to the target's discard port and reads for half a second:
  1. default: the kernel says it ignores outgoing frames, the capture delivers none of ours, and
     the kernel's own count of frames put in the ring (pcap "received") is only what came in;
  2. --keep-outgoing (the capture as it was before): the kernel counts our 200 datagrams too,
     while libpcap still hides them from us. That is the copy per probe the option saves, and the
     proof that check 1 can fail.
Exit 0 pass, 1 fail, 77 skipped.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lablib  # noqa: E402

COUNT = 200


def run_tool(lab, tool, extra):
    proc = lab.run([tool, "veth-scan", lablib.TARGET_IP, str(COUNT), *extra], timeout=30)
    if proc.returncode != 0:
        raise RuntimeError(f"capture_direction {' '.join(extra)}: {lablib.describe(proc)}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", required=True)
    ap.add_argument("--repo", required=True)
    ap.add_argument("--tool", required=True, help="the capture_direction executable")
    args = ap.parse_args()
    lablib.require_lab_support()
    problems = []
    with lablib.Lab(os.path.abspath(args.repo)) as lab:
        new = run_tool(lab, os.path.abspath(args.tool), [])
        old = run_tool(lab, os.path.abspath(args.tool), ["--keep-outgoing"])
        lablib.log(f"  PACKET_IGNORE_OUTGOING: {new}")
        lablib.log(f"  as before:              {old}")
        if not new["kernel_ignores_outgoing"]:
            problems.append("the kernel did not take PACKET_IGNORE_OUTGOING on the capture socket")
        if new["delivered_outgoing"] or old["delivered_outgoing"]:
            problems.append(f"our own datagrams were delivered to the capture: {new}, {old}")
        if new["delivered_incoming"] < 1:
            problems.append(f"no reply (ICMP port unreachable) was captured: {new}")
        if new["kernel_received"] != new["delivered_incoming"]:
            problems.append(f"the kernel put {new['kernel_received']} frames in the ring for "
                            f"{new['delivered_incoming']} incoming ones: it still copies ours")
        if old["kernel_received"] < COUNT + old["delivered_incoming"]:
            problems.append(f"without the option the kernel counted {old['kernel_received']} frames, want at least "
                            f"{COUNT} of ours + {old['delivered_incoming']} incoming: the check above proves nothing")
    return lablib.report("the capture never receives our own frames (PACKET_IGNORE_OUTGOING)", problems)


if __name__ == "__main__":
    sys.exit(main())
