#include "service/fd_limit.h"

#include <sys/resource.h>

#include <algorithm>

namespace portauth::service {

FdBudget fd_budget(size_t wanted) {
  FdBudget b;
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0) {
    if (lim.rlim_cur < lim.rlim_max) {
      rlimit raised = lim;
      raised.rlim_cur = lim.rlim_max;
      if (setrlimit(RLIMIT_NOFILE, &raised) == 0) lim = raised;
    }
    b.soft = lim.rlim_cur == RLIM_INFINITY ? size_t(1) << 20 : size_t(lim.rlim_cur);
    b.hard = lim.rlim_max == RLIM_INFINITY ? size_t(1) << 20 : size_t(lim.rlim_max);
  } else {
    b.soft = b.hard = 1024;
  }
  const size_t room = b.soft > kFdReserve + 16 ? b.soft - kFdReserve : 16;
  b.connections = std::max<size_t>(1, std::min(wanted, room));
  if (b.connections < wanted)
    b.note = "service identification holds at most " + std::to_string(b.connections) +
             " connections at once, not " + std::to_string(wanted) + ": the open-file limit is " +
             std::to_string(b.soft) + " (raise it with ulimit -n, or lower --service-concurrency)";
  return b;
}

}  // namespace portauth::service
