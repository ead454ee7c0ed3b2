// NNTP (RFC 3977 5.1.1): the server greets with 200 (posting allowed) or 201 (not), or refuses
// with 400/502; the text usually names the server.
#include <array>

#include "service/families.h"
#include "service/line_protocols.h"
#include "service/text_scan.h"

namespace portauth::service {
namespace {

using namespace std::literals;

bool greeting(std::string_view b) {
  const int code = reply_code(text::first_line(b));
  return code == 200 || code == 201;
}

const std::array<Rule, 3> kRules = {{
    {"nntp.inn", "nntp",
     [](std::string_view b, Identified& o) {
       const std::string_view line = text::first_line(b);
       if (!greeting(b) || !text::contains(line, "InterNetNews")) return false;
       o.product = "INN";
       o.version = text::version_after(line, "INN ");
       o.hostname = greeting_host(line);
       return true;
     },
     {{"200 news.example.org InterNetNews NNRP server INN 2.7.1 ready (posting ok)\r\n"sv, "INN", "2.7.1", "",
       "Debian 12 inn2"}}},
    {"nntp.leafnode", "nntp",
     [](std::string_view b, Identified& o) {
       const std::string_view line = text::first_line(b);
       if (!greeting(b) || !text::contains(line, "Leafnode")) return false;
       o.product = "Leafnode";
       o.version = text::version_after(line, "version");
       return true;
     },
     {{"200 Leafnode NNTP Daemon, version 1.11.12 running at news.example.org (my fqdn: news.example.org)\r\n"sv,
       "Leafnode", "1.11.12", "", "Debian leafnode"}}},
    {"nntp.generic", "nntp",
     [](std::string_view b, Identified& o) {
       const std::string_view line = text::first_line(b);
       if (!greeting(b) || !(text::icontains(line, "NNTP") || text::icontains(line, "news"))) return false;
       o.hostname = greeting_host(line);
       return true;
     },
     {{"200 NNTP Service Ready, posting permitted\r\n"sv, "", "", "", "RFC 3977 5.1.3 example"}},
     8},
}};

constexpr std::array<std::string_view, 2> kPortNames = {"nntp", "usenet"};

const TableIdentifier kNntp({.family = "nntp", .speaks_first = true, .port_names = kPortNames, .rules = kRules,
                             .goodbye = "QUIT\r\n"});

}  // namespace

const Identifier& nntp_identifier() { return kNntp; }

}  // namespace portauth::service
