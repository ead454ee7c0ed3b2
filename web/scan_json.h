// Scans as JSON: the API's answer (POST /api/scan) and the events of its streaming form
// (POST /api/scan/stream, Server-Sent Events), which the page's script reads.
//
//   begin  {"target", "test", "count", "ports": [[first, last], ...]}          before any probe
//   port   {"port", "state", "reason", "ttl", "service", "purpose", "risk"}    one per tested port
//   service  the same object for an open port once what answers there is known (after its port
//          event; the page's script updates the cell)
//   done   the whole result, as POST /api/scan answers it:
//          {"target", "test", "started", "seconds", "complete",
//           "counts": {"open", "closed", "stealth", "tested"},
//           "ports": [port objects, by port],
//           "trustealth": {"passed", "all_stealth": {"passed", "detail"}, "unsolicited": {...},
//                          "ping": {...}, "echo_requests", "echo_replies", "frames_from_target"},
//           "services": {"identified", "unrecognised", "silent", "tcpwrapped", "unfinished",
//                        "connections", "seconds"}   (when identification ran: the counts, and
//                                                     its time after the SYN scan)
//           "report": "/report.txt"}
//   error  {"error"}                                                            the scan did not run
// "ttl" is null for a stealth port; "purpose" and "risk" come from the port database ("" when it
// says nothing); "service" is the object `scan -sV --format jsonl` writes (output/jsonl_writer.h):
// on an identified open port {"name", "product", "version", "extrainfo", "hostname", "ostype",
// "tunnel", "method": "probed", "conf", "answer", "details", "tls", "banner" (escaped)}, on the
// others the database's name {"name", "method": "table", "conf": 3}; "answered" (there once
// identification concluded) says the same in a few words, as the pages do: "nginx 1.22.1",
// "silent: accepts connections, never sends a byte" (output/service_text.h).
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "db/port_db.h"
#include "web/scan_runner.h"

namespace portauth::web {

nlohmann::json begin_json(const ScanOrder& order);
nlohmann::json port_json(const PortFinding& finding, const db::PortDb& db);
nlohmann::json result_json(const ScanOrder& order, const ScanOutcome& outcome, const db::PortDb& db,
                           std::string_view started_utc);

// One Server-Sent Event: "event: NAME\ndata: JSON\n\n" (the JSON on one line).
std::string sse_event(std::string_view name, const nlohmann::json& data);

// "2025-01-31T12:34:56Z" for seconds since the epoch.
std::string utc_time(int64_t unix_seconds);

}  // namespace portauth::web
