// MQTT 3.1.1 (OASIS standard, 3.1 CONNECT, 3.2 CONNACK, 3.8 SUBSCRIBE, 3.3 PUBLISH): we send
// CONNECT with a clean session and no credentials; the broker answers CONNACK (0x20 0x02, flags,
// a return code: 0 accepted, 4/5 credentials needed). When it accepts, we subscribe to the
// broker's own read-only version topic "$SYS/broker/version" (Mosquitto publishes it there,
// retained) and read it, then DISCONNECT. A clean session leaves nothing behind.
#include <array>
#include <cstdio>

#include "service/families.h"
#include "service/text_scan.h"

namespace portauth::service {
namespace {

using namespace std::literals;

constexpr std::string_view kVersionTopic = "$SYS/broker/version";

std::string_view return_code_meaning(uint8_t rc) {
  switch (rc) {
    case 0: return "";
    case 1: return "protocol 3.1.1 refused";
    case 2: return "client id refused";
    case 3: return "server unavailable";
    case 4: return "bad user name or password";
    case 5: return "not authorized";
  }
  return "";
}

const std::array<Rule, 1> kRules = {{
    {"mqtt.connack", "mqtt",
     [](std::string_view b, Identified& o) {
       if (b.size() < 4 || uint8_t(b[0]) != 0x20 || b[1] != 2 || uint8_t(b[2]) > 1 || uint8_t(b[3]) > 5) return false;
       const uint8_t rc = uint8_t(b[3]);
       o.extrainfo = std::string(return_code_meaning(rc));
       o.add_detail("connect", rc == 0 ? "accepted without credentials" : "refused");
       return true;
     },
     {{"\x20\x02\x00\x00"sv, "", "", "", "Debian 12 mosquitto 2.0.11 accepting anonymous clients (the daemon lab)"},
      {"\x20\x02\x00\x05"sv, "", "", "not authorized", "mosquitto with allow_anonymous false"}}},
}};

constexpr std::array<std::string_view, 2> kPortNames = {"mqtt", "mosquitto"};

std::string length_prefixed(std::string_view s) {
  return std::string{char(s.size() >> 8), char(s.size() & 0xff)} + std::string(s);
}

std::string probe(const ProbeContext& c) {
  char id[24];
  std::snprintf(id, sizeof id, "portauth-%08x", c.nonce);
  // Variable header: protocol name, level 4 (3.1.1), flags 0x02 (clean session), keep-alive 30 s.
  const std::string body = length_prefixed("MQTT") + "\x04\x02\x00\x1e"s + length_prefixed(id);
  return "\x10"s + char(body.size()) + body;  // body < 128 bytes: a one-byte remaining length
}

std::string followup(const Identified& id, const ProbeContext&) {
  if (id.extrainfo != "") return {};  // refused: nothing more to ask
  const std::string body = "\x00\x01"s + length_prefixed(kVersionTopic) + "\x00"s;  // packet id 1, QoS 0
  return "\x82"s + char(body.size()) + body;
}

// Looks for the PUBLISH of the version topic among the packets after SUBSCRIBE.
void refine(Identified& id, std::string_view reply) {
  for (size_t packets = 0; reply.size() >= 2 && packets < 16; ++packets) {
    const uint8_t type = uint8_t(reply[0]);
    size_t len = 0, at = 1;
    for (int shift = 0; at < reply.size() && shift <= 21; shift += 7) {  // remaining length, 1-4 bytes
      const uint8_t byte = uint8_t(reply[at++]);
      len |= size_t(byte & 0x7f) << shift;
      if (!(byte & 0x80)) break;
    }
    if (at + len > reply.size()) return;
    const std::string_view packet = reply.substr(at, len);
    reply.remove_prefix(at + len);
    if ((type >> 4) != 3 || packet.size() < 2) continue;
    const size_t topic_len = text::be16(packet, 0);
    if (2 + topic_len > packet.size() || packet.substr(2, topic_len) != kVersionTopic) continue;
    // QoS 0: no packet id; the rest is the payload, "mosquitto version 2.0.11".
    const size_t at_payload = 2 + topic_len + (((type >> 1) & 3) ? 2 : 0);
    if (at_payload > packet.size()) return;
    const std::string_view payload = packet.substr(at_payload);
    id.add_detail("broker_version", text::printable(payload, 60));
    if (text::istarts_with(payload, "mosquitto version ")) {
      id.product = "Mosquitto";
      id.version = std::string(text::version_token(payload.substr(18)));
    }
    return;
  }
}

const TableIdentifier kMqtt({.family = "mqtt", .speaks_first = false, .port_names = kPortNames, .rules = kRules,
                             .probe = probe, .followup = followup, .refine = refine, .goodbye = "\xe0\x00"sv});

}  // namespace

const Identifier& mqtt_identifier() { return kMqtt; }

}  // namespace portauth::service
