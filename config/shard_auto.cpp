#include "config/shard_auto.h"

#include <charconv>
#include <cstdlib>

#include "config/spec_error.h"

namespace portauth::config {
namespace {

std::optional<uint64_t> number(const std::string& text) {
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || p != text.data() + text.size()) return std::nullopt;
  return v;
}

}  // namespace

std::optional<std::string> process_env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::optional<std::string>(v) : std::nullopt;
}

std::string resolve_shard_auto(const std::string& spec, const EnvLookup& env) {
  if (spec.rfind("auto/", 0) != 0) return spec;
  const auto n = number(spec.substr(5));
  if (!n || *n == 0 || *n > 65536)
    throw SpecError("bad --shard '" + spec + "': give auto/N with N the number of shards, 1-65536");
  const std::string total = std::to_string(*n);
  const auto k8s = env("JOB_COMPLETION_INDEX");
  const auto slurm = env("SLURM_ARRAY_TASK_ID");
  if (k8s && slurm)
    throw SpecError("--shard " + spec + ": both JOB_COMPLETION_INDEX and SLURM_ARRAY_TASK_ID are set; unset the one "
                    "that does not belong to this engine");
  if (k8s) {
    const auto i = number(*k8s);
    if (!i || *i >= *n)
      throw SpecError("--shard " + spec + ": JOB_COMPLETION_INDEX=" + *k8s + " is not an index 0-" +
                      std::to_string(*n - 1) + " (the Indexed Job's completions must be " + total + ")");
    return std::to_string(*i + 1) + "/" + total;
  }
  if (slurm) {
    auto in_range = [&](const char* name, const std::string& value) {
      const auto v = number(value);
      if (!v || *v == 0 || *v > *n)
        throw SpecError("--shard " + spec + ": " + name + "=" + value + " is not a shard number 1-" + total +
                        " (submit the array as sbatch --array=1-" + total + ")");
      return *v;
    };
    const uint64_t id = in_range("SLURM_ARRAY_TASK_ID", *slurm);
    for (const char* bound : {"SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_MAX"})
      if (const auto v = env(bound)) in_range(bound, *v);
    return std::to_string(id) + "/" + total;
  }
  throw SpecError("--shard " + spec + " needs the shard's index from a batch engine: JOB_COMPLETION_INDEX "
                  "(Kubernetes Indexed Job, 0-based) or SLURM_ARRAY_TASK_ID (Slurm job array, 1-based) is not set; "
                  "outside one, give --shard i/" + total);
}

}  // namespace portauth::config
