// What service identification (-sV) concluded about one open (address, port): the service's
// name in nmap's vocabulary, the product and version where the service states them, how the
// port behaved when nobody could be named (silent, tcpwrapped, ...), the TLS facts when it
// spoke TLS, and the first bytes it sent. Plain data: the writers (output/) read it, the
// session (session.h) fills it. No dependency beyond the standard library.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace portauth::service {

// How the port answered our connections.
enum class Answer : uint8_t {
  kIdentified,    // a rule recognised what the service said: name (and product...) are set
  kUnrecognised,  // it said something no rule knows: the banner is kept, no name is guessed
  kSilent,        // it accepted every connection and never sent a byte, whatever we sent
  kTcpwrapped,    // it closed our first connection at once, before saying anything
  kRefused,       // the connection was refused: the port closed after the SYN scan saw it open
  kNoConnection,  // the connection attempt timed out or failed
  kUnfinished,    // the stage ended (interrupt, its bound) before this port was identified
};
// "identified", "unrecognised", "silent", "tcpwrapped", "refused", "no-connection", "unfinished".
std::string_view answer_name(Answer a);

// A TLS handshake's facts (OpenSSL's view of the server's certificate).
struct TlsFacts {
  std::string version;            // "TLSv1.3"
  std::string cipher;             // "TLS_AES_256_GCM_SHA384"
  std::string subject, issuer;    // RFC 2253 one-line form, "" when the server sent no certificate
  std::vector<std::string> san;   // "DNS:lab.example", "IP:198.18.0.2"
  std::string not_before, not_after;  // "2027-01-06T00:50:28Z"
  bool self_signed = false;       // issued by its own key (the subject signed itself)
  bool operator==(const TlsFacts&) const = default;
};

struct ServiceInfo {
  Answer answer = Answer::kUnfinished;
  std::string name;       // nmap's vocabulary ("ssh", "http", "tcpwrapped"); "" when nothing is named
  std::string product, version, extrainfo, hostname, ostype;  // "" when the service did not say
  bool ssl_tunnel = false;  // the service runs inside TLS (nmap's tunnel="ssl")
  bool probed = false;      // method: true "probed" (we talked to it), false "table" (the port number)
  int conf = 0;             // nmap's 0-10: 10 a rule matched, 3 the port number alone
  std::optional<TlsFacts> tls;
  // Protocol facts a rule found beside the product: ("starttls", "offered"), ("status", "200"),
  // ("title", "Welcome"), ("protocol", "2.0"), ... in the order found.
  std::vector<std::pair<std::string, std::string>> details;
  std::string banner;  // the first bytes the service sent us (raw, at most kBannerCap)
  std::string rule;    // the rule that named it ("ssh.openssh"), for tests and debugging
  double seconds = 0;  // from the first connection to the conclusion

  bool operator==(const ServiceInfo&) const = default;
};

inline constexpr size_t kBannerCap = 512;  // bytes kept of what a service sent
inline constexpr size_t kBannerShown = 160;  // bytes of it the reports show (escaped)

// `bytes` made printable and capped at `cap` input bytes: printable ASCII as it is, '\\' as
// "\\\\", CR LF TAB as "\\r" "\\n" "\\t", every other byte as "\\xHH"; "..." appended when cut.
std::string escape_banner(std::string_view bytes, size_t cap = kBannerShown);

// The inverse of escape_banner(bytes) with the default cap (what the JSONL "banner" holds), for
// `portauth merge`, which reads a shard's lines back: the bytes the text stands for. A text
// that was cut ends in "..." after kBannerShown bytes; those dots are kept as three bytes, so
// escape_banner gives the same text again (the bytes past the cut are not in the text).
// Returns false, `out` unspecified, for any text escape_banner cannot have written: a byte
// outside printable ASCII, a lone or unknown '\\' escape, "\\x" with other than two lower-case
// hex digits or for a byte it writes otherwise ("\\x41", "\\x0d"), more than kBannerShown
// bytes without the cut's "...".
bool unescape_banner(std::string_view text, std::string& out);

// "nginx 1.22.1 (Ubuntu)": product, version and extrainfo as one phrase ("" when all are empty).
std::string product_line(const ServiceInfo& s);

// "ssl/http", "ssh", "unknown" (no name): nmap's SERVICE column.
std::string service_column(const ServiceInfo& s);

// The details' value for `key`, or "".
std::string_view detail(const ServiceInfo& s, std::string_view key);

}  // namespace portauth::service
