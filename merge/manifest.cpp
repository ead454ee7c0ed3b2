#include "merge/manifest.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "config/address.h"
#include "merge/sha256.h"
#include "config/port_spec.h"

namespace portauth::merge {
namespace {

using J = nlohmann::ordered_json;
constexpr int kFormatVersion = 1;

std::string ranges_text(const PlanKey& k) {
  std::string out;
  for (const auto& [a, b] : k.targets)
    out += (out.empty() ? "" : ",") + config::format_address(a) + "-" + config::format_address(b);
  return out;
}

std::string show_text(unsigned mask) {
  std::string out;
  for (auto [bit, name] : {std::pair{config::kShowOpen, "open"}, {config::kShowClosed, "closed"},
                           {config::kShowStealth, "stealth"}})
    if (mask & bit) out += (out.empty() ? "" : ",") + std::string(name);
  return out;
}

// The whole argv as the kernel holds it: the joined command line loses the quoting.
std::vector<std::string> own_argv() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::vector<std::string> out;
  std::string item;
  while (std::getline(in, item, '\0')) out.push_back(item);
  return out;
}

std::string stored_path(const std::string& path, const std::filesystem::path& base) {
  if (path.empty() || path == "-") return "-";
  std::error_code ec;
  const auto abs = std::filesystem::absolute(path, ec).lexically_normal();
  if (ec) return path;
  const auto rel = abs.lexically_relative(base);
  if (!rel.empty() && *rel.begin() != "..") return rel.string();
  return abs.string();
}

[[noreturn]] void fail(const std::string& name, const std::string& what) {
  throw std::runtime_error(name + ": " + what);
}

// Typed access to "a.b" with an error naming the key.
const J& field(const J& obj, const std::string& name, const char* key, const char* path) {
  if (!obj.is_object() || !obj.contains(key)) fail(name, std::string("missing '") + path + "'");
  return obj.at(key);
}
uint64_t u64(const J& obj, const std::string& name, const char* key, const char* path) {
  const J& v = field(obj, name, key, path);
  if (!v.is_number_unsigned()) fail(name, std::string("'") + path + "' must be a non-negative integer");
  return v.get<uint64_t>();
}
std::string str(const J& obj, const std::string& name, const char* key, const char* path, bool nullable = false) {
  const J& v = field(obj, name, key, path);
  if (nullable && v.is_null()) return "";
  if (!v.is_string()) fail(name, std::string("'") + path + "' must be a string");
  return v.get<std::string>();
}
bool boolean(const J& obj, const std::string& name, const char* key) {
  const J& v = field(obj, name, key, key);
  if (!v.is_boolean()) fail(name, std::string("'") + key + "' must be true or false");
  return v.get<bool>();
}

PlanKey parse_plan(const J& plan, const std::string& name) {
  PlanKey k;
  const J& targets = field(plan, name, "targets", "plan.targets");
  if (!targets.is_array() || targets.empty()) fail(name, "'plan.targets' must be a list of address ranges");
  for (const auto& t : targets) {
    const std::string text = t.is_string() ? t.get<std::string>() : "";
    const size_t dash = text.find('-');
    const auto a = config::parse_address(text.substr(0, dash));
    const auto b = dash == std::string::npos ? std::nullopt : config::parse_address(text.substr(dash + 1));
    if (!a || !b || *b < *a || (!k.targets.empty() && *a <= k.targets.back().second))
      fail(name, "'plan.targets' has a bad or unordered range '" + text + "'");
    k.targets.emplace_back(*a, *b);
  }
  try {
    // A TCP plan's ports are a plain list, as before UDP; a plan with UDP ports prefixes both.
    const config::PortSpecParts parts = config::parse_port_spec(str(plan, name, "ports", "plan.ports"));
    k.ports = parts.plain;
    k.ports.insert(k.ports.end(), parts.tcp.begin(), parts.tcp.end());
    std::sort(k.ports.begin(), k.ports.end());
    k.ports.erase(std::unique(k.ports.begin(), k.ports.end()), k.ports.end());
    k.udp_ports = parts.udp;
  } catch (const std::exception& e) {
    fail(name, std::string("'plan.ports': ") + e.what());
  }
  k.seed = u64(plan, name, "seed", "plan.seed");
  const uint64_t shards = u64(plan, name, "shards", "plan.shards");
  if (shards == 0 || shards > 65536) fail(name, "'plan.shards' must be 1-65536");
  k.shards = uint32_t(shards);
  return k;
}

}  // namespace

