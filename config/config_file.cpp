#include "config_file.h"

#include <yaml-cpp/yaml.h>

#include <array>
#include <fstream>
#include <sstream>

#include "common/closest_match.h"
#include "port_spec.h"
#include "spec_error.h"
#include "yaml_limits.h"

namespace portauth::config {
namespace {

constexpr std::array<std::string_view, 21> kScanKeys = {
    "name",     "targets",   "target_files", "excludes",  "exclude_files", "allow",       "ports",
    "rate",     "retries",   "wait",         "interface", "source_ip",     "source_port", "seed",
    "shard",    "show",      "outputs",      "database",  "confirm_large", "preset",      "top_ports"};

// The most list items (targets, excludes, allow, outputs, ...) all the scans of a file may
// hold together, after top-level lists are copied into every scan (see file()).
constexpr size_t kMaxListItems = 1'000'000;

class Reader {
 public:
  Reader(std::string name, std::string base_dir) : name_(std::move(name)), base_(std::move(base_dir)) {}

  [[noreturn]] void fail(const YAML::Node& node, const std::string& what) const {
    const YAML::Mark m = node.Mark();
    throw SpecError(name_ + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1) + ": " + what);
  }

  std::string scalar(const YAML::Node& n, const std::string& key, const char* expect = "a string") const {
    if (!n.IsScalar()) fail(n, "'" + key + "' must be " + expect);
    return n.Scalar();
  }

  std::vector<std::string> strings(const YAML::Node& n, const std::string& key) const {
    std::vector<std::string> out;
    if (n.IsScalar()) return {n.Scalar()};
    if (!n.IsSequence()) fail(n, "'" + key + "' must be a string or a list of strings");
    for (const auto& item : n) out.push_back(scalar(item, key, "a list of strings"));
    return out;
  }

  std::string path(const YAML::Node& n, const std::string& key) const {
    const std::string p = scalar(n, key, "a file name");
    if (p.empty()) fail(n, "'" + key + "' is empty");
    return p.front() == '/' || base_.empty() ? p : base_ + "/" + p;
  }

