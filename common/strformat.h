// printf into a std::string, sized to fit: the report lines' one formatter. The format string is
// checked against the arguments by the compiler (-Wformat), which a variadic template cannot do.
#pragma once
#include <string>

namespace portauth::common {

std::string strformat(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

}  // namespace portauth::common
