#include "config/config_file.h"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "config/option_table.h"
#include "config/option_yaml.h"
#include "config/spec_error.h"
#include "config/yaml_limits.h"

namespace portauth::config {
namespace {

// The most list items (targets, excludes, allow, outputs, ...) all the scans of a file may
// hold together, after top-level lists are copied into every scan (see file()).
constexpr size_t kMaxListItems = 1'000'000;

// -T / timing: applied once a scan's own keys are known, so that explicit ones win.
void apply_timing_of(ConfigScan& s) {
  apply_timing(s.options, [&](std::string_view key) { return s.keys.count(std::string(key)) > 0; });
}

class Reader {
 public:
  Reader(std::string name, std::string base_dir) : in_(std::move(name), std::move(base_dir)) {
    for (const auto key : option_keys()) keys_.push_back(key);
    keys_.push_back("name");
  }

  [[noreturn]] void fail(const YAML::Node& node, const std::string& what) const { in_.fail(node, what); }
  std::string scalar(const YAML::Node& n, const std::string& key) const { return in_.scalar(n, key); }

  void scan_key(const YAML::Node& keynode, const YAML::Node& v, ConfigScan& s) const {
    const std::string key = scalar(keynode, "key");
    if (key == "name") {
      s.name = scalar(v, key);
    } else if (const OptionSpec* spec = find_option_by_key(key)) {
      read_option(*spec, v, s.options, in_);
    } else {
      in_.unknown(keynode, key, keys_);
    }
    s.keys.insert(key);
  }

  ConfigScan scan(const YAML::Node& map, const ConfigScan& defaults) const {
    ConfigScan s = defaults;
    std::set<std::string> seen;
    for (const auto& kv : map) {
      const std::string key = scalar(kv.first, "key");
      once(seen, kv.first, key);
      // A key given again in a scan replaces the default's value (read_option replaces lists).
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
    if (!scans) {
      apply_timing_of(defaults);
      return {defaults};
    }
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
      apply_timing_of(s);
      out.push_back(std::move(s));
    }
    return out;
  }

 private:
  YamlReader in_;
  std::vector<std::string_view> keys_;
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
  if (!in) throw SpecError("cannot read config file '" + path + "': " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  const size_t slash = path.rfind('/');
  return parse_config_text(text.str(), path, slash == std::string::npos ? "." : path.substr(0, slash));
}

}  // namespace portauth::config
