#include "config/resume_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cmath>
#include <charconv>
#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>

#include "config/address.h"
#include "config/option_table.h"
#include "config/option_yaml.h"
#include "config/port_spec.h"
#include "config/spec_error.h"
#include "config/yaml_limits.h"

namespace portauth::config {
namespace {

constexpr int kFormatVersion = 1;

std::string show_names(unsigned mask) {
  std::string out;
  for (auto [bit, name] : {std::pair{kShowOpen, "open"}, {kShowClosed, "closed"}, {kShowStealth, "stealth"},
                           {kShowCanaries, "canaries"}})
    if (mask & bit) out += (out.empty() ? "" : ",") + std::string(name);
  return out;
}

std::string format_slot_ranges(const SlotRanges& ranges) {
  std::string out;
  for (const auto& [a, b] : ranges) {
    if (!out.empty()) out += ',';
    out += std::to_string(a);
    if (b != a) out += '-' + std::to_string(b);
  }
  return out;
}

// Output paths are stored absolute: the scan may be resumed from another directory.
std::string absolute(const std::string& path) {
  if (path.empty() || path == "-") return "-";
  if (path.front() == '/') return path;
  char cwd[4096];
  return getcwd(cwd, sizeof cwd) ? std::string(cwd) + "/" + path : path;
}

// The scan as a resume file states it: its resolved probe space (the final target ranges,
// the port list), and the pacing, wire and outputs it ran with.
ScanOptions resumed_options(const ScanPlan& plan) {
  ScanOptions o;
  for (const auto& r : plan.targets.ranges()) o.targets.push_back(format_address(r.first) + "-" + format_address(r.last));
  o.ports = format_port_spec(plan.ports, plan.udp_ports);
  o.seed = plan.seed;
  o.shard = std::to_string(plan.shard_index + 1) + "/" + std::to_string(plan.shard_count);
  if (std::isinf(plan.rate)) {
    o.rate = "max";
  } else {
    std::ostringstream rate;
    rate << plan.rate;
    o.rate = rate.str();
  }
  o.min_rate = plan.min_rate;
  o.fixed_rate = plan.fixed_rate;
  o.retries = int(plan.retries);
  o.canaries = int(plan.canaries_made());  // the slot layout the run had (engine/scan_setup.h)
  o.wait_unreachable = plan.wait_unreachable;
  o.wait_seconds = plan.wait_seconds;
  o.interface = plan.interface;
  o.source_ip = plan.source_v4 ? format_address(*plan.source_v4) : "";
  if (plan.source_v6) o.source_ip += (o.source_ip.empty() ? "" : ",") + format_address(*plan.source_v6);
  o.show = show_names(plan.show);
  for (const auto& out : plan.outputs) o.extra_outputs.emplace_back(output_format_name(out.format), absolute(out.path));
  return o;
}

bool stored(const OptionSpec& spec) {
  return !spec.yaml_key.empty() &&
         (spec.resume == ResumePolicy::kProbeSpace || spec.resume == ResumePolicy::kStored);
}

std::string emit(const ScanPlan& plan, uint64_t next_slot, const SlotRanges& answered, const EarlierRuns& earlier) {
  const ScanOptions o = resumed_options(plan);
  YAML::Emitter e;
  e << YAML::BeginMap;
  e << YAML::Key << "portauth_resume" << YAML::Value << kFormatVersion;
  for (const auto& spec : option_table())
    if (stored(spec) && !(spec.resume_when_set && !(o.*std::get<bool ScanOptions::*>(spec.field))))
      emit_option(e, spec, o);
  e << YAML::Key << "next_slot" << YAML::Value << next_slot;
  e << YAML::Key << "answered" << YAML::Value << format_slot_ranges(answered);
  e << YAML::Key << "earlier" << YAML::Value << YAML::Flow << YAML::BeginMap;
  e << YAML::Key << "runs" << YAML::Value << earlier.runs;
  e << YAML::Key << "open" << YAML::Value << earlier.open;
  e << YAML::Key << "closed" << YAML::Value << earlier.closed;
  e << YAML::Key << "packets_sent" << YAML::Value << earlier.packets_sent;
  e << YAML::Key << "milliseconds" << YAML::Value << uint64_t(std::llround(earlier.seconds * 1000));
  e << YAML::EndMap;
  e << YAML::EndMap;
  return std::string("# portauth resume file: continue with  portauth scan --resume THIS_FILE\n") + e.c_str() + "\n";
}

[[noreturn]] void fail(const std::string& name, const YAML::Node& n, const std::string& what) {
  const YAML::Mark m = n.Mark();
  throw SpecError(name + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1) + ": " + what);
}

uint64_t parse_u64(const std::string& name, const YAML::Node& n, const std::string& key) {
  if (!n.IsScalar()) fail(name, n, "'" + key + "' must be a number");
  const std::string& t = n.Scalar();
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (t.empty() || ec != std::errc() || p != t.data() + t.size()) fail(name, n, "'" + key + "' must be a number");
  return v;
}

SlotRanges parse_slot_ranges(const std::string& name, const YAML::Node& n) {
  SlotRanges out;
  if (!n.IsScalar()) fail(name, n, "'answered' must be a list of slot ranges");
  std::stringstream in(n.Scalar());
  std::string item;
  while (std::getline(in, item, ',')) {
    const size_t dash = item.find('-');
    uint64_t a = 0, b = 0;
    auto num = [&](std::string_view t, uint64_t& v) {
      auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
      return !t.empty() && ec == std::errc() && p == t.data() + t.size();
    };
    const std::string_view sv(item);
    const bool ok = dash == std::string::npos ? num(sv, a) && (b = a, true)
                                              : num(sv.substr(0, dash), a) && num(sv.substr(dash + 1), b);
    if (!ok || b < a || (!out.empty() && a <= out.back().second))
      fail(name, n, "'answered' has a bad or unordered range '" + item + "'");
    out.emplace_back(a, b);
  }
  return out;
}

}  // namespace

