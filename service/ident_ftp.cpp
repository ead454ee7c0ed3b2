// FTP (RFC 959 4.2, 5.4): on connection the server sends reply 220 ("Service ready"), one line
// or several ("220-" ... "220 "). The product names itself in the text. A 220 greeting that
// names neither FTP nor a known FTP server is left to SMTP's provisional rule, whose EHLO
// tells the two apart (ident_smtp.cpp).
#include <array>

#include "service/families.h"
#include "service/line_protocols.h"
#include "service/text_scan.h"

namespace portauth::service {
namespace {

using namespace std::literals;

bool greeting(std::string_view b) { return reply_code(text::first_line(b)) == 220; }

bool product_rule(std::string_view b, Identified& o, std::string_view marker, std::string_view product) {
  if (!greeting(b) || !text::icontains(b.substr(0, 1024), marker)) return false;
  o.product = std::string(product);
  o.version = text::version_after(b.substr(0, 1024), marker);
  return true;
}

const std::array<Rule, 6> kRules = {{
    {"ftp.vsftpd", "ftp", [](std::string_view b, Identified& o) { return product_rule(b, o, "vsFTPd", "vsftpd"); },
     {{"220 (vsFTPd 3.0.3)\r\n"sv, "vsftpd", "3.0.3", "", "Debian 12 vsftpd 3.0.3-13 (the daemon lab)"}}},
    {"ftp.proftpd", "ftp", [](std::string_view b, Identified& o) { return product_rule(b, o, "ProFTPD", "ProFTPD"); },
     {{"220 ProFTPD 1.3.8 Server (Debian) [::ffff:198.18.0.2]\r\n"sv, "ProFTPD", "1.3.8", "", "Debian 12 proftpd-core"},
      {"220 ProFTPD Server (ProFTPD Default Installation) [198.18.0.2]\r\n"sv, "ProFTPD", "", "",
       "ProFTPD with ServerIdent hiding the version"}}},
    {"ftp.pure-ftpd", "ftp",
     [](std::string_view b, Identified& o) { return product_rule(b, o, "Pure-FTPd", "Pure-FTPd"); },
     {{"220---------- Welcome to Pure-FTPd [privsep] [TLS] ----------\r\n220-You are user number 1 of 50 allowed.\r\n"
       "220 You will be disconnected after 15 minutes of inactivity.\r\n"sv,
       "Pure-FTPd", "", "", "Debian 12 pure-ftpd"}}},
    {"ftp.filezilla", "ftp",
     [](std::string_view b, Identified& o) { return product_rule(b, o, "FileZilla Server", "FileZilla ftpd"); },
     {{"220-FileZilla Server 1.7.0\r\n220 Please visit https://filezilla-project.org/\r\n"sv, "FileZilla ftpd",
       "1.7.0", "", "FileZilla Server 1.7 on Windows"}}},
    {"ftp.microsoft", "ftp",
     [](std::string_view b, Identified& o) { return product_rule(b, o, "Microsoft FTP Service", "Microsoft ftpd"); },
     {{"220 Microsoft FTP Service\r\n"sv, "Microsoft ftpd", "", "", "Windows IIS FTP"}}},
    {"ftp.generic", "ftp",
     [](std::string_view b, Identified& o) {
       if (!greeting(b) || !text::icontains(b.substr(0, 1024), "FTP")) return false;
       o.hostname = greeting_host(text::first_line(b));
       return true;
     },
     {{"220 ftp.example.org FTP server ready.\r\n"sv, "", "", "", "RFC 959 style greeting"},
      {"220-Welcome to the archive\r\n220 FTP ready\r\n"sv, "", "", "", "multi-line 220 (RFC 959 4.2)"}},
     8},
}};

constexpr std::array<std::string_view, 4> kPortNames = {"ftp", "ftp-control", "ftps-explicit", "fsp"};

const TableIdentifier kFtp({.family = "ftp", .speaks_first = true, .port_names = kPortNames, .rules = kRules,
                            .goodbye = "QUIT\r\n"});

}  // namespace

const Identifier& ftp_identifier() { return kFtp; }

}  // namespace portauth::service
