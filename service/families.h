// The identifiers, one per protocol family, each defined in its own ident_<family>.cpp.
// registry.cpp lists them (a static library drops self-registering objects no one names,
// so the list is explicit: adding a family is one line there).
#pragma once
#include "service/identifier.h"

namespace portauth::service {

const Identifier& ssh_identifier();
const Identifier& ftp_identifier();
const Identifier& smtp_identifier();
const Identifier& pop3_identifier();
const Identifier& imap_identifier();
const Identifier& nntp_identifier();
const Identifier& http_identifier();
const Identifier& tls_identifier();
const Identifier& telnet_identifier();
const Identifier& mysql_identifier();
const Identifier& postgresql_identifier();
const Identifier& redis_identifier();
const Identifier& memcached_identifier();
const Identifier& mongodb_identifier();
const Identifier& mqtt_identifier();
const Identifier& amqp_identifier();
const Identifier& ldap_identifier();
const Identifier& rdp_identifier();
const Identifier& vnc_identifier();
const Identifier& smb_identifier();
const Identifier& dns_identifier();
const Identifier& xmpp_identifier();
const Identifier& irc_identifier();
const Identifier& rsync_identifier();
const Identifier& sip_identifier();

// A family defined by data: most identifiers are this, with their probe and steps as
// function pointers (nullptr: none).
class TableIdentifier : public Identifier {
 public:
  struct Spec {
    std::string_view family;
    bool speaks_first = false;
    std::span<const std::string_view> port_names;
    std::span<const Rule> rules;
    std::string (*probe)(const ProbeContext&) = nullptr;
    std::string (*followup)(const Identified&, const ProbeContext&) = nullptr;
    void (*refine)(Identified&, std::string_view) = nullptr;
    std::string_view goodbye{};
  };
  explicit TableIdentifier(Spec s) : s_(s) {}
  std::string_view family() const override { return s_.family; }
  bool speaks_first() const override { return s_.speaks_first; }
  std::span<const std::string_view> port_names() const override { return s_.port_names; }
  std::string probe(const ProbeContext& c) const override { return s_.probe ? s_.probe(c) : std::string(); }
  std::span<const Rule> rules() const override { return s_.rules; }
  std::string followup(const Identified& id, const ProbeContext& c) const override {
    return s_.followup ? s_.followup(id, c) : std::string();
  }
  void refine(Identified& id, std::string_view reply) const override {
    if (s_.refine) s_.refine(id, reply);
  }
  std::string_view goodbye() const override { return s_.goodbye; }

 private:
  Spec s_;
};

}  // namespace portauth::service
