// The command line as nmap and masscan users type it (issue 12): every option of the option
// table before, between and after the targets gives the same options; nmap's spellings
// (-sS -Pn -n -T4 -p- --open -oA, -iL -, --max-rate, ...) map onto the plan; unsupported
// nmap options and unknown options are refused with one clear line. Pure: no socket.
#include <gtest/gtest.h>

#include <cmath>

#include <algorithm>

#include "cli/cli_options.h"
#include "cli/nmap_style_args.h"
#include "cli/option_values.h"
#include "cli/parse_errors.h"
#include "config/option_table.h"
#include "config/scan_plan.h"
#include "config/spec_error.h"

using namespace portauth;
using config::OptionSpec;
using config::ScanOptions;

namespace {

const std::string kT1 = "198.18.0.1", kT2 = "198.18.0.2";

// Parses `words` as `portauth <command> words...` exactly as main does. Throws
// config::SpecError (our refusals) or CLI::ParseError (CLI11's).
ScanOptions parse_as(const std::string& command, config::Command which, const std::vector<std::string>& words) {
  CLI::App app;
  app.name("portauth");
  auto* cmd = app.add_subcommand(command);
  std::string host, port;
  if (which != config::kScan) cmd->add_option("HOST", host);
  if (which == config::kProbe) cmd->add_option("PORT", port);
  cli::CommandLine cli(*cmd, which, "TARGETS...");
  std::vector<const char*> argv = {"portauth", command.c_str()};
  for (const auto& w : words) argv.push_back(w.c_str());
  cli::refuse_option_like_values(app, std::vector<std::string>(argv.begin() + 1, argv.end()));
  cli::refuse_empty_values(app, std::vector<std::string>(argv.begin() + 1, argv.end()));
  auto args = cli::rewrite_nmap_style_args(int(argv.size()), argv.data());
  args.erase(args.begin());
  std::reverse(args.begin(), args.end());
  app.parse(args);
  cli.finish();
  return cli.options();
}

ScanOptions parse(const std::vector<std::string>& words) { return parse_as("scan", config::kScan, words); }

std::string refusal(const std::vector<std::string>& words) {
  try {
    parse(words);
  } catch (const config::SpecError& e) {
    return e.what();
  } catch (const CLI::ParseError& e) {
    return e.what();
  }
  return "";
}

std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

TEST(OptionMatrix, EveryOptionAnywhereGivesTheSameOptions) {
  const ScanOptions plain = parse({kT1, kT2});
  size_t checked = 0;
  for (const OptionSpec& spec : config::option_table()) {
    if (!(spec.commands & config::kScan) || spec.names.empty() || spec.positional()) continue;
    if (spec.takes_value()) {
      ASSERT_FALSE(spec.example.empty()) << spec.long_name() << " needs an example value";
    }
    for (const std::string& name : spec.spellings()) {
      std::vector<std::string> opt = {name};
      if (spec.takes_value()) opt.push_back(spec.example);
      const ScanOptions before = parse(with(opt, {kT1, kT2}));
      EXPECT_EQ(before.targets, (std::vector<std::string>{kT1, kT2})) << name << " swallowed a target";
      // nmap's no-ops (-sS, -Pn, -n, --reason) and --open (the default --show) change nothing.
      const bool no_op = std::holds_alternative<std::monostate>(spec.field) && !spec.copy;
      if (!no_op && spec.long_name() != "--open") {
        EXPECT_FALSE(before == plain) << name << " " << spec.example << " changed nothing";
      }
      EXPECT_TRUE(before == parse(with(with({kT1}, opt), {kT2}))) << name << " between the targets";
      EXPECT_TRUE(before == parse(with({kT1, kT2}, opt))) << name << " after the targets";
      if (spec.takes_value() && name.rfind("--", 0) == 0) {
        EXPECT_TRUE(before == parse({name + "=" + spec.example, kT1, kT2})) << name << "=VALUE";
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, 50u);
}

TEST(OptionMatrix, ListOptionsRepeatAndScalarsKeepTheLast) {
  const ScanOptions o = parse({"--exclude", "198.18.0.5", kT1, "--exclude", "198.18.0.6,198.18.0.7", kT2,
                               "--allow", "10.0.0.0/8", "--rate", "5", "--rate", "6"});
  EXPECT_EQ(o.targets, (std::vector<std::string>{kT1, kT2}));
  EXPECT_EQ(o.excludes, (std::vector<std::string>{"198.18.0.5", "198.18.0.6,198.18.0.7"}));
  EXPECT_EQ(o.rate, "6");
  ScanOptions with_plan = o;
  with_plan.ports = "80";
  with_plan.seed = 1;
  EXPECT_EQ(config::build_scan_plan(with_plan).targets.count(), 2u);  // nmap's comma list excludes both
}

TEST(NmapHabits, TheTypicalSynScanLine) {
  const ScanOptions o = parse({"-sS", "-Pn", "-n", "-T4", "-p-", "--open", "-oA", "out", kT2});
  EXPECT_EQ(o.targets, (std::vector<std::string>{kT2}));
  EXPECT_EQ(o.ports, "-");
  EXPECT_EQ(o.show, "open");
  EXPECT_EQ(o.rate, "max");
  EXPECT_EQ(o.retries, 2);
  EXPECT_DOUBLE_EQ(o.wait_seconds, 0.5);
  const config::ScanPlan plan = config::build_scan_plan(o);
  EXPECT_EQ(plan.ports.size(), 65536u);
  EXPECT_TRUE(std::isinf(plan.rate));  // the controller finds the rate
  // The three files, and the report on standard output as nmap shows it (issue 19.11).
  EXPECT_EQ(plan.outputs, (std::vector<config::OutputSpec>{{config::OutputFormat::kText, "out.nmap"},
                                                            {config::OutputFormat::kXml, "out.xml"},
                                                            {config::OutputFormat::kGrepable, "out.gnmap"},
                                                            {config::OutputFormat::kText, ""}}));
}

TEST(NmapHabits, RatesRetriesTemplatesAndVerbosity) {
  const ScanOptions o = parse({kT1, "--max-rate", "500", "--min-rate", "100", "--max-retries", "5", "-vv", "-d"});
  EXPECT_EQ(o.rate, "500");
  EXPECT_DOUBLE_EQ(o.min_rate, 100);
  EXPECT_EQ(o.retries, 5);
  EXPECT_EQ(o.verbose, 2);
  EXPECT_EQ(o.debug, 1);
  // An explicit option wins over the template wherever it stands.
  EXPECT_TRUE(parse({"-T4", "--max-retries", "1", kT1}) == parse({"--max-retries", "1", kT1, "-T", "aggressive"}));
  EXPECT_EQ(parse({"-T4", "--max-retries", "1", kT1}).retries, 1);
  EXPECT_EQ(parse({"-T0", kT1}).rate, "1");
  EXPECT_EQ(parse({"-T5", kT1}).rate, "max");
  EXPECT_TRUE(parse({"-T3", kT1}).rate == parse({kT1}).rate);  // normal is the defaults
  EXPECT_EQ(parse({"-iL", "-"}).target_files, (std::vector<std::string>{"-"}));
  EXPECT_EQ(parse({"-iL", "a.txt", "--excludefile", "b.txt"}).exclude_files, (std::vector<std::string>{"b.txt"}));
}

TEST(NmapHabits, UnsupportedAndUnknownOptionsAreOneClearLine) {
  for (const auto& [flag, what] : std::vector<std::pair<std::string, std::string>>{
           {"-sA", "ACK scan"}, {"-O", "OS detection"},
           {"-A", "OS and version detection, scripts and traceroute"}, {"--script", "the scripting engine"},
           {"--script=vuln", "the scripting engine"}, {"-sT", "TCP connect scan"}})
    EXPECT_EQ(refusal({flag, kT1}), flag.substr(0, flag.find('=')) + " (" + what +
                                        ") is not supported: portauth scans with TCP SYN (nmap's -sS) and UDP "
                                        "(-sU) probes; nothing was sent");
  EXPECT_EQ(refusal({kT1, "--rtae", "5"}), "unknown option '--rtae' (did you mean '--rate'?)");
  EXPECT_EQ(refusal({kT1, "--max-retires", "5"}), "unknown option '--max-retires' (did you mean '--max-retries'?)");
  EXPECT_EQ(refusal({kT1, "--frobnicate"}), "unknown option '--frobnicate'; 'portauth scan --help' lists the options");
  EXPECT_EQ(refusal({kT1, "-T9"}), "bad timing template -T '9': use 0-5 or paranoid, sneaky, polite, "
                                   "normal, aggressive, insane");
  EXPECT_EQ(refusal({kT1, "--pcap-buffer", "12"}),
            "bad --pcap-buffer '12': give a size from 4096 to 1073741824 bytes (a number, optionally with k, M or G)");
  EXPECT_EQ(parse({kT1, "--pcap-buffer", "64M"}).pcap_buffer, uint64_t{64} << 20);
}

TEST(NmapHabits, VersionDetectionIsAnOption) {
  EXPECT_TRUE(parse({"-sV", kT1}).service_scan);
  EXPECT_TRUE(parse({"-sS", "-sV", "-T4", kT1}).service_scan);
  EXPECT_FALSE(parse({kT1}).service_scan);
  EXPECT_TRUE(parse({"--no-service-scan", kT1}).no_service_scan);
  EXPECT_EQ(parse({"--service-concurrency", "128", "--service-timeout", "1.5", kT1}).service_concurrency, 128u);
  EXPECT_EQ(parse({"--service-timeout", "1.5", kT1}).service_timeout, 1.5);
  EXPECT_EQ(refusal({kT1, "--service-timeout", "0"}), "bad --service-timeout '0': give a number from 0.1 to 300");
}

// Issue 19.1: `-oA --dry-run` used to write ./--dry-run.xml and scan for real. Every option that
// takes a value, in every spelling, refuses a next word that begins with '-'; --opt=VALUE, ./-name
// and a lone '-' (standard input, every port) still work.
TEST(NmapHabits, AnOptionLikeWordIsNeverTakenAsAValue) {
  size_t checked = 0;
  for (const OptionSpec& spec : config::option_table()) {
    if (!spec.takes_value() || spec.positional() || !(spec.commands & config::kScan) || spec.names.empty()) continue;
    for (const std::string& spelling : spec.spellings()) {
      const std::string why = refusal({kT1, "-p", "80", spelling, "--dry-run"});
      EXPECT_EQ(why, spelling + " takes a value, but the next word '--dry-run' is an option; nothing was sent "
                                "(for a value that begins with '-', write " + spec.long_name() +
                                "=--dry-run, or ./--dry-run for a file)")
          << spelling;
      ++checked;
    }
  }
  EXPECT_GE(checked, 40u);  // -o, -oA, -iL, --exclude-file, --resume-file, --summary-json, -c, --db, ...
  EXPECT_NE(refusal({kT1, "-oA", "-v"}), "");
  EXPECT_NE(refusal({kT1, "--output", "-"}), "-");  // a lone '-' is a value
  EXPECT_EQ(parse({kT1, "--output-all=--dry-run"}).extra_outputs.size(), 3u);
  EXPECT_EQ(parse({kT1, "-oA", "./--dry-run"}).extra_outputs.size(), 3u);
  EXPECT_EQ(parse({kT1, "-p", "-", "--dry-run"}).dry_run, true);
  EXPECT_EQ(parse({"-iL", "-", "-p", "80"}).target_files, (std::vector<std::string>{"-"}));
}

TEST(NmapHabits, DoubleDashEndsTheOptions) {
  EXPECT_EQ(parse({"-p", "22", kT1, "--", kT2}).targets, (std::vector<std::string>{kT1, kT2}));
  EXPECT_EQ(refusal({kT1, "--", "-p"}), "'-p' after -- is not a target (no target starts with '-')");
}

TEST(CommandLine, OverridesAFileAndGuardsAResume) {
  CLI::App app;
  auto* cmd = app.add_subcommand("scan");
  cli::CommandLine cli(*cmd, config::kScan, "TARGETS...");
  app.parse(std::vector<std::string>{"out.jsonl", "--output-jsonl", "7", "--rate", "r.yaml", "--resume", "scan"});
  cli.finish();
  ScanOptions file;
  file.rate = "5000";
  file.retries = 4;
  file.extra_outputs = {{"xml", "file.xml"}};
  cli.override_options(file);
  EXPECT_EQ(file.rate, "7");
  EXPECT_EQ(file.retries, 4);
  EXPECT_EQ(file.extra_outputs, (std::vector<std::pair<std::string, std::string>>{{"jsonl", "out.jsonl"}}));
  EXPECT_EQ(cli.refused_by_resume(), "");
  for (const auto& [words, refused] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"--ports", "22"}, "--ports"}, {{kT1}, "a target list"}, {{"--seed", "1"}, "--seed"},
           {{"--exclude", kT1}, "--exclude"}, {{"--top-ports", "10"}, "--top-ports"}}) {
    CLI::App a;
    auto* c = a.add_subcommand("scan");
    cli::CommandLine l(*c, config::kScan, "TARGETS...");
    std::vector<std::string> args = {"scan", "--resume", "r.yaml"};
    args.insert(args.end(), words.begin(), words.end());
    std::reverse(args.begin(), args.end());
    a.parse(args);
    EXPECT_EQ(l.refused_by_resume(), refused);
  }
}

