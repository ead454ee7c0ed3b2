#include "db/index_file.h"

#include <cstring>
#include <unordered_set>

#include "db/db_error.h"

namespace portauth::db {
namespace {

uint64_t fnv1a(std::string_view bytes) {
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

class Writer {
 public:
  void u8(uint8_t value) { out_ += static_cast<char>(value); }
  void u16(uint16_t value) { little(value, 2); }
  void u32(uint32_t value) { little(value, 4); }
  void u64(uint64_t value) { little(value, 8); }
  void str(std::string_view text) {
    u32(static_cast<uint32_t>(text.size()));
    out_ += text;
  }
  void strs(const std::vector<std::string>& texts) {
    u32(static_cast<uint32_t>(texts.size()));
    for (const std::string& text : texts) str(text);
  }
  std::string& bytes() { return out_; }

 private:
  void little(uint64_t value, int size) {
    for (int i = 0; i < size; ++i) out_ += static_cast<char>((value >> (8 * i)) & 0xff);
  }
  std::string out_;
};

// Every read is bounds-checked against the file; a count is checked against the bytes left
// before anything is reserved, so a forged count cannot make us allocate gigabytes.
class Reader {
 public:
  Reader(std::string_view bytes, const std::string& source) : bytes_(bytes), source_(source) {}

  [[noreturn]] void corrupt(const std::string& what) const {
    throw DbError(source_, "corrupt port index (" + what + " at byte " + std::to_string(pos_) +
                               "); rebuild it with portauth_dbgen or point --db at the YAML");
  }
  uint8_t u8() { return static_cast<uint8_t>(little(1)); }
  uint16_t u16() { return static_cast<uint16_t>(little(2)); }
  uint32_t u32() { return static_cast<uint32_t>(little(4)); }
  uint64_t u64() { return little(8); }
  std::string str() {
    const uint32_t size = u32();
    need(size, "string");
    std::string text(bytes_.substr(pos_, size));
    pos_ += size;
    return text;
  }
  uint32_t count(size_t min_item_bytes) {
    const uint32_t n = u32();
    if (n > 0 && (bytes_.size() - pos_) / min_item_bytes < n) corrupt("count past the end");
    return n;
  }
  std::vector<std::string> strs() {
    std::vector<std::string> texts(count(4));
    for (std::string& text : texts) text = str();
    return texts;
  }
  size_t pos() const { return pos_; }

 private:
  void need(size_t size, const char* what) {
    if (bytes_.size() - pos_ < size) corrupt(std::string("truncated ") + what);
  }
  uint64_t little(int size) {
    need(static_cast<size_t>(size), "number");
    uint64_t value = 0;
    for (int i = 0; i < size; ++i)
      value |= uint64_t{static_cast<unsigned char>(bytes_[pos_ + static_cast<size_t>(i)])} << (8 * i);
    pos_ += static_cast<size_t>(size);
    return value;
  }

  std::string_view bytes_;
  const std::string& source_;
  size_t pos_ = 0;
};

constexpr size_t kMinEntryBytes = 2 + 2 + 1 + 1 + 4 + 4 + 4 * 12;

}  // namespace

bool looks_like_index(std::string_view bytes) { return bytes.starts_with(kIndexMagic); }

std::string write_index(const LoadedDb& db) {
  Writer out;
  out.bytes() += kIndexMagic;
  out.u32(kIndexFormat);
  out.u32(static_cast<uint32_t>(kSchemaVersion));
  out.str(db.data_version);
  out.u32(static_cast<uint32_t>(db.trojans.size()));
  for (const TrojanName& trojan : db.trojans) {
    out.str(trojan.name);
    out.strs(trojan.aliases);
    out.u32(static_cast<uint32_t>(trojan.line));
  }
  out.u32(static_cast<uint32_t>(db.entries.size()));
  for (const PortEntry& entry : db.entries) {
    out.u16(entry.first);
    out.u16(entry.last);
    out.u8(static_cast<uint8_t>(entry.proto));
    out.u8(static_cast<uint8_t>(entry.risk));
    out.u32(static_cast<uint32_t>(entry.rank));
    out.u32(static_cast<uint32_t>(entry.line));
    out.str(entry.name);
    out.strs(entry.aliases);
    out.str(entry.purpose);
    out.str(entry.description);
    out.str(entry.background);
    out.str(entry.security);
    out.str(entry.if_open);
    out.str(entry.history);
    out.str(entry.trojan_notes);
    out.u32(static_cast<uint32_t>(entry.related.size()));
    for (uint16_t port : entry.related) out.u16(port);
    out.strs(entry.trojans);
    out.strs(entry.refs);
  }
  out.u64(fnv1a(out.bytes()));
  return std::move(out.bytes());
}

LoadedDb read_index(std::string_view bytes, const std::string& source) {
  Reader in(bytes, source);
  if (!looks_like_index(bytes)) in.corrupt("no PAUTHIDX magic");
  // The checksum first: a damaged file should say so, not fail on some field inside it.
  if (bytes.size() < kIndexMagic.size() + 8) in.corrupt("too short");
  const std::string_view body = bytes.substr(0, bytes.size() - 8);
  {
    Reader tail(bytes.substr(body.size()), source);
    if (tail.u64() != fnv1a(body)) in.corrupt("checksum mismatch");
  }
  Reader body_in(body, source);
  for (size_t i = 0; i < kIndexMagic.size(); ++i) body_in.u8();
  if (body_in.u32() != kIndexFormat) body_in.corrupt("unknown index format");
  if (body_in.u32() != static_cast<uint32_t>(kSchemaVersion)) body_in.corrupt("other schema_version");

  LoadedDb db;
  db.data_version = body_in.str();
  db.trojans.resize(body_in.count(12));
  for (TrojanName& trojan : db.trojans) {
    trojan.name = body_in.str();
    trojan.aliases = body_in.strs();
    trojan.line = static_cast<int>(body_in.u32() & 0x7fffffff);
  }
  db.entries.resize(body_in.count(kMinEntryBytes));
  std::unordered_set<int> ranks[2];  // per protocol, as the loader checks them
  for (size_t i = 0; i < db.entries.size(); ++i) {
    PortEntry& entry = db.entries[i];
    entry.first = body_in.u16();
    entry.last = body_in.u16();
    const uint8_t proto = body_in.u8();
    const uint8_t risk = body_in.u8();
    if (proto > static_cast<uint8_t>(Proto::kUdp)) body_in.corrupt("bad protocol");
    if (risk > static_cast<uint8_t>(Risk::kHigh)) body_in.corrupt("bad risk");
    entry.proto = static_cast<Proto>(proto);
    entry.risk = static_cast<Risk>(risk);
    entry.rank = static_cast<int>(body_in.u32() & 0x7fffffff);
    entry.line = static_cast<int>(body_in.u32() & 0x7fffffff);
    entry.name = body_in.str();
    entry.aliases = body_in.strs();
    entry.purpose = body_in.str();
    entry.description = body_in.str();
    entry.background = body_in.str();
    entry.security = body_in.str();
    entry.if_open = body_in.str();
    entry.history = body_in.str();
    entry.trojan_notes = body_in.str();
    entry.related.resize(body_in.count(2));
    for (uint16_t& port : entry.related) port = body_in.u16();
    entry.trojans = body_in.strs();
    entry.refs = body_in.strs();
    // What the rest of portauth relies on, re-checked so a forged index cannot break it.
    if (entry.first > entry.last) body_in.corrupt("reversed port range");
    if (entry.name.empty() || entry.purpose.empty()) body_in.corrupt("entry without a name");
    if (entry.rank > 0 && !ranks[entry.proto == Proto::kUdp ? 1 : 0].insert(entry.rank).second)
      body_in.corrupt("rank given twice");
    if (db.index.first_taken(entry.proto, entry.first, entry.last) >= 0)
      body_in.corrupt("port listed twice");
    db.index.claim(entry.proto, entry.first, entry.last, static_cast<int32_t>(i));
  }
  if (body_in.pos() != body.size()) body_in.corrupt("bytes after the last entry");
  return db;
}

}  // namespace portauth::db
