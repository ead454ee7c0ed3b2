#include "config/option_yaml.h"

#include <array>
#include <type_traits>

#include "common/closest_match.h"
#include "config/port_spec.h"
#include "config/scan_plan.h"
#include "config/spec_error.h"

namespace portauth::config {

void YamlReader::fail(const YAML::Node& node, const std::string& what) const {
  const YAML::Mark m = node.Mark();
  throw SpecError(name_ + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1) + ": " + what);
}

std::string YamlReader::scalar(const YAML::Node& n, const std::string& key, const char* expect) const {
  if (!n.IsScalar()) fail(n, "'" + key + "' must be " + expect);
  return n.Scalar();
}

std::vector<std::string> YamlReader::strings(const YAML::Node& n, const std::string& key) const {
  std::vector<std::string> out;
  if (n.IsScalar()) return {n.Scalar()};
  if (!n.IsSequence()) fail(n, "'" + key + "' must be a string or a list of strings");
  for (const auto& item : n) out.push_back(scalar(item, key, "a list of strings"));
  return out;
}

std::string YamlReader::path(const YAML::Node& n, const std::string& key) const {
  const std::string p = scalar(n, key, "a file name");
  if (p.empty()) fail(n, "'" + key + "' is empty");
  return p.front() == '/' || base_.empty() ? p : base_ + "/" + p;
}

// A file name or a list of them, each checked by path() (an empty name is an error there,
// with its position, rather than the config file's directory).
void YamlReader::paths(const YAML::Node& n, const std::string& key, std::vector<std::string>& out) const {
  if (n.IsScalar()) {
    out.push_back(path(n, key));
    return;
  }
  if (!n.IsSequence()) fail(n, "'" + key + "' must be a file name or a list of file names");
  for (const auto& item : n) out.push_back(path(item, key));
}

int64_t YamlReader::integer(const YAML::Node& n, const std::string& key, int64_t lo, int64_t hi) const {
  const std::string text = scalar(n, key, "a whole number");
  size_t used = 0;
  long long v = 0;
  try {
    v = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty() || v < lo || v > hi)
    fail(n, "'" + key + "' must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi) +
                ", not '" + text + "'");
  return v;
}

double YamlReader::number(const YAML::Node& n, const std::string& key) const {
  // The whole text must be a number; std::stod alone accepts "1abc" and throws
  // std::out_of_range (not SpecError) for "1e999". build_scan_plan checks the range.
  const std::string text = scalar(n, key, "a number");
  size_t used = 0;
  double v = 0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty()) fail(n, "'" + key + "' must be a number, not '" + text + "'");
  return v;
}

bool YamlReader::boolean(const YAML::Node& n, const std::string& key) const {
  const std::string text = scalar(n, key, "true or false");
  if (text == "true" || text == "yes") return true;
  if (text == "false" || text == "no") return false;
  fail(n, "'" + key + "' must be true or false, not '" + text + "'");
}

void YamlReader::unknown(const YAML::Node& at, const std::string& key, std::span<const std::string_view> known) const {
  const auto suggestion = common::closest_match(key, known);
  fail(at, "unknown key '" + key + "'" +
               (suggestion.empty() ? std::string() : " (did you mean '" + std::string(suggestion) + "'?)"));
}

namespace {

// ports: "22,80" | [22, 80, "8000-8100"] | {preset: common} | {top: 100}
void read_ports(const YAML::Node& n, ScanOptions& o, const YamlReader& in) {
  auto check_spec = [&](const YAML::Node& at, const std::string& spec) {
    try {
      parse_port_spec(spec);
    } catch (const SpecError& e) {
      in.fail(at, e.what());
    }
  };
  if (n.IsScalar()) {
    check_spec(n, n.Scalar());
    o.ports = n.Scalar();
  } else if (n.IsSequence()) {
    std::string joined;
    for (const auto& item : n) {
      const std::string spec = in.scalar(item, "ports", "a list of ports and ranges");
      check_spec(item, spec);
      joined += (joined.empty() ? "" : ",") + spec;
    }
    if (joined.empty()) in.fail(n, "'ports' is an empty list");
    o.ports = joined;
  } else if (n.IsMap()) {
    constexpr std::array<std::string_view, 2> kKeys = {"preset", "top"};
    for (const auto& kv : n) {
      const std::string key = in.scalar(kv.first, "ports");
      if (key == "preset") o.preset = in.scalar(kv.second, "ports.preset");
      else if (key == "top") o.top_ports_count = uint64_t(in.integer(kv.second, "ports.top", 1, 65536));
      else in.unknown(kv.first, key, kKeys);
    }
  } else {
    in.fail(n, "'ports' must be a port list string, a list, {preset: NAME} or {top: N}");
  }
}

// outputs: [{format: jsonl, path: out.jsonl}, {format: text}]
void read_outputs(const YAML::Node& n, ScanOptions& o, const YamlReader& in) {
  if (!n.IsSequence()) in.fail(n, "'outputs' must be a list of {format: ..., path: ...}");
  o.extra_outputs.clear();
  constexpr std::array<std::string_view, 2> kKeys = {"format", "path"};
  for (const auto& item : n) {
    if (!item.IsMap()) in.fail(item, "each output must be a map like {format: jsonl, path: out.jsonl}");
    std::string format, file;
    for (const auto& kv : item) {
      const std::string key = in.scalar(kv.first, "outputs");
      if (key == "format") {
        format = in.scalar(kv.second, "format");
        try {
          parse_output_format(format);
        } catch (const SpecError& e) {
          in.fail(kv.second, e.what());
        }
      } else if (key == "path") {
        file = in.path(kv.second, "path");
      } else {
        in.unknown(kv.first, key, kKeys);
      }
    }
    if (format.empty()) in.fail(item, "an output needs a 'format'");
    o.extra_outputs.emplace_back(format, file.empty() ? "-" : file);
  }
}

template <typename V>
void set_field(const OptionField& field, ScanOptions& o, V value) {
  std::visit(
      [&](auto member) {
        if constexpr (!std::is_same_v<decltype(member), std::monostate>) {
          using T = std::remove_reference_t<decltype(o.*member)>;
          if constexpr (std::is_arithmetic_v<T> == std::is_arithmetic_v<V> && std::is_convertible_v<V, T>)
            o.*member = static_cast<T>(value);
        }
      },
      field);
}

}  // namespace