TEST(CommandLine, ProbeAndShieldsUpTakeTheSameWireOptions) {
  const std::vector<std::string> wire = {"--rate", "50", "--retries", "1", "--wait", "0.2", "-i", "veth0",
                                         "--source-port", "61000", "--user", "bob", "--resume-file", "r.yaml",
                                         "--send-mode", "ring", "-T2", "--allow", "10.0.0.0/8", "--db", "p.yaml"};
  const ScanOptions scan = parse(with({kT1}, wire));
  ScanOptions probe = parse_as("probe", config::kProbe, with({kT1, "22"}, wire));
  ScanOptions shields = parse_as("shieldsup", config::kShieldsUp, with({kT1}, wire));
  probe.targets = shields.targets = scan.targets;
  EXPECT_TRUE(probe == scan);
  EXPECT_TRUE(shields == scan);
}

TEST(CommandLine, HelpIsGroupedWithTheUsageLineAndEveryOption) {
  CLI::App app;
  app.name("portauth");
  auto* cmd = app.add_subcommand("scan", "TCP SYN scan");
  cli::CommandLine cli(*cmd, config::kScan, "TARGETS...");
  const std::string help = cmd->help("portauth");
  EXPECT_EQ(help.find("Usage: portauth scan [OPTIONS] TARGETS...\n"), help.find("Usage:")) << help;
  size_t at = 0;
  for (const char* group : {"Targets:", "Ports:", "Timing:", "Output:", "Privileges:", "Advanced:"}) {
    const size_t next = help.find(std::string("\n") + group + "\n", at);
    ASSERT_NE(next, std::string::npos) << group << " missing or out of order";
    at = next;
  }
  for (const auto& spec : config::option_table()) {
    if (!(spec.commands & config::kScan) || spec.names.empty()) continue;
    for (const auto& s : spec.spellings()) EXPECT_NE(help.find(s), std::string::npos) << s;
  }
  EXPECT_NE(help.find("--rate TEXT=max"), std::string::npos);
  EXPECT_NE(help.find("(or --max-rate TEXT)"), std::string::npos);
}

