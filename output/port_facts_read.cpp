#include "output/port_facts_read.h"

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <string_view>

namespace portauth::output {
namespace {

using Json = nlohmann::ordered_json;

// What is wrong, thrown inside this file only and returned by the public functions.
struct Bad {
  std::string what;
};

[[noreturn]] void bad(const std::string& where, const std::string& what) { throw Bad{where + " " + what}; }

const Json& member(const Json& obj, const char* key, const std::string& where) {
  const auto it = obj.find(key);
  if (it == obj.end()) bad(where, std::string("has no \"") + key + "\"");
  return *it;
}

std::string text(const Json& v, const std::string& where) {
  if (!v.is_string()) bad(where, "must be a string");
  const auto& s = v.get_ref<const std::string&>();
  if (s.size() > kMaxFactText) bad(where, "is longer than " + std::to_string(kMaxFactText) + " bytes");
  return s;
}

// A string or null (null: ""), as the writer's or_null() writes it.
std::string text_or_null(const Json& obj, const char* key, const std::string& where) {
  const Json& v = member(obj, key, where);
  return v.is_null() ? std::string() : text(v, where + "." + key);
}

uint64_t whole(const Json& v, uint64_t max, const std::string& where) {
  if (!v.is_number_unsigned() || v.get<uint64_t>() > max)
    bad(where, "must be a whole number from 0 to " + std::to_string(max));
  return v.get<uint64_t>();
}

// An object with exactly `keys` (any order).
void exact_keys(const Json& obj, std::initializer_list<const char*> keys, const std::string& where) {
  if (!obj.is_object()) bad(where, "must be an object");
  for (const char* k : keys) member(obj, k, where);
  if (obj.size() != keys.size())
    for (const auto& [k, v] : obj.items()) {
      bool known = false;
      for (const char* want : keys) known = known || k == want;
      if (!known) bad(where, "has a key the JSONL writer does not write: \"" + k.substr(0, 64) + "\"");
    }
}

service::TlsFacts tls_facts(const Json& j, const std::string& where) {
  exact_keys(j, {"version", "cipher", "subject", "issuer", "san", "not_before", "not_after", "self_signed"}, where);
  service::TlsFacts t;
  t.version = text_or_null(j, "version", where);
  t.cipher = text_or_null(j, "cipher", where);
  t.subject = text_or_null(j, "subject", where);
  t.issuer = text_or_null(j, "issuer", where);
  const Json& san = j["san"];
  if (!san.is_array() || san.size() > kMaxFactItems)
    bad(where + ".san", "must be a list of at most " + std::to_string(kMaxFactItems) + " strings");
  for (size_t i = 0; i < san.size(); ++i) t.san.push_back(text(san[i], where + ".san[" + std::to_string(i) + "]"));
  t.not_before = text_or_null(j, "not_before", where);
  t.not_after = text_or_null(j, "not_after", where);
  if (!j["self_signed"].is_boolean()) bad(where + ".self_signed", "must be true or false");
  t.self_signed = j["self_signed"].get<bool>();
  return t;
}

service::Answer answer_from(const Json& v, const std::string& where) {
  using service::Answer;
  const std::string name = text(v, where);
  for (Answer a : {Answer::kIdentified, Answer::kUnrecognised, Answer::kSilent, Answer::kTcpwrapped, Answer::kRefused,
                   Answer::kNoConnection, Answer::kUnfinished})
    if (service::answer_name(a) == name) return a;
  bad(where, "is not one of identified, unrecognised, silent, tcpwrapped, refused, no-connection, unfinished");
}

std::shared_ptr<const service::ServiceInfo> service_info(const Json& j) {
  const std::string where = "\"service\"";
  if (!j.is_object()) bad(where, "must be an object (a line of a -sV scan)");
  if (!j.contains("answer")) {
    // The table form: nothing identified, the database's name (written from the annotation).
    const auto method = j.find("method"), conf = j.find("conf");
    if (j.size() != 3 || !j.contains("name") || method == j.end() || *method != "table" || conf == j.end() ||
        *conf != 3)
      bad(where, "without \"answer\" must be the table form {\"name\": .., \"method\": \"table\", \"conf\": 3}");
    text_or_null(j, "name", where);
    return nullptr;
  }
  exact_keys(j,
             {"name", "product", "version", "extrainfo", "hostname", "ostype", "tunnel", "method", "conf", "answer",
              "details", "tls", "banner"},
             where);
  auto s = std::make_shared<service::ServiceInfo>();
  s->name = text_or_null(j, "name", where);
  s->product = text_or_null(j, "product", where);
  s->version = text_or_null(j, "version", where);
  s->extrainfo = text_or_null(j, "extrainfo", where);
  s->hostname = text_or_null(j, "hostname", where);
  s->ostype = text_or_null(j, "ostype", where);
  const Json& tunnel = j["tunnel"];
  if (!tunnel.is_null() && tunnel != "ssl") bad(where + ".tunnel", "must be \"ssl\" or null");
  s->ssl_tunnel = !tunnel.is_null();
  const Json& method = j["method"];
  if (method != "probed" && method != "table") bad(where + ".method", "must be \"probed\" or \"table\"");
  s->probed = method == "probed";
  s->conf = int(whole(j["conf"], 10, where + ".conf"));
  s->answer = answer_from(j["answer"], where + ".answer");
  const Json& details = j["details"];
  if (!details.is_object() || details.size() > kMaxFactItems)
    bad(where + ".details", "must be an object of at most " + std::to_string(kMaxFactItems) + " strings");
  for (const auto& [k, v] : details.items()) {
    const std::string at = where + ".details[\"" + k.substr(0, 64) + "\"]";
    if (k.size() > kMaxFactText) bad(at, "has a key longer than " + std::to_string(kMaxFactText) + " bytes");
    s->details.emplace_back(k, text(v, at));
  }
  if (!j["tls"].is_null()) s->tls = tls_facts(j["tls"], where + ".tls");
  if (!j["banner"].is_null() && !service::unescape_banner(text(j["banner"], where + ".banner"), s->banner))
    bad(where + ".banner", "is not a banner as portauth escapes it (printable ASCII, \\\\ \\r \\n \\t \\xHH, at most " +
                               std::to_string(service::kBannerShown) + " bytes)");
  return s;
}

std::shared_ptr<const probe::ReplyFacts> reply_facts(const Json& line) {
  static constexpr const char* kKeys[] = {"reply", "reply_bytes", "probe_bytes", "amplification", "reply_risk"};
  size_t present = 0;
  for (const char* k : kKeys) present += line.contains(k) ? 1 : 0;
  if (present == 0) return nullptr;
  for (const char* k : kKeys) member(line, k, "a line with UDP reply facts");
  auto f = std::make_shared<probe::ReplyFacts>();
  f->summary = text(line["reply"], "\"reply\"");
  f->reply_bytes = uint32_t(whole(line["reply_bytes"], UINT32_MAX, "\"reply_bytes\""));
  f->probe_bytes = uint32_t(whole(line["probe_bytes"], UINT32_MAX, "\"probe_bytes\""));
  const Json& amp = line["amplification"];
  if (!amp.is_null()) {
    // At most reply bytes / 1 probe byte: a bound that also keeps the writer's rounding exact.
    if (!amp.is_number() || !(amp.get<double>() >= 0) || amp.get<double>() > double(UINT32_MAX))
      bad("\"amplification\"", "must be a number from 0 to 4294967295, or null");
    f->amplification = amp.get<double>();
  }
  const Json& risk = line["reply_risk"];
  f->risk = risk.is_null() ? std::string() : text(risk, "\"reply_risk\"");
  return f;
}

template <typename F>
std::string guarded(F&& f) {
  try {
    f();
    return "";
  } catch (const Bad& b) {
    return b.what;
  }
}

}  // namespace

std::string read_service_json(const Json& value, std::shared_ptr<const service::ServiceInfo>& out) {
  out = nullptr;
  return guarded([&] { out = service_info(value); });
}

std::string read_reply_json(const Json& line, std::shared_ptr<const probe::ReplyFacts>& out) {
  out = nullptr;
  if (!line.is_object()) return "not a JSON object";
  return guarded([&] { out = reply_facts(line); });
}

std::string read_port_facts(const Json& line, LineFacts& out) {
  out = {};
  if (!line.is_object()) return "not a JSON object";
  const auto sv = line.find("service");
  if (sv == line.end()) out.form = ServiceForm::kAbsent;
  else if (sv->is_object()) out.form = ServiceForm::kObject;
  else if (sv->is_string() || sv->is_null()) out.form = ServiceForm::kName;
  else return "\"service\" must be a name, null or an object";
  if (out.form == ServiceForm::kObject)
    if (std::string e = read_service_json(*sv, out.facts.service); !e.empty()) return e;
  if (out.form == ServiceForm::kName && sv->is_string() && sv->get_ref<const std::string&>().size() > kMaxFactText)
    return "\"service\" is longer than " + std::to_string(kMaxFactText) + " bytes";
  return read_reply_json(line, out.facts.reply);
}

}  // namespace portauth::output
