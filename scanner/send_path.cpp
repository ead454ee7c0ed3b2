#include "scanner/send_path.h"

#include "common/setup_error.h"

namespace portauth::scanner {

std::string describe_path(config::SendMode mode) {
  switch (mode) {
    case config::SendMode::kRaw: return "raw (raw IP socket + sendmmsg)";
    case config::SendMode::kRing: return "ring (PACKET_MMAP TX ring)";
    case config::SendMode::kXdp: return "xdp (AF_XDP socket, copy mode)";
    case config::SendMode::kAuto: break;
  }
  return "auto";
}

std::string link_path_problem(const PathFacts& f) {
  if (!f.link_problem.empty()) return f.link_problem;
  if (f.has_v4 && !f.hop_problem_v4.empty()) return f.hop_problem_v4;
  if (f.has_v6 && !f.hop_problem_v6.empty()) return f.hop_problem_v6;
  return "";
}

namespace {

std::string hops(const PathFacts& f) {
  std::string out;
  if (f.has_v4) out = f.hop_v4;
  if (f.has_v6) out += (out.empty() ? "" : " and ") + f.hop_v6;
  return out;
}

}  // namespace

PathChoice choose_path(config::SendMode requested, const PathFacts& f) {
  const std::string problem = link_path_problem(f);
  PathChoice c;
  switch (requested) {
    case config::SendMode::kRaw:
      c.mode = config::SendMode::kRaw;
      c.reason = "asked for (--send-mode raw)";
      return c;
    case config::SendMode::kRing:
    case config::SendMode::kXdp: {
      const char* name = requested == config::SendMode::kRing ? "ring" : "xdp";
      if (!problem.empty())
        throw common::SetupError(std::string("--send-mode ") + name + " cannot serve this scan: " + problem +
                                 "; use --send-mode raw (or auto, which picks raw here)");
      c.mode = requested;
      c.reason = std::string("asked for (--send-mode ") + name + "); frames to " + hops(f) + " on " + f.interface;
      return c;
    }
    case config::SendMode::kAuto:
      break;
  }
  if (!problem.empty()) {
    c.mode = config::SendMode::kRaw;
    c.reason = "auto: " + problem;
    return c;
  }
  c.mode = kAutoOrder[0];
  c.reason = "auto: " + f.interface + " is Ethernet and every target is behind " + hops(f);
  return c;
}

}  // namespace portauth::scanner
