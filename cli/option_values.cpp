#include "cli/option_values.h"

#include <map>

#include "cli/parse_errors.h"
#include "config/option_table.h"
#include "config/spec_error.h"

namespace portauth::cli {
namespace {

// The spellings of `cmd`'s options that take a value ("--output-all", "-o"), and for each the
// long name to suggest in the "write it as --name=VALUE" hint.
void add_value_options(const CLI::App& cmd, std::map<std::string, std::string>& out) {
  for (const CLI::Option* opt : cmd.get_options()) {
    if (!opt->nonpositional() || opt->get_items_expected_min() < 1) continue;
    const std::string long_name = opt->get_lnames().empty() ? std::string() : "--" + opt->get_lnames().front();
    for (const auto& l : opt->get_lnames()) out.emplace("--" + l, long_name);
    for (const auto& s : opt->get_snames()) out.emplace("-" + s, long_name);
  }
}

const CLI::App* named_subcommand(const CLI::App& app, const std::vector<std::string>& words) {
  const auto subs = app.get_subcommands([](const CLI::App*) { return true; });
  for (const auto& w : words) {
    if (w == "--") return nullptr;
    for (const CLI::App* sub : subs)
      if (sub->check_name(w)) return sub;
  }
  return nullptr;
}

// The value-taking spellings of `app` and of the subcommand the words name (see the header).
std::map<std::string, std::string> value_options_of(const CLI::App& app, const std::vector<std::string>& words) {
  std::map<std::string, std::string> value_options;
  add_value_options(app, value_options);
  if (const CLI::App* sub = named_subcommand(app, words)) {
    add_value_options(*sub, value_options);
    // nmap's spellings (-oA, -iL, --max-rate, ...) are rewritten to the long names later.
    for (const auto& spec : config::option_table())
      if (!spec.alias.empty() && spec.takes_value() && value_options.count(spec.long_name()))
        value_options.emplace(spec.alias, spec.long_name());
  }
  return value_options;
}

std::string empty_value(const std::string& typed, const std::string& long_name) {
  const config::OptionSpec* spec = config::find_option(long_name.empty() ? typed : long_name);
  const std::string give = spec && !spec->example.empty() ? "give one, e.g. " + typed + " " + spec->example + ", "
                                                          : std::string("give one ");
  return typed + " was given an empty value (an unset shell variable?); " + give + "or leave " +
         typed + " out";
}

}  // namespace

void refuse_empty_values(const CLI::App& app, const std::vector<std::string>& words) {
  const auto value_options = value_options_of(app, words);
  const CLI::App* sub = named_subcommand(app, words);
  bool options_end = false;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (!options_end && w == "--") {
      options_end = true;
      continue;
    }
    if (w.empty())
      throw config::SpecError("an empty argument '' (an unset shell variable?); remove it, or "
                              "give what it stands for; " + usage_of(sub ? *sub : app));
    if (options_end) continue;
    if (const auto it = value_options.find(w); it != value_options.end()) {
      if (i + 1 < words.size() && words[i + 1].empty()) throw config::SpecError(empty_value(w, it->second));
      ++i;  // the value, checked by refuse_option_like_values
      continue;
    }
    if (w.size() > 3 && w.rfind("--", 0) == 0 && w.back() == '=') {
      const std::string name = w.substr(0, w.size() - 1);
      if (const auto it = value_options.find(name); it != value_options.end())
        throw config::SpecError(empty_value(name, it->second));
    }
  }
}

void refuse_option_like_values(const CLI::App& app, const std::vector<std::string>& words) {
  const auto value_options = value_options_of(app, words);
  for (size_t i = 0; i + 1 < words.size(); ++i) {
    if (words[i] == "--") return;
    const auto it = value_options.find(words[i]);
    if (it == value_options.end()) continue;
    const std::string& next = words[i + 1];
    if (next.size() < 2 || next.front() != '-') continue;
    const std::string& long_name = it->second.empty() ? words[i] : it->second;
    throw config::SpecError(words[i] + " takes a value, but the next word '" + next +
                            "' is an option; nothing was sent (for a value that begins with '-', write " +
                            long_name + "=" + next + ", or ./" + next + " for a file)");
  }
}

}  // namespace portauth::cli
