#include "app/single_host.h"

#include <algorithm>
#include <cstdio>

#include "app/run_setup.h"
#include "db/db_path.h"
#include "config/address.h"
#include "config/spec_error.h"
#include "config/target_list.h"

namespace portauth::app {

std::string host_label(const std::string& typed, const config::Address& address) {
  const std::string dotted = config::format_address(address);
  return typed == dotted ? dotted : typed + " (" + dotted + ")";
}

OneHostPlan plan_one_host(const config::ScanOptions& options) {
  if (options.targets.size() != 1) throw config::SpecError("give exactly one HOST (an address or a host name)");
  const std::string& host = options.targets.front();
  std::vector<std::string> extra_warnings;
  const config::Resolver first_address = [&](const std::string& name) {
    std::vector<config::Address> all = config::system_resolver(name);
    // IPv4 first, as before IPv6 was scanned: "localhost" stays 127.0.0.1, not ::1.
    std::stable_partition(all.begin(), all.end(), [](const config::Address& a) { return a.is_v4(); });
    if (all.size() > 1) {
      extra_warnings.push_back(name + " has " + std::to_string(all.size()) + " addresses; using the first, " +
                               config::format_address(all.front()));
      all.resize(1);
    }
    return all;
  };
  OneHostPlan out;
  out.plan = config::build_scan_plan(options, first_address);
  if (out.plan.targets.count() != 1)
    throw config::SpecError("'" + host + "' is " + std::to_string(out.plan.targets.count()) +
                            " addresses; this command tests one host (use 'portauth scan' for several)");
  out.address = out.plan.targets.at(0);
  out.label = host_label(host, out.address);
  out.plan.warnings.insert(out.plan.warnings.end(), extra_warnings.begin(), extra_warnings.end());
  return out;
}

std::optional<OneHostPlan> plan_one_host_or_say_why(const config::ScanOptions& options) {
  try {
    OneHostPlan host = plan_one_host(options);
    print_plan(host.plan, options, "", "");
    return host;
  } catch (const config::SpecError& e) {
    std::fprintf(stderr, "portauth: %s\n", e.what());
    return std::nullopt;
  }
}

std::unique_ptr<db::PortDb> load_port_db(const std::string& db_path) {
  try {
    return std::make_unique<db::PortDb>(db::PortDb::load_file(db::resolve_db_path(db_path)));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "portauth: port database: %s\n", e.what());
    return nullptr;
  }
}

}  // namespace portauth::app
