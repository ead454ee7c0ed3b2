#include "cli/option_docs.h"
#include "cli/serve_options.h"

#include <cstdio>
#include <stdexcept>

#include "config/option_table.h"
#include "config/timing_templates.h"

namespace portauth::cli {
namespace {

using config::OptionSpec;

// man(7) text: '-' is a hyphen unless escaped, '\' starts an escape, and a line may not
// start with '.' or '\''.
std::string roff(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '-') out += "\\-";
    else if (c == '\\') out += "\\e";
    else out += c;
  }
  if (!out.empty() && (out.front() == '.' || out.front() == '\'')) out = "\\&" + out;
  return out;
}

std::string commands_note(const OptionSpec& spec) {
  const bool probe = spec.commands & config::kProbe, shields = spec.commands & config::kShieldsUp;
  if (probe && shields) return " Also for \\fBprobe\\fR and \\fBshieldsup\\fR.";
  if (shields) return " Also for \\fBshieldsup\\fR.";
  if (probe) return " Also for \\fBprobe\\fR.";
  return "";
}

// "-p, --ports SPEC" as a .TP tag: names bold, the value italic.
std::string man_tag(const OptionSpec& spec) {
  if (spec.positional()) return ".I " + spec.names + "\n";
  std::string names;
  for (const auto& s : spec.spellings()) names += (names.empty() ? "" : ", ") + roff(s);
  if (!spec.takes_value()) return ".B \"" + names + "\"\n";
  return ".BI \"" + names + " \" " + roff(spec.value_name) + "\n";
}

std::string sentence(std::string text) {
  if (!text.empty() && text.back() != '.') text += '.';
  if (!text.empty() && text.front() >= 'a' && text.front() <= 'z') text.front() = char(text.front() - 'a' + 'A');
  return text;
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::string markdown(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += "\\|";
    else out += c;
  }
  return out;
}

}  // namespace

std::string man_option_list() {
  std::string out;
  for (const auto group : config::kOptionGroups) {
    std::string rows;
    for (const auto& spec : config::option_table()) {
      if (spec.group != group || spec.names.empty() || spec.hidden) continue;
      rows += ".TP\n" + man_tag(spec) + roff(sentence(spec.help));
      if (!spec.default_text.empty()) rows += " Default: " + roff(spec.default_text) + ".";
      if (!spec.yaml_key.empty()) rows += " Config file key: \\fB" + roff(spec.yaml_key) + "\\fR.";
      rows += commands_note(spec) + "\n";
    }
    if (!rows.empty()) out += ".SS " + std::string(config::group_title(group)) + "\n" + rows;
  }
  out += ".SS Timing templates\n\\fB\\-T\\fR sets the rate ceiling, the retry passes and the wait; an option "
         "given explicitly wins, wherever it stands.\n";
  for (const auto& t : config::timing_templates())
    out += ".TP\n.B \"\\-T" + std::to_string(t.level) + " (" + std::string(t.name) + ")\"\nrate " +
           std::string(t.rate) + " pps, " + std::to_string(t.retries) + " retries, " + roff(number(t.wait_seconds)) +
           " s wait.\n";
  return out;
}

std::string man_serve_option_list() {
  std::string out;
  for (const auto& o : serve_options()) {
    out += ".TP\n";
    out += o.value.empty() ? ".B \"" + roff(o.name) + "\"\n" : ".BI \"" + roff(o.name) + " \" " + roff(o.value) + "\n";
    out += roff(sentence(std::string(o.help)));
    if (!o.default_text.empty()) out += " Default: " + roff(o.default_text) + ".";
    out += "\n";
  }
  return out;
}

std::string readme_option_table() {
  std::string out = "| option | meaning | default | config key |\n|---|---|---|---|\n";
  for (const auto group : config::kOptionGroups) {
    out += "| **" + std::string(config::group_title(group)) + "** | | | |\n";
    for (const auto& spec : config::option_table()) {
      if (spec.group != group || spec.names.empty() || spec.hidden) continue;
      std::string names;
      for (const auto& s : spec.spellings()) names += (names.empty() ? "" : ", ") + s;
      if (spec.positional()) names = spec.names;
      else if (spec.takes_value()) names += " " + spec.value_name;
      std::string help = spec.help;
      if (spec.commands & config::kHostCommands)
        help += (spec.commands & config::kProbe) ? " (also probe, shieldsup)" : " (also shieldsup)";
      out += "| `" + markdown(names) + "` | " + markdown(help) + " | " +
             (spec.default_text.empty() ? "" : "`" + markdown(spec.default_text) + "`") + " | " +
             (spec.yaml_key.empty() ? "" : "`" + spec.yaml_key + "`") + " |\n";
    }
  }
  out += "\nTiming templates (`-T`): the rate ceiling, retry passes and wait each sets; an option given explicitly "
         "wins.\n\n| `-T` | name | rate (pps) | retries | wait (s) |\n|---|---|---|---|---|\n";
  for (const auto& t : config::timing_templates())
    out += "| " + std::to_string(t.level) + " | " + std::string(t.name) + " | " + std::string(t.rate) + " | " +
           std::to_string(t.retries) + " | " + number(t.wait_seconds) + " |\n";
  return out;
}

std::string generated_part(const std::string& document, std::string_view begin, std::string_view end) {
  const size_t b = document.find(std::string(begin) + "\n");
  const size_t e = document.find(std::string(end) + "\n");
  if (b == std::string::npos || e == std::string::npos || e < b) return "";
  const size_t start = b + begin.size() + 1;
  return document.substr(start, e - start);
}

std::string replace_generated(const std::string& document, std::string_view begin, std::string_view end,
                              const std::string& generated) {
  const size_t b = document.find(std::string(begin) + "\n");
  const size_t e = document.find(std::string(end) + "\n");
  if (b == std::string::npos || e == std::string::npos || e < b)
    throw std::runtime_error("the document has no '" + std::string(begin) + "' ... '" + std::string(end) + "' lines");
  const size_t start = b + begin.size() + 1;
  return document.substr(0, start) + generated + document.substr(e);
}

}  // namespace portauth::cli
