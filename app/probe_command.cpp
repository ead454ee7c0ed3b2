#include "app/probe_command.h"

#include <cstdio>
#include <iostream>
#include <memory>

#include "app/annotator.h"
#include "app/cli_options.h"
#include "db/page_render.h"
#include "db/text_wrap.h"
#include "app/run_setup.h"
#include "app/scan_runner.h"
#include "common/setup_error.h"
#include "app/shieldsup_report.h"
#include "app/single_host.h"
#include "config/spec_error.h"

namespace portauth::app {
namespace {

struct ProbeArgs {
  std::unique_ptr<CommandLine> cli;
  std::string host, port;
};

std::string field(const char* label, const std::string& value) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%-8s ", label);
  return buf + value + "\n";
}

int run(ProbeArgs& a, const std::string& command_line) {
  if (!a.cli->finish_or_report()) return 1;
  config::ScanOptions o = a.cli->options();
  const auto port = parse_single_port(a.port);
  if (!port) {
    std::fprintf(stderr, "portauth: bad PORT '%s': give one port number 0-65535 (e.g. portauth probe HOST 22)\n",
                 a.port.c_str());
    return 1;
  }
  o.targets = {a.host};
  o.ports = std::to_string(*port);
  o.show = "all";
  OneHostPlan host;
  try {
    host = plan_one_host(o);
  } catch (const config::SpecError& e) {
    std::fprintf(stderr, "portauth: %s\n", e.what());
    return 1;
  }
  print_plan(host.plan, o, "", "");
  const auto db = load_port_db(o.db);
  if (!db) return 1;

  PortAnnotator annotator(db.get());
  const output::Annotator annotate = [&](uint16_t p) -> const output::Annotation& { return annotator(p); };
  CollectingWriter collected;
  const RunOptions run_options = run_options_for(o, command_line);
  try {
    const auto summary = run_scan(host.plan, annotate, {&collected}, run_options);
    report_resume(summary, nullptr, run_options.resume_path);
  } catch (const common::SetupError& e) {
    std::fprintf(stderr, "portauth: %s\n", e.what());
    return 2;
  }
  std::optional<probe::ScanResult> result;
  if (!collected.results.empty()) result = collected.results.front();
  std::cout << format_probe_report(host.label, result, *port, collected.summary.packets_sent, db->page(*port));
  return 0;
}

}  // namespace

std::optional<uint16_t> parse_single_port(const std::string& text) {
  if (text.empty() || text.size() > 5 || text.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  const unsigned long value = std::stoul(text);
  if (value > 65535) return std::nullopt;
  return uint16_t(value);
}

std::string format_probe_report(const std::string& host_label, const std::optional<probe::ScanResult>& result,
                                uint16_t port, uint64_t packets_sent, const db::PortPage& page) {
  std::string service;
  if (page.listed || page.entry.name != "unassigned") service = " (" + page.entry.name + ")";
  std::string out = field("Host:", host_label);
  out += field("Port:", std::to_string(port) + "/tcp" + service);
  if (!result) {
    out += field("State:", "unknown");
    out += "The probe was interrupted before it was sent.\n";
  } else {
    const auto state = probe::state_of(result->reason);
    out += field("State:", std::string(probe::state_name(state)));
    out += field("Reason:", std::string(probe::reason_name(result->reason)));
    out += field("TTL:", state == probe::PortState::kStealth ? "- (nothing came back)" : std::to_string(result->ttl));
    out += field("Probes:", std::to_string(packets_sent) + " SYN" + (packets_sent == 1 ? "" : "s") + " sent");
    out += "\n" + db::wrap_paragraph(state_meaning(state), 78, "", "");
  }
  return out + "\n" + db::render_page_text(page);
}

void add_probe_command(CLI::App& app, int& exit_code, const std::string& command_line) {
  auto args = std::make_shared<ProbeArgs>();
  auto* cmd = app.add_subcommand("probe", "Probe one TCP port of one host and explain the answer");
  cmd->add_option("HOST", args->host, "an IPv4 address or a host name")->required();
  cmd->add_option("PORT", args->port, "a port number, 0-65535")->required();
  args->cli = std::make_unique<CommandLine>(*cmd, config::kProbe, "HOST PORT");
  cmd->callback([args, &exit_code, &command_line] { exit_code = run(*args, command_line); });
}

}  // namespace portauth::app
