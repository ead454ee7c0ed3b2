// LDAP (RFC 4511 4.1.1, 4.5; RFC 4512 5.1 the root DSE; RFC 3045 vendorName/vendorVersion): we
// send an anonymous search of the root DSE (base "", scope base, filter (objectClass=*)) for
// the vendor's name and version, which needs no bind; the server answers SearchResultEntry
// (application tag 4) and SearchResultDone (5), or an error result. Read-only.
#include <array>

#include "service/ber.h"
#include "service/families.h"
#include "service/text_scan.h"

namespace portauth::service {
namespace {

using namespace std::literals;

// The LDAPMessage at the start: SEQUENCE { messageID INTEGER, protocolOp [APPLICATION n] }.
std::optional<ber::Tlv> protocol_op(std::string_view b) {
  const auto msg = ber::read(b);
  if (!msg || msg->tag != 0x30) return std::nullopt;
  const auto id = ber::read(msg->value);
  if (!id || id->tag != 0x02 || id->value.empty() || id->value.size() > 4) return std::nullopt;
  const auto op = ber::read(msg->value.substr(id->size));
  if (!op || (op->tag & 0xe0) != 0x60) return std::nullopt;  // [APPLICATION n], constructed
  return op;
}

// SearchResultEntry: objectName, then attributes SEQUENCE OF { type, SET OF value }.
void vendor(std::string_view entry, Identified& o) {
  const auto dn = ber::read(entry);
  if (!dn) return;
  const auto attrs = ber::read(entry.substr(dn->size));
  if (!attrs || attrs->tag != 0x30) return;
  std::string_view rest = attrs->value;
  for (size_t n = 0; !rest.empty() && n < 64; ++n) {
    const auto attr = ber::read(rest);
    if (!attr) return;
    rest.remove_prefix(attr->size);
    const auto type = ber::read(attr->value);
    if (!type) return;
    const auto set = ber::read(attr->value.substr(type->size));
    if (!set) return;
    const auto first = ber::read(set->value);
    if (!first) continue;
    if (text::istarts_with(type->value, "vendorName") && type->value.size() == 10)
      o.product = text::printable(first->value, 60);
    else if (text::istarts_with(type->value, "vendorVersion") && type->value.size() == 13)
      o.version = text::printable(first->value, 40);
    else if (text::istarts_with(type->value, "supportedLDAPVersion"))
      o.add_detail("ldap_versions", text::printable(first->value, 8));
  }
}

const std::array<Rule, 2> kRules = {{
    {"ldap.root-dse", "ldap",
     [](std::string_view b, Identified& o) {
       const auto op = protocol_op(b);
       if (!op || op->tag != 0x64) return false;  // SearchResultEntry
       vendor(op->value, o);
       return true;
     },
     {{"\x30\x5d\x02\x01\x01\x64\x58\x04\x00\x30\x54\x30\x1b\x04\x0a\x76\x65\x6e\x64\x6f\x72\x4e\x61\x6d\x65\x31\x0d"
       "\x04\x0b\x33\x38\x39\x20\x50\x72\x6f\x6a\x65\x63\x74\x30\x18\x04\x0d\x76\x65\x6e\x64\x6f\x72\x56\x65\x72\x73"
       "\x69\x6f\x6e\x31\x07\x04\x05\x32\x2e\x33\x2e\x34\x30\x1b\x04\x14\x73\x75\x70\x70\x6f\x72\x74\x65\x64\x4c\x44"
       "\x41\x50\x56\x65\x72\x73\x69\x6f\x6e\x31\x03\x04\x01\x33"sv,
       "389 Project", "2.3.4", "", "389 Directory Server root DSE (hand-assembled per RFC 4511)"}}},
    {"ldap.result", "ldap",
     [](std::string_view b, Identified& o) {
       const auto op = protocol_op(b);
       // SearchResultDone (5), BindResponse (1), ExtendedResponse (24: notice of disconnection).
       if (!op || (op->tag != 0x65 && op->tag != 0x61 && op->tag != 0x78)) return false;
       const auto code = ber::read(op->value);
       if (!code || code->tag != 0x0a || code->value.size() != 1) return false;
       o.add_detail("result_code", std::to_string(uint8_t(code->value[0])));
       return true;
     },
     {{"\x30\x0c\x02\x01\x01\x65\x07\x0a\x01\x00\x04\x00\x04\x00"sv, "", "", "", "OpenLDAP: a root DSE with nothing to show"},
      {"\x30\x84\x00\x00\x00\x10\x02\x01\x01\x65\x84\x00\x00\x00\x07\x0a\x01\x01\x04\x00\x04\x00"sv, "", "", "",
       "Active Directory: long-form lengths, operationsError"}}},
}};

constexpr std::array<std::string_view, 3> kPortNames = {"ldap", "active-directory", "ad"};

std::string probe(const ProbeContext&) {
  using ber::tlv;
  const std::string attrs = tlv(0x04, "vendorName") + tlv(0x04, "vendorVersion") + tlv(0x04, "supportedLDAPVersion");
  const std::string search = tlv(0x04, "") + tlv(0x0a, "\x00"sv) + tlv(0x0a, "\x00"sv) + tlv(0x02, "\x00"sv) +
                             tlv(0x02, "\x00"sv) + tlv(0x01, "\x00"sv) + tlv(0x87, "objectClass") + tlv(0x30, attrs);
  return tlv(0x30, tlv(0x02, "\x01"sv) + tlv(0x63, search));
}

const TableIdentifier kLdap({.family = "ldap", .speaks_first = false, .port_names = kPortNames, .rules = kRules,
                             .probe = probe});

}  // namespace

const Identifier& ldap_identifier() { return kLdap; }

}  // namespace portauth::service