void read_option(const OptionSpec& spec, const YAML::Node& v, ScanOptions& o, const YamlReader& in) {
  const std::string& key = spec.yaml_key;
  if (key == "ports") return read_ports(v, o, in);
  if (key == "outputs") return read_outputs(v, o, in);
  if (key == "show") {
    std::string joined;
    for (const auto& item : in.strings(v, key)) joined += (joined.empty() ? "" : ",") + item;
    try {
      parse_show(joined);
    } catch (const SpecError& e) {
      in.fail(v, e.what());
    }
    o.show = joined;
    return;
  }
  switch (spec.kind) {
    case ValueKind::kText: {
      const std::string text = in.scalar(v, key, key == "rate" ? "a number of packets per second or 'max'" : "a string");
      if (!spec.apply) return set_field(spec.field, o, text);
      try {
        spec.apply(o, text);
      } catch (const SpecError& e) {
        in.fail(v, e.what());
      }
      return;
    }
    case ValueKind::kList: return set_field(spec.field, o, in.strings(v, key));
    case ValueKind::kPaths: {
      std::vector<std::string> files;
      in.paths(v, key, files);
      return set_field(spec.field, o, std::move(files));
    }
    case ValueKind::kPath: return set_field(spec.field, o, in.path(v, key));
    case ValueKind::kInt: {
      const int64_t hi = spec.hi >= 9.2e18 ? INT64_MAX : int64_t(spec.hi);
      const int64_t value = in.integer(v, key, int64_t(spec.lo), hi);
      if (std::holds_alternative<std::optional<uint64_t> ScanOptions::*>(spec.field))
        return set_field(spec.field, o, std::optional<uint64_t>(uint64_t(value)));
      return set_field(spec.field, o, value);
    }
    case ValueKind::kNumber: return set_field(spec.field, o, in.number(v, key));
    case ValueKind::kFlag: return set_field(spec.field, o, in.boolean(v, key));
    case ValueKind::kCount:
    case ValueKind::kSize: return set_field(spec.field, o, in.integer(v, key, int64_t(spec.lo), int64_t(spec.hi)));
  }
}

void emit_option(YAML::Emitter& e, const OptionSpec& spec, const ScanOptions& o) {
  e << YAML::Key << spec.yaml_key << YAML::Value;
  if (spec.yaml_key == "outputs") {
    e << YAML::BeginSeq;
    for (const auto& [format, path] : o.extra_outputs)
      e << YAML::Flow << YAML::BeginMap << YAML::Key << "format" << YAML::Value << format << YAML::Key << "path"
        << YAML::Value << path << YAML::EndMap;
    e << YAML::EndSeq;
    return;
  }
  std::visit(
      [&](auto member) {
        if constexpr (std::is_same_v<decltype(member), std::monostate>) {
          e << YAML::Null;
        } else {
          const auto& value = o.*member;
          using T = std::remove_cvref_t<decltype(value)>;
          if constexpr (std::is_same_v<T, std::vector<std::string>>) {
            e << YAML::Flow << YAML::BeginSeq;
            for (const auto& item : value) e << item;
            e << YAML::EndSeq;
          } else if constexpr (std::is_same_v<T, std::optional<uint64_t>>) {
            e << (value ? *value : 0);
          } else {
            e << value;
          }
        }
      },
      spec.field);
}

}  // namespace portauth::config
