// Fuzz harness: one line of a shard's JSONL as `portauth merge` reads it (shard files are
// copied from many machines; any of them may hold anything). The input is the line.
//   1. merge::parse_result_line: the result, and the facts the line carries (-sV's service
//      object, an open UDP port's reply: output/port_facts_read.h), or what is wrong;
//   2. service::unescape_banner on the same bytes (the banner's reader).
// Properties checked (a violation traps):
//   * reading loses nothing: an accepted line written again by the JSONL writer has the same
//     service object and reply fields as the input, key for key (details in the same order,
//     the banner's text the same), but for what the writer normalises: "" for null, the
//     database's name for a not-probed port's empty one, the amplification rounded;
//   * the writer's line is always readable, and reading is its exact inverse: it reads back to
//     the same result, form and facts, and written once more gives the same bytes
//     (write . read . write == write);
//   * a text unescape_banner accepts is one escape_banner writes: escaping what it gave back
//     gives the same text.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "merge/shard_results.h"
#include "output/jsonl_writer.h"
#include "service/service_info.h"

using namespace portauth;

namespace {

using Json = nlohmann::ordered_json;

const output::Annotation kNote{"https", "HTTP over TLS", "low", ""};

void check(bool ok) {
  if (!ok) __builtin_trap();
}

// The writer's or_null(): an empty string is written as null.
Json normal(const Json& v) { return v.is_string() && v.get_ref<const std::string&>().empty() ? Json() : v; }

// Every key of the input's object (a service object or its "tls") is the written one's.
void same_keys(const Json& in, const Json& out, bool table_name) {
  check(in.size() == out.size());
  for (const auto& [k, v] : in.items()) {
    check(out.contains(k));
    if (k == "details" || k == "san") check(v == out[k]);
    else if (k == "tls" && v.is_object()) same_keys(v, out[k], false);
    else if (k == "name" && table_name && normal(v).is_null()) check(out[k] == kNote.service);
    else check(normal(v) == out[k]);
  }
}

void same_facts(std::string_view line, const std::string& written, const output::PortFacts& facts) {
  const Json in = Json::parse(line, nullptr, false), out = Json::parse(written);
  if (facts.service) same_keys(in["service"], out["service"], !facts.service->probed);
  if (facts.reply) {
    for (const char* k : {"reply", "reply_bytes", "probe_bytes", "reply_risk"}) check(normal(in[k]) == out[k]);
    if (facts.reply->probe_bytes == 0) check(out["amplification"].is_null());
    else check(std::fabs(out["amplification"].get<double>() - facts.reply->amplification) <= 0.005);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  std::string bytes;
  if (service::unescape_banner(text, bytes)) check(service::escape_banner(bytes) == text);

  merge::ResultLine first;
  if (!merge::parse_result_line(text, first).empty()) return 0;
  const bool sv = first.facts.form == output::ServiceForm::kObject;
  const std::string written = output::jsonl_line(first.result, kNote, first.facts.facts, sv);
  same_facts(text, written, first.facts.facts);

  merge::ResultLine second;
  check(merge::parse_result_line(written, second).empty());
  check(second.result.addr == first.result.addr && second.result.port == first.result.port &&
        second.result.reason == first.result.reason && second.result.proto == first.result.proto);
  check(second.facts.form == (sv ? output::ServiceForm::kObject : output::ServiceForm::kName));
  check(bool(second.facts.facts.service) == bool(first.facts.facts.service));
  check(bool(second.facts.facts.reply) == bool(first.facts.facts.reply));
  check(output::jsonl_line(second.result, kNote, second.facts.facts, sv) == written);
  return 0;
}