// Issue 19.4: an empty value is how ScanOptions says "not given", so `-p ""` scanned the default
// port set and `--ports= --dry-run` took --dry-run as the port list. Every value option, in every
// spelling, refuses an empty value, and an empty argument is refused too.
TEST(EmptyValues, EveryOptionRefusesAnEmptyValue) {
  size_t checked = 0;
  for (const OptionSpec& spec : config::option_table()) {
    if (!spec.takes_value() || spec.positional() || !(spec.commands & config::kScan) || spec.names.empty()) continue;
    for (const std::string& spelling : spec.spellings()) {
      const std::string want = spelling + " was given an empty value (an unset shell variable?); give one, e.g. " +
                               spelling + " " + spec.example + ", or leave " + spelling + " out";
      EXPECT_EQ(refusal({kT1, spelling, "", "--dry-run"}), want);
      if (spelling.rfind("--", 0) == 0) {
        EXPECT_EQ(refusal({kT1, spelling + "=", "--dry-run"}), want) << spelling << "=";
      }
      ++checked;
    }
  }
  EXPECT_GE(checked, 40u);
  EXPECT_EQ(refusal({kT1, "-p", ""}), "-p was given an empty value (an unset shell variable?); give one, e.g. -p "
                                      "22,80,443, or leave -p out");
  EXPECT_EQ(refusal({"", "-p", "80"}), "an empty argument '' (an unset shell variable?); remove it, or give what it "
                                       "stands for; usage: portauth scan [OPTIONS] TARGETS...");
  EXPECT_EQ(refusal({kT1, "-p", "80", "--", ""}), refusal({"", "-p", "80"}));
  EXPECT_EQ(refusal({"198.18.0.1,", "-p", "80"}), "");  // the grammar's, at plan time (config_test)
  EXPECT_EQ(parse({kT1, "-p", "-"}).ports, "-");  // a lone '-' is every port, not empty
}

