// The one error type for bad user input in config/: a target, port or option that does not
// parse or does not make sense. what() is a complete, human-readable sentence fragment that
// names the offending text; callers prefix where it came from (argument, file:line:col).
#pragma once
#include <stdexcept>
#include <string>

namespace portauth::config {

class SpecError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace portauth::config