  int64_t integer(const YAML::Node& n, const std::string& key, int64_t lo, int64_t hi) const {
    const std::string text = scalar(n, key, "a whole number");
    size_t used = 0;
    long long v = 0;
    try {
      v = std::stoll(text, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != text.size() || text.empty() || v < lo || v > hi)
      fail(n, "'" + key + "' must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi) +
                  ", not '" + text + "'");
    return v;
  }

  double number(const YAML::Node& n, const std::string& key) const {
    const std::string text = scalar(n, key, "a number");
    size_t used = 0;
    double v = 0;
    try {
      v = std::stod(text, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != text.size() || text.empty()) fail(n, "'" + key + "' must be a number, not '" + text + "'");
    return v;
  }

  bool boolean(const YAML::Node& n, const std::string& key) const {
    const std::string text = scalar(n, key, "true or false");
    if (text == "true" || text == "yes") return true;
    if (text == "false" || text == "no") return false;
    fail(n, "'" + key + "' must be true or false, not '" + text + "'");
  }

  void ports(const YAML::Node& n, ConfigScan& scan) const {
    auto check_spec = [&](const YAML::Node& at, const std::string& spec) {
      try {
        parse_ports(spec);
      } catch (const SpecError& e) {
        fail(at, e.what());
      }
    };
    if (n.IsScalar()) {
      check_spec(n, n.Scalar());
      scan.options.ports = n.Scalar();
    } else if (n.IsSequence()) {
      std::string joined;
      for (const auto& item : n) {
        const std::string spec = scalar(item, "ports", "a list of ports and ranges");
        check_spec(item, spec);
        joined += (joined.empty() ? "" : ",") + spec;
      }
      if (joined.empty()) fail(n, "'ports' is an empty list");
      scan.options.ports = joined;
    } else if (n.IsMap()) {
      for (const auto& kv : n) {
        const std::string key = scalar(kv.first, "ports");
        if (key == "preset") scan.options.preset = scalar(kv.second, "ports.preset");
        else if (key == "top") scan.top_ports = size_t(integer(kv.second, "ports.top", 1, 65536));
        else unknown(kv.first, key, std::array<std::string_view, 2>{"preset", "top"});
      }
    } else {
      fail(n, "'ports' must be a port list string, a list, {preset: NAME} or {top: N}");
    }
  }

  void outputs(const YAML::Node& n, ScanOptions& o) const {
    if (!n.IsSequence()) fail(n, "'outputs' must be a list of {format: ..., path: ...}");
    for (const auto& item : n) {
      if (!item.IsMap()) fail(item, "each output must be a map like {format: jsonl, path: out.jsonl}");
      std::string format, file;
      for (const auto& kv : item) {
        const std::string key = scalar(kv.first, "outputs");
        if (key == "format") {
          format = scalar(kv.second, "format");
          try {
            parse_output_format(format);
          } catch (const SpecError& e) {
            fail(kv.second, e.what());
          }
        } else if (key == "path") {
          file = path(kv.second, "path");
        } else {
          unknown(kv.first, key, std::array<std::string_view, 2>{"format", "path"});
        }
      }
      if (format.empty()) fail(item, "an output needs a 'format'");
      o.extra_outputs.emplace_back(format, file.empty() ? "-" : file);
    }
  }

  template <size_t N>
  [[noreturn]] void unknown(const YAML::Node& at, const std::string& key,
                            const std::array<std::string_view, N>& known) const {
    const auto suggestion = common::closest_match(key, known);
    fail(at, "unknown key '" + key + "'" +
                 (suggestion.empty() ? std::string() : " (did you mean '" + std::string(suggestion) + "'?)"));
  }

  void scan_key(const YAML::Node& keynode, const YAML::Node& v, ConfigScan& s) const {
    const std::string key = scalar(keynode, "key");
    auto& o = s.options;
    if (key == "name") s.name = scalar(v, key);
    else if (key == "targets") o.targets = strings(v, key);
    else if (key == "target_files") paths(v, key, o.target_files);
    else if (key == "excludes") o.excludes = strings(v, key);
    else if (key == "exclude_files") paths(v, key, o.exclude_files);
    else if (key == "allow") o.allow = strings(v, key);
    else if (key == "ports") ports(v, s);
    else if (key == "preset") o.preset = scalar(v, key);
    else if (key == "top_ports") s.top_ports = size_t(integer(v, key, 1, 65536));
    else if (key == "rate") o.rate = scalar(v, key, "a number of packets per second or 'max'");
    else if (key == "retries") o.retries = int(integer(v, key, 0, 20));
    else if (key == "wait") o.wait_seconds = number(v, key);
    else if (key == "interface") o.interface = scalar(v, key);
    else if (key == "source_ip") o.source_ip = scalar(v, key);
    else if (key == "source_port") o.source_port = scalar(v, key);
    else if (key == "seed") o.seed = uint64_t(integer(v, key, 0, INT64_MAX));
    else if (key == "shard") o.shard = scalar(v, key);
    else if (key == "show") {
      const auto items = strings(v, key);
      std::string joined;
      for (const auto& i : items) joined += (joined.empty() ? "" : ",") + i;
      try {
        parse_show(joined);
      } catch (const SpecError& e) {
        fail(v, e.what());
      }
      o.show = joined;
    } else if (key == "outputs") outputs(v, o);
    else if (key == "database") s.database = path(v, key);
    else if (key == "confirm_large") o.confirm_large = boolean(v, key);
    else unknown(keynode, key, kScanKeys);
    s.keys.insert(key);
  }

  // A file name or a list of them, each checked by path() (an empty name is an error there,
  // with its position, rather than the config file's directory).
  void paths(const YAML::Node& n, const std::string& key, std::vector<std::string>& out) const {
    if (n.IsScalar()) {
      out.push_back(path(n, key));
      return;
    }
    if (!n.IsSequence()) fail(n, "'" + key + "' must be a file name or a list of file names");
    for (const auto& item : n) out.push_back(path(item, key));
  }

  ConfigScan scan(const YAML::Node& map, const ConfigScan& defaults) const {
    ConfigScan s = defaults;
    std::set<std::string> seen;
    for (const auto& kv : map) {
      const std::string key = scalar(kv.first, "key");
      once(seen, kv.first, key);
      // A key given again in a scan replaces the default's list, not appends to it.
      if (key == "outputs") s.options.extra_outputs.clear();
      if (key == "target_files") s.options.target_files.clear();
      if (key == "exclude_files") s.options.exclude_files.clear();
      scan_key(kv.first, kv.second, s);
    }
    return s;
  }

  // YAML says the keys of a map are unique; yaml-cpp keeps the last. A repeated key is
  // nearly always a mistake (two 'rate:' lines), so say so rather than pick one.
  void once(std::set<std::string>& seen, const YAML::Node& keynode, const std::string& key) const {
    if (!seen.insert(key).second) fail(keynode, "'" + key + "' is given twice in the same map");
  }

  static size_t list_items(const ConfigScan& s) {
    const auto& o = s.options;
    return o.targets.size() + o.target_files.size() + o.excludes.size() + o.exclude_files.size() + o.allow.size() +
           o.extra_outputs.size() + 1;
  }

  std::vector<ConfigScan> file(const YAML::Node& root) const {
    if (!root.IsMap()) fail(root, "a config file must be a map of scan options (or hold a 'scans:' list)");
    ConfigScan defaults;
    const YAML::Node* scans = nullptr;
    YAML::Node scans_node;
    std::set<std::string> seen;
    for (const auto& kv : root) {
      const std::string key = scalar(kv.first, "key");
      once(seen, kv.first, key);
      if (key == "scans") {
        scans_node = kv.second;
        scans = &scans_node;
      } else {
        if (key == "name") fail(kv.first, "'name' belongs to an entry of 'scans:'");
        scan_key(kv.first, kv.second, defaults);
      }
    }
    if (!scans) return {defaults};
    if (!scans->IsSequence() || scans->size() == 0) fail(*scans, "'scans' must be a non-empty list of scans");
    std::vector<ConfigScan> out;
    std::set<std::string> names;
    size_t items = 0;
    for (const auto& item : *scans) {
      if (!item.IsMap()) fail(item, "each entry of 'scans' must be a map of scan options");
      ConfigScan s = scan(item, defaults);
      // Every scan gets its own copy of the top-level lists, so a long list and many scans
      // multiply: bound the product, not just the file.
      items += list_items(s);
      if (items > kMaxListItems)
        fail(item, "the scans of this file list more than " + std::to_string(kMaxListItems) +
                       " targets, excludes and outputs in all (top-level lists count once per scan); put "
                       "long lists in target_files");
      if (s.name.empty()) fail(item, "each entry of 'scans' needs a 'name'");
      if (!names.insert(s.name).second) fail(item, "a scan named '" + s.name + "' is already defined");
      out.push_back(std::move(s));
    }
    return out;
  }

 private:
  std::string name_;
  std::string base_;
};

}  // namespace

std::vector<ConfigScan> parse_config_text(const std::string& text, const std::string& name,
                                          const std::string& base_dir) {
  Reader reader(name, base_dir);
  check_yaml_limits(text, name, kConfigYamlLimits);  // before YAML::Load builds anything
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw SpecError(name + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) + ": " +
                    e.msg);
  }
  if (!root || root.IsNull()) throw SpecError(name + ":1:1: the config file is empty");
  return reader.file(root);
}

std::vector<ConfigScan> load_config_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw SpecError("cannot read config file '" + path + "'");
  std::ostringstream text;
  text << in.rdbuf();
  const size_t slash = path.rfind('/');
  return parse_config_text(text.str(), path, slash == std::string::npos ? "." : path.substr(0, slash));
}

}  // namespace portauth::config
