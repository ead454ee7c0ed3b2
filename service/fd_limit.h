// How many connections the service stage may hold open at once: the option asks, the
// open-file limit (RLIMIT_NOFILE) decides. The soft limit is raised to the hard limit (any
// process may do that); what is left after a reserve for the rest of the program (outputs,
// capture, database) bounds the connections, and a message says so when that is fewer than
// asked.
#pragma once
#include <cstddef>
#include <string>

namespace portauth::service {

inline constexpr size_t kFdReserve = 128;

struct FdBudget {
  size_t connections = 0;  // at most this many in flight (>= 1)
  size_t soft = 0, hard = 0;  // RLIMIT_NOFILE after raising
  std::string note;           // "" or why fewer than asked ("raise it with ulimit -n ...")
};

FdBudget fd_budget(size_t wanted);

}  // namespace portauth::service
