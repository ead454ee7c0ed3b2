// An address of either family, as one 128-bit value: IPv6 addresses as they are, IPv4
// addresses in their IPv4-mapped form ::ffff:a.b.c.d (RFC 4291 2.5.5.2). One ordered integer
// type means ranges, the probe space's dense index and every sort work unchanged over a
// mixed set, and the IPv4 addresses of a scan stay contiguous (::ffff:0:0/96).
//
// Text: IPv4 strict dotted quad (config/ipv4.h); IPv6 every RFC 4291 form (hex groups, '::',
// a trailing dotted quad), written back in RFC 5952's canonical form (lower case, leading
// zeros dropped, the longest run of two or more zero groups as '::', the first if tied).
// "::ffff:a.b.c.d" typed as IPv6 is that IPv4 address, and is written "a.b.c.d".
#pragma once
#include <bit>
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace portauth::config {

__extension__ typedef unsigned __int128 Uint128;

struct Address {
  Uint128 value = 0;

  constexpr Address() = default;
  // Explicit, and a constructor at all, so that no integer becomes an address by accident:
  // without it, brace elision would read ScanResult{0xc6120002, ...} as ::c612:2.
  constexpr explicit Address(Uint128 v) : value(v) {}

  static constexpr Uint128 kMappedPrefix = Uint128{0xffff} << 32;
  static constexpr Address v4(uint32_t a) { return Address{kMappedPrefix | a}; }
  static constexpr Address v6(uint64_t hi, uint64_t lo) { return Address{(Uint128{hi} << 64) | lo}; }
  // From / to the 16 network-order bytes of an in6_addr or an IPv6 header: two big-endian
  // 64-bit words (a byte loop over the 128-bit value cost more than the rest of an IPv6 probe).
  static Address from_bytes(const uint8_t b[16]) noexcept {
    uint64_t hi, lo;
    std::memcpy(&hi, b, 8);
    std::memcpy(&lo, b + 8, 8);
    return v6(be64(hi), be64(lo));
  }
  void to_bytes(uint8_t b[16]) const noexcept {
    const uint64_t hi = be64(this->hi()), lo = be64(this->lo());
    std::memcpy(b, &hi, 8);
    std::memcpy(b + 8, &lo, 8);
  }

  constexpr bool is_v4() const { return (value >> 32) == 0xffff; }
  constexpr uint32_t v4() const { return uint32_t(value); }  // meaningful when is_v4()
  constexpr uint64_t hi() const { return uint64_t(value >> 64); }
  constexpr uint64_t lo() const { return uint64_t(value); }
  constexpr bool is_zero() const { return value == 0; }
  auto operator<=>(const Address&) const = default;

 private:
  // Host order <-> network (big-endian) order of a 64-bit word.
  static uint64_t be64(uint64_t x) noexcept {
    if constexpr (std::endian::native == std::endian::little) return __builtin_bswap64(x);
    return x;
  }
};

// The first and last IPv4-mapped addresses: every IPv4 address of a set lies between them.
inline constexpr Address kFirstV4 = Address::v4(0);
inline constexpr Address kLastV4 = Address::v4(0xffffffffu);

// Parses an IPv6 address (no zone, no brackets). On failure nullopt and, if `why` is given,
// a short reason ("more than one '::'").
std::optional<Address> parse_ipv6(std::string_view text, std::string* why = nullptr);
// Either family: a dotted quad, else IPv6.
std::optional<Address> parse_address(std::string_view text, std::string* why = nullptr);

std::string format_ipv6(const Address& a);    // RFC 5952, even for a mapped address
std::string format_address(const Address& a); // dotted quad for IPv4, else RFC 5952

}  // namespace portauth::config

template <>
struct std::hash<portauth::config::Address> {
  size_t operator()(const portauth::config::Address& a) const noexcept {
    const uint64_t x = a.hi() * 0x9e3779b97f4a7c15ULL ^ a.lo();
    return size_t(x ^ (x >> 29));
  }
};
