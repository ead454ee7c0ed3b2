// A JSONL line's facts read back into PortFacts: the exact inverse of what jsonl_writer.cpp
// writes for them, -sV's "service" object (service_json) and an open UDP port's reply fields
// ("reply", "reply_bytes", "probe_bytes", "amplification", "reply_risk"). For `portauth merge`,
// which hands each shard's facts to its writers as the scan's own stages handed them.
//
// Exact inverse: for any facts f and annotation a, jsonl_line(r, a, read(jsonl_line(r, a, f)))
// is byte for byte jsonl_line(r, a, f) (tests/output/port_facts_read_test.cpp, and
// fuzz_shard_line on any line). What a line does not carry stays empty, and no writer reads it:
// ServiceInfo::rule and ::seconds, ReplyFacts::protocol. Two things read back differently
// from the ServiceInfo that was written, and every writer treats both alike:
//   * a port not probed (method "table") whose name was empty is written with the database's
//     name (Annotation::service); it reads back with that name (service_text.h: the writers
//     use the database's name for an empty one);
//   * a banner escape_banner cut reads back as its first kBannerShown bytes followed by "..."
//     (service::unescape_banner), which escape_banner writes as the same text.
//
// Lines come from files others may have written: every key is checked for its type and
// bounds, and a service object must have exactly the writer's keys. The readers return "" or
// what is wrong, naming the key ("\"service\".tls.san[2] must be a string"); they never throw.
#pragma once
#include <cstddef>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "output/report.h"

namespace portauth::output {

// Bounds on what a line's facts may hold (far above what a scan writes: rules see at most
// 16 KiB of a reply, certificate names are cut at 300 bytes, 32 SAN entries are kept).
inline constexpr size_t kMaxFactText = 65536;  // bytes of one string
inline constexpr size_t kMaxFactItems = 1024;  // entries of "details" or "san"

// What a line's "service" is: absent (a line not written by the JSONL writer), the database's
// name as a string or null (a scan without -sV), or an object (-sV: on every line).
enum class ServiceForm { kAbsent, kName, kObject };

struct LineFacts {
  PortFacts facts;
  ServiceForm form = ServiceForm::kAbsent;
};

// -sV's "service" value: the table form {"name": .., "method": "table", "conf": 3} (a port
// -sV did not identify: closed, stealth) gives null; the full object a ServiceInfo.
std::string read_service_json(const nlohmann::ordered_json& value, std::shared_ptr<const service::ServiceInfo>& out);

// The reply fields of a line object (all five or none): null when there are none.
std::string read_reply_json(const nlohmann::ordered_json& line, std::shared_ptr<const probe::ReplyFacts>& out);

// Both, and the service's form, from a whole line object.
std::string read_port_facts(const nlohmann::ordered_json& line, LineFacts& out);

}  // namespace portauth::output
