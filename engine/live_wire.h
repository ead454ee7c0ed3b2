// The two ends of the wire for a scan, chosen from the plan:
//
//   --dry-run          NullSink + NullSource: every probe built once (permutation, cookies,
//                      template, batching; one unpaced pass, no waits), nothing sent, nothing
//                      captured; needs no privileges and no route (the generation rate)
//   --pcap-out FILE    PcapFileSink + NullSource: the same, with every probe written to FILE
//   --send-mode auto   the default: the fastest path that serves the plan (scanner/send_path.h):
//                      on an Ethernet link with one next hop per family whose MAC the neighbour
//                      cache holds, AF_XDP, else the TX ring (when AF_XDP cannot be opened),
//                      else raw; the choice and its reason go into Wire::send_path(_reason),
//                      hence -v and the summary
//   --send-mode raw    RawSocketSink + live capture (see raw_socket_sink.h)
//   --send-mode ring   PacketRingSink + live capture: Ethernet frames through a PACKET_MMAP TX
//                      ring, to the next hop's MAC read from the neighbour cache
//   --send-mode xdp    XdpSink + live capture: the same frames through an AF_XDP socket
//
// The capture ring is sized from the rate and the wait (capture/capture_sizing.h). Live wires
// open the capture first, so no reply to the first probe can be missed; everything throws
// common::SetupError (with a hint) before any packet is sent, including an explicit ring or
// xdp that cannot serve the plan (the message says why). The capture socket never sees our
// own probes (PACKET_IGNORE_OUTGOING, capture/pcap_source.cpp).
#pragma once
#include <memory>

#include "scanner/route.h"
#include "config/scan_plan.h"
#include "engine/wire.h"

namespace portauth::engine {

// The interface and source address: from the routing table, as before. An offline run does
// not need a route (nothing leaves): without one it uses --source-ip, or 0.0.0.0, on "none".
scanner::RouteChoice scan_route(const config::ScanPlan& plan);

// The capture ring's size in bytes: --pcap-buffer if given, else capture::size_capture's.
int capture_buffer_bytes(const config::ScanPlan& plan);

// `capture_filter`: the BPF filter for our replies (ScanSetup::capture_filter()).
Wire open_wire(const config::ScanPlan& plan, const scanner::RouteChoice& route, const std::string& capture_filter);

}  // namespace portauth::engine
