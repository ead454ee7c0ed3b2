#include "cli/parse_errors.h"

#include <string_view>

#include "common/closest_match.h"
#include "config/option_table.h"

namespace portauth::cli {
namespace {

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// "portauth probe": the names from the top-level app down to `cmd`.
std::string path_of(const CLI::App& cmd) {
  std::string path = cmd.get_name();
  for (const CLI::App* p = cmd.get_parent(); p != nullptr; p = p->get_parent())
    if (!p->get_name().empty()) path = p->get_name() + (path.empty() ? "" : " " + path);
  return path.empty() ? "portauth" : path;
}

// The subcommand CLI11 was reading when it failed (the deepest one parsed), else `app`.
const CLI::App& current(const CLI::App& app) {
  const CLI::App* at = &app;
  for (auto subs = at->get_subcommands(); !subs.empty(); subs = at->get_subcommands()) at = subs.back();
  return *at;
}

std::vector<std::string> option_names(const CLI::App& cmd) {
  std::vector<std::string> names;
  for (const CLI::Option* opt : cmd.get_options()) {
    for (const auto& l : opt->get_lnames()) names.push_back("--" + l);
    for (const auto& s : opt->get_snames()) names.push_back("-" + s);
  }
  return names;
}

// The option as the user typed it: "-oA" for --output-all when the words say -oA.
std::string spelling_of(const CLI::App& cmd, const std::string& name, const std::vector<std::string>& words) {
  std::vector<std::string> spellings = {name};
  if (const CLI::Option* opt = cmd.get_option_no_throw(name)) {
    for (const auto& l : opt->get_lnames()) spellings.push_back("--" + l);
    for (const auto& s : opt->get_snames()) spellings.push_back("-" + s);
  }
  if (const config::OptionSpec* spec = config::find_option(name); spec && !spec->alias.empty())
    spellings.push_back(spec->alias);
  for (auto w = words.rbegin(); w != words.rend(); ++w)
    for (const auto& s : spellings)
      if (*w == s || starts_with(*w, s + "=")) return s;
  return name;
}

// "a whole number" for CLI11's INT, ...: what a value of this type looks like.
std::string value_words(const std::string& type) {
  if (type == "INT" || type == "UINT") return "a whole number";
  if (type == "FLOAT" || type == "NUMBER") return "a number";
  return type.empty() ? "a value" : "a value (" + type + ")";
}

std::string help_hint(const CLI::App& cmd) { return "'" + path_of(cmd) + " --help' lists the options"; }

// "--output-all: 1 required BASE missing": an option at the end of the line, its value missing.
std::string missing_value(const CLI::App& cmd, const std::string& message, const std::vector<std::string>& words) {
  const size_t colon = message.find(": ");
  const std::string name = message.substr(0, colon);
  const CLI::Option* opt = cmd.get_option_no_throw(name);
  if (colon == std::string::npos || opt == nullptr) return message + "; " + help_hint(cmd);
  const std::string typed = spelling_of(cmd, name, words);
  std::string out = typed + " needs a value (" + opt->get_type_name() + ") after it";
  const config::OptionSpec* spec = config::find_option(name);
  return out + "; " + (spec && !spec->example.empty() ? "e.g. " + typed + " " + spec->example : help_hint(cmd));
}

// "Could not convert: --limit = abc".
std::string bad_conversion(const CLI::App& cmd, const std::string& message, const std::vector<std::string>& words) {
  constexpr std::string_view kHead = "Could not convert: ";
  const size_t eq = message.find(" = ");
  if (!starts_with(message, kHead) || eq == std::string::npos) return message + "; " + help_hint(cmd);
  const std::string name = message.substr(kHead.size(), eq - kHead.size());
  const std::string value = message.substr(eq + 3);
  const CLI::Option* opt = cmd.get_option_no_throw(name);
  return "bad " + spelling_of(cmd, name, words) + " '" + value + "': give " +
         value_words(opt ? opt->get_type_name() : "") + "; " + help_hint(cmd);
}

// Words CLI11 could not place: an option it does not know, or an argument too many.
std::string extras(const CLI::App& cmd, const std::string& message) {
  std::vector<std::string> left = cmd.remaining();
  if (left.empty()) return message + "; " + help_hint(cmd);
  const std::string& word = left.front();
  if (word.size() > 1 && word.front() == '-') {
    std::vector<std::string> known = option_names(cmd);
    known.insert(known.begin(), "--help");
    return unknown_option(word.substr(0, word.find('=')), known, cmd);
  }
  return "unexpected argument '" + word + "'; " + usage_of(cmd);
}

std::string command_list(const CLI::App& app) {
  std::string out;
  const auto subs = app.get_subcommands([](const CLI::App*) { return true; });
  for (size_t i = 0; i < subs.size(); ++i)
    out += (i == 0 ? "" : i + 1 == subs.size() ? " and " : ", ") + subs[i]->get_name();
  return out;
}

}  // namespace

std::string usage_of(const CLI::App& cmd) {
  std::string usage;
  if (const auto f = std::dynamic_pointer_cast<CLI::Formatter>(cmd.get_formatter()))
    usage = f->make_usage(&cmd, path_of(cmd));
  if (starts_with(usage, "Usage: ")) usage = "usage: " + usage.substr(7);
  while (!usage.empty() && (usage.back() == '\n' || usage.back() == ' ')) usage.pop_back();
  return usage.empty() ? help_hint(cmd) : usage;
}

std::string unknown_option(const std::string& typed, const std::vector<std::string>& known, const CLI::App& cmd) {
  const std::vector<std::string_view> candidates(known.begin(), known.end());
  const auto near = common::closest_match(typed, candidates);
  if (!near.empty()) return "unknown option '" + typed + "' (did you mean '" + std::string(near) + "'?)";
  return "unknown option '" + typed + "'; " + help_hint(cmd);
}

std::string unknown_command(const CLI::App& app, const std::vector<std::string>& words) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) names.push_back(sub->get_name());
  const std::string commands = "the commands are " + command_list(app);
  std::string before;  // the first word, when it is an option: the command was left out
  for (const auto& w : words) {
    if (w == "--") break;
    if (!w.empty() && w.front() == '-') {
      before = w.substr(0, w.find('='));
      break;
    }
    const std::vector<std::string_view> candidates(names.begin(), names.end());
    const auto near = common::closest_match(w, candidates);
    return "unknown command '" + w + "'" + (near.empty() ? "" : " (did you mean '" + std::string(near) + "'?)") + "; " +
           commands;
  }
  return "no command given" + (before.empty() ? std::string() : " before '" + before + "'") +
         ": name one first, e.g. portauth lookup 22; " + commands + " ('portauth --help' describes them)";
}

