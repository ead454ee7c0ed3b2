#include "service/text_scan.h"

namespace portauth::service::text {
namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; }

bool version_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '_' ||
         c == '+' || c == '~' || c == ':' || c == '-';
}

}  // namespace

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

bool istarts_with(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (lower(s[i]) != lower(prefix[i])) return false;
  return true;
}

size_t ifind(std::string_view s, std::string_view needle) {
  if (needle.empty()) return 0;
  if (s.size() < needle.size()) return std::string_view::npos;
  for (size_t i = 0; i + needle.size() <= s.size(); ++i)
    if (lower(s[i]) == lower(needle[0]) && istarts_with(s.substr(i), needle)) return i;
  return std::string_view::npos;
}

std::string_view first_line(std::string_view s) {
  const size_t end = s.find('\n');
  std::string_view line = s.substr(0, end);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

std::optional<std::string_view> line_at(std::string_view s, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    const size_t end = s.find('\n');
    if (end == std::string_view::npos) return std::nullopt;
    s.remove_prefix(end + 1);
  }
  if (s.empty()) return std::nullopt;
  return first_line(s);
}

bool has_line(std::string_view s) { return s.find('\n') != std::string_view::npos; }

std::string_view version_token(std::string_view s) {
  if (s.empty() || s[0] < '0' || s[0] > '9') return {};
  size_t n = 0;
  while (n < s.size() && n < 40 && version_char(s[n])) ++n;
  std::string_view v = s.substr(0, n);
  while (!v.empty() && (v.back() == '.' || v.back() == '-' || v.back() == ':')) v.remove_suffix(1);
  return v;
}

std::string version_after(std::string_view s, std::string_view marker) {
  const size_t at = ifind(s, marker);
  if (at == std::string_view::npos) return {};
  std::string_view rest = s.substr(at + marker.size());
  while (!rest.empty() && (rest[0] == ' ' || rest[0] == '/' || rest[0] == '_')) rest.remove_prefix(1);
  if (!rest.empty() && (rest[0] == 'v' || rest[0] == 'V')) rest.remove_prefix(1);
  return std::string(version_token(rest));
}

std::string_view word_after(std::string_view s, std::string_view marker) {
  const size_t at = ifind(s, marker);
  if (at == std::string_view::npos) return {};
  std::string_view rest = s.substr(at + marker.size());
  while (!rest.empty() && rest[0] == ' ') rest.remove_prefix(1);
  size_t n = 0;
  while (n < rest.size() && n < 64 && rest[n] != ' ' && rest[n] != '/' && rest[n] != ',' && rest[n] != ';' &&
         rest[n] != '(' && rest[n] != ')' && rest[n] != '\r' && rest[n] != '\n')
    ++n;
  return rest.substr(0, n);
}

std::string_view first_word(std::string_view s) { return s.substr(0, s.find(' ')); }

std::string_view trim(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

std::string printable(std::string_view s, size_t cap) {
  std::string out;
  const size_t n = s.size() < cap ? s.size() : cap;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    out += c >= 0x20 && c < 0x7f ? char(c) : '?';
  }
  return out;
}

}  // namespace portauth::service::text
