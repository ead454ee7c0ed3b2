// Fuzz harness: the bytes a service sends us, through every identification rule. The input is
// what a server on an open port controls: a greeting, an answer to a probe, a follow-up reply.
// Each input goes through
//   1. every identifier's match() (every rule in order) and match_any() with each identifier
//      tried first, as the session does after sending that identifier's probe;
//   2. every identifier's refine() on a provisional match named after each of its rules (SMTP's
//      EHLO reply, MQTT's SUBACK and PUBLISH), the follow-up parsers;
//   3. the shared readers: the HTTP/SIP response reader, the BER reader, the text helpers and
//      the banner escaping.
// Properties checked (a violation traps): every text a rule returns (name, product, version,
// extrainfo, hostname, ostype, details) is printable ASCII and bounded; the escaped banner is
// printable; the rule id names a rule of the identifier that matched.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "service/ber.h"
#include "service/http_response.h"
#include "service/registry.h"
#include "service/service_info.h"
#include "service/text_scan.h"

namespace {

using namespace portauth::service;

void check_text(const std::string& s, size_t cap) {
  if (s.size() > cap) std::abort();
  for (const char c : s)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) std::abort();
}

void check(const Identified& id, const Identifier& by) {
  check_text(id.name, 40);
  check_text(id.product, 200);
  check_text(id.version, 80);
  check_text(id.extrainfo, 200);
  check_text(id.hostname, 260);
  check_text(id.ostype, 40);
  for (const auto& [k, v] : id.details) {
    check_text(k, 40);
    check_text(v, 200);
  }
  bool known = id.rule == "ftp.ehlo-refused";  // the rule SMTP's refine() switches to
  for (const Rule& r : by.rules()) known = known || r.id == id.rule;
  if (!known) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  for (const Identifier* id : identifiers()) {
    if (auto m = id->match(bytes)) check(*m, *id);
    if (auto any = match_any(bytes, id)) check(any->id, *any->by);
    for (const Rule& r : id->rules()) {
      Identified provisional;
      provisional.name = std::string(r.name);
      provisional.rule = r.id;
      id->refine(provisional, bytes);
      check(provisional, *id);
    }
  }
  if (const auto r = parse_http_response(bytes)) {
    if (r->headers.size() > kMaxHeaders) std::abort();
    check_text(r->title(), 80);
    (void)r->header("Server");
  }
  (void)parse_http_response(bytes, "SIP/2.0 ");
  std::string_view rest = bytes;
  for (int i = 0; i < 64; ++i) {  // a chain of TLVs, and into each value
    const auto t = ber::read(rest);
    if (!t) break;
    if (t->size == 0 || t->size > rest.size() || t->value.size() > t->size) std::abort();
    (void)ber::read(t->value);
    rest.remove_prefix(t->size);
  }
  check_text(escape_banner(bytes), kBannerShown * 4 + 3);
  (void)text::version_after(bytes, "v");
  (void)text::word_after(bytes, ":");
  (void)text::line_at(bytes, 3);
  return 0;
}
