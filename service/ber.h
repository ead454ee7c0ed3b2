// A bounded BER reader and writer (ITU-T X.690), enough for LDAP (RFC 4511): a TLV is a tag
// byte (low tag numbers only), a definite length (short form, or long form of at most 4
// bytes) and the value. Every length is checked against the bytes present.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace portauth::service::ber {

struct Tlv {
  uint8_t tag = 0;
  std::string_view value;
  size_t size = 0;  // tag + length + value
};

// The TLV at the start of `b`, or nullopt (indefinite length, long tag, or cut short).
std::optional<Tlv> read(std::string_view b);

// tag + length + value.
std::string tlv(uint8_t tag, std::string_view value);

}  // namespace portauth::service::ber
