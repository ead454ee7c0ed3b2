// One identifier per protocol family (ZGrab2's modules): it owns the bytes it sends (its probe,
// for protocols where the client speaks first), its rules (what the server's bytes mean), and
// an optional conversation step on the same connection (SMTP's EHLO). Every rule carries
// example bytes as recorded from real servers or written from the protocol's document, with
// what the rule must conclude from them (Recog's idea): tests/service/rules_test.cpp runs each
// rule on its examples, so the data checks itself.
//
// The rules are portauth's own, written from the protocols' specifications and the products'
// own banners; none is taken from nmap-service-probes or another project's fingerprints.
//
// Safety (every byte here comes from a stranger): rules read at most the bytes they are given
// (the session caps a reply at kReplyCap), check every length before using it, allocate only
// for what they return, and use no regular expressions. Probes only identify: no login, no
// command that changes anything on the server. Each parser has a fuzz harness
// (fuzz/fuzz_service_rules.cpp runs every rule and refine() on arbitrary bytes).
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace portauth::service {

inline constexpr size_t kReplyCap = 16384;  // bytes of one reply a rule ever sees

// What a rule concluded.
struct Identified {
  std::string name;  // nmap's service vocabulary
  std::string product, version, extrainfo, hostname, ostype;
  int conf = 10;
  std::vector<std::pair<std::string, std::string>> details;
  std::string_view rule;  // the rule's id

  void add_detail(std::string key, std::string value) { details.emplace_back(std::move(key), std::move(value)); }
};

// A recorded (or documented) answer and what its rule must conclude from it. Empty expected
// fields must come out empty.
struct Example {
  std::string_view bytes;
  std::string_view product{}, version{}, extrainfo{};
  std::string_view source{};  // where the bytes come from ("Debian 12 vsftpd 3.0.3", "RFC 3501 7.1.1")
};

struct Rule {
  std::string_view id;    // "<family>.<what>", unique: "ftp.vsftpd"
  std::string_view name;  // the service name it gives ("ftp")
  // Fills `out` (name and rule are set before the call) and returns true when `bytes` match.
  bool (*apply)(std::string_view bytes, Identified& out);
  std::vector<Example> examples;  // at least one: the test fails a rule without
  int conf = 10;                  // how sure a match is (nmap's 0-10)
};

// What a probe may depend on: the target as text, and a per-session number for protocols that
// want unique identifiers (MQTT's client id, SIP's branch).
struct ProbeContext {
  std::string host;  // "198.18.0.2", "2001:db8::1"
  uint16_t port = 0;
  uint32_t nonce = 0;
  // "198.18.0.2", "198.18.0.2:8080", "[2001:db8::1]:8080": an HTTP Host header for host:port.
  std::string host_port() const;
};

class Identifier {
 public:
  virtual ~Identifier() = default;
  virtual std::string_view family() const = 0;  // "ssh": the registry's key
  // Server-first protocols are recognised from their greeting; client-first ones need probe().
  virtual bool speaks_first() const = 0;
  // Port-database names (and aliases) of ports where this family is expected ("http", "www").
  virtual std::span<const std::string_view> port_names() const = 0;
  // What to send to make the service answer (client-first families); "" for none.
  virtual std::string probe(const ProbeContext&) const { return {}; }
  virtual std::span<const Rule> rules() const = 0;
  // A step on the same connection once a rule matched: bytes to send ("" for none); the
  // reply goes to refine().
  virtual std::string followup(const Identified&, const ProbeContext&) const { return {}; }
  virtual void refine(Identified&, std::string_view /*reply*/) const {}
  // Sent before closing a connection to an identified service ("QUIT\r\n"), or "".
  virtual std::string_view goodbye() const { return {}; }

  // The first rule (in order) that matches `bytes`.
  std::optional<Identified> match(std::string_view bytes) const;
};

}  // namespace portauth::service
