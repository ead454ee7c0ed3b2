#include "output/service_text.h"

namespace portauth::output {

std::string service_name(const Annotation& a, const service::ServiceInfo* s, bool with_tunnel) {
  if (s && s->probed) {
    if (s->name.empty()) return "unknown";
    return with_tunnel ? service::service_column(*s) : s->name;
  }
  if (s && !s->name.empty()) return s->name;
  return a.service.empty() ? "unknown" : a.service;
}

std::string service_version(const service::ServiceInfo* s) {
  if (!s) return {};
  using service::Answer;
  switch (s->answer) {
    case Answer::kIdentified: return service::product_line(*s);
    case Answer::kUnrecognised: return "unrecognised: " + service::escape_banner(s->banner, 40);
    case Answer::kSilent: return "silent: accepts connections, never sends a byte";
    case Answer::kTcpwrapped: return "closes every connection at once";
    case Answer::kRefused: return "refused the connection (closed since the SYN scan)";
    case Answer::kNoConnection: return "no connection (filtered since the SYN scan?)";
    case Answer::kUnfinished: return "not identified (the scan ended first)";
  }
  return {};
}

}  // namespace portauth::output
