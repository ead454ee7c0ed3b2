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

// "need root or CAP_NET_RAW: try sudo, or give the binary the capability once with
// 'sudo setcap cap_net_raw+ep /usr/local/bin/portauth'": the running binary's own path
// (/proc/self/exe), so the command can be pasted as it is (issue 19, item 15).
std::string privilege_hint();
// The same text, computed once when the program starts (before privileges are dropped).
inline const std::string kPrivilegeHint = privilege_hint();

}  // namespace portauth::common
