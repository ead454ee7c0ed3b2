#include "cli/cli_options.h"

#include <cstdio>
#include <memory>

#include "cli/parse_errors.h"
#include "config/spec_error.h"

namespace portauth::cli {
namespace {

using config::OptionSpec;
using config::ValueKind;

// "Usage: portauth scan [OPTIONS] TARGETS..." rather than CLI11's "[TARGETS...]", which
// reads as if the targets were optional.
class UsageFormatter final : public CLI::Formatter {
 public:
  explicit UsageFormatter(std::string tail) : tail_(std::move(tail)) {}
  std::string make_usage(const CLI::App*, std::string name) const override {
    return "Usage: " + name + " [OPTIONS]" + (tail_.empty() ? "" : " " + tail_) + "\n";
  }

 private:
  std::string tail_;
};

std::string help_of(const OptionSpec& spec) {
  if (spec.alias.empty()) return spec.help;
  return "(or " + spec.alias + (spec.takes_value() ? " " + spec.value_name : "") + ") " + spec.help;
}

// A bad value, in the row's own words ("bad --retries 'x': give a whole number from 0 to 20"):
// CLI11's one-argument ValidationError keeps the message as it is (parse_errors.h).
[[noreturn]] void bad_value(const config::SpecError& e) { throw CLI::ValidationError(std::string(e.what())); }

// "scan", "scan and shieldsup": the commands that take a row.
std::string commands_of(const OptionSpec& spec) {
  std::vector<std::string> names;
  for (const auto& [bit, name] : {std::pair{config::kScan, "scan"}, {config::kProbe, "probe"},
                                  {config::kShieldsUp, "shieldsup"}})
    if (spec.commands & bit) names.push_back(name);
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) out += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + names[i];
  return out;
}

}  // namespace

CommandLine::CommandLine(CLI::App& cmd, config::Command command, std::string usage_tail) : cmd_(cmd) {
  cmd.formatter(std::make_shared<UsageFormatter>(std::move(usage_tail)));
  cmd.allow_extras();  // finish() names the unknown ones, with a suggestion
  // In --help's group order; within a group, in table order.
  for (const config::OptionGroup group : config::kOptionGroups) {
    for (const OptionSpec& spec : config::option_table()) {
      if (spec.group != group || !(spec.commands & command) || spec.names.empty()) continue;
      const OptionSpec* s = &spec;
      CLI::Option* opt = nullptr;
      if (spec.positional()) {
        opt = cmd.add_option_function<std::vector<std::string>>(
            spec.names, [this, s](const std::vector<std::string>& v) {
              for (const auto& item : v) config::apply_option(*s, options_, item);
            },
            spec.help);
      } else if (spec.kind == ValueKind::kFlag) {
        opt = cmd.add_flag_callback(spec.names, [this, s] { config::apply_option(*s, options_, ""); }, help_of(spec));
      } else if (spec.kind == ValueKind::kCount) {
        opt = cmd.add_flag_function(
            spec.names, [this, s](int64_t n) {
              for (int64_t i = 0; i < n; ++i) config::apply_option(*s, options_, "");
            },
            help_of(spec));
      } else {
        opt = cmd.add_option_function<std::vector<std::string>>(
                     spec.names,
                     [this, s](const std::vector<std::string>& values) {
                       for (const auto& v : values) {
                         try {
                           config::apply_option(*s, options_, v);
                         } catch (const config::SpecError& e) {
                           bad_value(e);
                         }
                       }
                     },
                     help_of(spec))
                  ->expected(1)
                  ->allow_extra_args(false)
                  ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
      }
      opt->type_name(spec.takes_value() ? spec.value_name : "");
      if (!spec.default_text.empty()) opt->default_str(spec.default_text);
      opt->group(spec.hidden ? "" : std::string(config::group_title(spec.group)));
      bound_.push_back({s, opt});
    }
  }
}

bool CommandLine::given(const OptionSpec& spec) const {
  for (const auto& b : bound_)
    if (b.spec == &spec) return b.option->count() > 0;
  return false;
}

void CommandLine::finish() {
  for (const std::string& word : cmd_.remaining()) {
    if (word.empty() || word.front() != '-')
      throw config::SpecError("unexpected argument '" + word + "'; " + usage_of(cmd_));
    const std::string typed = word.substr(0, word.find('='));
    if (const OptionSpec* other = config::find_option(typed)) {  // another command's (-oA given to probe)
      const std::string alias = other->alias.empty() || other->alias == typed ? "" : " (" + other->alias + ")";
      throw config::SpecError("'" + typed + "'" + alias + " is an option of " + commands_of(*other) + ", not of " +
                              cmd_.get_name() + "; 'portauth " + cmd_.get_name() + " --help' lists its options");
    }
    std::vector<std::string> names = {"--help"};
    for (const auto& b : bound_)
      for (const auto& s : b.spec->spellings()) names.push_back(s);
    throw config::SpecError(unknown_option(typed, names, cmd_));
  }
  config::apply_timing(options_, [this](std::string_view key) {
    for (const auto& b : bound_)
      if (b.spec->yaml_key == key && b.option->count() > 0) return true;
    return false;
  });
}

bool CommandLine::finish_or_report() {
  try {
    finish();
    return true;
  } catch (const config::SpecError& e) {
    std::fprintf(stderr, "portauth: %s\n", e.what());
    return false;
  }
}

void CommandLine::override_options(config::ScanOptions& o) const {
  for (const auto& b : bound_)
    if (b.option->count() > 0) config::copy_option(*b.spec, options_, o);
}

std::string CommandLine::refused_by_resume() const {
  for (const auto& b : bound_) {
    const auto policy = b.spec->resume;
    if (b.option->count() == 0 ||
        (policy != config::ResumePolicy::kProbeSpace && policy != config::ResumePolicy::kFixed))
      continue;
    return b.spec->positional() ? "a target list" : b.spec->long_name();
  }
  return "";
}

}  // namespace portauth::cli
