// The two ends of the wire for a scan, chosen from the plan:
//
//   --dry-run          NullSink + NullSource: every probe built once (permutation, cookies,
//                      template, batching; one unpaced pass, no waits), nothing sent, nothing
//                      captured; needs no privileges and no route (the generation rate)
//   --pcap-out FILE    PcapFileSink + NullSource: the same, with every probe written to FILE
//   --send-mode raw    RawSocketSink + live capture (the default: see raw_socket_sink.h)
//   --send-mode ring   PacketRingSink + live capture: Ethernet frames through a PACKET_MMAP TX
//                      ring, to the next hop's MAC read from the neighbour cache
//
// The capture ring is sized from the rate and the wait (capture/capture_sizing.h). Live wires
// open the capture first, so no reply to the first probe can be missed; everything throws
// common::SetupError (with a hint) before any packet is sent.
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
