// rsync daemon (rsync's own protocol, documented in its rsyncd.conf(5) and source): the daemon
// greets with "@RSYNCD: <protocol>[.<sub>]" and, from protocol 31 on, its checksum list.
#include <array>

#include "service/families.h"
#include "service/text_scan.h"

namespace portauth::service {
namespace {

using namespace std::literals;

const std::array<Rule, 1> kRules = {{
    {"rsync.greeting", "rsync",
     [](std::string_view b, Identified& o) {
       if (!text::starts_with(b, "@RSYNCD: ")) return false;
       const std::string_view v = text::version_token(b.substr(9));
       if (v.empty()) return false;
       o.extrainfo = "protocol " + std::string(v);
       return true;
     },
     {{"@RSYNCD: 31.0 sha512 sha256 sha1 md5 md4\n"sv, "", "", "protocol 31.0", "Debian 12 rsync 3.2.7 daemon"},
      {"@RSYNCD: 30.0\n"sv, "", "", "protocol 30.0", "rsync 3.0 daemon"}}},
}};

constexpr std::array<std::string_view, 1> kPortNames = {"rsync"};

const TableIdentifier kRsync({.family = "rsync", .speaks_first = true, .port_names = kPortNames, .rules = kRules});

}  // namespace

const Identifier& rsync_identifier() { return kRsync; }

}  // namespace portauth::service
