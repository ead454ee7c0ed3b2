// SSH (RFC 4253 4.2): the server speaks first, "SSH-protoversion-softwareversion SP comments"
// CR LF, possibly after other lines. The software version names the product.
#include <array>

#include "service/families.h"
#include "service/text_scan.h"

namespace portauth::service {
namespace {

using namespace std::literals;

struct SshBanner {
  std::string_view proto, software, comments;
};

std::optional<SshBanner> parse_line(std::string_view line) {
  if (!text::starts_with(line, "SSH-")) return std::nullopt;
  std::string_view rest = line.substr(4);
  const size_t dash = rest.find('-');
  if (dash == std::string_view::npos || dash == 0 || dash > 8) return std::nullopt;
  SshBanner b;
  b.proto = rest.substr(0, dash);
  rest.remove_prefix(dash + 1);
  const size_t sp = rest.find(' ');
  b.software = rest.substr(0, sp);
  if (sp != std::string_view::npos) b.comments = text::trim(rest.substr(sp + 1));
  if (b.software.empty()) return std::nullopt;
  return b;
}

std::optional<SshBanner> parse(std::string_view bytes) {
  // A version line the server never ended with CR LF is taken as it is.
  if (!text::has_line(bytes)) return parse_line(bytes);
  // RFC 4253: the server MAY send other lines first; look at the first few.
  for (size_t n = 0; n < 8; ++n) {
    const auto line = text::line_at(bytes, n);
    if (!line) return std::nullopt;
    if (auto b = parse_line(*line)) return b;
  }
  return std::nullopt;
}

void common(const SshBanner& b, Identified& out) {
  out.add_detail("protocol", text::printable(b.proto, 8));
  out.add_detail("software", text::printable(b.software));
  std::string extra;
  if (!b.comments.empty()) {
    // "Debian-2+deb12u10" -> "Debian 2+deb12u10": the distribution and its package revision.
    std::string c = text::printable(b.comments);
    if (const size_t d = c.find('-'); d != std::string::npos && d > 0 && d + 1 < c.size() && c[d + 1] >= '0' &&
                                      c[d + 1] <= '9')
      c[d] = ' ';
    extra = c + "; ";
    if (text::icontains(b.comments, "Debian") || text::icontains(b.comments, "Ubuntu") ||
        text::icontains(b.comments, "Raspbian"))
      out.ostype = "Linux";
  }
  // "1.99" is a server speaking both versions (RFC 4253 5.1).
  out.extrainfo = extra + "protocol " + text::printable(b.proto, 8);
}

bool software_rule(std::string_view bytes, Identified& out, std::string_view prefix, std::string_view product) {
  const auto b = parse(bytes);
  if (!b || !text::istarts_with(b->software, prefix)) return false;
  out.product = std::string(product);
  std::string_view v = b->software.substr(prefix.size());
  if (!v.empty() && (v[0] == '_' || v[0] == '-')) v.remove_prefix(1);
  out.version = std::string(text::version_token(v));
  common(*b, out);
  return true;
}

const std::array<Rule, 6> kRules = {{
    {"ssh.openssh", "ssh",
     [](std::string_view b, Identified& o) { return software_rule(b, o, "OpenSSH", "OpenSSH"); },
     {{"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10\r\n"sv, "OpenSSH", "9.2p1", "Debian 2+deb12u10; protocol 2.0",
       "Debian 12 openssh-server 1:9.2p1-2+deb12u10 (the daemon lab)"},
      {"SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.6\r\n"sv, "OpenSSH", "8.9p1", "Ubuntu 3ubuntu0.6; protocol 2.0",
       "Ubuntu 22.04 openssh-server"},
      {"SSH-2.0-OpenSSH_for_Windows_8.1\r\n"sv, "OpenSSH", "", "protocol 2.0", "Windows Server 2022 OpenSSH"},
      {"SSH-1.99-OpenSSH_3.9p1\r\n"sv, "OpenSSH", "3.9p1", "protocol 1.99", "an old OpenSSH speaking 1 and 2"}}},
    {"ssh.dropbear", "ssh",
     [](std::string_view b, Identified& o) { return software_rule(b, o, "dropbear", "Dropbear sshd"); },
     {{"SSH-2.0-dropbear_2022.83\r\n"sv, "Dropbear sshd", "2022.83", "protocol 2.0", "Debian 12 dropbear-bin"}}},
    {"ssh.libssh", "ssh",
     [](std::string_view b, Identified& o) { return software_rule(b, o, "libssh", "libssh"); },
     {{"SSH-2.0-libssh_0.10.4\r\n"sv, "libssh", "0.10.4", "protocol 2.0", "libssh server example"}}},
    {"ssh.cisco", "ssh",
     [](std::string_view b, Identified& o) { return software_rule(b, o, "Cisco", "Cisco SSH"); },
     {{"SSH-2.0-Cisco-1.25\r\n"sv, "Cisco SSH", "1.25", "protocol 2.0", "Cisco IOS"}}},
    {"ssh.paramiko", "ssh",
     [](std::string_view b, Identified& o) { return software_rule(b, o, "paramiko", "Paramiko Python sshd"); },
     {{"SSH-2.0-paramiko_3.4.0\r\n"sv, "Paramiko Python sshd", "3.4.0", "protocol 2.0", "paramiko server"}}},
    {"ssh.generic", "ssh",
     [](std::string_view b, Identified& o) {
       const auto p = parse(b);
       if (!p) return false;
       common(*p, o);
       return true;
     },
     {{"SSH-2.0-Go\r\n"sv, "", "", "protocol 2.0", "golang.org/x/crypto/ssh server"},
      {"Welcome\r\nSSH-2.0-mysshd\r\n"sv, "", "", "protocol 2.0", "RFC 4253 4.2: lines before the version"}}},
}};

constexpr std::array<std::string_view, 4> kPortNames = {"ssh", "sftp", "scp", "openssh"};

const TableIdentifier kSsh({.family = "ssh", .speaks_first = true, .port_names = kPortNames, .rules = kRules});

}  // namespace

const Identifier& ssh_identifier() { return kSsh; }

}  // namespace portauth::service
