// A libnet context in construct-only mode (LIBNET_NONE: no socket, no privileges), for
// building packets once: the SYN template and the TruStealth ICMP echo. Errors throw
// std::runtime_error with libnet's own message.
#pragma once
#include <libnet.h>

#include <cstdint>
#include <memory>
#include <vector>

namespace portauth::probe {

class LibnetBuilder {
 public:
  LibnetBuilder();
  libnet_t* get() const { return l_.get(); }
  // Throws with libnet's message if `rc` is -1 (libnet's failure value).
  void check(long rc, const char* what) const;
  // The built packet's bytes (libnet computes the checksums left as 0).
  std::vector<uint8_t> bytes() const;

 private:
  struct Deleter {
    void operator()(libnet_t* l) const { libnet_destroy(l); }
  };
  std::unique_ptr<libnet_t, Deleter> l_;
};

}  // namespace portauth::probe
