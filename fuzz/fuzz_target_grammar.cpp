// Fuzz harness: the target and port grammar (command-line specs and -iL list files).
//
// Input: the text of a spec or a list file. It is parsed as one target (parse_target), a
// comma list (parse_targets, parse_target_list with a resolver that never touches DNS), a
// list file (parse_target_text) and a port list (parse_ports). The only exception allowed
// out is SpecError; anything else escapes and the fuzzer reports it.
// Properties checked (a violation traps): a parsed range is never reversed; a RangeSet is
// sorted, disjoint and counts what its ranges hold; a port list is sorted and unique, and
// format_ports / parse_ports round-trip it.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/ipv4.h"
#include "config/port_spec.h"
#include "config/range_set.h"
#include "config/spec_error.h"
#include "config/target_list.h"
#include "config/target_spec.h"

using namespace portauth::config;

namespace {

#define FUZZ_CHECK(cond) \
  do {                   \
    if (!(cond)) __builtin_trap(); \
  } while (0)

// A resolver with no network: "one.example" style names resolve to a fixed address, the
// rest fail as an unknown name would.
std::vector<Address> fake_resolver(const std::string& host) {
  if (host.size() % 3 == 0) throw SpecError("cannot resolve host name '" + host + "'");
  return {Address::v4(0xc6120000u | uint32_t(host.size() & 0xff)), Address::v4(0xc6120100u),
          Address::v6(0x2001000200000000ULL, host.size())};  // A and AAAA
}

void check_set(const RangeSet& set) {
  Uint128 total = 0;
  bool saturated = false;
  const auto& r = set.ranges();
  for (size_t i = 0; i < r.size(); ++i) {
    FUZZ_CHECK(r[i].first <= r[i].last);
    if (i > 0) FUZZ_CHECK(r[i - 1].last.value + 1 < r[i].first.value);  // disjoint, not touching
    saturated = saturated || total > ~Uint128{0} - r[i].size();
    total += r[i].size();
  }
  FUZZ_CHECK(saturated || total == set.count128());
  if (!set.empty() && !saturated && total <= UINT64_MAX) {
    FUZZ_CHECK(set.at(0) == r.front().first);
    FUZZ_CHECK(set.at(set.count() - 1) == r.back().last);
    FUZZ_CHECK(set.index_of(r.back().last) == set.count() - 1);
  }
}

template <typename F>
void spec_errors_only(F&& f) {
  try {
    f();
  } catch (const SpecError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;  // specs are short; list files are many short lines
  const std::string text(reinterpret_cast<const char*>(data), size);

  spec_errors_only([&] {
    const AddressRange r = parse_target(text);
    FUZZ_CHECK(r.first <= r.last);
  });
  spec_errors_only([&] {
    std::string why;
    if (const auto a = parse_ipv4(text, &why)) FUZZ_CHECK(parse_ipv4(format_ipv4(*a)) == a);
  });
  spec_errors_only([&] {
    // Either family reads back what it writes (RFC 5952 for IPv6).
    std::string why;
    if (const auto a = parse_address(text, &why)) FUZZ_CHECK(parse_address(format_address(*a)) == a);
  });
  spec_errors_only([&] { check_set(parse_targets({text})); });
  spec_errors_only([&] { check_set(parse_target_list({text}, fake_resolver)); });
  spec_errors_only([&] { check_set(parse_target_text(text, "fuzz.txt", fake_resolver)); });
  spec_errors_only([&] {
    const std::vector<uint16_t> ports = parse_ports(text);
    FUZZ_CHECK(!ports.empty());
    for (size_t i = 1; i < ports.size(); ++i) FUZZ_CHECK(ports[i - 1] < ports[i]);
    FUZZ_CHECK(parse_ports(format_ports(ports)) == ports);
  });
  return 0;
}
