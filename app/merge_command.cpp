#include "app/merge_command.h"

#include <memory>

#include "merge/merge_run.h"
#include "output/formats.h"

namespace portauth::app {

void add_merge_command(CLI::App& app, int& exit_code, const std::string& command_line) {
  auto a = std::make_shared<merge::MergeRequest>();
  auto* cmd = app.add_subcommand("merge", "merge the shards of one scan (scan --shard i/n --manifest FILE) into one result");
  cmd->add_option("MANIFESTS", a->manifests, "the shards' manifest files (one per shard)")->required();
  cmd->add_option("--format", a->format, "format of -o (or of standard output): jsonl, text, xml, grepable, csv, html")
      ->capture_default_str();
  cmd->add_option("-o,--output", a->output_path, "write the merged result to FILE instead of stdout");
  // The same -oX/-oJ/... outputs as scan (main rewrites -oX to --output-xml: nmap_style_args.h).
  for (const auto& f : output::formats()) {
    const std::string format(f.name);
    cmd->add_option_function<std::vector<std::string>>(
           std::string(f.long_option),
           [a, format](const std::vector<std::string>& paths) {
             for (const auto& p : paths) a->extra_outputs.emplace_back(format, p);
           },
           "(or " + std::string(f.short_flag) + " FILE) " + std::string(f.help) + " to FILE")
        ->type_name("FILE");
  }
  cmd->add_option("--show", a->show, "which states to report (default: every state the shards recorded)");
  cmd->add_flag("--check", a->check, "check that the shards merge, and write nothing");
  cmd->add_option("--db", a->db, "port database file (default: $PORTAUTH_DB, then the installed one)");
  cmd->callback([a, &exit_code, &command_line] {
    a->command_line = command_line;
    exit_code = merge::run_merge(*a);
  });
}

}  // namespace portauth::app
