#include "service/service_info.h"

namespace portauth::service {

std::string_view answer_name(Answer a) {
  switch (a) {
    case Answer::kIdentified: return "identified";
    case Answer::kUnrecognised: return "unrecognised";
    case Answer::kSilent: return "silent";
    case Answer::kTcpwrapped: return "tcpwrapped";
    case Answer::kRefused: return "refused";
    case Answer::kNoConnection: return "no-connection";
    case Answer::kUnfinished: return "unfinished";
  }
  return "unfinished";
}

std::string escape_banner(std::string_view bytes, size_t cap) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  const size_t n = bytes.size() < cap ? bytes.size() : cap;
  out.reserve(n + 8);
  for (size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c == '\\') out += "\\\\";
    else if (c == '\r') out += "\\r";
    else if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c >= 0x20 && c < 0x7f) out += char(c);
    else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  if (bytes.size() > cap) out += "...";
  return out;
}

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;  // escape_banner writes lower case only
}

}  // namespace

bool unescape_banner(std::string_view text, std::string& out) {
  out.clear();
  // Every escape stands for at least one byte: no more bytes than text.
  if (text.size() > 4 * kBannerShown + 3) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c >= 0x7f) return false;
    if (c != '\\') {
      out += char(c);
      continue;
    }
    if (++i == text.size()) return false;
    switch (text[i]) {
      case '\\': out += '\\'; break;
      case 'r': out += '\r'; break;
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'x': {
        if (i + 2 >= text.size()) return false;
        const int hi = hex_digit(text[i + 1]), lo = hex_digit(text[i + 2]);
        if (hi < 0 || lo < 0) return false;
        const auto b = static_cast<unsigned char>(hi * 16 + lo);
        // Only the bytes escape_banner writes as \xHH.
        if ((b >= 0x20 && b < 0x7f) || b == '\r' || b == '\n' || b == '\t') return false;
        out += char(b);
        i += 2;
        break;
      }
      default: return false;
    }
  }
  if (out.size() <= kBannerShown) return true;
  // Cut: kBannerShown bytes, then the "..." escape_banner appended.
  return out.size() == kBannerShown + 3 && out.compare(kBannerShown, 3, "...") == 0;
}

std::string product_line(const ServiceInfo& s) {
  std::string out = s.product;
  auto add = [&](const std::string& part, bool paren) {
    if (part.empty()) return;
    if (!out.empty()) out += ' ';
    out += paren ? "(" + part + ")" : part;
  };
  add(s.version, false);
  add(s.extrainfo, true);
  return out;
}

std::string service_column(const ServiceInfo& s) {
  const std::string name = s.name.empty() ? "unknown" : s.name;
  return s.ssl_tunnel ? "ssl/" + name : name;
}

std::string_view detail(const ServiceInfo& s, std::string_view key) {
  for (const auto& [k, v] : s.details)
    if (k == key) return v;
  return {};
}

}  // namespace portauth::service