std::string explain_parse_error(const CLI::App& app, const CLI::ParseError& e, const std::vector<std::string>& words) {
  const CLI::App& cmd = current(app);
  const std::string message = e.what();
  std::string out;
  if (dynamic_cast<const CLI::RequiredError*>(&e)) {
    if (&cmd == &app) {
      out = unknown_command(app, words);
    } else {
      const size_t at = message.find(" is required");
      out = at == std::string::npos ? message + "; " + usage_of(cmd)
                                    : cmd.get_name() + ": " + message.substr(0, at) + " is missing; " + usage_of(cmd);
    }
  } else if (dynamic_cast<const CLI::ExtrasError*>(&e)) {
    out = extras(cmd, message);
  } else if (dynamic_cast<const CLI::ArgumentMismatch*>(&e)) {
    out = missing_value(cmd, message, words);
  } else if (dynamic_cast<const CLI::ConversionError*>(&e)) {
    out = bad_conversion(cmd, message, words);
  } else if (dynamic_cast<const CLI::ValidationError*>(&e)) {
    out = message;  // portauth's own checks, thrown with their whole message (cli_options.cpp)
  } else {
    out = message + "; " + help_hint(cmd);
  }
  return one_line(out);
}

std::string one_line(std::string message) {
  while (!message.empty() && message.back() == '\n') message.pop_back();
  for (size_t at = message.find('\n'); at != std::string::npos; at = message.find('\n', at)) {
    size_t end = at + 1;
    while (end < message.size() && message[end] == ' ') ++end;  // an indented continuation
    message.replace(at, end - at, "; ");
  }
  return message;
}

}  // namespace portauth::cli
