// `portauth merge MANIFEST...`: the shards of one scan (scan --shard i/n --manifest FILE),
// checked as a set and written as one result in any output format, as if one machine had
// run the whole scan. Refuses, naming each shard at fault and the command that fixes it,
// when plans differ, a shard is missing, given twice, incomplete, has no JSONL results, or
// its results are not what its manifest and the plan say (merge/shard_set.h,
// merge/shard_results.h); nothing is written then. Exit codes: 0 merged (or, with --check,
// mergeable), 1 refused or bad input.
#pragma once
#include <CLI/CLI.hpp>
#include <string>

namespace portauth::app {

void add_merge_command(CLI::App& app, int& exit_code, const std::string& command_line);

}  // namespace portauth::app
