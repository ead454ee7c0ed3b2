// Building HTML fast: one growing string, text escaped as it is appended (runs of ordinary
// characters copied whole), numbers without temporaries. A Port Authority page is built in a few
// microseconds this way; the benchmark (bench/README.md, "portauth serve") depends on it.
#pragma once
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

namespace portauth::web {

// Appends `text` with & < > " ' as entities (safe in element text and quoted attributes) and
// control characters other than tab, newline and carriage return as spaces.
void append_escaped(std::string& out, std::string_view text);

class Html {
 public:
  explicit Html(size_t reserve = 8192) { s_.reserve(reserve); }
  Html& raw(std::string_view s) {
    s_.append(s);
    return *this;
  }
  Html& text(std::string_view s) {
    append_escaped(s_, s);
    return *this;
  }
  Html& num(uint64_t n) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, n);
    s_.append(buf, r.ptr);
    return *this;
  }
  std::string& str() { return s_; }
  std::string take() { return std::move(s_); }

 private:
  std::string s_;
};

}  // namespace portauth::web
