// SMB2/3 ([MS-SMB2] 2.2.3 NEGOTIATE Request, 2.2.4 NEGOTIATE Response) over direct TCP
// ([MS-SMB2] 2.1: a 4-byte header, 0 and a 3-byte length): we offer dialects 2.0.2, 2.1, 3.0
// and 3.0.2; the server answers with the dialect it chose and whether it requires signing. A
// server that only speaks SMB1 answers with an SMB1 header (0xFF 'SMB'). No session is set up.
#include <array>

#include "service/families.h"
#include "service/text_scan.h"

namespace portauth::service {
namespace {

using namespace std::literals;

std::string dialect_name(uint16_t d) {
  switch (d) {
    case 0x0202: return "2.0.2";
    case 0x0210: return "2.1";
    case 0x0300: return "3.0";
    case 0x0302: return "3.0.2";
    case 0x0311: return "3.1.1";
    case 0x02ff: return "2.???";
  }
  return "0x" + std::to_string(d);
}

const std::array<Rule, 2> kRules = {{
    {"smb.smb2-negotiate", "microsoft-ds",
     [](std::string_view b, Identified& o) {
       // Direct TCP header, then the 64-byte SMB2 header: 0xFE 'SMB', structure size 64, command 0.
       if (b.size() < 4 + 64 + 8 || b[0] != 0 || !text::starts_with(b.substr(4), "\xfeSMB"sv)) return false;
       if (text::le16(b, 8) != 64 || text::le16(b, 16) != 0) return false;
       const std::string_view body = b.substr(4 + 64);
       if (text::le16(body, 0) != 65) return false;  // NEGOTIATE Response structure size
       o.extrainfo = "SMB dialect " + dialect_name(text::le16(body, 4));
       o.add_detail("signing", (uint8_t(body[2]) & 0x02) ? "required" : "enabled, not required");
       return true;
     },
     {{"\x00\x00\x00\x80\xfe\x53\x4d\x42\x40\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x01\x00\x00\x00\x00\x00\x00"
       "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
       "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x41\x00\x01\x00\x02\x03\x00\x00\x11\x11\x11\x11\x11"
       "\x11\x11\x11\x11\x11\x11\x11\x11\x11\x11\x11"sv,
       "", "", "SMB dialect 3.0.2", "Samba 4.17 NEGOTIATE Response (cut after the dialect)"}}},
    {"smb.smb1", "microsoft-ds",
     [](std::string_view b, Identified& o) {
       if (b.size() < 4 + 32 || b[0] != 0 || !text::starts_with(b.substr(4), "\xffSMB"sv)) return false;
       o.extrainfo = "SMB1 only";
       return true;
     },
     {{"\x00\x00\x00\x25\xffSMB\x72\x00\x00\x00\x00\x98\x01\x28\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
       "\x00\x00\x00\x00\x00\x00\x00\x01\x00\xff\xff\x00\x00"sv,
       "", "", "SMB1 only", "an SMB1-only server refusing every dialect offered"}}},
}};

constexpr std::array<std::string_view, 6> kPortNames = {"microsoft-ds", "smb", "smb2", "cifs", "netbios-ssn", "netbios"};

std::string probe(const ProbeContext&) {
  std::string smb2(64, '\0');
  smb2.replace(0, 4, "\xfeSMB");
  smb2[4] = 64;  // StructureSize
  smb2[14] = 1;  // CreditRequest
  std::string body(36, '\0');
  body[0] = 36;  // StructureSize
  body[2] = 4;   // DialectCount
  body[4] = 1;   // SecurityMode: signing enabled
  for (int i = 0; i < 16; ++i) body[12 + i] = char(0x50 + i);  // ClientGuid
  for (const int d : {0x0202, 0x0210, 0x0300, 0x0302}) {
    body += char(d & 0xff);
    body += char(d >> 8);
  }
  const std::string msg = smb2 + body;
  return std::string{'\0', '\0', char(msg.size() >> 8), char(msg.size() & 0xff)} + msg;
}

const TableIdentifier kSmb({.family = "smb", .speaks_first = false, .port_names = kPortNames, .rules = kRules,
                            .probe = probe});

}  // namespace

const Identifier& smb_identifier() { return kSmb; }

}  // namespace portauth::service
