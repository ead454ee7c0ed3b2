#include "db/page_render.h"

#include <optional>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "db/text_wrap.h"

namespace portauth::db {
namespace {

constexpr size_t kWidth = 78;
constexpr size_t kLabelWidth = 18;  // "Trojan Sightings: " is the longest one-line label
constexpr std::string_view kBodyIndent = "  ";
constexpr std::string_view kNone = "none recorded";

std::string label(std::string_view name) {
  std::string text = std::string(name) + ":";
  text.resize(kLabelWidth, ' ');
  return text;
}

// "Label:           value", continuation lines aligned under the value.
std::string line_field(std::string_view name, std::string_view value) {
  return wrap_paragraph(value, kWidth, label(name), std::string(kLabelWidth, ' '));
}

// "Label:           a, b, c", broken only between items.
std::string list_field(std::string_view name, const std::vector<std::string>& items) {
  if (items.empty()) return line_field(name, kNone);
  return wrap_items(items, kWidth, label(name), std::string(kLabelWidth, ' '));
}

std::vector<std::string> port_texts(const std::vector<uint16_t>& ports) {
  std::vector<std::string> texts;
  for (uint16_t port : ports) texts.push_back(std::to_string(port));
  return texts;
}

// A prose section: the label on its own line, then each paragraph (one per '\n'-separated
// line of the source text, as YAML's folded style leaves them) wrapped and indented.
std::string prose_section(std::string_view name, std::string_view text) {
  if (text.empty()) return line_field(name, kNone);
  std::string out = std::string(name) + ":\n";
  size_t pos = 0;
  bool first = true;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view paragraph = text.substr(pos, end - pos);
    if (paragraph.find_first_not_of(" \t\r") != std::string_view::npos) {
      if (!first) out += '\n';
      out += wrap_paragraph(paragraph, kWidth, kBodyIndent, kBodyIndent);
      first = false;
    }
    pos = end + 1;
  }
  return out;
}

std::string heading(const PortPage& page) {
  const PortEntry& entry = page.entry;
  std::string text = "Port " + std::to_string(page.port) + "/" +
                     std::string(proto_name(entry.proto)) + ": " + entry.name;
  if (entry.is_range()) {
    text += " (listed as " + std::to_string(entry.first) + "-" + std::to_string(entry.last) + ")";
  }
  if (!page.listed) text += " (not in portauth's database)";
  return text + "\n" + std::string(kWidth, '=') + "\n";
}

}  // namespace

std::string render_page_text(const PortPage& page) {
  const PortEntry& entry = page.entry;
  std::string out = heading(page);

  // "smtp (also: mail, smtp-relay)", wrapped like a list: the name rides with the first alias.
  std::vector<std::string> names = {entry.name};
  if (!entry.aliases.empty()) {
    names = entry.aliases;
    names.front() = entry.name + " (also: " + names.front();
    names.back() += ")";
  }
  out += wrap_items(names, kWidth, label("Name"), std::string(kLabelWidth, ' '));
  out += line_field("Purpose", entry.purpose.empty() ? "not recorded" : entry.purpose);
  out += line_field("Risk", entry.risk == Risk::kUnknown ? "not rated" : risk_name(entry.risk));
  out += line_field("IANA Range", page.iana_range);
  out += line_field("Source", page.source_detail);
  out += line_field("Rank", entry.rank > 0
                                ? std::to_string(entry.rank) + " (1 = most commonly found open)"
                                : "unranked");
  out += '\n';
  out += prose_section("Description", entry.description);
  out += '\n';
  // The sections of a full page appear only where written: most pages have none.
  const std::pair<std::string_view, const std::string*> sections[] = {
      {"Security Implications", &entry.security},
      {"If You Find It Open", &entry.if_open},
      {"History", &entry.history}};
  for (const auto& [name, text] : sections) {
    if (text->empty()) continue;
    out += prose_section(name, *text);
    out += '\n';
  }
  out += list_field("Related Ports", port_texts(entry.related));
  out += '\n';
  out += prose_section("Background", entry.background);
  out += '\n';
  out += list_field("Trojan Sightings", entry.trojans);
  if (!entry.trojan_notes.empty()) out += prose_section("Trojan Notes", entry.trojan_notes);
  out += '\n';
  if (entry.refs.empty()) {
    out += line_field("References", kNone);
  } else {
    out += "References:\n";
    for (const std::string& ref : entry.refs)
      out += wrap_paragraph(ref, kWidth, kBodyIndent, kBodyIndent);
  }
  return out;
}

