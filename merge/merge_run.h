// `portauth merge`: the union of a sharded scan's results, from the shards' manifests.
//
// Refuses (exit 1, nothing written) when the manifests do not make one complete scan: plans
// that differ, a shard missing, duplicated, incomplete or never run, an output whose checksum
// changed, a result outside its shard (shard_set.h, shard_results.h name each with the command
// that fixes it). Otherwise every shard's results are checked first, then written to any output
// format through the output registry, each (ip, port) exactly once, with what its shard found
// about it (-sV's service, an open UDP port's reply: read back from the shard's JSONL line);
// stealth comes only from complete shards. Shards scanned with and without -sV are refused.
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace portauth::merge {

struct MergeRequest {
  std::vector<std::string> manifests;
  std::string format = "jsonl";  // of -o, or of standard output
  std::string output_path;
  std::vector<std::pair<std::string, std::string>> extra_outputs;  // (format, path): -oX FILE ...
  std::string show;  // "" = every state the shards hold
  std::string db;
  bool check = false;  // check that the shards merge, write nothing
  std::string command_line;
};

// Returns the exit code; messages go to standard error.
int run_merge(const MergeRequest& request);

}  // namespace portauth::merge
