// The IANA Service Name and Transport Protocol Port Number Registry, as Debian ships it for
// Wireshark (package libwireshark-data, /usr/share/wireshark/services): portauth's second
// tier of names, below its own entries and above the system's /etc/services.
//
// The file is services(5) format with one twist: identical protocols may be merged, so
// "foo 64/tcp/udp" means foo on 64/tcp and on 64/udp. A line is
//   NAME <ws> PORT[-LAST]/PROTO[/PROTO...] [<ws> # DESCRIPTION]
// tcp and udp are kept; sctp and dccp are read and dropped (nothing here scans them). Lines
// that do not fit are counted in skipped_lines() and otherwise ignored: the file is not
// ours, and one odd line must not cost every other name. The first line for a (port,
// protocol) wins, as with getservbyport().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/port_entry.h"

namespace portauth::db {

// Where Debian's libwireshark-data puts the registry.
inline constexpr std::string_view kIanaServicesPath = "/usr/share/wireshark/services";

struct IanaService {
  std::string name;         // e.g. "ntp"
  std::string description;  // the registry's comment, e.g. "Network Time Protocol"; may be ""
  uint16_t first = 0;
  uint16_t last = 0;
  bool tcp = false;
  bool udp = false;
};

class IanaRegistry {
 public:
  // `source` and `date` only describe where the text came from (shown on pages).
  static IanaRegistry parse(std::string_view text, std::string source, std::string date);

  // The service registered for (port, proto), or nullptr. One array read.
  const IanaService* find(uint16_t port, Proto proto) const;

  // How many ports 0-65535 have a name for `proto`.
  size_t named_ports(Proto proto) const;
  const std::vector<IanaService>& services() const { return services_; }
  size_t skipped_lines() const { return skipped_; }
  const std::string& source() const { return source_; }
  const std::string& date() const { return date_; }  // "YYYY-MM-DD" or ""

 private:
  std::vector<IanaService> services_;
  std::vector<int32_t> slots_;  // (proto, port) -> position in services_, -1 = none
  size_t skipped_ = 0;
  std::string source_;
  std::string date_;
};

// The registry read from a file, or why it could not be.
struct IanaTier {
  std::string path;
  std::optional<IanaRegistry> registry;  // nullopt: `problem` says why
  std::string problem;                   // e.g. "not installed (... libwireshark-data)"

  // "the IANA registry (Wireshark's copy, /usr/share/wireshark/services, dated 2024-08-28)"
  std::string describe() const;
};

// Reads `path` (date = its modification day, UTC). Never throws: a missing or unreadable
// file gives a tier with no registry and a problem that says what to install.
IanaTier load_iana_tier(const std::string& path);

// load_iana_tier(kIanaServicesPath), read once on first use; thread-safe.
const IanaTier& system_iana_tier();

}  // namespace portauth::db