PlanKey plan_key(const config::ScanPlan& plan) {
  PlanKey k;
  for (const auto& r : plan.targets.ranges()) k.targets.emplace_back(r.first, r.last);
  k.ports = plan.ports;
  k.udp_ports = plan.udp_ports;
  k.seed = plan.seed;
  k.shards = plan.shard_count;
  return k;
}

std::string fingerprint(const PlanKey& k) {
  // A fixed text form, so the fingerprint is the same on every machine and build.
  return sha256_hex("portauth-plan 1\ntargets " + ranges_text(k) + "\nports " + config::format_port_spec(k.ports, k.udp_ports) +
                    "\nseed " + std::to_string(k.seed) + "\nshards " + std::to_string(k.shards) + "\n");
}

std::string describe_difference(const PlanKey& a, const PlanKey& b) {
  std::vector<std::string> parts;
  if (a.targets != b.targets) {
    uint64_t na = 0, nb = 0;
    for (const auto& [x, y] : a.targets) na += config::clamp64(config::AddressRange{x, y}.size());
    for (const auto& [x, y] : b.targets) nb += config::clamp64(config::AddressRange{x, y}.size());
    parts.push_back("targets " + std::to_string(na) + " addresses in " + std::to_string(a.targets.size()) +
                    " range(s) vs " + std::to_string(nb) + " in " + std::to_string(b.targets.size()) +
                    (na == nb ? " (other ranges or excludes)" : ""));
  }
  if (a.ports != b.ports || a.udp_ports != b.udp_ports)
    parts.push_back("ports " + config::format_port_spec(a.ports, a.udp_ports) + " vs " +
                    config::format_port_spec(b.ports, b.udp_ports));
  if (a.seed != b.seed) parts.push_back("seed " + std::to_string(a.seed) + " vs " + std::to_string(b.seed));
  if (a.shards != b.shards) parts.push_back("shard count " + std::to_string(a.shards) + " vs " + std::to_string(b.shards));
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "; ") + p;
  return out;
}

std::map<std::string, std::string> engine_environment() {
  std::map<std::string, std::string> out;
  for (const char* name : {"JOB_COMPLETION_INDEX", "SLURM_ARRAY_JOB_ID", "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN",
                           "SLURM_ARRAY_TASK_MAX", "SLURM_JOB_ID", "SLURM_JOB_NAME", "SLURM_SUBMIT_DIR"})
    if (const char* v = std::getenv(name)) out[name] = v;
  return out;
}

Manifest make_manifest(const config::ScanPlan& plan, unsigned show, const output::ScanSummary& s,
                       const std::string& manifest_path, const std::vector<int>* fds) {
  Manifest m;
  m.plan = plan_key(plan);
  m.fingerprint = fingerprint(m.plan);
  m.shard = plan.shard_index + 1;
  m.interrupted = s.interrupted;
  m.complete = !s.interrupted;
  m.show = show;
  m.counts = s;
  m.rate = plan.rate;
  m.retries = plan.retries;
  m.end = int64_t(std::time(nullptr));
  m.start = m.end - int64_t(s.seconds + 0.5);
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) == 0) m.host = host;
  m.argv = own_argv();
  m.engine = engine_environment();
  std::error_code ec;
  const auto base = std::filesystem::absolute(manifest_path, ec).lexically_normal().parent_path();
  m.resume_file = s.resume_file.empty() ? "" : stored_path(s.resume_file, base);
  for (size_t i = 0; i < plan.outputs.size(); ++i) {
    const auto& o = plan.outputs[i];
    ManifestOutput out{config::output_format_name(o.format), stored_path(o.path, base), 0, ""};
    const int fd = fds && i < fds->size() ? (*fds)[i] : -1;
    const bool hashed = fd >= 0 ? sha256_fd(fd, out.sha256, out.bytes) : sha256_file(o.path, out.sha256, out.bytes);
    if (out.path != "-" && !hashed) out.sha256.clear();
    m.outputs.push_back(out);
  }
  return m;
}

