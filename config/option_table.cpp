#include "config/option_table.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <type_traits>

#include "config/spec_error.h"
#include "config/timing_templates.h"

namespace portauth::config {
namespace {

std::string number_text(double v) {
  if (v >= 9223372036854775807.0) return "9223372036854775807";  // --seed's top, 2^63 - 1 (no double holds it)
  if (v == std::floor(v) && std::fabs(v) < 1e18) return std::to_string(static_cast<long long>(v));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// "bad --retries 'x': " -- the start of every message about one value of a row, which the
// command line prints as it is ("portauth: bad --retries 'x': give a whole number from 0 to 20").
std::string bad(const OptionSpec& spec, const std::string& text) { return "bad " + spec.long_name() + " '" + text + "': "; }

std::string range_text(const OptionSpec& spec) { return number_text(spec.lo) + " to " + number_text(spec.hi); }

// The value of a whole-number option: digits only, inside the row's range.
uint64_t whole_number(const OptionSpec& spec, const std::string& text) {
  uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || double(v) < spec.lo ||
      double(v) > spec.hi)
    throw SpecError(bad(spec, text) + "give a whole number from " + range_text(spec));
  return v;
}

double decimal_number(const OptionSpec& spec, const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(v) || v < spec.lo || v > spec.hi)
    throw SpecError(bad(spec, text) + "give a number from " + range_text(spec));
  return v;
}

// "64M" -> 67108864: k, M, G (optionally followed by "b"/"B"), powers of 1024, as CLI11's
// AsSizeValue and the --pcap-buffer help say.
uint64_t byte_count(const OptionSpec& spec, const std::string& text) {
  std::string digits = text;
  uint64_t unit = 1;
  if (!digits.empty() && (digits.back() == 'b' || digits.back() == 'B')) digits.pop_back();
  if (!digits.empty()) {
    switch (digits.back()) {
      case 'k': case 'K': unit = uint64_t{1} << 10; break;
      case 'm': case 'M': unit = uint64_t{1} << 20; break;
      case 'g': case 'G': unit = uint64_t{1} << 30; break;
      default: break;
    }
    if (unit > 1) digits.pop_back();
  }
  const std::string want = "give a size from " + range_text(spec) + " bytes (a number, optionally with k, M or G)";
  uint64_t v = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || v > ~uint64_t{0} / unit)
    throw SpecError(bad(spec, text) + want);
  v *= unit;
  if (double(v) < spec.lo || double(v) > spec.hi) throw SpecError(bad(spec, text) + want);
  return v;
}

}  // namespace

std::string_view group_title(OptionGroup group) {
  switch (group) {
    case OptionGroup::kTargets: return "Targets";
    case OptionGroup::kPorts: return "Ports";
    case OptionGroup::kTiming: return "Timing";
    case OptionGroup::kServices: return "Service identification";
    case OptionGroup::kOutput: return "Output";
    case OptionGroup::kPrivileges: return "Privileges";
    case OptionGroup::kAdvanced: return "Advanced";
  }
  return "Advanced";
}

std::vector<std::string> OptionSpec::spellings() const {
  std::vector<std::string> out;
  if (positional()) return out;
  size_t start = 0;
  while (start < names.size()) {
    const size_t comma = names.find(',', start);
    const size_t end = comma == std::string::npos ? names.size() : comma;
    if (end > start) out.push_back(names.substr(start, end - start));
    start = end + 1;
  }
  if (!alias.empty()) out.push_back(alias);
  return out;
}

std::string OptionSpec::long_name() const {
  if (names.empty() || positional()) return yaml_key.empty() ? names : yaml_key;
  const auto all = spellings();
  for (const auto& s : all)
    if (s.rfind("--", 0) == 0) return s;
  return all.front();
}

const OptionSpec* find_option_by_key(std::string_view yaml_key) {
  for (const auto& spec : option_table())
    if (!spec.yaml_key.empty() && spec.yaml_key == yaml_key) return &spec;
  return nullptr;
}

const OptionSpec* find_option(std::string_view spelling) {
  for (const auto& spec : option_table())
    for (const auto& s : spec.spellings())
      if (s == spelling) return &spec;
  return nullptr;
}

std::vector<std::string_view> option_keys() {
  std::vector<std::string_view> keys;
  for (const auto& spec : option_table())
    if (!spec.yaml_key.empty()) keys.push_back(spec.yaml_key);
  return keys;
}

void apply_option(const OptionSpec& spec, ScanOptions& o, const std::string& value) {
  if (spec.apply) return spec.apply(o, value);
  std::visit(
      [&](auto member) {
        using M = decltype(member);
        if constexpr (std::is_same_v<M, std::monostate>) {
          // An option with no field and no effect would be a table error: nothing to do.
        } else {
          auto& field = o.*member;
          using T = std::remove_reference_t<decltype(field)>;
          if constexpr (std::is_same_v<T, std::string>) field = value;
          else if constexpr (std::is_same_v<T, std::vector<std::string>>) field.push_back(value);
          else if constexpr (std::is_same_v<T, bool>) field = true;
          else if constexpr (std::is_same_v<T, int>)
            field = spec.kind == ValueKind::kCount ? field + 1 : int(whole_number(spec, value));
          else if constexpr (std::is_same_v<T, double>) field = decimal_number(spec, value);
          else if constexpr (std::is_same_v<T, uint64_t>)
            field = spec.kind == ValueKind::kSize ? byte_count(spec, value) : whole_number(spec, value);
          else if constexpr (std::is_same_v<T, std::optional<uint64_t>>) field = whole_number(spec, value);
        }
      },
      spec.field);
}

void copy_option(const OptionSpec& spec, const ScanOptions& from, ScanOptions& to) {
  if (spec.copy) return spec.copy(from, to);
  std::visit(
      [&](auto member) {
        if constexpr (!std::is_same_v<decltype(member), std::monostate>) to.*member = from.*member;
      },
      spec.field);
}

void apply_timing(ScanOptions& o, const std::function<bool(std::string_view key)>& given) {
  if (o.timing.empty()) return;
  const TimingTemplate& t = find_timing_template(o.timing);
  if (!given("rate")) o.rate = std::string(t.rate);
  if (!given("retries")) o.retries = t.retries;
  if (!given("wait")) o.wait_seconds = t.wait_seconds;
}

}  // namespace portauth::config
