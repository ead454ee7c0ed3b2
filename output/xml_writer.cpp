#include "output/xml_writer.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "config/address.h"
#include "output/nmap_view.h"
#include "config/port_spec.h"
#include "output/service_text.h"
#include "output/xml_escape.h"

namespace portauth::output {
namespace {

void put(std::FILE* out, const std::string& s) { std::fwrite(s.data(), 1, s.size(), out); }

std::string attr(const char* name, const std::string& value) {
  return std::string(" ") + name + "=\"" + xml_escape(value) + "\"";
}

// nmap's <service>: name, then product, version, extrainfo, ostype, hostname and tunnel where
// -sV found them, method and conf. Without -sV (or on a port it did not name) the database's
// name with method="table" conf="3", as nmap writes a name from nmap-services.
std::string service_element(const PortRecord& p, const service::ServiceInfo* s) {
  static const Annotation kNone;
  const Annotation& a = p.annotation ? *p.annotation : kNone;
  std::string out = "<service" + attr("name", output::service_name(a, s));
  if (s && s->probed) {
    auto opt = [&](const char* name, const std::string& v) {
      if (!v.empty()) out += attr(name, v);
    };
    opt("product", s->product);
    opt("version", s->version);
    opt("extrainfo", s->extrainfo);
    opt("ostype", s->ostype);
    opt("hostname", s->hostname);
    if (s->ssl_tunnel) out += " tunnel=\"ssl\"";
    out += " method=\"probed\"" + attr("conf", std::to_string(s->conf)) + "/>";
    return out;
  }
  return out + " method=\"table\" conf=\"3\"/>";
}

// A host's verdict as nmap writes a host script's result (nmap.dtd: hostscript > script >
// elem | table): the line as `output`, the verdict and each fact as an elem, a port list as a
// table. The SYN-ACKs stay "open" above it, as nmap would report them.
std::string hostscript(const verdict::HostVerdict& v) {
  std::string s = "<hostscript><script id=\"portauth-host-verdict\"" +
                  attr("output", std::string(verdict::verdict_name(v.kind)) + ": " + verdict::verdict_line(v)) + ">";
  s += "<elem key=\"verdict\">" + xml_escape(verdict::verdict_name(v.kind)) + "</elem>";
  for (const auto& e : v.evidence) {
    if (const auto* ports = std::get_if<std::vector<uint16_t>>(&e.value)) {
      s += "<table" + attr("key", e.key) + ">";
      for (uint16_t p : *ports) s += "<elem>" + std::to_string(p) + "</elem>";
      s += "</table>";
    } else {
      s += "<elem" + attr("key", e.key) + ">" + xml_escape(verdict::evidence_text(e.value)) + "</elem>";
    }
  }
  if (v.collapses_open_ports()) {
    s += "<elem key=\"services_checked\">" + std::string(v.services_checked ? "true" : "false") + "</elem>";
    s += "<table key=\"service_ports\">";
    for (uint16_t p : v.service_ports) s += "<elem>" + std::to_string(p) + "</elem>";
    s += "</table>";
  }
  return s + "</script></hostscript>\n";
}

}  // namespace

void XmlWriter::begin(const ScanInfo& info) {
  info_ = info;
  begun_ = true;
  const std::string version(portauth_version());
  const std::string when = nmap_time_string(info.start_unix);
  put(out_, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE nmaprun>\n");
  put(out_, "<!-- portauth " + version + " scan initiated " + when + " as: " +
                xml_comment_escape(info.command_line) + " -->\n");
  put(out_, "<nmaprun" + attr("scanner", "nmap") + attr("args", info.command_line) +
                attr("start", std::to_string(info.start_unix)) + attr("startstr", when) + attr("version", version) +
                attr("xmloutputversion", "1.05") + ">\n");
  // nmap writes one scaninfo per scan type, SYN before UDP (output.cc).
  if (!info.ports.empty() || info.udp_ports.empty())
    put(out_, "<scaninfo type=\"syn\" protocol=\"tcp\"" + attr("numservices", std::to_string(info.ports.size())) +
                  attr("services", config::format_ports(info.ports)) + "/>\n");
  if (!info.udp_ports.empty())
    put(out_, "<scaninfo type=\"udp\" protocol=\"udp\"" + attr("numservices", std::to_string(info.udp_ports.size())) +
                  attr("services", config::format_ports(info.udp_ports)) + "/>\n");
  put(out_, "<verbose level=\"0\"/>\n<debugging level=\"0\"/>\n");
  std::fflush(out_);
}

void XmlWriter::finish(const ScanSummary& s) {
  if (!begun_) begin(info_);
  const int64_t end = info_.start_unix + int64_t(std::llround(s.seconds));
  const auto hosts = table_.take_sorted();
  const uint64_t total = std::max<uint64_t>(info_.address_count, hosts.size());
  for (const auto& host : hosts) {
    put(out_, "<host" + attr("starttime", std::to_string(info_.start_unix)) + attr("endtime", std::to_string(end)) +
                  "><status state=\"up\" reason=\"user-set\" reason_ttl=\"0\"/>\n");
    put(out_, "<address" + attr("addr", config::format_address(host.addr)) + " addrtype=\"" +
                  (host.addr.is_v4() ? "ipv4" : "ipv6") + "\"/>\n");
    put(out_, "<hostnames>\n</hostnames>\n<ports>");
    const NmapHostView view = nmap_host_view(host.ports);
    for (const auto& ig : view.ignored) {
      put(out_, "<extraports" + attr("state", std::string(nmap_state_name(ig.state))) +
                    attr("count", std::to_string(ig.count)) + ">\n");
      for (const auto& g : ig.reasons)
        put(out_, "<extrareasons" + attr("reason", std::string(nmap_reason_name(g.reason))) +
                      attr("count", std::to_string(g.ports.size())) + attr("proto", std::string(config::proto_name(g.proto))) +
                      attr("ports", config::format_ports(g.ports)) + "/>\n");
      put(out_, "</extraports>\n");
    }
    for (const PortRecord* p : view.listed) {
      put(out_, "<port" + attr("protocol", std::string(config::proto_name(p->proto))) +
                    attr("portid", std::to_string(p->port)) + "><state" +
                    attr("state", std::string(nmap_state_name(nmap_state(p->reason, p->proto)))) +
                    attr("reason", std::string(nmap_reason_name(p->reason))) +
                    attr("reason_ttl", std::to_string(p->ttl)) + "/>" + service_element(*p, p->proto == config::Proto::kTcp ? host.service(p->port) : nullptr) +
                    "</port>\n");
    }
    put(out_, "</ports>\n");
    if (const verdict::HostVerdict* v = verdict::find_verdict(s.host_verdicts, host.addr)) put(out_, hostscript(*v));
    put(out_, "</host>\n");
  }
  const std::string when = nmap_time_string(end);
  char elapsed[32];
  std::snprintf(elapsed, sizeof elapsed, "%.2f", s.seconds);
  const std::string summary = "portauth done at " + when + "; " +
                              nmap_hosts_phrase(total, hosts.size()) + " scanned in " + elapsed +
                              " seconds";
  std::string finished = "<runstats><finished" + attr("time", std::to_string(end)) + attr("timestr", when) +
                         attr("summary", summary) + attr("elapsed", elapsed);
  if (s.interrupted)
    finished += " exit=\"error\"" +
                attr("errormsg", "interrupted: " + std::to_string(s.not_sent) + " probes were never sent");
  else
    finished += " exit=\"success\"";
  put(out_, finished + "/><hosts" + attr("up", std::to_string(hosts.size())) + " down=\"0\"" +
                attr("total", std::to_string(total)) +
                "/>\n</runstats>\n</nmaprun>\n");
  std::fflush(out_);
}

}  // namespace portauth::output
