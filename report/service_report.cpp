#include "report/service_report.h"

#include "db/text_wrap.h"
#include "service/registry.h"

namespace portauth::report {
namespace {

std::string field(const char* label, const std::string& value) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%-8s ", label);
  return buf + value + "\n";
}

std::string names_phrase(const std::vector<std::string>& names) {
  std::vector<std::string> shown;
  for (const auto& n : names)
    if (!n.empty() && shown.size() < 3) shown.push_back(n);
  if (shown.empty()) return "";
  std::string out = shown[0];
  if (shown.size() > 1) {
    out += " (also ";
    for (size_t i = 1; i < shown.size(); ++i) out += (i > 1 ? ", " : "") + shown[i];
    out += ")";
  }
  return out;
}

}  // namespace

std::string protocol_word(const std::string& name) {
  struct Word {
    const char* name;
    const char* word;
  };
  static constexpr Word kWords[] = {
      {"ms-wbt-server", "RDP"}, {"microsoft-ds", "SMB"}, {"domain", "DNS"}, {"jabber", "XMPP"},
      {"postgresql", "PostgreSQL"}, {"mysql", "MySQL"}, {"redis", "Redis"}, {"memcached", "Memcached"},
      {"mongodb", "MongoDB"}, {"ssl", "TLS"}, {"vnc", "VNC (RFB)"}, {"telnet", "Telnet"}, {"rsync", "rsync"},
  };
  for (const auto& w : kWords)
    if (name == w.name) return w.word;
  std::string out = name;
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = char(c - 'a' + 'A');
  return out;
}

std::optional<db::PortPage> service_page(const db::PortDb& db, const service::ServiceInfo& s) {
  if (s.answer != service::Answer::kIdentified || s.name.empty()) return std::nullopt;
  const db::PortEntry* best = nullptr;
  for (const db::PortEntry* e : db.find_by_name(s.name))
    if (!best || (e->name == s.name && best->name != s.name)) best = e;
  if (!best) return std::nullopt;
  return db.page(best->first);
}

std::vector<std::string> port_names(const db::PortDb& db, uint16_t port) {
  std::vector<std::string> names;
  if (const db::PortEntry* e = db.find(port)) {
    names.push_back(e->name);
    names.insert(names.end(), e->aliases.begin(), e->aliases.end());
  }
  return names;
}

bool expected_here(const service::ServiceInfo& s, const std::vector<std::string>& port_names) {
  if (s.name.empty()) return false;
  for (const auto& n : port_names)
    if (n == s.name) return true;
  const auto e = service::expectation_for(port_names);
  if (!e || !e->family) return false;
  for (const auto& rule : e->family->rules())
    if (rule.name == s.name) return true;
  return false;
}

std::string service_fields(const service::ServiceInfo& s) {
  using service::Answer;
  std::string out;
  if (s.answer == Answer::kIdentified) {
    out += field("Service:", service::service_column(s) + "  (identified from its answer)");
    if (const std::string p = service::product_line(s); !p.empty()) out += field("Product:", p);
  } else {
    out += field("Service:", std::string(service::answer_name(s.answer)));
  }
  if (s.tls) {
    const auto& t = *s.tls;
    std::string tls = t.version + (t.cipher.empty() ? "" : ", " + t.cipher);
    out += field("TLS:", tls);
    if (!t.subject.empty()) out += field("", "subject " + t.subject);
    if (!t.issuer.empty()) out += field("", t.self_signed ? "self-signed" : "issuer " + t.issuer);
    if (!t.san.empty()) {
      std::string san;
      for (const auto& n : t.san) san += (san.empty() ? "" : ", ") + n;
      out += field("", "names " + san);
    }
    if (!t.not_after.empty()) out += field("", "valid until " + t.not_after);
  }
  for (const auto& [k, v] : s.details)
    if (k == "starttls" || k == "title" || k == "status") out += field("", k + " " + v);
  if (!s.banner.empty()) out += field("Banner:", service::escape_banner(s.banner, 72));
  return out;
}

std::string what_answers(const service::ServiceInfo& s, uint16_t port, const std::vector<std::string>& port_names) {
  using service::Answer;
  const std::string where = "port " + std::to_string(port) + "/tcp";
  const std::string usual = names_phrase(port_names);
  std::string text;
  switch (s.answer) {
    case Answer::kIdentified: {
      const std::string proto = protocol_word(s.name) + (s.ssl_tunnel ? " inside TLS" : "");
      text = (s.product.empty() ? "A server" : s.product) + " answers " + proto + " on " + where + ".";
      if (usual.empty()) text += " The port database names no service for this port.";
      else if (expected_here(s, port_names)) text += " That is what the port usually carries (" + usual + ").";
      else
        text += " That is not what the port usually carries: it is registered for " + usual +
                ". The page below is the one of the service found.";
      break;
    }
    case Answer::kUnrecognised:
      text = "Something answers on " + where + ", in a language no identification rule knows (its first bytes "
             "are shown above). Nothing is guessed from the port number.";
      break;
    case Answer::kSilent:
      text = "Something accepts connections on " + where + " and never sends a byte, whatever it is sent "
             "(a greeting wait, TLS, HTTP). It could be anything; nothing is guessed from the port number.";
      break;
    case Answer::kTcpwrapped:
      text = "The service on " + where + " closes every connection at once, before saying anything (what nmap "
             "calls tcpwrapped): TCP wrappers or a firewall inside the service, or one that talks only to some "
             "addresses.";
      break;
    case Answer::kRefused:
      text = "The port refused the connection made to identify it: it closed after the SYN scan saw it open.";
      break;
    case Answer::kNoConnection:
      text = "No connection could be made to identify the service (a firewall that passes SYNs but not "
             "connections, or the port closed).";
      break;
    case Answer::kUnfinished:
      text = "The service was not identified: the test ended first.";
      break;
  }
  return db::wrap_paragraph(text, 78, "", "");
}

}  // namespace portauth::report
