// Options in YAML: how a config file (config_file.h) and a resume file (resume_file.h) read
// and write the option table's rows (option_table.h). Every error names FILE:LINE:COL.
#pragma once
#include <yaml-cpp/yaml.h>

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/option_table.h"
#include "config/scan_options.h"

namespace portauth::config {

// Typed reads of YAML values; each throws SpecError("NAME:LINE:COL: ...").
class YamlReader {
 public:
  // `base_dir`: where relative file names are found ("" = as written).
  YamlReader(std::string name, std::string base_dir) : name_(std::move(name)), base_(std::move(base_dir)) {}

  [[noreturn]] void fail(const YAML::Node& node, const std::string& what) const;
  std::string scalar(const YAML::Node& n, const std::string& key, const char* expect = "a string") const;
  std::vector<std::string> strings(const YAML::Node& n, const std::string& key) const;
  std::string path(const YAML::Node& n, const std::string& key) const;
  void paths(const YAML::Node& n, const std::string& key, std::vector<std::string>& out) const;
  int64_t integer(const YAML::Node& n, const std::string& key, int64_t lo, int64_t hi) const;
  double number(const YAML::Node& n, const std::string& key) const;
  bool boolean(const YAML::Node& n, const std::string& key) const;
  // "unknown key 'rtae' (did you mean 'rate'?)" at `at`.
  [[noreturn]] void unknown(const YAML::Node& at, const std::string& key,
                            std::span<const std::string_view> known) const;

 private:
  std::string name_;
  std::string base_;
};

// Reads `value` into `o` as `spec` says (the key's row). A key given again replaces its
// list. Throws SpecError with the value's position.
void read_option(const OptionSpec& spec, const YAML::Node& value, ScanOptions& o, const YamlReader& in);

// Writes `spec`'s value in `o` as KEY: VALUE (the resume file).
void emit_option(YAML::Emitter& e, const OptionSpec& spec, const ScanOptions& o);

}  // namespace portauth::config