namespace {

// The shape of main's command line: scan, probe and shieldsup from the option table, and a
// lookup and merge of the same shape as app/'s (QUERY, --search, --limit INT; MANIFESTS...).
// Returns what portauth prints after "portauth: " (exactly main's path), "" when it parses.
std::string error_of(const std::vector<std::string>& words) {
  CLI::App app;
  app.name("portauth");
  app.require_subcommand(1);
  auto* scan = app.add_subcommand("scan");
  cli::CommandLine scan_cli(*scan, config::kScan, "TARGETS...");
  std::string host, port, query, search;
  int limit = 0;
  std::vector<std::string> manifests;
  auto* probe = app.add_subcommand("probe");
  probe->add_option("HOST", host)->required();
  probe->add_option("PORT", port)->required();
  cli::CommandLine probe_cli(*probe, config::kProbe, "HOST PORT");
  auto* shields = app.add_subcommand("shieldsup");
  shields->add_option("HOST", host)->required();
  cli::CommandLine shields_cli(*shields, config::kShieldsUp, "HOST");
  auto* lookup = app.add_subcommand("lookup");
  lookup->add_option("QUERY", query);
  lookup->add_option("--search", search);
  lookup->add_option("--limit", limit);
  auto* merge = app.add_subcommand("merge");
  merge->add_option("MANIFESTS", manifests)->required();
  scan->callback([&] { scan_cli.finish(); });
  probe->callback([&] { probe_cli.finish(); });
  shields->callback([&] { shields_cli.finish(); });
  std::vector<const char*> argv = {"portauth"};
  for (const auto& w : words) argv.push_back(w.c_str());
  try {
    cli::refuse_option_like_values(app, words);
    cli::refuse_empty_values(app, words);
    auto args = cli::rewrite_nmap_style_args(int(argv.size()), argv.data());
    args.erase(args.begin());
    std::reverse(args.begin(), args.end());
    app.parse(args);
  } catch (const CLI::Success&) {
    return "(help)";
  } catch (const CLI::ParseError& e) {
    return cli::explain_parse_error(app, e, words);
  } catch (const config::SpecError& e) {
    return cli::one_line(e.what());
  }
  return "";
}

}  // namespace