nlohmann::json page_json(const PortPage& page) {
  const PortEntry& entry = page.entry;
  nlohmann::json json;
  json["port"] = page.port;
  if (entry.is_range()) json["port_range"] = {{"first", entry.first}, {"last", entry.last}};
  json["proto"] = proto_name(entry.proto);
  json["name"] = entry.name;
  json["aliases"] = entry.aliases;
  json["purpose"] = entry.purpose;
  json["description"] = entry.description;
  json["background"] = entry.background;
  json["security"] = entry.security;
  json["if_open"] = entry.if_open;
  json["history"] = entry.history;
  json["trojan_notes"] = entry.trojan_notes;
  json["related"] = entry.related;
  json["trojans"] = entry.trojans;
  json["risk"] = entry.risk == Risk::kUnknown ? nlohmann::json(nullptr)
                                              : nlohmann::json(risk_name(entry.risk));
  json["refs"] = entry.refs;
  json["rank"] = entry.rank > 0 ? nlohmann::json(entry.rank) : nlohmann::json(nullptr);
  json["iana_range"] = page.iana_range;
  json["listed"] = page.listed;
  json["source"] = page_source_name(page.source);
  json["source_detail"] = page.source_detail;
  return json;
}

PortPage page_from_json(const nlohmann::json& json) {
  PortPage page;
  PortEntry& entry = page.entry;
  page.port = json.at("port").get<uint16_t>();
  if (json.contains("port_range")) {
    entry.first = json.at("port_range").at("first").get<uint16_t>();
    entry.last = json.at("port_range").at("last").get<uint16_t>();
  } else {
    entry.first = entry.last = page.port;
  }
  const std::optional<Proto> proto = parse_proto(json.at("proto").get<std::string>());
  if (!proto) throw std::invalid_argument("page_from_json: bad proto");
  entry.proto = *proto;
  entry.name = json.at("name").get<std::string>();
  entry.aliases = json.at("aliases").get<std::vector<std::string>>();
  entry.purpose = json.at("purpose").get<std::string>();
  entry.description = json.at("description").get<std::string>();
  entry.background = json.at("background").get<std::string>();
  entry.security = json.at("security").get<std::string>();
  entry.if_open = json.at("if_open").get<std::string>();
  entry.history = json.at("history").get<std::string>();
  entry.trojan_notes = json.at("trojan_notes").get<std::string>();
  entry.related = json.at("related").get<std::vector<uint16_t>>();
  entry.trojans = json.at("trojans").get<std::vector<std::string>>();
  if (!json.at("risk").is_null()) {
    const std::optional<Risk> risk = parse_risk(json.at("risk").get<std::string>());
    if (!risk) throw std::invalid_argument("page_from_json: bad risk");
    entry.risk = *risk;
  }
  entry.refs = json.at("refs").get<std::vector<std::string>>();
  entry.rank = json.at("rank").is_null() ? 0 : json.at("rank").get<int>();
  page.iana_range = json.at("iana_range").get<std::string>();
  page.listed = json.at("listed").get<bool>();
  const std::string source = json.at("source").get<std::string>();
  const PageSource sources[] = {PageSource::kPortauth, PageSource::kIana, PageSource::kSystem,
                                PageSource::kUnassigned};
  bool known = false;
  for (PageSource candidate : sources) {
    if (page_source_name(candidate) == source) {
      page.source = candidate;
      known = true;
    }
  }
  if (!known) throw std::invalid_argument("page_from_json: bad source");
  page.source_detail = json.at("source_detail").get<std::string>();
  return page;
}

}  // namespace portauth::db
