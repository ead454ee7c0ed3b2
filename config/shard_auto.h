// --shard auto/N: the batch engine says which shard this task is.
//
//   JOB_COMPLETION_INDEX   Kubernetes Indexed Job: 0-based, 0..N-1 -> shard index+1
//   SLURM_ARRAY_TASK_ID    Slurm job array: the task ID is the shard number, 1..N
//                          (sbatch --array=1-N); SLURM_ARRAY_TASK_MIN/MAX, when set, must
//                          lie in 1..N too, so an array of the wrong size fails in every
//                          task at once instead of scanning a wrong split. Re-running one
//                          task (sbatch --array=5) is still shard 5.
//
// A spec that does not start with "auto/" is returned unchanged (build_scan_plan checks
// it). Errors (SpecError): N not a number in 1-65536, neither variable set, both set, an
// index that is not a number or out of range; each names the variable and its value.
#pragma once
#include <functional>
#include <optional>
#include <string>

namespace portauth::config {

// Returns a variable's value, or nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const char* name)>;
std::optional<std::string> process_env(const char* name);

// "auto/16" -> "3/16" (for SLURM_ARRAY_TASK_ID=3); any other spec unchanged.
std::string resolve_shard_auto(const std::string& spec, const EnvLookup& env = process_env);

}  // namespace portauth::config
