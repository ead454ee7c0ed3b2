#include "cli/nmap_style_args.h"

#include <string_view>
#include <utility>

#include "config/option_table.h"
#include "config/spec_error.h"

namespace portauth::cli {
namespace {

// nmap options with no meaning for a SYN and UDP scanner: refused rather than silently
// ignored, so that nobody believes OS detection ran. (-sV is an option: --service-scan.)
constexpr std::pair<std::string_view, std::string_view> kUnsupported[] = {
    {"-sT", "TCP connect scan"},   {"-sA", "ACK scan"},
    {"-sW", "window scan"},        {"-sM", "Maimon scan"},            {"-sN", "NULL scan"},
    {"-sF", "FIN scan"},           {"-sX", "Xmas scan"},              {"-sI", "idle scan"},
    {"-sY", "SCTP INIT scan"},     {"-sZ", "SCTP COOKIE-ECHO scan"},  {"-sO", "IP protocol scan"},
    {"-sn", "ping scan"},          {"-sL", "list scan"},              {"-sC", "script scan"},        {"-O", "OS detection"},            {"-A", "OS and version detection, scripts and traceroute"},
    {"--script", "the scripting engine"}, {"--traceroute", "traceroute"}, {"-b", "FTP bounce scan"},
};

std::string_view unsupported(const std::string& arg) {
  for (const auto& [flag, what] : kUnsupported)
    if (arg == flag || (flag.rfind("--", 0) == 0 && arg.rfind(std::string(flag) + "=", 0) == 0)) return what;
  return {};
}

}  // namespace

std::vector<std::string> rewrite_nmap_style_args(int argc, const char* const* argv) {
  std::vector<std::pair<std::string, std::string>> rewrites;
  for (const auto& spec : config::option_table())
    if (!spec.alias.empty()) rewrites.emplace_back(spec.alias, spec.long_name());
  std::vector<std::string> out;
  out.reserve(size_t(argc));
  bool after_double_dash = false;
  for (int i = 0; i < argc; ++i) {
    std::string arg = argv[i];
    if (i == 0) {
      out.push_back(std::move(arg));
      continue;
    }
    if (after_double_dash) {
      // CLI11 2.1 loses "--" once a positional has been seen; what follows it can only be a
      // target (or HOST PORT), and no target starts with '-', so it is passed on plainly.
      if (!arg.empty() && arg.front() == '-')
        throw config::SpecError("'" + arg + "' after -- is not a target (no target starts with '-')");
      out.push_back(std::move(arg));
      continue;
    }
    if (arg == "--") {
      after_double_dash = true;
      continue;
    }
    if (const auto what = unsupported(arg); !what.empty())
      throw config::SpecError(arg.substr(0, arg.find('=')) + " (" + std::string(what) +
                              ") is not supported: portauth scans with TCP SYN (nmap's -sS) and UDP (-sU) probes; nothing was sent");
    for (const auto& [from, to] : rewrites) {
      if (arg == from) arg = to;
      // --max-rate=500, as --rate=500 (nmap's multi-letter short options take no '=').
      else if (from.rfind("--", 0) == 0 && arg.rfind(from + "=", 0) == 0) arg = to + arg.substr(from.size());
    }
    out.push_back(std::move(arg));
  }
  return out;
}

}  // namespace portauth::cli
