// The output formats, declared once (ZMap's output modules): each format's name, its
// nmap-style short flag and long option, its help line, whether it needs every port state
// whatever --show says, and whether a resumed scan may append to it. The command line
// (-oX, --output-xml, --format), the config file's `outputs`, the resume file, --help, the
// man page and the writers (output_set.h) all read this table; adding a format is one row
// here and one case in make_writer (output_set.cpp, a switch the compiler checks).
//
// Pure data: this library depends on nothing, so config/ can name formats without linking
// the writers.
#pragma once
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace portauth::output {

enum class Format { kText, kJsonl, kXml, kGrepable, kCsv, kHtml };

struct FormatInfo {
  Format format;
  std::string_view name;         // "xml": --format xml, outputs: [{format: xml}]
  std::string_view short_flag;   // "-oX" (nmap's spelling; rewritten before parsing)
  std::string_view long_option;  // "--output-xml"
  std::string_view help;         // "nmap XML" (what -oX FILE writes)
  std::string_view nmap_suffix;  // ".xml": the file -oA BASE writes ("" = not part of -oA)
  bool every_state;              // reports every probed port, whatever --show says
  bool appendable;               // a resumed scan appends (line formats) or rewrites (documents)
};

std::span<const FormatInfo> formats();
const FormatInfo& format_info(Format format);
std::optional<Format> find_format(std::string_view name);
// "text, jsonl, xml, grepable, csv or html": for messages and help.
std::string format_names();

// One output of a scan; a scan may have several (e.g. JSONL to a file and text to the terminal).
struct OutputSpec {
  Format format = Format::kText;
  std::string path;     // "" or "-": standard output
  bool append = false;  // a resumed scan adds to appendable files (documents are rewritten)
  bool operator==(const OutputSpec&) const = default;
};

}  // namespace portauth::output
