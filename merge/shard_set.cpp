#include "merge/shard_set.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>

namespace portauth::merge {
namespace {

namespace fs = std::filesystem;

std::string shard_name(uint32_t shard, uint32_t shards) {
  return "shard " + std::to_string(shard) + "/" + std::to_string(shards);
}

bool is_file_option(const std::string& opt) {
  static const std::set<std::string> kFileOptions = {
      "-o",  "--output", "-oX", "-oG", "-oJ", "-oN", "-oC", "-oH", "--output-xml", "--output-grepable",
      "--output-jsonl", "--output-text", "--output-csv", "--output-html", "--manifest", "--summary-json",
      "--resume-file", "--pcap-out"};
  return kFileOptions.count(opt) > 0;
}

// In the file name (not the directories), the last run of digits equal to `from` -> `to`.
std::string renumber(const std::string& path, const std::string& from, const std::string& to) {
  const size_t name_start = path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1;
  for (size_t end = path.size(); end > name_start;) {
    size_t e = end;
    while (e > name_start && !std::isdigit(static_cast<unsigned char>(path[e - 1]))) --e;
    size_t b = e;
    while (b > name_start && std::isdigit(static_cast<unsigned char>(path[b - 1]))) --b;
    if (b == e) break;
    if (path.compare(b, e - b, from) == 0) return path.substr(0, b) + to + path.substr(e);
    end = b;
  }
  return path;
}

}  // namespace

std::string shell_quote(const std::string& w) {
  if (!w.empty() && w.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+=:,./_-") ==
                        std::string::npos)
    return w;
  std::string out = "'";
  for (char c : w) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string rerun_command(const Manifest& from, uint32_t shard) {
  const std::string total = std::to_string(from.plan.shards);
  std::string old_number = std::to_string(from.shard), new_number = std::to_string(shard);
  std::string env;
  std::vector<std::string> argv = from.argv;
  if (argv.empty()) argv = {"portauth", "scan", "..."};
  bool shard_given = false;
  bool automatic = false;
  for (size_t i = 0; i < argv.size(); ++i) {
    std::string* value = nullptr;
    std::string prefix;
    if (argv[i] == "--shard" && i + 1 < argv.size()) {
      value = &argv[++i];
    } else if (argv[i].rfind("--shard=", 0) == 0) {
      value = &argv[i];
      prefix = "--shard=";
    }
    if (!value) continue;
    shard_given = true;
    automatic = value->compare(prefix.size(), 5, "auto/") == 0;
    if (!automatic) *value = prefix + new_number + "/" + total;
  }
  if (automatic || !shard_given) {
    // The engine chose the index (shard_auto.h): set the same variable by hand.
    const auto& e = from.engine;
    if (e.count("JOB_COMPLETION_INDEX")) {
      old_number = e.at("JOB_COMPLETION_INDEX");
      new_number = std::to_string(shard - 1);
      env = "JOB_COMPLETION_INDEX=" + new_number + " ";
    } else if (e.count("SLURM_ARRAY_TASK_ID")) {
      old_number = e.at("SLURM_ARRAY_TASK_ID");
      env = "SLURM_ARRAY_TASK_ID=" + new_number + " ";
    } else if (!shard_given) {
      argv.push_back("--shard");
      argv.push_back(new_number + "/" + total);
    }
  }
  // File names carry the engine's index or the shard number: whichever the name has.
  auto rename = [&](const std::string& path) {
    const std::string by_index = renumber(path, old_number, new_number);
    return by_index != path ? by_index : renumber(path, std::to_string(from.shard), std::to_string(shard));
  };
  std::string out = env;
  for (size_t i = 0; i < argv.size(); ++i) {
    std::string word = argv[i];
    const size_t eq = word.find('=');
    if (i > 0 && is_file_option(argv[i - 1])) {
      word = rename(word);
    } else if (word.rfind("--", 0) == 0 && eq != std::string::npos && is_file_option(word.substr(0, eq))) {
      word = word.substr(0, eq + 1) + rename(word.substr(eq + 1));
    }
    out += (i ? " " : "") + shell_quote(word);
  }
  return out;
}

std::string locate_output(const std::string& manifest_path, const std::string& stored) {
  const fs::path dir = fs::path(manifest_path).parent_path();
  const fs::path p(stored);
  std::error_code ec;
  const fs::path first = p.is_absolute() ? p : dir / p;
  if (fs::is_regular_file(first, ec)) return first.string();
  const fs::path beside = dir / p.filename();
  if (fs::is_regular_file(beside, ec)) return beside.string();
  return "";
}

ShardSet check_shard_set(std::vector<ShardFile> files) {
  ShardSet set;
  if (files.empty()) {
    set.problems.push_back("no manifests given");
    return set;
  }
  std::sort(files.begin(), files.end(),
            [](const ShardFile& a, const ShardFile& b) { return a.manifest.shard < b.manifest.shard; });
  // The first manifest's plan is the reference; each other plan is compared with it.
  const ShardFile& ref = files.front();
  set.plan = ref.manifest.plan;
  bool same_plan = true;
  for (const auto& f : files) {
    if (f.manifest.fingerprint == ref.manifest.fingerprint) continue;
    same_plan = false;
    set.problems.push_back(f.manifest_path + " and " + ref.manifest_path + " are shards of different scans (" +
                           describe_difference(f.manifest.plan, ref.manifest.plan) +
                           "): every shard needs the same targets, ports, excludes, --seed and shard count");
  }
  if (!same_plan) return set;  // shard numbers of different plans mean nothing together

  const uint32_t shards = set.plan.shards;
  std::map<uint32_t, std::vector<const ShardFile*>> by_index;
  for (const auto& f : files) by_index[f.manifest.shard].push_back(&f);
  std::vector<uint32_t> missing;
  for (uint32_t s = 1; s <= shards; ++s)
    if (!by_index.count(s)) missing.push_back(s);
  for (uint32_t s : missing)
    set.problems.push_back(shard_name(s, shards) + " is missing (no manifest given for it); run it with: " +
                           rerun_command(ref.manifest, s));
  set.available = config::kShowAll;
  for (const auto& [index, list] : by_index) {
    const std::string name = shard_name(index, shards);
    if (list.size() > 1) {
      std::string paths;
      for (const auto* f : list) paths += (paths.empty() ? "" : ", ") + f->manifest_path;
      set.problems.push_back(name + " is given " + std::to_string(list.size()) + " times (" + paths +
                             "): keep the one from the run to merge");
      continue;
    }
    ShardFile f = *list.front();
    const Manifest& m = f.manifest;
    const std::string where = name + " (" + f.manifest_path + ")";
    if (!m.error.empty()) {
      set.problems.push_back(where + " never ran: " + m.error + "; run it again with: " + rerun_command(m, index));
      continue;
    }
    if (!m.complete) {
      std::string fix = "run it again with: " + rerun_command(m, index);
      if (!m.resume_file.empty()) {
        const std::string resume = locate_output(f.manifest_path, m.resume_file);
        fix = "finish it with: portauth scan --resume " + shell_quote(resume.empty() ? m.resume_file : resume) +
              " --manifest " + shell_quote(f.manifest_path) + " (or " + fix + ")";
      }
      set.problems.push_back(where + " is incomplete (" + (m.interrupted ? "interrupted" : "not finished") + "): " + fix);
      continue;
    }
    const ManifestOutput* results = nullptr;
    for (const auto& o : m.outputs)
      if (o.format == "jsonl" && o.path != "-") {
        results = &o;
        break;
      }
    if (!results) {
      set.problems.push_back(where + " has no JSONL output file to merge from: run it again with -oJ FILE added");
      continue;
    }
    f.results_path = locate_output(f.manifest_path, results->path);
    f.results_sha256 = results->sha256;
    if (f.results_path.empty()) {
      set.problems.push_back(where + ": its results file '" + results->path + "' is not there (nor beside the manifest)");
      continue;
    }
    // Open and closed ports are what a shard's JSONL must hold; without closed ones a
    // port that is not listed might be closed or stealth.
    unsigned avail = m.show & (config::kShowOpen | config::kShowClosed | config::kShowStealth);
    if ((m.show & config::kShowOpen) && (m.show & config::kShowClosed)) avail |= config::kShowStealth;
    set.available &= avail;
    if (m.counts.pcap_dropped > 0)
      set.warnings.push_back(where + ": the capture dropped " + std::to_string(m.counts.pcap_dropped) +
                             " packets, so some ports it calls stealth may have answered; to be sure, run it again "
                             "with a lower --rate: " + rerun_command(m, index));
    if (m.counts.last_retry_answers > 0)
      set.warnings.push_back(where + ": its last retry pass still found " + std::to_string(m.counts.last_retry_answers) +
                             " answers, so some ports it calls stealth may be open or closed; to be sure, run it "
                             "again with a lower --rate: " + rerun_command(m, index));
    if (m.counts.send_errors > 0)
      set.warnings.push_back(where + ": " + std::to_string(m.counts.send_errors) +
                             " probes could not be sent; their ports may be reported stealth");
    set.shards.push_back(std::move(f));
  }
  return set;
}

}  // namespace portauth::merge
