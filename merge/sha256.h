// SHA-256 (FIPS 180-4), streaming: for the checksums in shard manifests, so that a file
// collected from another machine can be checked with `sha256sum` as well as by `merge`.
// Not constant-time and not for keys: it hashes files and plan descriptions only.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace portauth::merge {

class Sha256 {
 public:
  Sha256();
  void update(const void* data, size_t size);
  void update(std::string_view text) { update(text.data(), text.size()); }
  // The digest as 64 lowercase hex digits; the object must not be updated afterwards.
  std::string hex_digest();

 private:
  void block(const uint8_t* p);
  std::array<uint32_t, 8> h_;
  std::array<uint8_t, 64> buf_{};
  size_t buffered_ = 0;
  uint64_t total_bytes_ = 0;
};

std::string sha256_hex(std::string_view text);

// Hashes a whole file; returns false (and leaves `hex` alone) when it cannot be read.
// `bytes` receives its size.
bool sha256_file(const std::string& path, std::string& hex, uint64_t& bytes);
// The same through an open descriptor, from offset 0 (pread: the offset is left alone).
bool sha256_fd(int fd, std::string& hex, uint64_t& bytes);

}  // namespace portauth::merge
