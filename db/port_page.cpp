#include "db/port_page.h"

#include "db/iana_range.h"
#include "db/system_services.h"

namespace portauth::db {
namespace {

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

std::string ports_label(const IanaService& service) {
  if (service.first == service.last) return "port " + std::to_string(service.first);
  return "ports " + std::to_string(service.first) + "-" + std::to_string(service.last);
}

std::string named(const IanaService& service) {
  std::string text = quoted(service.name);
  if (!service.description.empty()) text += " (" + service.description + ")";
  return text;
}

// What an unassigned number means, by range: the dynamic range is a different story from
// a registered-range number nobody has asked for.
std::string unassigned_meaning(uint16_t port) {
  constexpr std::string_view kIdentify =
      " To know what it is, find the process that owns the socket (ss -ltnp on Linux, "
      "netstat -abno on Windows, lsof -iTCP -sTCP:LISTEN on macOS).";
  if (port >= 49152) {
    return "Ports 49152-65535 are the dynamic (private or ephemeral) range, which IANA never "
           "assigns to anyone (RFC 6335). Operating systems take temporary source ports for "
           "outgoing connections from it, and programs that ask for any free port are given "
           "one here, so a listener in this range picked its number at run time: Windows "
           "dynamic RPC endpoints, media and game clients, peer-to-peer software, or malware "
           "that does not want a well-known port." +
           std::string(kIdentify);
  }
  return "Nobody has registered this number, so any program may use it and a listener here "
         "could be anything." +
         std::string(kIdentify);
}

std::string upper(Proto proto) { return proto == Proto::kUdp ? "UDP" : "TCP"; }

// `asked` is the protocol the page is for; a registration only for the other one is still
// worth telling, with what it means for a scan of `asked`.
void fill_iana(PortPage& page, Proto asked, const IanaRegistry& registry, const IanaTier& tier) {
  const Proto other = asked == Proto::kTcp ? Proto::kUdp : Proto::kTcp;
  const IanaService* mine = registry.find(page.port, asked);
  const IanaService* theirs = registry.find(page.port, other);
  const IanaService& shown = mine ? *mine : *theirs;
  page.source = PageSource::kIana;
  page.source_detail = tier.describe();
  page.entry.name = shown.name;
  page.entry.purpose = shown.description;
  page.entry.proto = mine ? asked : other;
  std::string text;
  if (mine) {
    text = "IANA registers " + upper(asked) + " " + ports_label(*mine) + " to " + named(*mine) + ".";
    if (theirs && theirs->name != mine->name)
      text += " On " + upper(other) + " the same number is " + named(*theirs) + ".";
  } else {
    text = "IANA registers " + upper(other) + " " + ports_label(*theirs) + " to " + named(*theirs) +
           "; nothing is registered for " + upper(asked) + " on this number, so a " + upper(asked) +
           " listener here is whatever program chose it";
    text += other == Proto::kUdp ? ", and a TCP SYN scan cannot see the UDP service." : ".";
  }
  page.entry.description =
      text +
      " portauth has no page of its own for this port. A registration records who asked for "
      "the number, not what is found listening on it: any program may use any port.";
}

}  // namespace

std::string_view page_source_name(PageSource source) {
  switch (source) {
    case PageSource::kPortauth:
      return "portauth";
    case PageSource::kIana:
      return "iana";
    case PageSource::kSystem:
      return "system";
    case PageSource::kUnassigned:
      break;
  }
  return "unassigned";
}

PortPage make_listed_page(uint16_t port, const PortEntry& entry) {
  PortPage page;
  page.port = port;
  page.listed = true;
  page.entry = entry;
  page.iana_range = std::string(iana_range(port));
  page.source = PageSource::kPortauth;
  page.source_detail = "portauth's port database";
  return page;
}

PortPage make_fallback_page(uint16_t port, Proto proto, const IanaTier& iana,
                            std::string_view system_name) {
  PortPage page;
  page.port = port;
  page.entry.first = port;
  page.entry.last = port;
  page.entry.proto = proto;
  page.iana_range = std::string(iana_range(port));
  if (iana.registry &&
      (iana.registry->find(port, Proto::kTcp) || iana.registry->find(port, Proto::kUdp))) {
    fill_iana(page, proto, *iana.registry, iana);
    return page;
  }
  // Without the registry, "unassigned" would be a guess: say what is missing instead.
  const std::string unknown =
      iana.registry ? "" : "The IANA registry is " + iana.problem + ", so portauth cannot say "
                           "whether IANA registers this port. ";
  if (!system_name.empty()) {
    page.source = PageSource::kSystem;
    page.source_detail = "the system services database (/etc/services)";
    page.entry.name = std::string(system_name);
    page.entry.description = unknown + "Not in portauth's port database" +
                             (iana.registry ? " or the IANA registry" : "") +
                             "; the system services database (/etc/services) names it " +
                             quoted(system_name) + ".";
    return page;
  }
  page.source = PageSource::kUnassigned;
  page.entry.name = iana.registry ? "unassigned" : "unknown";
  if (iana.registry) {
    page.source_detail = "nothing: not in portauth's port database, " + iana.describe() +
                         " or /etc/services";
    page.entry.description = "No service is registered for " + upper(proto) + " port " + std::to_string(port) +
                             ". " + unassigned_meaning(port);
  } else {
    page.source_detail = "nothing: not in portauth's port database or /etc/services (IANA "
                         "registry " + iana.problem + ")";
    page.entry.description = unknown + unassigned_meaning(port);
  }
  return page;
}

PortPage make_fallback_page(uint16_t port, Proto proto) {
  return make_fallback_page(port, proto, system_iana_tier(),
                            system_service_name(port, proto_name(proto)));
}

}  // namespace portauth::db
