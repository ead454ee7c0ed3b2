// Fuzz harness: one line of a shard's JSONL as `portauth merge` reads it (shard files are
// copied from many machines; any of them may hold anything). The input is the line.
//   1. merge::parse_result_line: the result, and the facts the line carries (-sV's service
//      object, an open UDP port's reply: output/port_facts_read.h), or what is wrong;
//   2. service::unescape_banner on the same bytes (the banner's reader).
// Properties checked (a violation traps):
//   * the writer's line is always readable, and reading is its exact inverse: a line that
//     was accepted, written again by the JSONL writer, reads back to the same result, form and
//     facts, and written once more gives the same bytes (write . read . write == write);
//   * a text unescape_banner accepts is one escape_banner writes: escaping what it gave back
//     gives the same text.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "merge/shard_results.h"
#include "output/jsonl_writer.h"
#include "service/service_info.h"

using namespace portauth;

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  std::string bytes;
  if (service::unescape_banner(text, bytes)) check(service::escape_banner(bytes) == text);

  merge::ResultLine first;
  if (!merge::parse_result_line(text, first).empty()) return 0;
  static const output::Annotation kNote{"https", "HTTP over TLS", "low", ""};
  const bool sv = first.facts.form == output::ServiceForm::kObject;
  const std::string written = output::jsonl_line(first.result, kNote, first.facts.facts, sv);

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
