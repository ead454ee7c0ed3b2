#include "web/html.h"

#include <array>
#include <cstring>

namespace portauth::web {
namespace {

// 0: copy as is; 1: an entity; 2: a control character (a space).
constexpr std::array<uint8_t, 256> kClass = [] {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[c] = 2;
  t['\t'] = t['\n'] = t['\r'] = 0;
  t[0x7f] = 2;
  t['&'] = t['<'] = t['>'] = t['"'] = t['\''] = 1;
  return t;
}();

constexpr uint64_t kOnes = 0x0101010101010101ULL;
constexpr uint64_t kHighs = 0x8080808080808080ULL;

constexpr uint64_t has_byte(uint64_t x, uint8_t b) {
  const uint64_t v = x ^ (kOnes * b);
  return (v - kOnes) & ~v & kHighs;
}

// Whether any of 8 bytes may need escaping (a control character, & < > " ' or DEL). May say
// yes for a word that needs nothing (then it is looked at byte by byte); never says no wrongly.
constexpr bool maybe_special(uint64_t x) {
  return (((x - kOnes * 0x20) & ~x & kHighs) | has_byte(x, '&') | has_byte(x, '<') | has_byte(x, '>') |
          has_byte(x, '"') | has_byte(x, '\'') | has_byte(x, 0x7f)) != 0;
}

}  // namespace

void append_escaped(std::string& out, std::string_view text) {
  const char* p = text.data();
  const size_t n = text.size();
  size_t run = 0, i = 0;
  while (i < n) {
    if (i + 8 <= n) {
      uint64_t word;
      std::memcpy(&word, p + i, 8);
      if (!maybe_special(word)) {
        i += 8;
        continue;
      }
    }
    const size_t end = i + 8 <= n ? i + 8 : n;
    for (; i < end; ++i) {
      const uint8_t k = kClass[static_cast<unsigned char>(p[i])];
      if (k == 0) continue;
      out.append(p + run, i - run);
      run = i + 1;
      if (k == 2) {
        out += ' ';
        continue;
      }
      switch (p[i]) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        default: out += "&#39;"; break;
      }
    }
  }
  out.append(p + run, n - run);
}

}  // namespace portauth::web
