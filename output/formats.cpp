#include "output/formats.h"

namespace portauth::output {
namespace {

// nmap XML, grepable and HTML list (or sum up) every probed port: nmap's formats count each
// state, and the HTML grid has a cell per port. XML and HTML are whole documents, so a
// resumed scan rewrites them with what it finds; the line formats are appended to.
constexpr FormatInfo kFormats[] = {
    {Format::kText, "text", "-oN", "--output-text", "the text report", ".nmap", false, true},
    {Format::kJsonl, "jsonl", "-oJ", "--output-jsonl", "JSON Lines", "", false, true},
    {Format::kXml, "xml", "-oX", "--output-xml", "nmap XML", ".xml", true, false},
    {Format::kGrepable, "grepable", "-oG", "--output-grepable", "nmap's grepable format", ".gnmap", true, true},
    {Format::kCsv, "csv", "-oC", "--output-csv", "CSV", "", false, true},
    {Format::kHtml, "html", "-oH", "--output-html", "the HTML port-grid report", "", true, false},
};

}  // namespace

std::span<const FormatInfo> formats() { return kFormats; }

const FormatInfo& format_info(Format format) {
  for (const auto& f : kFormats)
    if (f.format == format) return f;
  return kFormats[0];
}

std::optional<Format> find_format(std::string_view name) {
  for (const auto& f : kFormats)
    if (f.name == name) return f.format;
  return std::nullopt;
}

std::string format_names() {
  std::string out;
  const size_t n = std::size(kFormats);
  for (size_t i = 0; i < n; ++i) {
    if (i > 0) out += i + 1 == n ? " or " : ", ";
    out += kFormats[i].name;
  }
  return out;
}

}  // namespace portauth::output
