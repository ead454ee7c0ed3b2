// Small, bounded readers for the text and bytes services send: no regular expressions (a
// hostile banner must cost linear time and no stack), every index checked. Used by the
// identifiers' rules.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace portauth::service::text {

bool starts_with(std::string_view s, std::string_view prefix);
bool istarts_with(std::string_view s, std::string_view prefix);  // ASCII case-insensitive
size_t ifind(std::string_view s, std::string_view needle);        // npos when absent
inline bool icontains(std::string_view s, std::string_view needle) { return ifind(s, needle) != std::string_view::npos; }
inline bool contains(std::string_view s, std::string_view needle) { return s.find(needle) != std::string_view::npos; }

// The first line (without CR LF), or all of `s` when it has no line end.
std::string_view first_line(std::string_view s);
// Line number `n` (0-based) of `s`, or nullopt.
std::optional<std::string_view> line_at(std::string_view s, size_t n);
// True when `s` holds at least one complete line.
bool has_line(std::string_view s);

// A version token at the start of `s`: [0-9A-Za-z._+~:-]*, which must begin with a digit
// (otherwise ""), at most 40 characters.
std::string_view version_token(std::string_view s);
// The version token right after the first occurrence of `marker` (ASCII case-insensitive),
// skipping spaces, "v" and "V"; "" when there is none.
std::string version_after(std::string_view s, std::string_view marker);
// The word (up to a space, '/', ',', ';', '(' or ')' ) right after `marker`, or "".
std::string_view word_after(std::string_view s, std::string_view marker);
// The word at the start of `s` (up to a space or the end).
std::string_view first_word(std::string_view s);

// Trims ASCII spaces, tabs, CR and LF at both ends.
std::string_view trim(std::string_view s);
// `s` with every byte that is not printable ASCII replaced by '?', capped at `cap` bytes:
// for the text fields (product, title, ...) a report shows.
std::string printable(std::string_view s, size_t cap = 120);

// Big-endian readers; the caller checks the size first.
inline uint16_t be16(std::string_view s, size_t at) {
  return uint16_t((uint8_t(s[at]) << 8) | uint8_t(s[at + 1]));
}
inline uint32_t be32(std::string_view s, size_t at) {
  return (uint32_t(uint8_t(s[at])) << 24) | (uint32_t(uint8_t(s[at + 1])) << 16) | (uint32_t(uint8_t(s[at + 2])) << 8) |
         uint32_t(uint8_t(s[at + 3]));
}
inline uint32_t le32(std::string_view s, size_t at) {
  return (uint32_t(uint8_t(s[at + 3])) << 24) | (uint32_t(uint8_t(s[at + 2])) << 16) |
         (uint32_t(uint8_t(s[at + 1])) << 8) | uint32_t(uint8_t(s[at]));
}
inline uint16_t le16(std::string_view s, size_t at) { return uint16_t(uint8_t(s[at]) | (uint8_t(s[at + 1]) << 8)); }

}  // namespace portauth::service::text
