// MongoDB (the MongoDB Wire Protocol and BSON specification, bsonspec.org): we send the
// handshake every driver sends, an OP_QUERY of {isMaster: 1} on admin.$cmd, which servers
// answer before authentication (an OP_REPLY, or OP_MSG from newer servers) with a document
// holding ismaster, maxWireVersion, and msg "isdbgrid" on a mongos router. Read-only.
#include <array>

#include "service/families.h"
#include "service/text_scan.h"

namespace portauth::service {
namespace {

using namespace std::literals;

struct Hello {
  bool has_ismaster = false;
  int32_t max_wire = -1;
  std::string msg;
};

// Walks the top level of one BSON document (every length checked; nested documents skipped).
std::optional<Hello> read_hello(std::string_view doc) {
  if (doc.size() < 5) return std::nullopt;
  const uint32_t len = text::le32(doc, 0);
  if (len < 5 || len > doc.size()) return std::nullopt;
  doc = doc.substr(4, len - 5);
  Hello h;
  for (size_t elements = 0; !doc.empty() && elements < 256; ++elements) {
    const uint8_t type = uint8_t(doc[0]);
    const size_t nul = doc.find('\0', 1);
    if (nul == std::string_view::npos) return std::nullopt;
    const std::string_view name = doc.substr(1, nul - 1);
    doc.remove_prefix(nul + 1);
    size_t size = 0;
    switch (type) {
      case 0x01: case 0x09: case 0x11: case 0x12: size = 8; break;  // double, datetime, timestamp, int64
      case 0x07: size = 12; break;                                   // ObjectId
      case 0x08: size = 1; break;                                    // bool
      case 0x0A: size = 0; break;                                    // null
      case 0x10: size = 4; break;                                    // int32
      case 0x13: size = 16; break;                                   // decimal128
      case 0x02:                                                     // string: int32 length (with NUL)
        if (doc.size() < 4) return std::nullopt;
        size = 4 + size_t(text::le32(doc, 0));
        break;
      case 0x03: case 0x04:                                          // document, array: int32 total length
        if (doc.size() < 4) return std::nullopt;
        size = text::le32(doc, 0);
        break;
      case 0x05:                                                     // binary: int32 length, subtype
        if (doc.size() < 4) return std::nullopt;
        size = 5 + size_t(text::le32(doc, 0));
        break;
      default: return h.has_ismaster ? std::optional(h) : std::nullopt;
    }
    if (size > doc.size()) return std::nullopt;
    if ((name == "ismaster" || name == "isWritablePrimary") && type == 0x08) h.has_ismaster = true;
    if (name == "maxWireVersion" && type == 0x10) h.max_wire = int32_t(text::le32(doc, 0));
    if (name == "msg" && type == 0x02 && size > 5) h.msg = text::printable(doc.substr(4, size - 5), 40);
    doc.remove_prefix(size);
  }
  if (!h.has_ismaster) return std::nullopt;
  return h;
}

// The reply's document: OP_REPLY (opcode 1) after 20 bytes of reply fields, or OP_MSG
// (2013) after its flag bits and a kind-0 section byte.
std::optional<std::string_view> reply_document(std::string_view b) {
  if (b.size() < 16) return std::nullopt;
  const uint32_t len = text::le32(b, 0), opcode = text::le32(b, 12);
  if (len < 16 || len > 48 * 1024 * 1024) return std::nullopt;
  b = b.substr(0, std::min<size_t>(len, b.size()));
  if (opcode == 1 && b.size() > 36) return b.substr(36);
  if (opcode == 2013 && b.size() > 21 && b[20] == 0) return b.substr(21);
  return std::nullopt;
}

const std::array<Rule, 1> kRules = {{
    {"mongodb.hello", "mongodb",
     [](std::string_view b, Identified& o) {
       const auto doc = reply_document(b);
       if (!doc) return false;
       const auto h = read_hello(*doc);
       if (!h) return false;
       o.product = "MongoDB";
       if (h->msg == "isdbgrid") o.product = "MongoDB mongos";
       if (h->max_wire >= 0) o.extrainfo = "wire version " + std::to_string(h->max_wire);
       return true;
     },
     {{"\x68\x00\x00\x00\x01\x00\x00\x00\x01\x00\x00\x00\x01\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
       "\x00\x00\x00\x00\x00\x01\x00\x00\x00\x44\x00\x00\x00\x08\x69\x73\x6d\x61\x73\x74\x65\x72\x00\x01\x10\x6d\x61\x78"
       "\x57\x69\x72\x65\x56\x65\x72\x73\x69\x6f\x6e\x00\x11\x00\x00\x00\x10\x6d\x69\x6e\x57\x69\x72\x65\x56\x65\x72"
       "\x73\x69\x6f\x6e\x00\x00\x00\x00\x00\x01\x6f\x6b\x00\x00\x00\x00\x00\x00\x00\xf0\x3f\x00"sv,
       "MongoDB", "", "wire version 17", "MongoDB 6.0 OP_REPLY to isMaster (trimmed)"}}},
}};

constexpr std::array<std::string_view, 3> kPortNames = {"mongod", "mongodb", "mongo"};

// OP_QUERY (2004): flags 0, "admin.$cmd", skip 0, return -1, the document {isMaster: 1}.
std::string probe(const ProbeContext&) {
  const std::string doc("\x13\x00\x00\x00\x10isMaster\x00\x01\x00\x00\x00\x00", 19);
  std::string body("\x00\x00\x00\x00" "admin.$cmd\x00" "\x00\x00\x00\x00" "\xff\xff\xff\xff", 23);
  body += doc;
  const uint32_t len = uint32_t(16 + body.size());
  std::string msg;
  for (const uint32_t v : {len, 0x50410001u, 0u, 2004u})
    for (int i = 0; i < 4; ++i) msg += char((v >> (8 * i)) & 0xff);
  return msg + body;
}

const TableIdentifier kMongodb({.family = "mongodb", .speaks_first = false, .port_names = kPortNames,
                                .rules = kRules, .probe = probe});

}  // namespace

const Identifier& mongodb_identifier() { return kMongodb; }

}  // namespace portauth::service
