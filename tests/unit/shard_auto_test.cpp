// --shard auto/N: the shard index from each batch engine's environment, and every error.
#include <gtest/gtest.h>

#include <map>

#include "config/shard_auto.h"
#include "config/spec_error.h"

using namespace portauth::config;

namespace {

EnvLookup env(std::map<std::string, std::string> vars) {
  return [vars](const char* name) -> std::optional<std::string> {
    const auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

std::string error_of(const std::string& spec, std::map<std::string, std::string> vars) {
  try {
    resolve_shard_auto(spec, env(std::move(vars)));
  } catch (const SpecError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(ShardAuto, OtherSpecsPassThrough) {
  EXPECT_EQ(resolve_shard_auto("3/16", env({{"JOB_COMPLETION_INDEX", "0"}})), "3/16");
  EXPECT_EQ(resolve_shard_auto("", env({})), "");
}

TEST(ShardAuto, KubernetesIndexIsZeroBased) {
  EXPECT_EQ(resolve_shard_auto("auto/16", env({{"JOB_COMPLETION_INDEX", "0"}})), "1/16");
  EXPECT_EQ(resolve_shard_auto("auto/16", env({{"JOB_COMPLETION_INDEX", "15"}})), "16/16");
  EXPECT_EQ(error_of("auto/16", {{"JOB_COMPLETION_INDEX", "16"}}),
            "--shard auto/16: JOB_COMPLETION_INDEX=16 is not an index 0-15 (the Indexed Job's completions must be 16)");
  EXPECT_EQ(error_of("auto/4", {{"JOB_COMPLETION_INDEX", "-1"}}),
            "--shard auto/4: JOB_COMPLETION_INDEX=-1 is not an index 0-3 (the Indexed Job's completions must be 4)");
  EXPECT_NE(error_of("auto/4", {{"JOB_COMPLETION_INDEX", ""}}), "");
  EXPECT_NE(error_of("auto/4", {{"JOB_COMPLETION_INDEX", "2x"}}), "");
}

TEST(ShardAuto, SlurmTaskIdIsTheShardNumber) {
  const std::map<std::string, std::string> array = {{"SLURM_ARRAY_TASK_MIN", "1"}, {"SLURM_ARRAY_TASK_MAX", "16"}};
  auto with = [&](const char* id) {
    auto v = array;
    v["SLURM_ARRAY_TASK_ID"] = id;
    return v;
  };
  EXPECT_EQ(resolve_shard_auto("auto/16", env(with("1"))), "1/16");
  EXPECT_EQ(resolve_shard_auto("auto/16", env(with("16"))), "16/16");
  // Re-running one task (sbatch --array=5): MIN = MAX = 5, still shard 5.
  EXPECT_EQ(resolve_shard_auto("auto/16", env({{"SLURM_ARRAY_TASK_ID", "5"}, {"SLURM_ARRAY_TASK_MIN", "5"},
                                                {"SLURM_ARRAY_TASK_MAX", "5"}})),
            "5/16");
  EXPECT_EQ(resolve_shard_auto("auto/16", env({{"SLURM_ARRAY_TASK_ID", "7"}})), "7/16");  // set by hand
  EXPECT_EQ(error_of("auto/16", with("0")),
            "--shard auto/16: SLURM_ARRAY_TASK_ID=0 is not a shard number 1-16 (submit the array as sbatch "
            "--array=1-16)");
  EXPECT_EQ(error_of("auto/16", with("17")),
            "--shard auto/16: SLURM_ARRAY_TASK_ID=17 is not a shard number 1-16 (submit the array as sbatch "
            "--array=1-16)");
  // An array bigger than the plan fails in every task, also in those whose ID fits.
  EXPECT_EQ(error_of("auto/16", {{"SLURM_ARRAY_TASK_ID", "2"}, {"SLURM_ARRAY_TASK_MIN", "1"}, {"SLURM_ARRAY_TASK_MAX", "20"}}),
            "--shard auto/16: SLURM_ARRAY_TASK_MAX=20 is not a shard number 1-16 (submit the array as sbatch "
            "--array=1-16)");
  EXPECT_NE(error_of("auto/16", {{"SLURM_ARRAY_TASK_ID", "2"}, {"SLURM_ARRAY_TASK_MIN", "0"}}), "");
}

TEST(ShardAuto, NoEngineOrTwoEnginesOrBadCount) {
  EXPECT_EQ(error_of("auto/8", {}),
            "--shard auto/8 needs the shard's index from a batch engine: JOB_COMPLETION_INDEX (Kubernetes Indexed "
            "Job, 0-based) or SLURM_ARRAY_TASK_ID (Slurm job array, 1-based) is not set; outside one, give --shard i/8");
  EXPECT_EQ(error_of("auto/8", {{"JOB_COMPLETION_INDEX", "1"}, {"SLURM_ARRAY_TASK_ID", "2"}}),
            "--shard auto/8: both JOB_COMPLETION_INDEX and SLURM_ARRAY_TASK_ID are set; unset the one that does not "
            "belong to this engine");
  for (const char* bad : {"auto/0", "auto/", "auto/x", "auto/65537", "auto/-3"})
    EXPECT_EQ(error_of(bad, {{"JOB_COMPLETION_INDEX", "0"}}),
              std::string("bad --shard '") + bad + "': give auto/N with N the number of shards, 1-65536");
}
