#include "nmap_style_args.h"

#include <string_view>
#include <utility>

namespace portauth::app {
namespace {

constexpr std::pair<std::string_view, std::string_view> kRewrites[] = {
    {"-iL", "--target-file"},     {"-oX", "--output-xml"}, {"-oG", "--output-grepable"},
    {"-oJ", "--output-jsonl"},    {"-oN", "--output-text"}, {"-oC", "--output-csv"},
    {"-oH", "--output-html"},
};

}  // namespace

std::vector<std::string> rewrite_nmap_style_args(int argc, const char* const* argv) {
  std::vector<std::string> out;
  out.reserve(size_t(argc));
  bool after_double_dash = false;
  for (int i = 0; i < argc; ++i) {
    std::string arg = argv[i];
    if (i > 0 && !after_double_dash) {
      if (arg == "--") after_double_dash = true;
      for (const auto& [from, to] : kRewrites)
        if (arg == from) arg = to;
    }
    out.push_back(std::move(arg));
  }
  return out;
}

}  // namespace portauth::app
