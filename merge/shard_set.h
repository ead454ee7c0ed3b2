// The manifests given to `portauth merge`, checked as a set before any result is read.
//
// check_shard_set() refuses (lists a problem for) each of:
//   * two manifests whose plans differ (names the fields: targets, ports, seed, shard count)
//   * a shard with no manifest (missing), or with two (duplicated)
//   * a shard that is incomplete: interrupted, or stopped by a setup error
//   * a shard with no JSONL output file to read its results from
// Each problem names the shard ("shard 3/16") and its manifest, and says how to fix it:
// the command that re-runs it, built from its own manifest or, for a missing shard, from a
// sibling's (rerun_command()). Warnings (pcap drops, send errors: results that may call an
// answered port stealth) do not stop a merge.
#pragma once
#include <string>
#include <vector>

#include "merge/manifest.h"

namespace portauth::merge {

struct ShardFile {
  std::string manifest_path;
  Manifest manifest;
  std::string results_path;  // the JSONL output, as found on this machine (set by the check)
  std::string results_sha256;
};

struct ShardSet {
  PlanKey plan;
  std::vector<ShardFile> shards;  // sorted by shard index, one per shard, when no problems
  unsigned available = 0;         // states the merged result can hold (config::ShowMask)
  std::vector<std::string> problems;
  std::vector<std::string> warnings;
};

// Takes the loaded manifests (any order).
ShardSet check_shard_set(std::vector<ShardFile> files);

// Where a manifest's output path is on this machine: relative paths are taken from the
// manifest's directory; a path that is not there is looked for by its file name beside the
// manifest (outputs copied from many machines into one directory). "" if neither exists.
std::string locate_output(const std::string& manifest_path, const std::string& stored_path);

// A shell command that runs shard `shard` of the plan, made from `from`'s argv (the same
// command with the shard, or the engine's index, and the output names changed). Output
// names are changed by replacing, in each output or manifest file name, the last number that
// is `from`'s engine index (JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID) or else its shard
// number (shard-3.jsonl -> shard-5.jsonl); a name with neither is left as is.
std::string rerun_command(const Manifest& from, uint32_t shard);

// Quotes one word for a POSIX shell when it needs it.
std::string shell_quote(const std::string& word);

}  // namespace portauth::merge
