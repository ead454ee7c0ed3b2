// The rows of the option table (option_table.h): one per option, in --help order within
// each group. The output rows come from the format registry (output/formats.h).
#include <cstdint>

#include "config/option_table.h"
#include "output/formats.h"
#include "config/spec_error.h"
#include "config/timing_templates.h"

namespace portauth::config {
namespace {

using G = OptionGroup;
using K = ValueKind;
using R = ResumePolicy;

// Given on the command line, outputs replace a config or resume file's outputs as a whole.
void copy_outputs(const ScanOptions& from, ScanOptions& to) {
  to.extra_outputs = from.extra_outputs;
  to.output_path = from.output_path;
}

void noop(ScanOptions&, const std::string&) {}

std::vector<OptionSpec> build_rows() {
  std::vector<OptionSpec> t;
  auto row = [&](OptionSpec s) -> OptionSpec& { return t.emplace_back(std::move(s)); };

  // Targets.
  row({.names = "TARGETS", .yaml_key = "targets", .kind = K::kList, .value_name = "TEXT",
       .help = "IPv4 and IPv6 addresses, CIDR blocks (a.b.c.d/n, 2001:db8::/120), ranges a.b.c.d-e.f.g.h or "
               "a.b.c.d-h or A6-B6, fe80::1%IF, host names (A and AAAA), comma lists",
       .group = G::kTargets, .resume = R::kProbeSpace, .field = &ScanOptions::targets, .example = "198.18.0.9"});
  row({.names = "--target-file", .alias = "-iL", .yaml_key = "target_files", .kind = K::kPaths, .value_name = "FILE",
       .help = "read targets from FILE, one per line, '#' comments ('-': standard input)", .group = G::kTargets,
       .resume = R::kFixed, .field = &ScanOptions::target_files, .example = "hosts.txt"});
  row({.names = "--exclude", .yaml_key = "excludes", .kind = K::kList, .value_name = "TEXT",
       .help = "never probe these addresses (target grammar; a comma list, as nmap takes it)", .group = G::kTargets,
       .resume = R::kFixed, .field = &ScanOptions::excludes, .example = "198.18.0.5,198.18.0.6"});
  row({.names = "--exclude-file", .alias = "--excludefile", .yaml_key = "exclude_files", .kind = K::kPaths,
       .value_name = "FILE", .help = "never probe the addresses listed in FILE", .group = G::kTargets,
       .resume = R::kFixed, .field = &ScanOptions::exclude_files, .example = "never.txt"});
  row({.names = "--allow", .yaml_key = "allow", .kind = K::kList, .value_name = "RANGE",
       .help = "keep this reserved block inside a wider target, e.g. 0.0.0.0/0 --allow 10.0.0.0/8 (a block "
               "named as a target is always scanned as asked)",
       .group = G::kTargets, .resume = R::kFixed, .commands = kEveryCommand, .field = &ScanOptions::allow,
       .example = "10.0.0.0/8"});
  row({.names = "--confirm-large", .yaml_key = "confirm_large", .kind = K::kFlag,
       .help = "allow scans of more than 2^24 addresses", .group = G::kTargets, .field = &ScanOptions::confirm_large});
  row({.names = "--shard", .yaml_key = "shard", .kind = K::kText, .value_name = "i/n",
       .help = "scan slice i of n (1-based, e.g. 2/4), or auto/n: i from the batch engine (JOB_COMPLETION_INDEX, "
               "SLURM_ARRAY_TASK_ID); every shard needs the same --seed", .group = G::kTargets,
       .resume = R::kProbeSpace, .field = &ScanOptions::shard, .example = "2/4"});

  // Ports.
  row({.names = "-p,--ports", .yaml_key = "ports", .kind = K::kText, .value_name = "SPEC",
       .help = "ports: 22,80,443 / 1-1024 / - (all 0-65535) / nmap's T:22,80,U:53,161 (a T: or U: item is a port "
               "of that protocol; plain ports go to each protocol scanned); default: ShieldsUP's service range "
               "0-1055 and every database-ranked port above it (-sU: the database-ranked UDP ports)",
       .group = G::kPorts, .resume = R::kProbeSpace, .commands = kScan | kShieldsUp, .field = &ScanOptions::ports,
       .example = "22,80,443"});
  row({.names = "--preset", .yaml_key = "preset", .kind = K::kText, .value_name = "NAME",
       .help = "ShieldsUP port sets: common (its 26 common ports), service (0-1055), all (0-65535)",
       .group = G::kPorts, .resume = R::kFixed, .commands = kScan | kShieldsUp, .field = &ScanOptions::preset,
       .example = "common"});
  row({.names = "--top-ports", .yaml_key = "top_ports", .kind = K::kInt, .value_name = "N",
       .help = "the N ports most commonly found open (database rank; with -sU, of each protocol)", .group = G::kPorts, .resume = R::kFixed,
       .commands = kScan | kShieldsUp, .field = &ScanOptions::top_ports_count, .lo = 1, .hi = 65536,
       .example = "100"});
  row({.names = "--udp-scan", .alias = "-sU", .yaml_key = "udp_scan", .kind = K::kFlag,
       .help = "nmap's -sU: scan UDP ports, with a payload each service answers (an empty datagram where none is "
               "known); alone, UDP only; with -sS, TCP and UDP in one scan",
       .group = G::kPorts, .resume = R::kFixed, .field = &ScanOptions::udp_scan});

  // Timing.
  row({.names = "-T,--timing", .yaml_key = "timing", .kind = K::kText, .value_name = "0-5",
       .help = "nmap's timing templates, paranoid (0) to insane (5): set --rate, --retries and --wait (an "
               "explicit option wins); -T3 is the defaults",
       .group = G::kTiming, .commands = kEveryCommand, .field = &ScanOptions::timing,
       .apply = [](ScanOptions& o, const std::string& v) { o.timing = std::to_string(find_timing_template(v).level); },
       .copy =
           [](const ScanOptions& from, ScanOptions& to) {
             to.timing = from.timing;
             to.rate = from.rate;
             to.retries = from.retries;
             to.wait_seconds = from.wait_seconds;
           },
       .example = "4"});
  row({.names = "--rate", .alias = "--max-rate", .yaml_key = "rate", .kind = K::kText, .value_name = "TEXT",
       .default_text = "max", .help = "the rate ceiling in packets per second, or max (what the wire and the capture "
                                     "take): the closed-loop controller raises the rate while answers keep up and backs "
                                     "off when they stop (with --fixed-rate: the rate itself)",
       .group = G::kTiming, .resume = R::kStored, .commands = kEveryCommand, .field = &ScanOptions::rate,
       .example = "5000"});
  row({.names = "--min-rate", .yaml_key = "min_rate", .kind = K::kNumber, .value_name = "PPS",
       .help = "the rate floor: the rate controller never sends slower than this (0: none)", .group = G::kTiming,
       .resume = R::kStored, .commands = kEveryCommand, .field = &ScanOptions::min_rate, .lo = 0, .hi = 100e6,
       .example = "100", .resume_optional = true});
  row({.names = "--fixed-rate", .yaml_key = "fixed_rate", .kind = K::kFlag,
       .help = "open loop, for benchmarks: send at exactly --rate (max: unpaced), wait exactly --wait after "
               "every pass, retry exactly --retries times", .group = G::kTiming,
       .resume = R::kStored, .commands = kEveryCommand, .field = &ScanOptions::fixed_rate,
       .resume_optional = true});
  row({.names = "--retries", .alias = "--max-retries", .yaml_key = "retries", .kind = K::kInt, .value_name = "INT",
       .default_text = "2", .help = "extra passes over unanswered probes", .group = G::kTiming, .resume = R::kStored,
       .commands = kEveryCommand, .field = &ScanOptions::retries, .lo = 0, .hi = 20, .example = "3"});
  row({.names = "--wait", .yaml_key = "wait", .kind = K::kNumber, .value_name = "FLOAT", .default_text = "1",
       .help = "the longest wait for late replies after each pass: the controller waits 3x the 99th-percentile "
               "round trip it measured, at least 50 ms, and this long while nothing has answered",
       .group = G::kTiming, .resume = R::kStored,
       .commands = kEveryCommand, .field = &ScanOptions::wait_seconds, .lo = 0, .hi = 600, .example = "1.5"});
  row({.names = "--wait-unreachable", .yaml_key = "wait_unreachable", .kind = K::kFlag,
       .help = "UDP: wait for the ICMP port-unreachable of every closed port, at the rate the host sends them "
               "(Linux: one a second after a burst of 6), so no port is left open|filtered that is closed; "
               "default: open ports found at once, the rest reported open|filtered with the time this would take",
       .group = G::kTiming, .resume = R::kStored, .field = &ScanOptions::wait_unreachable,
       .resume_optional = true, .resume_when_set = true});

  // Service identification.
  row({.names = "--service-scan", .alias = "-sV", .yaml_key = "service_scan", .kind = K::kFlag,
       .help = "nmap's -sV: identify what answers on every open port (name, product, version, TLS certificate) "
               "with ordinary TCP connections, starting as soon as the SYN scan finds the port open (probe and "
               "shieldsup do it by default)",
       .group = G::kServices, .commands = kEveryCommand, .field = &ScanOptions::service_scan});
  row({.names = "--no-service-scan", .yaml_key = "no_service_scan", .kind = K::kFlag,
       .help = "connect to no open port: report the SYN scan's answer and the port database's name only",
       .group = G::kServices, .commands = kEveryCommand, .field = &ScanOptions::no_service_scan});
  row({.names = "--service-concurrency", .yaml_key = "service_concurrency", .kind = K::kInt, .value_name = "N",
       .default_text = "4096",
       .help = "identification connections open at once (fewer when the open-file limit, raised to its hard "
               "limit, is lower; a message says so)",
       .group = G::kServices, .commands = kEveryCommand, .field = &ScanOptions::service_concurrency, .lo = 1,
       .hi = 1048576, .example = "256"});
  row({.names = "--service-timeout", .yaml_key = "service_timeout", .kind = K::kNumber, .value_name = "SECONDS",
       .default_text = "5",
       .help = "per connection: the wait to connect and for a greeting from a server-first protocol; the wait "
               "for an answer to a probe is half of it, and one port's identification at most 5 times it",
       .group = G::kServices, .commands = kEveryCommand, .field = &ScanOptions::service_timeout, .lo = 0.1,
       .hi = 300, .example = "2.5"});

  row({.names = "--canaries", .yaml_key = "canaries", .kind = K::kInt, .value_name = "N", .default_text = "3",
       .help = "canary ports per host: high ports nothing is registered on, probed to catch hosts that answer "
               "every port (SYN proxies, tarpits, redirects); taken from the scanned ports when the scan covers "
               "them, else added to the first pass (0: none)",
       .group = G::kPorts, .resume = R::kProbeSpace, .commands = kEveryCommand, .field = &ScanOptions::canaries,
       .lo = 0, .hi = 3, .example = "0", .resume_optional = true});

  // Output.
  row({.names = "--show", .yaml_key = "show", .kind = K::kText, .value_name = "TEXT", .default_text = "open",
       .help = "which states to report: open, closed, stealth, all (comma list); canaries: also the canary ports "
               "the scan added", .group = G::kOutput,
       .resume = R::kStored, .field = &ScanOptions::show, .example = "open,closed"});
  row({.names = "--open", .kind = K::kFlag, .help = "nmap's --open: report open ports only (the default --show)",
       .group = G::kOutput, .resume = R::kStored, .field = &ScanOptions::show,
       .apply = [](ScanOptions& o, const std::string&) { o.show = "open"; }});
  row({.names = "--reason", .kind = K::kFlag, .help = "nmap's --reason: accepted; every result carries its reason",
       .group = G::kOutput, .commands = kEveryCommand, .apply = noop});
  row({.names = "--format", .kind = K::kText, .value_name = "TEXT", .default_text = "text",
       .help = "format of -o (or of standard output): " + output::format_names(), .group = G::kOutput,
       .resume = R::kStored, .field = &ScanOptions::format, .example = "jsonl"});
  row({.names = "-o,--output", .kind = K::kText, .value_name = "FILE",
       .help = "write results to FILE instead of standard output", .group = G::kOutput, .resume = R::kStored,
       .field = &ScanOptions::output_path, .copy = copy_outputs, .example = "out.txt"});
  for (const auto& f : output::formats()) {
    const std::string name(f.name);
    row({.names = std::string(f.long_option), .alias = std::string(f.short_flag), .kind = K::kList,
         .value_name = "FILE", .help = std::string(f.help) + " to FILE (any number of outputs, each to its file)",
         .group = G::kOutput, .resume = R::kStored, .commands = kScan | kShieldsUp,
         .apply = [name](ScanOptions& o, const std::string& v) { o.extra_outputs.emplace_back(name, v); },
         .copy = copy_outputs, .example = "out." + name});
  }
  row({.names = "--output-all", .alias = "-oA", .kind = K::kText, .value_name = "BASE",
       .help = "nmap's three files: BASE.xml, BASE.gnmap and BASE.nmap (text)", .group = G::kOutput,
       .resume = R::kStored, .commands = kScan | kShieldsUp,
       .apply =
           [](ScanOptions& o, const std::string& base) {
             if (base.empty()) throw SpecError("-oA needs a base name");
             for (const auto& f : output::formats())
               if (!f.nmap_suffix.empty()) o.extra_outputs.emplace_back(std::string(f.name), base + std::string(f.nmap_suffix));
           },
       .copy = copy_outputs, .example = "out"});
  row({.yaml_key = "outputs", .kind = K::kList, .help = "outputs: a list of {format: ..., path: ...}",
       .group = G::kOutput, .resume = R::kStored, .copy = copy_outputs});
  row({.names = "--progress", .kind = K::kFlag,
       .help = "live progress on stderr even when it is not a terminal (default: only on a terminal)",
       .group = G::kOutput, .field = &ScanOptions::progress,
       .apply = [](ScanOptions& o, const std::string&) { o.progress = "on"; }});
  row({.names = "--no-progress", .kind = K::kFlag, .help = "no live progress, not even on a terminal",
       .group = G::kOutput, .field = &ScanOptions::progress,
       .apply = [](ScanOptions& o, const std::string&) { o.progress = "off"; }});
  row({.names = "-v", .kind = K::kCount, .help = "more status lines: the plan before the scan (-vv: its details too)",
       .group = G::kOutput, .commands = kEveryCommand, .field = &ScanOptions::verbose});
  row({.names = "-d", .kind = K::kCount, .help = "debugging status lines: what -vv prints", .group = G::kOutput,
       .commands = kEveryCommand, .field = &ScanOptions::debug});
  row({.names = "--summary-json", .kind = K::kText, .value_name = "FILE",
       .help = "write one JSON line per scan to FILE: counts, replies, pcap drops, and whether the scan is complete",
       .group = G::kOutput, .field = &ScanOptions::summary_json, .example = "summary.json"});
  row({.names = "--manifest", .kind = K::kText, .value_name = "FILE",
       .help = "when the scan ends, write a shard manifest to FILE (plan fingerprint, completeness, counts, output "
               "checksums) for portauth merge",
       .group = G::kOutput, .field = &ScanOptions::manifest, .example = "shard-1.manifest.json"});
  row({.names = "--report", .yaml_key = "report", .kind = K::kText, .value_name = "shieldsup",
       .help = "a ShieldsUP report with the TruStealth verdict on stdout (one host; -o files are still written)",
       .group = G::kOutput, .field = &ScanOptions::report,
       .apply =
           [](ScanOptions& o, const std::string& v) {
             if (v != "shieldsup") throw SpecError("bad --report '" + v + "': the one report is shieldsup");
             o.report = v;
           },
       .example = "shieldsup"});

  // Privileges.
  row({.names = "--user", .kind = K::kText, .value_name = "USER",
       .help = "once sockets and files are open, run as USER with only CAP_NET_RAW (default: $SUDO_USER, else "
               "nobody; 'root' keeps root)",
       .group = G::kPrivileges, .commands = kEveryCommand, .field = &ScanOptions::user, .example = "nobody"});

  // Advanced.
  row({.names = "-i,--interface", .yaml_key = "interface", .kind = K::kText, .value_name = "IF",
       .help = "interface to send and capture on (default: from the route)", .group = G::kAdvanced,
       .resume = R::kStored, .commands = kEveryCommand, .field = &ScanOptions::interface, .example = "eth0"});
  row({.names = "--source-ip", .yaml_key = "source_ip", .kind = K::kText, .value_name = "ADDR",
       .help = "source address (default: the interface's); for a scan of both families, one of each: A,B", .group = G::kAdvanced, .resume = R::kStored,
       .commands = kEveryCommand, .field = &ScanOptions::source_ip, .example = "198.18.0.1"});
  row({.names = "--source-port", .yaml_key = "source_port", .kind = K::kText, .value_name = "A-B",
       .help = "source port or range A-B (default: 256 random ports above 61000)", .group = G::kAdvanced,
       .commands = kEveryCommand, .field = &ScanOptions::source_port, .example = "61000-61100"});
  row({.names = "--send-mode", .kind = K::kText, .value_name = "TEXT", .default_text = "auto",
       .help = "how probes leave: auto (the fastest path that serves the scan; -v says which and why), raw "
               "(raw IPv4/IPv6 socket + sendmmsg, any interface), ring (PACKET_MMAP TX ring: Ethernet, one next "
               "hop per family; bypasses this host's firewall and packet taps) or xdp (AF_XDP socket, copy "
               "mode; same limits as ring)",
       .group = G::kAdvanced, .commands = kEveryCommand, .field = &ScanOptions::send_mode, .example = "ring"});
  row({.names = "--seed", .yaml_key = "seed", .kind = K::kInt, .value_name = "UINT",
       .help = "seed for the probe order (default: random)", .group = G::kAdvanced, .resume = R::kProbeSpace,
       .field = &ScanOptions::seed, .lo = 0, .hi = 9223372036854775807.0, .example = "42"});
  row({.names = "--pcap-buffer", .kind = K::kSize, .value_name = "BYTES",
       .help = "capture buffer (kernel ring) size, e.g. 64M (default: sized from --rate and --wait, 32M-256M); "
               "raise it if the summary reports pcap drops",
       .group = G::kAdvanced, .commands = kEveryCommand, .field = &ScanOptions::pcap_buffer, .lo = 4096,
       .hi = 1073741824, .example = "64M"});
  row({.names = "--dry-run", .kind = K::kFlag,
       .help = "say what the scan would do (probes, passes, interface and source, rate, a time estimate, files) and "
               "build every probe once, without sending, capturing or writing anything (no root needed)",
       .group = G::kAdvanced, .field = &ScanOptions::dry_run});
  row({.names = "--pcap-out", .kind = K::kText, .value_name = "FILE",
       .help = "write the probes to this pcap file (raw IP) instead of sending them", .group = G::kAdvanced,
       .field = &ScanOptions::pcap_out, .example = "probes.pcap"});
  row({.names = "-c,--config", .kind = K::kText, .value_name = "FILE",
       .help = "run the scan(s) a YAML file describes; options given here override the file's",
       .group = G::kAdvanced, .resume = R::kFixed, .field = &ScanOptions::config_file, .example = "scan.yaml"});
  row({.names = "--job", .kind = K::kText, .value_name = "NAME", .help = "with --config: run only the scan of this name",
       .group = G::kAdvanced, .field = &ScanOptions::job, .example = "web"});
  row({.names = "--resume", .kind = K::kText, .value_name = "FILE",
       .help = "continue the interrupted scan a resume file describes", .group = G::kAdvanced,
       .field = &ScanOptions::resume, .example = "portauth-resume.yaml"});
  row({.names = "--resume-file", .kind = K::kText, .value_name = "TEXT", .default_text = "portauth-resume.yaml",
       .help = "where Ctrl-C writes the resume file", .group = G::kAdvanced, .commands = kEveryCommand,
       .field = &ScanOptions::resume_file, .example = "r.yaml"});
  row({.names = "--db", .yaml_key = "database", .kind = K::kPath, .value_name = "FILE",
       .help = "port database file (default: $PORTAUTH_DB, then the installed one)", .group = G::kAdvanced,
       .commands = kEveryCommand, .field = &ScanOptions::db, .example = "ports.yaml"});
  row({.names = "--syn-scan", .alias = "-sS", .yaml_key = "syn_scan", .kind = K::kFlag,
       .help = "nmap's -sS: scan TCP ports with SYN probes, the default; with -sU, TCP and UDP in one scan",
       .group = G::kAdvanced, .commands = kEveryCommand, .field = &ScanOptions::syn_scan});
  row({.names = "--no-ping", .alias = "-Pn", .kind = K::kFlag,
       .help = "nmap's -Pn: accepted; portauth never pings before it scans", .group = G::kAdvanced,
       .commands = kEveryCommand, .apply = noop});
  row({.names = "-n", .kind = K::kFlag, .help = "nmap's -n: accepted; portauth never resolves addresses to names",
       .group = G::kAdvanced, .commands = kEveryCommand, .apply = noop});
  return t;
}

}  // namespace

std::span<const OptionSpec> option_table() {
  static const std::vector<OptionSpec> kRows = build_rows();
  return kRows;
}

}  // namespace portauth::config