std::string manifest_json(const Manifest& m) {
  const auto& c = m.counts;
  J outputs = J::array();
  for (const auto& o : m.outputs) {
    J entry = {{"format", o.format}, {"path", o.path}};
    if (o.path != "-") entry["bytes"] = o.bytes, entry["sha256"] = o.sha256.empty() ? J(nullptr) : J(o.sha256);
    outputs.push_back(entry);
  }
  J targets = J::array();
  for (const auto& [a, b] : m.plan.targets) targets.push_back(config::format_address(a) + "-" + config::format_address(b));
  auto or_null = [](const std::string& v) { return v.empty() ? J(nullptr) : J(v); };
  J j = {{"portauth_manifest", kFormatVersion},
         {"fingerprint", m.fingerprint},
         {"plan", {{"targets", targets}, {"ports", config::format_port_spec(m.plan.ports, m.plan.udp_ports)}, {"seed", m.plan.seed},
                   {"shards", m.plan.shards}}},
         {"shard", m.shard},
         {"complete", m.complete},
         {"interrupted", m.interrupted},
         {"resume_file", or_null(m.resume_file)},
         {"error", or_null(m.error)},
         {"show", show_text(m.show)},
         {"counts", {{"open", c.open}, {"closed", c.closed}, {"stealth", c.stealth}, {"probed", c.probed},
                     {"not_sent", c.not_sent}, {"packets_sent", c.packets_sent}, {"send_errors", c.send_errors},
                     {"passes", c.passes}, {"last_retry_answers", c.last_retry_answers}}},
         {"pcap", {{"received", c.pcap_received}, {"dropped", c.pcap_dropped}}},
         {"rate", m.rate > 1e12 ? J("max") : J(m.rate)},
         {"retries", m.retries},
         {"start", m.start},
         {"end", m.end},
         {"host", m.host},
         {"argv", m.argv},
         {"engine", m.engine},
         {"outputs", outputs}};
  // A plan with UDP ports counts its silent ones apart (TCP's manifests are what they were).
  if (c.udp) j["counts"]["open_filtered"] = c.open_filtered;
  // -sV: the service stage's account, which merge adds up (absent without -sV, and from
  // manifests written before it was recorded: merge then counts the answers on the lines).
  if (c.service_scan)
    j["services"] = {{"identified", c.services_identified}, {"unrecognised", c.services_unrecognised},
                     {"silent", c.services_silent},         {"tcpwrapped", c.services_tcpwrapped},
                     {"unfinished", c.services_unfinished}, {"not_tried", c.services_not_tried},
                     {"connections", c.service_connections},
                     {"seconds_after_scan", c.service_extra_seconds}};
  // Replacement, not an exception, for argv bytes that are not UTF-8.
  return j.dump(1, ' ', false, J::error_handler_t::replace) + "\n";
}

