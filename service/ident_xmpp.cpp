// XMPP (RFC 6120 4.2, 4.3): the client opens a stream (<stream:stream to=... version='1.0'>)
// and the server answers with its own stream header (from=, id=, version=) and its features,
// or a stream error (host-unknown for an address it does not serve), which is XMPP all the
// same. Nothing is negotiated further.
#include <array>

#include "service/families.h"
#include "service/text_scan.h"

namespace portauth::service {
namespace {

using namespace std::literals;

// The value of attribute `name` in the first <stream:stream ...> tag ("" when absent).
std::string attribute(std::string_view b, std::string_view name) {
  const size_t open = b.find("<stream:stream");
  if (open == std::string_view::npos) return {};
  std::string_view tag = b.substr(open, b.find('>', open) - open);
  for (const char q : {'\'', '"'}) {
    const std::string key = " " + std::string(name) + "=" + q;
    const size_t at = tag.find(key);
    if (at == std::string_view::npos) continue;
    const std::string_view rest = tag.substr(at + key.size());
    return text::printable(rest.substr(0, rest.find(q)), 80);
  }
  return {};
}

const std::array<Rule, 1> kRules = {{
    {"jabber.stream", "jabber",
     [](std::string_view b, Identified& o) {
       b = b.substr(0, 4096);
       if (!text::contains(b, "<stream:stream") || !text::contains(b, "http://etherx.jabber.org/streams"))
         return false;
       o.hostname = attribute(b, "from");
       if (const auto v = attribute(b, "version"); !v.empty()) o.extrainfo = "protocol " + v;
       if (text::contains(b, "<host-unknown")) o.add_detail("stream_error", "host-unknown");
       if (text::contains(b, "<starttls")) o.add_detail("starttls", "offered");
       return true;
     },
     {{"<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' "
       "id='5f3c1e' from='example.org' version='1.0' xml:lang='en'><stream:features><starttls "
       "xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls></stream:features>"sv,
       "", "", "protocol 1.0", "Prosody 0.12 (RFC 6120 4.3 example shape)"},
      {"<?xml version='1.0'?><stream:stream xmlns:stream='http://etherx.jabber.org/streams' xmlns='jabber:client' "
       "version='1.0'><stream:error><host-unknown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>"
       "</stream:stream>"sv,
       "", "", "protocol 1.0", "ejabberd asked for a domain it does not serve"}}},
}};

constexpr std::array<std::string_view, 4> kPortNames = {"xmpp-client", "jabber", "xmpp", "xmpp-server"};

std::string probe(const ProbeContext& c) {
  return "<?xml version='1.0'?><stream:stream to='" + c.host +
         "' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>";
}

const TableIdentifier kXmpp({.family = "xmpp", .speaks_first = false, .port_names = kPortNames, .rules = kRules,
                             .probe = probe, .goodbye = "</stream:stream>"});

}  // namespace

const Identifier& xmpp_identifier() { return kXmpp; }

}  // namespace portauth::service
