// Shell completions from the option table (option_docs.h), and serve's from its own rows
// (serve_options.h). `lookup` has two options of its own (lookup_command.cpp), listed here by
// hand: it takes no scan options.
#include <string>
#include <vector>

#include "cli/option_docs.h"
#include "cli/serve_options.h"
#include "config/option_table.h"
#include "output/formats.h"
#include "config/timing_templates.h"

namespace portauth::cli {
namespace {

using config::OptionSpec;

struct Subcommand {
  const char* name;
  const char* what;
  config::Command command;
};
constexpr Subcommand kSubcommands[] = {
    {"scan", "TCP SYN and UDP (-sU) scan: classify ports as open, closed, stealth or open|filtered",
     config::kScan},
    {"probe", "probe one TCP port of one host and explain the answer", config::kProbe},
    {"shieldsup", "ShieldsUP-style test of one host, with the TruStealth verdict", config::kShieldsUp},
};

bool file_valued(const OptionSpec& s) {
  return s.kind == config::ValueKind::kPath || s.kind == config::ValueKind::kPaths || s.value_name == "FILE" ||
         s.value_name == "BASE";
}

// The words an option's value may be, when the table knows them ("" = anything).
std::string value_words(const OptionSpec& s) {
  std::string out;
  if (s.long_name() == "--format")
    for (const auto& f : output::formats()) out += std::string(f.name) + " ";
  if (s.long_name() == "--timing")
    for (const auto& t : config::timing_templates()) out += std::to_string(t.level) + " " + std::string(t.name) + " ";
  if (s.long_name() == "--show") out = "open closed stealth all ";
  if (s.long_name() == "--report") out = "shieldsup ";
  return out;
}

std::vector<const OptionSpec*> rows_of(config::Command command) {
  std::vector<const OptionSpec*> out;
  for (const auto& s : config::option_table())
    if ((s.commands & command) && !s.names.empty() && !s.positional() && !s.hidden) out.push_back(&s);
  return out;
}

// zsh's _arguments descriptions may not hold ':', '[' or ']'.
std::string zsh_text(const std::string& text) {
  std::string out;
  for (char c : text.substr(0, 70)) {
    if (c == ':' || c == '[' || c == ']') out += ' ';
    else if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out;
}

}  // namespace

std::string bash_completion() {
  std::string out =
      "# bash completion for portauth, generated from its option table (app/completion.cpp)\n"
      "_portauth() {\n"
      "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\" opts=\"\"\n"
      "  if [[ $COMP_CWORD -eq 1 ]]; then\n"
      "    COMPREPLY=($(compgen -W \"scan probe shieldsup serve lookup --help --version\" -- \"$cur\"))\n"
      "    return\n"
      "  fi\n"
      "  case \"$prev\" in\n";
  std::string files, words;
  for (const auto& s : config::option_table()) {
    if (s.names.empty() || s.positional() || !s.takes_value()) continue;
    std::string pattern;
    for (const auto& sp : s.spellings()) pattern += (pattern.empty() ? "" : "|") + sp;
    if (file_valued(s)) files += (files.empty() ? "" : "|") + pattern;
    else if (const std::string w = value_words(s); !w.empty())
      words += "    " + pattern + ") COMPREPLY=($(compgen -W \"" + w + "\" -- \"$cur\")); return ;;\n";
  }
  out += words;
  out += "    " + files + "|--db) COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n";
  out += "  esac\n  case \"${COMP_WORDS[1]}\" in\n";
  for (const auto& sub : kSubcommands) {
    std::string opts = "--help";
    for (const auto* s : rows_of(sub.command))
      for (const auto& sp : s->spellings()) opts += " " + sp;
    out += "    " + std::string(sub.name) + ") opts=\"" + opts + "\" ;;\n";
  }
  std::string serve = "--help";
  for (const auto& o : serve_options()) serve += " " + std::string(o.name);
  out += "    serve) opts=\"" + serve + "\" ;;\n";
  out += "    lookup) opts=\"--help --format --db\" ;;\n  esac\n";
  out += "  if [[ \"$cur\" == -* ]]; then COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\")); fi\n}\n";
  out += "complete -o default -F _portauth portauth\n";
  return out;
}

std::string zsh_completion() {
  std::string out =
      "#compdef portauth\n"
      "# zsh completion for portauth, generated from its option table (app/completion.cpp)\n"
      "_portauth() {\n"
      "  local -a commands\n"
      "  commands=(\n";
  for (const auto& sub : kSubcommands) out += "    '" + std::string(sub.name) + ":" + zsh_text(sub.what) + "'\n";
  out += "    'serve:ShieldsUP and the Port Authority as a web service (visitors test their own address)'\n";
  out += "    'lookup:the Port Authority page for a port or a service name'\n  )\n";
  out += "  if (( CURRENT == 2 )); then\n    _describe 'command' commands\n    return\n  fi\n";
  out += "  local cmd=$words[2]\n  shift words\n  (( CURRENT-- ))\n  case $cmd in\n";
  for (const auto& sub : kSubcommands) {
    out += "    " + std::string(sub.name) + ")\n      _arguments \\\n";
    for (const auto* s : rows_of(sub.command)) {
      const bool repeat = s->kind == config::ValueKind::kList || s->kind == config::ValueKind::kPaths ||
                          s->kind == config::ValueKind::kCount;
      std::string action = ":" + zsh_text(s->value_name) + ":";
      if (file_valued(*s)) action += "_files";
      else if (const std::string w = value_words(*s); !w.empty()) action += "(" + w + ")";
      for (const auto& sp : s->spellings())
        out += "        '" + std::string(repeat ? "*" : "") + sp + "[" + zsh_text(s->help) + "]" +
               (s->takes_value() ? action : "") + "' \\\n";
    }
    out += std::string("        '*:") + (sub.command == config::kScan ? "target" : "host") + ":_hosts'\n      ;;\n";
  }
  out += "    serve)\n      _arguments \\\n";
  for (const auto& o : serve_options()) {
    out += "        '" + std::string(o.name) + "[" + zsh_text(std::string(o.help)) + "]";
    if (!o.value.empty()) {
      out += ":" + zsh_text(std::string(o.value)) + ":";
      if (o.name == "--db") out += "_files";
      else if (o.name == "--user") out += "_users";
    }
    out += "' \\\n";
  }
  out += "        '--help[print the options]'\n      ;;\n";
  out += "    lookup)\n      _arguments '--format[text or json]:format:(text json)' '--db[port database]:file:_files' "
         "':port or service:'\n      ;;\n  esac\n}\n_portauth \"$@\"\n";
  return out;
}

}  // namespace portauth::cli
