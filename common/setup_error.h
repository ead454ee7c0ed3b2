// Errors while preparing the wire (sockets, capture, routes). what() is a full message with
// a hint where there is an obvious fix. No packet has been sent when one of these is thrown.
#pragma once
#include <stdexcept>
#include <string>

namespace portauth::common {

class SetupError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline constexpr const char* kPrivilegeHint =
    "need root or CAP_NET_RAW: try sudo, or give the binary the capability once with "
    "'sudo setcap cap_net_raw+ep /path/to/portauth'";

}  // namespace portauth::common