Manifest parse_manifest(const std::string& text, const std::string& name) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos)
    fail(name, "empty: the scan that was to write it never finished (killed, or still running)");
  J j;
  try {
    j = J::parse(text);
  } catch (const J::parse_error& e) {
    // nlohmann says where as a byte offset; say it as a line and column.
    size_t line = 1, col = 1;
    for (size_t i = 0; i + 1 < e.byte && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    throw std::runtime_error(name + ":" + std::to_string(line) + ":" + std::to_string(col) + ": not JSON");
  }
  if (!j.is_object() || !j.contains("portauth_manifest")) fail(name, "not a portauth shard manifest");
  if (u64(j, name, "portauth_manifest", "portauth_manifest") != kFormatVersion)
    fail(name, "unsupported manifest version (this portauth reads version 1)");
  Manifest m;
  m.plan = parse_plan(field(j, name, "plan", "plan"), name);
  m.fingerprint = str(j, name, "fingerprint", "fingerprint");
  const uint64_t shard = u64(j, name, "shard", "shard");
  if (shard == 0 || shard > m.plan.shards) fail(name, "'shard' " + std::to_string(shard) + " is not in 1-" + std::to_string(m.plan.shards));
  m.shard = uint32_t(shard);
  m.complete = boolean(j, name, "complete");
  m.interrupted = boolean(j, name, "interrupted");
  m.resume_file = str(j, name, "resume_file", "resume_file", true);
  m.error = str(j, name, "error", "error", true);
  try {
    m.show = config::parse_show(str(j, name, "show", "show"));
  } catch (const std::exception& e) {
    fail(name, std::string("'show': ") + e.what());
  }
  const J& c = field(j, name, "counts", "counts");
  m.counts.open = u64(c, name, "open", "counts.open");
  m.counts.closed = u64(c, name, "closed", "counts.closed");
  m.counts.stealth = u64(c, name, "stealth", "counts.stealth");
  if (c.is_object() && c.contains("open_filtered")) {
    m.counts.udp = true;
    m.counts.open_filtered = u64(c, name, "open_filtered", "counts.open_filtered");
  }
  m.counts.probed = u64(c, name, "probed", "counts.probed");
  m.counts.not_sent = u64(c, name, "not_sent", "counts.not_sent");
  m.counts.packets_sent = u64(c, name, "packets_sent", "counts.packets_sent");
  m.counts.send_errors = u64(c, name, "send_errors", "counts.send_errors");
  m.counts.passes = unsigned(u64(c, name, "passes", "counts.passes"));
  // Written since issue 19.0; older manifests lack it.
  if (c.contains("last_retry_answers"))
    m.counts.last_retry_answers = u64(c, name, "last_retry_answers", "counts.last_retry_answers");
  if (j.contains("services")) {
    const J& sv = j["services"];
    m.counts.service_scan = true;
    m.counts.services_identified = u64(sv, name, "identified", "services.identified");
    m.counts.services_unrecognised = u64(sv, name, "unrecognised", "services.unrecognised");
    m.counts.services_silent = u64(sv, name, "silent", "services.silent");
    m.counts.services_tcpwrapped = u64(sv, name, "tcpwrapped", "services.tcpwrapped");
    m.counts.services_unfinished = u64(sv, name, "unfinished", "services.unfinished");
    m.counts.services_not_tried = u64(sv, name, "not_tried", "services.not_tried");
    m.counts.service_connections = u64(sv, name, "connections", "services.connections");
    const J& secs = field(sv, name, "seconds_after_scan", "services.seconds_after_scan");
    if (!secs.is_number() || !(secs.get<double>() >= 0) || !std::isfinite(secs.get<double>()))
      fail(name, "'services.seconds_after_scan' must be a number of seconds");
    m.counts.service_extra_seconds = secs.get<double>();
  }
  const J& pcap = field(j, name, "pcap", "pcap");
  m.counts.pcap_received = u64(pcap, name, "received", "pcap.received");
  m.counts.pcap_dropped = u64(pcap, name, "dropped", "pcap.dropped");
  const J& rate = field(j, name, "rate", "rate");
  m.rate = rate.is_number() ? rate.get<double>() : 1e300;  // "max"
  m.retries = unsigned(u64(j, name, "retries", "retries"));
  m.start = int64_t(u64(j, name, "start", "start"));
  m.end = int64_t(u64(j, name, "end", "end"));
  m.host = str(j, name, "host", "host");
  const J& argv = field(j, name, "argv", "argv");
  if (!argv.is_array()) fail(name, "'argv' must be a list of strings");
  for (const auto& a : argv) {
    if (!a.is_string()) fail(name, "'argv' must be a list of strings");
    m.argv.push_back(a.get<std::string>());
  }
  const J& engine = field(j, name, "engine", "engine");
  if (!engine.is_object()) fail(name, "'engine' must be an object");
  for (const auto& [k, v] : engine.items()) {
    if (!v.is_string()) fail(name, "'engine." + k + "' must be a string");
    m.engine[k] = v.get<std::string>();
  }
  const J& outputs = field(j, name, "outputs", "outputs");
  if (!outputs.is_array()) fail(name, "'outputs' must be a list");
  for (const auto& o : outputs) {
    ManifestOutput out;
    out.format = str(o, name, "format", "outputs[].format");
    out.path = str(o, name, "path", "outputs[].path");
    if (out.path != "-") {
      out.bytes = u64(o, name, "bytes", "outputs[].bytes");
      out.sha256 = str(o, name, "sha256", "outputs[].sha256", true);
    }
    m.outputs.push_back(out);
  }
  if (fingerprint(m.plan) != m.fingerprint)
    fail(name, "its plan does not match its fingerprint: the file was edited, or written by another program");
  return m;
}

Manifest load_manifest(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read manifest '" + path + "': " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  return parse_manifest(text.str(), path);
}

std::string manifest_path_for(const std::string& path, const std::string& scan_name) {
  if (scan_name.empty()) return path;
  const size_t slash = path.find_last_of('/');
  const size_t dot = path.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash) || dot == slash + 1)
    return path + "." + scan_name;
  return path.substr(0, dot) + "." + scan_name + path.substr(dot);
}

}  // namespace portauth::merge