namespace {

bool write_all(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::pwrite(fd, text.data() + done, text.size() - done, off_t(done));
    if (n < 0) return false;
    done += size_t(n);
  }
  return true;
}

}  // namespace

void write_resume_file(const std::string& path, const ScanPlan& plan, uint64_t next_slot,
                       const SlotRanges& answered, const EarlierRuns& earlier) {
  const std::string text = emit(plan, next_slot, answered, earlier);
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw SpecError("cannot write resume file '" + tmp + "': " + std::strerror(errno));
  fchmod(fd, 0600);  // an existing file keeps its old mode through O_CREAT
  if (!write_all(fd, text)) {
    const int err = errno;
    ::close(fd);
    throw SpecError("cannot write resume file '" + tmp + "': " + std::strerror(err));
  }
  if (fsync(fd) != 0 || ::close(fd) != 0 || std::rename(tmp.c_str(), path.c_str()) != 0)
    throw SpecError("cannot write resume file '" + path + "': " + std::strerror(errno));
}

void write_resume_fd(int fd, const std::string& path, const ScanPlan& plan, uint64_t next_slot,
                     const SlotRanges& answered, const EarlierRuns& earlier) {
  const std::string text = emit(plan, next_slot, answered, earlier);
  fchmod(fd, 0600);
  if (ftruncate(fd, 0) != 0 || !write_all(fd, text) || fsync(fd) != 0)
    throw SpecError("cannot write resume file '" + path + "': " + std::strerror(errno));
}

ResumeState parse_resume_text(const std::string& text, const std::string& name) {
  check_yaml_limits(text, name, kResumeYamlLimits);  // before YAML::Load builds anything
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw SpecError(name + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  if (!root.IsMap() || !root["portauth_resume"]) throw SpecError(name + ":1:1: not a portauth resume file");
  if (parse_u64(name, root["portauth_resume"], "portauth_resume") != kFormatVersion)
    fail(name, root["portauth_resume"], "unsupported resume file version");
  ResumeState st;
  ScanOptions& o = st.options;
  auto node = [&](const std::string& key) -> YAML::Node {
    YAML::Node n = root[key];
    if (!n) throw SpecError(name + ": not a complete resume file: missing '" + key + "'");
    return n;
  };
  const YamlReader in(name, "");  // output paths are stored absolute
  for (const auto& spec : option_table()) {
    if (!stored(spec) || (spec.resume_optional && !root[spec.yaml_key])) continue;
    const YAML::Node n = node(spec.yaml_key);
    read_option(spec, n, o, in);
    if (spec.yaml_key == "targets" && (!n.IsSequence() || o.targets.empty()))
      fail(name, n, "'targets' must be a list of ranges");
  }
  // The targets passed the target policy when the scan started; allowing exactly them
  // rebuilds the same set (never-scan ranges were already removed and stay removed).
  o.allow = o.targets;
  o.confirm_large = true;  // it was confirmed (or small) when it started
  st.next_slot = parse_u64(name, node("next_slot"), "next_slot");
  st.answered = parse_slot_ranges(name, node("answered"));
  if (const YAML::Node e = root["earlier"]) {
    if (!e.IsMap()) fail(name, e, "'earlier' must be a map of counts");
    auto count = [&](const char* key) -> uint64_t {
      const YAML::Node n = e[key];
      if (!n) fail(name, e, std::string("'earlier' has no '") + key + "'");
      return parse_u64(name, n, key);
    };
    uint64_t answered = 0;
    for (const auto& [a, b] : st.answered) answered += b - a + 1;
    st.earlier.runs = unsigned(std::min<uint64_t>(count("runs"), 1u << 20));
    st.earlier.open = count("open");
    st.earlier.closed = count("closed");
    // The counts are the answered slots: a file whose counts say otherwise was not written
    // by a scan, and a summary built on it would not add up.
    if (st.earlier.open > answered || st.earlier.closed > answered - st.earlier.open)
      fail(name, e, "'earlier' counts more answers than 'answered' holds");
    st.earlier.packets_sent = count("packets_sent");
    st.earlier.seconds = double(count("milliseconds")) / 1000;
  }
  return st;
}

ResumeState load_resume_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw SpecError("cannot read resume file '" + path + "': " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  // A named resume file is created empty when its scan starts (app/resume_file_slot.h).
  if (text.str().empty())
    throw SpecError(path + ": empty: the scan that created it was never interrupted (it was killed, or it "
                           "completed and could not remove it); there is nothing to resume");
  return parse_resume_text(text.str(), path);
}

}  // namespace portauth::config
