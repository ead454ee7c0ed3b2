#include "service/ber.h"

namespace portauth::service::ber {

std::optional<Tlv> read(std::string_view b) {
  if (b.size() < 2 || (uint8_t(b[0]) & 0x1f) == 0x1f) return std::nullopt;
  Tlv t;
  t.tag = uint8_t(b[0]);
  size_t len = uint8_t(b[1]), header = 2;
  if (len & 0x80) {
    const size_t n = len & 0x7f;
    if (n == 0 || n > 4 || b.size() < 2 + n) return std::nullopt;
    len = 0;
    for (size_t i = 0; i < n; ++i) len = (len << 8) | uint8_t(b[2 + i]);
    header += n;
  }
  if (len > b.size() - header) return std::nullopt;
  t.value = b.substr(header, len);
  t.size = header + len;
  return t;
}

std::string tlv(uint8_t tag, std::string_view value) {
  std::string out(1, char(tag));
  if (value.size() < 0x80) {
    out += char(value.size());
  } else if (value.size() < 0x100) {
    out += '\x81';
    out += char(value.size());
  } else {
    out += '\x82';
    out += char((value.size() >> 8) & 0xff);
    out += char(value.size() & 0xff);
  }
  return out + std::string(value);
}

}  // namespace portauth::service::ber