// Issue 19.9 and 19.10: what CLI11 finds wrong is said in portauth's voice, on one line, with
// what to do; typos of commands and options get the closest name.
TEST(OneVoice, CommandLineErrorsNameTheProblemAndTheFix) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"scna"}, "unknown command 'scna' (did you mean 'scan'?); the commands are scan, probe, shieldsup, lookup and "
                 "merge"},
      {{"lokup", "22"}, "unknown command 'lokup' (did you mean 'lookup'?); the commands are scan, probe, shieldsup, "
                        "lookup and merge"},
      {{}, "no command given: name one first, e.g. portauth lookup 22; the commands are scan, probe, shieldsup, "
           "lookup and merge ('portauth --help' describes them)"},
      {{"-p", "80", kT1}, "no command given before '-p': name one first, e.g. portauth lookup 22; the commands are "
                          "scan, probe, shieldsup, lookup and merge ('portauth --help' describes them)"},
      {{"scan", kT1, "--prot", "22"}, "unknown option '--prot' (did you mean '--ports'?)"},
      {{"scan", kT1, "-T9"}, "bad timing template -T '9': use 0-5 or paranoid, sneaky, polite, normal, aggressive, "
                             "insane"},
      {{"scan", kT1, "-oA"}, "-oA needs a value (BASE) after it; e.g. -oA out"},
      {{"scan", kT1, "--output-all"}, "--output-all needs a value (BASE) after it; e.g. --output-all out"},
      {{"scan", kT1, "-p"}, "-p needs a value (SPEC) after it; e.g. -p 22,80,443"},
      {{"scan", kT1, "--retries", "x"}, "bad --retries 'x': give a whole number from 0 to 20"},
      {{"scan", kT1, "--wait", "-1"}, "--wait takes a value, but the next word '-1' is an option; nothing was sent "
                                      "(for a value that begins with '-', write --wait=-1, or ./-1 for a file)"},
      {{"scan", kT1, "--wait=-1"}, "bad --wait '-1': give a number from 0 to 600"},
      {{"probe", kT1}, "probe: PORT is missing; usage: portauth probe [OPTIONS] HOST PORT"},
      {{"probe"}, "probe: HOST is missing; usage: portauth probe [OPTIONS] HOST PORT"},
      {{"probe", kT1, "22", "80"}, "unexpected argument '80'; usage: portauth probe [OPTIONS] HOST PORT"},
      {{"probe", kT1, "22", "--rtae", "5"}, "unknown option '--rtae' (did you mean '--rate'?)"},
      {{"shieldsup"}, "shieldsup: HOST is missing; usage: portauth shieldsup [OPTIONS] HOST"},
      {{"shieldsup", kT1, "-p"}, "-p needs a value (SPEC) after it; e.g. -p 22,80,443"},
      {{"lookup", "22", "80"}, "unexpected argument '80'; usage: portauth lookup [OPTIONS] [QUERY]"},
      {{"lookup", "--serch", "x"}, "unknown option '--serch' (did you mean '--search'?)"},
      {{"lookup", "--frobnicate"}, "unknown option '--frobnicate'; 'portauth lookup --help' lists the options"},
      {{"lookup", "--limit", "abc", "--search", "x"}, "bad --limit 'abc': give a whole number; 'portauth lookup --help' "
                                                      "lists the options"},
      {{"lookup", "--search"}, "--search needs a value (TEXT) after it; 'portauth lookup --help' lists the options"},
      {{"merge"}, "merge: MANIFESTS is missing; usage: portauth merge [OPTIONS] MANIFESTS..."},
      {{"merge", "a.json", "--frob"}, "unknown option '--frob'; 'portauth merge --help' lists the options"},
  };
  for (const auto& [words, want] : cases) {
    std::string line = "portauth";
    for (const auto& w : words) line += " " + w;
    EXPECT_EQ(error_of(words), want) << line;
  }
  EXPECT_EQ(error_of({"scan", "--help"}), "(help)");
  EXPECT_EQ(error_of({"lookup", "22"}), "");
}

TEST(OneVoice, EveryMessageIsOneLine) {
  EXPECT_EQ(cli::one_line("no targets left to scan\n  198.18.0.0/15 was skipped\n"),
            "no targets left to scan; 198.18.0.0/15 was skipped");
  EXPECT_EQ(cli::one_line("one line"), "one line");
}
