#include "service/registry.h"

#include <array>

#include "service/families.h"
#include "service/text_scan.h"

namespace portauth::service {
namespace {

// Greeting protocols first (their rules are the most specific), then the client-first ones;
// the TLS record matcher last.
const std::array<const Identifier*, 25>& all() {
  static const std::array<const Identifier*, 25> kAll = {
      &ssh_identifier(),   &ftp_identifier(),   &smtp_identifier(),       &pop3_identifier(),
      &imap_identifier(),  &nntp_identifier(),  &mysql_identifier(),      &vnc_identifier(),
      &rsync_identifier(), &telnet_identifier(), &irc_identifier(),       &http_identifier(),
      &redis_identifier(), &memcached_identifier(), &postgresql_identifier(), &mongodb_identifier(),
      &mqtt_identifier(),  &amqp_identifier(),  &ldap_identifier(),       &rdp_identifier(),
      &smb_identifier(),   &dns_identifier(),   &xmpp_identifier(),       &sip_identifier(),
      &tls_identifier(),
  };
  return kAll;
}

// Port names that mean "this family, inside TLS" and that no suffix rule below derives.
struct TlsName {
  std::string_view name, family;
};
constexpr TlsName kTlsNames[] = {
    {"https", "http"},         {"https-alt", "http"},     {"http-tls", "http"},    {"www-ssl", "http"},
    {"submissions", "smtp"},   {"smtps", "smtp"},         {"ssmtp", "smtp"},       {"urd", "smtp"},
    {"spop3", "pop3"},         {"sldap", "ldap"},         {"ldap-ssl", "ldap"},    {"domain-s", "dns"},
    {"dot", "dns"},            {"dns-over-tls", "dns"},   {"docker-tls", "http"},  {"kube-apiserver", "http"},
    {"kubernetes-api", "http"}, {"k8s-api", "http"},      {"sun-sr-https", "http"}, {"secure-mqtt", "mqtt"},
    {"pcsync-https", "http"},  {"tomcat-ssl", "http"},    {"xmpps-client", "xmpp"}, {"ircs-u", "irc"},
};

const Identifier* by_port_name(std::string_view name) {
  for (const Identifier* id : all())
    for (const std::string_view n : id->port_names())
      if (n == name) return id;
  return nullptr;
}

std::optional<Expectation> expectation_of(std::string_view name) {
  if (const Identifier* id = by_port_name(name)) return Expectation{id, false};
  for (const auto& t : kTlsNames)
    if (t.name == name) return Expectation{find_identifier(t.family), true};
  // imaps, pop3s, ldaps, nntps, ircs, amqps, mqtts, docker-s, imap-ssl, pop3-ssl, sip-tls.
  for (const std::string_view suffix : {"-ssl", "-tls", "-s", "s"}) {
    if (name.size() <= suffix.size() || name.substr(name.size() - suffix.size()) != suffix) continue;
    if (const Identifier* id = by_port_name(name.substr(0, name.size() - suffix.size())))
      return Expectation{id, true};
  }
  return std::nullopt;
}

}  // namespace

std::span<const Identifier* const> identifiers() { return all(); }

const Identifier* find_identifier(std::string_view family) {
  for (const Identifier* id : all())
    if (id->family() == family) return id;
  return nullptr;
}

std::optional<Expectation> expectation_for(std::span<const std::string> port_names) {
  for (const std::string& name : port_names)
    if (auto e = expectation_of(name)) return e;
  return std::nullopt;
}

std::optional<Matched> match_any(std::string_view bytes, const Identifier* first) {
  if (first)
    if (auto id = first->match(bytes)) return Matched{std::move(*id), first};
  std::optional<Matched> best;
  for (const Identifier* idf : all()) {
    if (idf == first) continue;
    auto id = idf->match(bytes);
    if (id && (!best || id->conf > best->id.conf)) best = Matched{std::move(*id), idf};
  }
  return best;
}

}  // namespace portauth::service
