#include "config/target_list.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "config/spec_error.h"
#include "config/target_spec.h"

namespace portauth::config {
namespace {

struct AddrinfoDeleter {
  void operator()(addrinfo* a) const { freeaddrinfo(a); }
};

void add_one(const std::string& spec, const Resolver& resolve, std::vector<AddressRange>& out, std::string* zone) {
  if (looks_like_hostname(spec)) {
    for (const Address& a : resolve(spec)) out.push_back({a, a});
    return;
  }
  std::string z;
  out.push_back(parse_target(spec, zone ? &z : nullptr));
  if (z.empty()) return;
  if (!zone->empty() && *zone != z)
    throw SpecError("targets name two zones (%" + *zone + " and %" + z +
                    "); a scan runs on one interface: scan each link on its own");
  *zone = z;
}

}  // namespace

std::vector<Address> system_resolver(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* raw = nullptr;
  const int rc = getaddrinfo(host.c_str(), nullptr, &hints, &raw);
  std::unique_ptr<addrinfo, AddrinfoDeleter> list(raw);
  if (rc != 0) throw SpecError("cannot resolve host name '" + host + "': " + gai_strerror(rc));
  std::vector<Address> addrs;
  for (addrinfo* a = list.get(); a; a = a->ai_next) {
    if (a->ai_family == AF_INET)
      addrs.push_back(Address::v4(ntohl(reinterpret_cast<const sockaddr_in*>(a->ai_addr)->sin_addr.s_addr)));
    else if (a->ai_family == AF_INET6)
      addrs.push_back(Address::from_bytes(reinterpret_cast<const sockaddr_in6*>(a->ai_addr)->sin6_addr.s6_addr));
  }
  std::sort(addrs.begin(), addrs.end());
  addrs.erase(std::unique(addrs.begin(), addrs.end()), addrs.end());
  if (addrs.empty()) throw SpecError("host name '" + host + "' has no IPv4 or IPv6 address");
  return addrs;
}

bool looks_like_hostname(const std::string& text) {
  if (text.empty() || text.size() > 253) return false;
  bool letter = false;
  for (unsigned char c : text) {
    if (std::isalpha(c)) letter = true;
    else if (!std::isdigit(c) && c != '-' && c != '.') return false;
  }
  return letter;
}

RangeSet parse_target_list(const std::vector<std::string>& specs, const Resolver& resolve) {
  return RangeSet(parse_target_ranges(specs, resolve));
}

std::vector<AddressRange> parse_target_ranges(const std::vector<std::string>& specs, const Resolver& resolve,
                                              std::string* zone) {
  std::vector<AddressRange> ranges;
  for (const auto& spec : specs) {
    if (spec.empty())
      throw SpecError("an empty target; give an address, a CIDR block, a range or a host name");
    std::stringstream in(spec);
    std::string item;
    while (std::getline(in, item, ',')) {
      if (item.empty())
        throw SpecError("bad target list '" + spec + "': an empty item (two commas in a row, or a leading comma)");
      add_one(item, resolve, ranges, zone);
    }
    if (spec.back() == ',') throw SpecError("bad target list '" + spec + "': an empty item (a trailing comma)");
  }
  return ranges;
}

RangeSet parse_target_text(const std::string& text, const std::string& name, const Resolver& resolve) {
  return RangeSet(parse_target_text_ranges(text, name, resolve));
}

std::vector<AddressRange> parse_target_text_ranges(const std::string& text, const std::string& name,
                                                   const Resolver& resolve, std::string* zone) {
  std::vector<AddressRange> ranges;
  std::istringstream in(text);
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    size_t start = 0;
    if (lineno == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) start = 3;  // UTF-8 BOM
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (const size_t hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    while (start < line.size() && std::isspace(static_cast<unsigned char>(line[start]))) ++start;
    size_t end = line.size();
    while (end > start && std::isspace(static_cast<unsigned char>(line[end - 1]))) --end;
    if (start == end) continue;
    const std::string spec = line.substr(start, end - start);
    try {
      add_one(spec, resolve, ranges, zone);
    } catch (const SpecError& e) {
      throw SpecError(name + ":" + std::to_string(lineno) + ":" + std::to_string(start + 1) + ": " + e.what());
    }
  }
  return ranges;
}

RangeSet read_target_file(const std::string& path, const Resolver& resolve) {
  return RangeSet(read_target_ranges(path, resolve));
}

std::vector<AddressRange> read_target_ranges(const std::string& path, const Resolver& resolve, std::string* zone) {
  std::ostringstream text;
  if (path == "-") {
    // -iL - (nmap's spelling): the list comes from standard input, read once.
    text << std::cin.rdbuf();
    return parse_target_text_ranges(text.str(), "standard input", resolve, zone);
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw SpecError("cannot read target file '" + path + "': " + std::strerror(errno));
  text << in.rdbuf();
  return parse_target_text_ranges(text.str(), path, resolve, zone);
}

}  // namespace portauth::config
