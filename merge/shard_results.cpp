#include "merge/shard_results.h"

#include <charconv>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "config/address.h"
#include "merge/sha256.h"
#include "probe/probe_space.h"
#include "probe/probe_table.h"

namespace portauth::merge {

namespace {

// portauth's own lines that carry no fact, as jsonl_writer.cpp writes them, read without
// building a JSON tree:
//   {"ip":"A.B.C.D","port":N,"proto":"tcp","state":"S","reason":"R","ttl":T|null,
//    "service":"NAME"|null,                                  (no -sV)
//    "service":{"name":"NAME"|null,"method":"table","conf":3},  (-sV's table form)
//    "purpose":"TEXT"|null,"risk":"TEXT"|null}
// and nothing else (no UDP reply fields, no escapes). Merging an Internet-wide scan means tens
// of millions of these (closed and stealth ports), and the general parser spends most of the
// time on allocation. Anything else (a service object with facts, a reply, other key order,
// spaces, escapes) returns false and goes to the general parser, which gives the same result
// or the error, and reads the facts.
bool parse_canonical(std::string_view line, ResultLine& parsed) {
  probe::ScanResult& out = parsed.result;
  // The literal's length known at compile time: the compiler compares it inline.
  auto take = [&]<size_t N>(const char (&lit)[N]) {
    if (line.size() < N - 1 || std::memcmp(line.data(), lit, N - 1) != 0) return false;
    line.remove_prefix(N - 1);
    return true;
  };
  auto until_quote = [&](std::string_view& field) {
    const size_t q = line.find('"');
    if (q == std::string_view::npos || line.substr(0, q).find('\\') != std::string_view::npos) return false;
    field = line.substr(0, q);
    line.remove_prefix(q + 1);
    return true;
  };
  auto number = [&](uint64_t& v, uint64_t max) {
    auto [p, ec] = std::from_chars(line.data(), line.data() + line.size(), v);
    if (ec != std::errc() || p == line.data() || v > max) return false;
    line.remove_prefix(size_t(p - line.data()));
    return true;
  };
  std::string_view ip, proto_text, state, reason;
  uint64_t port = 0, ttl = 0;
  if (!take("{\"ip\":\"") || !until_quote(ip) || !take(",\"port\":") || !number(port, 65535) ||
      !take(",\"proto\":\"") || !until_quote(proto_text) || !take(",\"state\":\"") || !until_quote(state) ||
      !take(",\"reason\":\"") || !until_quote(reason) || !take(",\"ttl\":"))
    return false;
  const bool null_ttl = take("null");
  if (!null_ttl && !number(ttl, 255)) return false;
  auto string_or_null = [&] {
    std::string_view text;
    return take("null") || (take("\"") && until_quote(text));
  };
  if (!take(",\"service\":")) return false;
  const bool object = take("{\"name\":");
  if (!string_or_null() || (object && !take(",\"method\":\"table\",\"conf\":3}"))) return false;
  // The whole line: nothing after the risk (no reply fields, no other key).
  if (!take(",\"purpose\":") || !string_or_null() || !take(",\"risk\":") || !string_or_null() || line != "}")
    return false;
  const auto addr = config::parse_address(ip);
  const auto r = probe::reason_from_name(reason);
  const auto proto = config::proto_from_name(proto_text);
  if (!addr || !r || !proto || *r == probe::Reason::kNone) return false;
  const auto st = probe::state_of(*r, *proto);
  if (probe::state_name(st) != state) return false;
  const bool silent = st == probe::PortState::kStealth || st == probe::PortState::kOpenFiltered;
  if (silent != null_ttl) return false;
  out = {*addr, uint16_t(port), *r, uint8_t(ttl), *proto};
  parsed.facts = {};
  parsed.facts.form = object ? output::ServiceForm::kObject : output::ServiceForm::kName;
  return true;
}

}  // namespace

std::string parse_result_line(std::string_view line, ResultLine& parsed) {
  if (parse_canonical(line, parsed)) return "";
  probe::ScanResult& out = parsed.result;
  // Ordered: the service object's "details" keep the order the rules found them in.
  const auto j = nlohmann::ordered_json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return "not a JSON object";
  const auto ip = j.find("ip"), port = j.find("port"), state = j.find("state"), reason = j.find("reason"),
             ttl = j.find("ttl"), proto = j.find("proto");
  if (ip == j.end() || !ip->is_string()) return "no \"ip\" string";
  const auto addr = config::parse_address(ip->get<std::string>());
  if (!addr) return "bad \"ip\" '" + ip->get<std::string>() + "'";
  if (port == j.end() || !port->is_number_unsigned() || port->get<uint64_t>() > 65535) return "bad \"port\"";
  if (state == j.end() || !state->is_string() || reason == j.end() || !reason->is_string())
    return "no \"state\" or \"reason\" string";
  const auto r = probe::reason_from_name(reason->get<std::string>());
  if (!r || *r == probe::Reason::kNone) return "unknown reason '" + reason->get<std::string>() + "'";
  // Lines written before UDP existed may lack "proto": they are TCP.
  std::optional<config::Proto> p = config::Proto::kTcp;
  if (proto != j.end()) p = proto->is_string() ? config::proto_from_name(proto->get<std::string>()) : std::nullopt;
  if (!p) return "bad \"proto\" (tcp or udp)";
  const auto st = probe::state_of(*r, *p);
  if (probe::state_name(st) != state->get<std::string>())
    return "state '" + state->get<std::string>() + "' does not go with reason '" + reason->get<std::string>() + "'";
  out.addr = *addr;
  out.port = uint16_t(port->get<uint64_t>());
  out.reason = *r;
  out.proto = *p;
  out.ttl = 0;
  if (st != probe::PortState::kStealth && st != probe::PortState::kOpenFiltered) {
    if (ttl == j.end() || !ttl->is_number_unsigned() || ttl->get<uint64_t>() > 255) return "bad \"ttl\"";
    out.ttl = uint8_t(ttl->get<uint64_t>());
  }
  return output::read_port_facts(j, parsed.facts);
}

ShardTally read_shard_results(const PlanKey& plan, const ShardFile& shard, unsigned deliver_mask,
                              const ResultSink& sink) {
  const std::string& path = shard.results_path;
  const std::string name = "shard " + std::to_string(shard.manifest.shard) + "/" + std::to_string(plan.shards);
  std::vector<config::AddressRange> ranges;
  for (const auto& [a, b] : plan.targets) ranges.push_back({a, b});
  const probe::ProbeSpace space(config::RangeSet(ranges), plan.ports, plan.udp_ports, plan.seed,
                                shard.manifest.shard - 1, plan.shards);
  probe::ProbeTable seen(space.slots());
  ShardTally t;
  t.probes = space.slots();

  struct Closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::unique_ptr<std::FILE, Closer> f(std::fopen(path.c_str(), "rb"));
  if (!f) throw std::runtime_error(path + ": cannot read the results of " + name);
  Sha256 hash;
  constexpr size_t kChunk = 1 << 20;
  std::unique_ptr<char[]> buf(new char[kChunk]);
  std::string carry;  // a line split across two reads
  uint64_t stealth_listed = 0, open_filtered_listed = 0;
  uint64_t first_object = 0, first_name = 0;  // the line numbers where each form was first seen
  ResultLine parsed;
  auto too_long = [&](uint64_t line_number) {
    throw std::runtime_error(path + ":" + std::to_string(line_number) + ": longer than " +
                             std::to_string(kMaxLineBytes) + " bytes (not a line of portauth's JSONL output)");
  };
  auto line = [&](std::string_view text) {
    ++t.lines;
    auto bad = [&](const std::string& what) {
      throw std::runtime_error(path + ":" + std::to_string(t.lines) + ": " + what);
    };
    if (text.size() > kMaxLineBytes) too_long(t.lines);
    const std::string why = parse_result_line(text, parsed);
    if (!why.empty()) bad(why + " (not a line of portauth's JSONL output)");
    const probe::ScanResult& r = parsed.result;
    const output::PortFacts& facts = parsed.facts.facts;
    if (parsed.facts.form == output::ServiceForm::kObject) {
      if (first_name) bad("\"service\" is an object (a scan with -sV) but a name on line " + std::to_string(first_name) +
                          " (a scan without): not the lines of one scan");
      ++t.service_objects;
      if (!first_object) first_object = t.lines;
    } else if (parsed.facts.form == output::ServiceForm::kName) {
      if (first_object) bad("\"service\" is a name (a scan without -sV) but an object on line " +
                            std::to_string(first_object) + " (a scan with -sV): not the lines of one scan");
      ++t.service_names;
      if (!first_name) first_name = t.lines;
    }
    if (parsed.facts.form == output::ServiceForm::kObject && !facts.service && r.proto == config::Proto::kTcp &&
        r.state() == probe::PortState::kOpen)
      ++t.services_not_tried;
    if (facts.service) {
      switch (facts.service->answer) {
        case service::Answer::kIdentified: ++t.services_identified; break;
        case service::Answer::kUnrecognised: ++t.services_unrecognised; break;
        case service::Answer::kSilent: ++t.services_silent; break;
        case service::Answer::kTcpwrapped: ++t.services_tcpwrapped; break;
        default: ++t.services_unfinished; break;
      }
    }
    const std::string where = config::format_address(r.addr) + ":" + std::to_string(r.port) +
                              (r.proto == config::Proto::kUdp ? "/udp" : "");
    const auto slot = space.slot_of(r.addr, r.port, r.proto);
    if (!slot) bad(where + " is not a probe of " + name + " of this plan");
    if (!seen.record(*slot, 0)) bad(where + " is listed twice");
    const auto state = r.state();
    unsigned bit = config::kShowStealth;
    if (state == probe::PortState::kOpen) ++t.open, bit = config::kShowOpen;
    else if (state == probe::PortState::kClosed || state == probe::PortState::kFiltered) ++t.closed, bit = config::kShowClosed;
    else (r.proto == config::Proto::kUdp ? open_filtered_listed : stealth_listed) += 1;
    if (sink && (deliver_mask & bit)) sink(r, facts);
  };
  size_t n;
  while ((n = std::fread(buf.get(), 1, kChunk, f.get())) > 0) {
    hash.update(buf.get(), n);
    std::string_view chunk(buf.get(), n);
    size_t start = 0;
    for (size_t nl; (nl = chunk.find('\n', start)) != std::string_view::npos; start = nl + 1) {
      if (!carry.empty()) {
        carry.append(chunk.substr(start, nl - start));
        line(carry);
        carry.clear();
      } else {
        line(chunk.substr(start, nl - start));
      }
    }
    carry.append(chunk.substr(start));
    if (carry.size() > kMaxLineBytes) too_long(t.lines + 1);
  }
  if (std::ferror(f.get())) throw std::runtime_error(path + ": read error");
  if (!carry.empty()) line(carry);  // a last line without its newline
  if (!shard.results_sha256.empty() && hash.hex_digest() != shard.results_sha256)
    throw std::runtime_error(path + ": changed since " + name +
                             " wrote it (its SHA-256 differs from the manifest's): run the shard again");

  const unsigned show = shard.manifest.show;
  const uint64_t unlisted = t.probes - seen.answered();
  if (show & config::kShowStealth) {
    if ((show & config::kShowOpen) && (show & config::kShowClosed) && unlisted > 0)
      throw std::runtime_error(path + ": " + std::to_string(unlisted) + " of the " + std::to_string(t.probes) +
                               " probes of " + name + " are not in it, though it lists every state");
    t.stealth = stealth_listed;
    t.open_filtered = open_filtered_listed;
  } else if ((show & config::kShowOpen) && (show & config::kShowClosed)) {
    t.stealth = unlisted;
    const bool deliver = sink && (deliver_mask & config::kShowStealth);
    // A plan with UDP ports splits the unlisted by protocol (a walk over the shard's slots).
    if (deliver || !plan.udp_ports.empty())
      for (uint64_t slot = 0; slot < space.slots(); ++slot) {
        if (seen.get(slot)) continue;
        const auto p = space.at(slot);
        if (p.proto == config::Proto::kUdp) --t.stealth, ++t.open_filtered;
        if (!deliver) continue;
        sink({p.addr, p.port, probe::Reason::kNoResponse, 0, p.proto}, {});
      }
  }
  return t;
}

}  // namespace portauth::merge
