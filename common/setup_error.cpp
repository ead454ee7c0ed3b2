#include "common/setup_error.h"

#include <limits.h>
#include <unistd.h>

namespace portauth::common {

std::string privilege_hint() {
  char path[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", path, sizeof path);
  // Without /proc (or with a path too long to read) the hint still says what to do.
  const std::string exe = n > 0 && size_t(n) < sizeof path ? std::string(path, size_t(n)) : "/path/to/portauth";
  return "need root or CAP_NET_RAW: try sudo, or give the binary the capability once with "
         "'sudo setcap cap_net_raw+ep " + exe + "'";
}

}  // namespace portauth::common
