#include "probe/udp_reply_facts.h"

#include <cstdio>
#include <string_view>

#include "probe/udp_payloads.h"

namespace portauth::probe {
namespace {

using Bytes = std::span<const uint8_t>;

uint16_t be16(Bytes b, size_t at) { return b.size() >= at + 2 ? uint16_t(b[at] << 8 | b[at + 1]) : 0; }
uint32_t be32(Bytes b, size_t at) { return b.size() >= at + 4 ? uint32_t(be16(b, at)) << 16 | be16(b, at + 2) : 0; }

// Printable text of at most `max` characters: control bytes become spaces, runs of blanks one.
std::string printable(Bytes b, size_t max = 120) {
  std::string out;
  for (uint8_t c : b) {
    const char ch = (c >= 0x20 && c < 0x7f) ? char(c) : ' ';
    if (ch == ' ' && (out.empty() || out.back() == ' ')) continue;
    out += ch;
    if (out.size() >= max) break;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// The value of an HTTP-style header line ("SERVER: ...") in a text reply, or "".
std::string header(Bytes b, std::string_view name) {
  const std::string_view t(reinterpret_cast<const char*>(b.data()), b.size());
  for (size_t at = 0; at < t.size();) {
    const size_t end = std::min(t.find('\n', at), t.size());
    std::string_view line = t.substr(at, end - at);
    if (line.size() > name.size() && line[name.size()] == ':') {
      bool same = true;
      for (size_t i = 0; i < name.size() && same; ++i) same = (line[i] | 0x20) == (name[i] | 0x20);
      if (same) {
        line.remove_prefix(name.size() + 1);
        return printable({reinterpret_cast<const uint8_t*>(line.data()), line.size()}, 100);
      }
    }
    at = end + 1;
  }
  return "";
}

std::string first_line(Bytes b) {
  size_t n = 0;
  while (n < b.size() && b[n] != '\r' && b[n] != '\n') ++n;
  return printable(b.first(n), 100);
}

const char* dns_rcode(unsigned rcode) {
  static const char* const kNames[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"};
  return rcode < 6 ? kNames[rcode] : "an error";
}

void dns(ReplyFacts& f, Bytes b, bool mdns) {
  if (b.size() < 12) {
    f.summary = f.protocol + " answered with a truncated header";
    return;
  }
  const unsigned rcode = b[3] & 0x0f;
  const bool ra = b[3] & 0x80, aa = b[2] & 0x04, tc = b[2] & 0x02;
  const unsigned answers = be16(b, 6);
  f.summary = f.protocol + " answered: " + dns_rcode(rcode);
  if (mdns) {
    f.summary += ", " + std::to_string(answers) + " answer" + (answers == 1 ? "" : "s") + " about the services it offers";
    f.risk = "mDNS answers unicast queries from outside its link: it tells anyone its name and services";
    return;
  }
  f.summary += ra ? ", recursion available" : ", no recursion";
  if (aa) f.summary += ", authoritative";
  if (tc) f.summary += ", truncated";
  f.summary += ", " + std::to_string(answers) + " answer" + (answers == 1 ? "" : "s");
  if (ra && rcode == 0 && answers > 0) {
    f.summary += " (an open resolver)";
    f.risk = "an open resolver: it looks up names for anyone, which makes it a tool for amplification attacks "
             "and cache poisoning";
  }
}

void ntp(ReplyFacts& f, Bytes b) {
  if (b.size() < 48) {
    f.summary = "NTP answered with a short packet (" + std::to_string(b.size()) + " bytes)";
    return;
  }
  static const char* const kModes[] = {"reserved", "symmetric active", "symmetric passive", "client",
                                       "server",   "broadcast",        "control",           "private"};
  const unsigned stratum = b[1];
  f.summary = std::string("NTP answered: ") + kModes[b[0] & 7] + " mode, stratum " + std::to_string(stratum) +
              ", version " + std::to_string((b[0] >> 3) & 7);
  char ref[40];
  if (stratum == 1) {
    f.summary += ", reference " + printable(b.subspan(12, 4), 4);
  } else if (stratum >= 2 && stratum < 16) {
    std::snprintf(ref, sizeof ref, ", reference %u.%u.%u.%u", b[12], b[13], b[14], b[15]);
    f.summary += ref;
  } else if (stratum == 0) {
    f.summary += " (unsynchronised; kiss code " + printable(b.subspan(12, 4), 4) + ")";
  }
}

// The first varbind's value of an SNMP response, as text ("" if it is not an OCTET STRING).
std::string snmp_first_value(Bytes b) {
  // SEQUENCE { INTEGER, OCTET STRING, PDU { INTEGER, INTEGER, INTEGER, SEQUENCE { SEQUENCE { OID, value }}}}
  auto enter = [&](Bytes& p) {  // any tag, short or long length: p becomes its contents
    if (p.size() < 2) return false;
    size_t len = p[1], hdr = 2;
    if (len & 0x80) {
      const size_t n = len & 0x7f;
      if (n == 0 || n > 2 || p.size() < 2 + n) return false;
      len = n == 1 ? p[2] : size_t(p[2]) << 8 | p[3];
      hdr += n;
    }
    if (p.size() < hdr + len) return false;
    p = p.subspan(hdr, len);
    return true;
  };
  auto skip = [&](Bytes& p) {
    Bytes inner = p;
    if (!enter(inner)) return false;
    p = p.subspan(size_t(inner.data() + inner.size() - p.data()));
    return true;
  };
  Bytes m = b;
  if (!enter(m) || !skip(m) || !skip(m) || !enter(m) || !skip(m) || !skip(m) || !skip(m) || !enter(m) || !enter(m) ||
      !skip(m) || m.size() < 2 || m[0] != 0x04)
    return "";
  Bytes value = m;
  if (!enter(value)) return "";
  return printable(value, 160);
}

void snmp(ReplyFacts& f, Bytes b) {
  const std::string descr = snmp_first_value(b);
  f.summary = "SNMP answered with community public";
  f.summary += descr.empty() ? "" : ": sysDescr '" + descr + "'";
  f.risk = "anyone can read this device's management data with the default community 'public' (and try "
           "'private' to change it)";
}

void memcached(ReplyFacts& f, Bytes b) {
  const Bytes body = b.size() > 8 ? b.subspan(8) : Bytes();
  const std::string_view t(reinterpret_cast<const char*>(body.data()), body.size());
  std::string version;
  if (const size_t at = t.find("STAT version "); at != std::string_view::npos) {
    const size_t end = t.find('\r', at);
    version = std::string(t.substr(at + 13, (end == std::string_view::npos ? t.size() : end) - at - 13));
  }
  f.summary = "memcached answered over UDP";
  if (!version.empty()) f.summary += ": version " + printable({reinterpret_cast<const uint8_t*>(version.data()), version.size()}, 40);
  // The frame header says how many datagrams the answer takes: the amplification counts the first.
  if (const unsigned total = be16(b, 4); total > 1)
    f.summary += " (" + std::to_string(total) + " datagrams; the amplification counts the first)";
  f.risk = "memcached over UDP answers a spoofed request with everything it stores (the 2018 1.3 Tbps attacks); "
           "start it with -U 0";
}

void ike(ReplyFacts& f, Bytes b, size_t skip) {
  if (b.size() < skip + 28) {
    f.summary = "IKE answered with a short message";
    return;
  }
  const Bytes h = b.subspan(skip);
  const unsigned major = h[17] >> 4, exchange = h[18];
  f.summary = "IKE answered: IKEv" + std::to_string(major);
  if (major == 2) {
    f.summary += exchange == 34 ? " IKE_SA_INIT response" : exchange == 37 ? " INFORMATIONAL" : " exchange " + std::to_string(exchange);
    // A first payload that is a Notify (41): its type says why (INVALID_KE_PAYLOAD 17, NO_PROPOSAL_CHOSEN 14).
    if (h[16] == 41 && h.size() >= 28 + 8) {
      const unsigned type = be16(h, 28 + 6);
      f.summary += type == 14 ? " (NO_PROPOSAL_CHOSEN)" : type == 17 ? " (INVALID_KE_PAYLOAD)" : " (notify " + std::to_string(type) + ")";
    }
  }
}

void netbios(ReplyFacts& f, Bytes b) {
  // Header (12), the question name echoed as the answer's name (34), type, class, TTL, rdlength (10), count.
  const size_t at = 12 + 34 + 10;
  if (b.size() < at + 1 || b[at] == 0) {
    f.summary = "NetBIOS answered";
    return;
  }
  std::string names;
  const size_t count = b[at];
  for (size_t i = 0; i < count && at + 1 + 18 * (i + 1) <= b.size() && i < 4; ++i) {
    const std::string name = printable(b.subspan(at + 1 + 18 * i, 15), 15);
    if (!names.empty()) names += ", ";
    names += name;
  }
  f.summary = "NetBIOS answered: names " + names;
  f.risk = "NetBIOS tells anyone the machine's name, workgroup and logged-on names";
}

void sip(ReplyFacts& f, Bytes b) {
  f.summary = "SIP answered: " + first_line(b);
  std::string agent = header(b, "Server");
  if (agent.empty()) agent = header(b, "User-Agent");
  if (!agent.empty()) f.summary += " (" + agent + ")";
}

void ssdp(ReplyFacts& f, Bytes b) {
  f.summary = "SSDP answered: " + first_line(b);
  if (const std::string server = header(b, "SERVER"); !server.empty()) f.summary += ", SERVER " + server;
  if (const std::string st = header(b, "ST"); !st.empty()) f.summary += ", ST " + st;
  f.risk = "UPnP discovery answering from outside the local network: it describes the device to anyone, and "
           "SSDP replies are used for amplification";
}

void tftp(ReplyFacts& f, Bytes b) {
  const unsigned op = be16(b, 0);
  if (op == 5) f.summary = "TFTP answered: error " + std::to_string(be16(b, 2)) + " '" + printable(b.subspan(std::min<size_t>(4, b.size())), 60) + "'";
  else if (op == 3) f.summary = "TFTP answered with data: it serves files without a password";
  else f.summary = "TFTP answered";
  f.risk = "TFTP has no authentication: anyone who can reach it can read (and perhaps write) its files";
}

void openvpn(ReplyFacts& f) {
  f.summary = "OpenVPN answered: a server hard reset";
  f.risk = "the server starts a TLS handshake for anyone (no tls-auth or tls-crypt key guards it)";
}

void nat_pmp(ReplyFacts& f, Bytes b) {
  char text[80];
  if (b.size() >= 12 && b[1] == 128 && be16(b, 2) == 0) {
    std::snprintf(text, sizeof text, "NAT-PMP answered: external address %u.%u.%u.%u", b[8], b[9], b[10], b[11]);
    f.summary = text;
  } else {
    f.summary = "NAT-PMP answered";
  }
  f.risk = "a NAT gateway that takes port-mapping requests from this side can be told to open ports";
}

void rpc(ReplyFacts& f, Bytes b) {
  const bool accepted = be32(b, 4) == 1 && be32(b, 8) == 0 && be32(b, 20) == 0;
  f.summary = f.protocol + (accepted ? " answered: the call was accepted" : " answered");
}

void quic(ReplyFacts& f, Bytes b) {
  std::string versions;
  for (size_t at = 23; at + 4 <= b.size() && at < 23 + 4 * 6; at += 4) {
    char v[16];
    std::snprintf(v, sizeof v, "0x%08x", be32(b, at));
    versions += (versions.empty() ? "" : ", ") + std::string(v);
  }
  f.summary = "QUIC answered with version negotiation" + (versions.empty() ? "" : ": " + versions);
}

void text_reply(ReplyFacts& f, Bytes b) { f.summary = f.protocol + " answered: '" + printable(b, 80) + "'"; }

}  // namespace

ReplyFacts explain_udp_reply(uint16_t port, Bytes kept, size_t payload_len) {
  ReplyFacts f;
  f.reply_bytes = uint32_t(payload_len);
  const UdpPayload* p = udp_payload_for(port);
  f.probe_bytes = p ? uint32_t(p->bytes.size()) : 0;
  if (!p) {
    f.summary = "answered " + std::to_string(payload_len) + " bytes to an empty datagram";
    if (const std::string t = printable(kept, 60); !t.empty()) f.summary += ": '" + t + "'";
  } else {
    f.protocol = std::string(p->protocol);
    const std::string_view n = p->name;
    if (n == "dns" || n == "mdns") dns(f, kept, n == "mdns");
    else if (n == "ntp") ntp(f, kept);
    else if (n == "snmp") snmp(f, kept);
    else if (n == "memcached") memcached(f, kept);
    else if (n == "ike") ike(f, kept, 0);
    else if (n == "ipsec-nat-t") ike(f, kept, 4);
    else if (n == "netbios-ns") netbios(f, kept);
    else if (n == "sip") sip(f, kept);
    else if (n == "ssdp") ssdp(f, kept);
    else if (n == "tftp") tftp(f, kept);
    else if (n == "openvpn") openvpn(f);
    else if (n == "nat-pmp") nat_pmp(f, kept);
    else if (n == "rpcbind" || n == "nfs") rpc(f, kept);
    else if (n == "quic") quic(f, kept);
    else if (n == "daytime" || n == "qotd" || n == "chargen" || n == "ms-sql-m") text_reply(f, kept);
    else f.summary = f.protocol + " answered (" + std::to_string(payload_len) + " bytes)";
  }
  if (f.probe_bytes > 0) {
    f.amplification = double(f.reply_bytes) / double(f.probe_bytes);
    if (f.amplification >= kAmplifying) {
      char line[200];
      std::snprintf(line, sizeof line,
                    "amplification %.1fx: a %u-byte request drew a %u-byte reply, so a spoofed request makes this "
                    "host send a victim %.0f times the traffic",
                    f.amplification, f.probe_bytes, f.reply_bytes, f.amplification);
      f.risk = f.risk.empty() ? std::string(line) : std::string(line) + "; " + f.risk;
    }
  }
  return f;
}

}  // namespace portauth::probe
