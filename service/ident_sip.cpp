// SIP over TCP (RFC 3261 11: OPTIONS asks a server for its capabilities; 20.35 Server, 20.41
// User-Agent): the answer's status line is "SIP/2.0 <code>", and the Server or User-Agent
// header names the product. OPTIONS registers nothing and places no call.
#include <array>
#include <cstdio>

#include "service/families.h"
#include "service/http_response.h"
#include "service/text_scan.h"

namespace portauth::service {
namespace {

using namespace std::literals;

struct Product {
  std::string_view marker, name;
};
constexpr Product kProducts[] = {
    {"Asterisk PBX", "Asterisk PBX"}, {"FreeSWITCH", "FreeSWITCH"}, {"kamailio", "Kamailio SIP Server"},
    {"OpenSIPS", "OpenSIPS"},         {"FPBX", "FreePBX"},          {"Cisco", "Cisco SIP"},
};

const std::array<Rule, 1> kRules = {{
    {"sip.response", "sip",
     [](std::string_view b, Identified& o) {
       const auto r = parse_http_response(b, "SIP/2.0 ");
       if (!r) return false;
       o.add_detail("status", std::to_string(r->status));
       std::string_view agent = r->header("Server");
       if (agent.empty()) agent = r->header("User-Agent");
       if (agent.empty()) return true;
       o.add_detail("server", text::printable(agent, 100));
       for (const auto& p : kProducts)
         if (text::icontains(agent, p.marker)) {
           o.product = std::string(p.name);
           o.version = text::version_after(agent, p.marker);
           if (o.version.empty()) o.version = text::version_after(agent, "/");
         }
       return true;
     },
     {{"SIP/2.0 200 OK\r\nVia: SIP/2.0/TCP 198.18.0.1:5060;branch=z9hG4bK-pa1\r\nFrom: <sip:portauth@198.18.0.2>;tag=1\r\n"
       "To: <sip:ping@198.18.0.2>;tag=as1\r\nCall-ID: pa1@198.18.0.1\r\nCSeq: 1 OPTIONS\r\n"
       "Server: Asterisk PBX 18.10.0~dfsg+~cs6.10.40431411-1\r\nAllow: INVITE, ACK, CANCEL, OPTIONS, BYE\r\n"
       "Content-Length: 0\r\n\r\n"sv,
       "Asterisk PBX", "18.10.0~dfsg+~cs6.10.40431411-1", "", "Debian asterisk 18"},
      {"SIP/2.0 200 OK\r\nUser-Agent: FreeSWITCH-mod_sofia/1.10.10-release~64bit\r\nContent-Length: 0\r\n\r\n"sv,
       "FreeSWITCH", "1.10.10-release~64bit", "", "FreeSWITCH 1.10"},
      {"SIP/2.0 404 Not Found\r\nContent-Length: 0\r\n\r\n"sv, "", "", "", "RFC 3261 21.4.5"}}},
}};

constexpr std::array<std::string_view, 2> kPortNames = {"sip", "sip-tcp"};

std::string probe(const ProbeContext& c) {
  char tag[16];
  std::snprintf(tag, sizeof tag, "%08x", c.nonce);
  const std::string host = c.host.find(':') != std::string::npos ? "[" + c.host + "]" : c.host;
  return "OPTIONS sip:" + host + " SIP/2.0\r\nVia: SIP/2.0/TCP portauth.invalid;branch=z9hG4bK" + tag +
         "\r\nMax-Forwards: 70\r\nFrom: <sip:portauth@portauth.invalid>;tag=" + tag + "\r\nTo: <sip:" + host +
         ">\r\nCall-ID: " + tag + "@portauth.invalid\r\nCSeq: 1 OPTIONS\r\nAccept: application/sdp\r\n"
         "Content-Length: 0\r\n\r\n";
}

const TableIdentifier kSip({.family = "sip", .speaks_first = false, .port_names = kPortNames, .rules = kRules,
                            .probe = probe});

}  // namespace

const Identifier& sip_identifier() { return kSip; }

}  // namespace portauth::service
