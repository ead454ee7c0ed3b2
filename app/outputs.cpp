#include "outputs.h"

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "csv_writer.h"
#include "grepable_writer.h"
#include "html_writer.h"
#include "jsonl_writer.h"
#include "show_filter.h"
#include "text_writer.h"
#include "xml_writer.h"

namespace portauth::app {
namespace {

std::unique_ptr<output::ResultWriter> make_writer(config::OutputFormat format, std::FILE* out) {
  switch (format) {
    case config::OutputFormat::kText: return std::make_unique<output::TextWriter>(out);
    case config::OutputFormat::kJsonl: return std::make_unique<output::JsonlWriter>(out);
    case config::OutputFormat::kXml: return std::make_unique<output::XmlWriter>(out);
    case config::OutputFormat::kGrepable: return std::make_unique<output::GrepableWriter>(out);
    case config::OutputFormat::kCsv: return std::make_unique<output::CsvWriter>(out);
    case config::OutputFormat::kHtml: return std::make_unique<output::HtmlWriter>(out);
  }
  throw std::runtime_error(std::string("output format ") + config::output_format_name(format) +
                           " is not available in this build");
}

}  // namespace

bool reports_every_state(config::OutputFormat format) {
  return format == config::OutputFormat::kXml || format == config::OutputFormat::kGrepable ||
         format == config::OutputFormat::kHtml;
}

OutputSet::OutputSet(const std::vector<config::OutputSpec>& specs, unsigned show) : delivery_mask_(show) {
  bool every_state = false;
  for (const auto& spec : specs) every_state = every_state || reports_every_state(spec.format);
  if (every_state) delivery_mask_ = config::kShowAll;
  try {
    for (const auto& spec : specs) {
      std::FILE* out = stdout;
      if (!spec.path.empty() && spec.path != "-") {
        // A resumed scan appends to line-oriented outputs; XML and HTML are whole documents,
        // rewritten with what the resumed run finds.
        const bool line_format = spec.format != config::OutputFormat::kXml && spec.format != config::OutputFormat::kHtml;
        out = std::fopen(spec.path.c_str(), spec.append && line_format ? "a" : "w");
        if (!out) throw std::runtime_error("cannot write '" + spec.path + "': " + std::strerror(errno));
        files_.push_back(out);
      } else if (spec.format == config::OutputFormat::kText) {
        text_on_stdout_ = true;
      }
      auto writer = make_writer(spec.format, out);
      // The scan delivers more than --show asked for: the streaming outputs filter.
      if (!reports_every_state(spec.format) && (show & config::kShowAll) != delivery_mask_)
        writer = std::make_unique<output::ShowFilter>(std::move(writer), show);
      writers_.push_back(std::move(writer));
    }
  } catch (...) {
    for (auto* f : files_) std::fclose(f);
    files_.clear();
    throw;
  }
}

OutputSet::~OutputSet() {
  writers_.clear();
  for (auto* f : files_) std::fclose(f);
}

std::vector<output::ResultWriter*> OutputSet::writers() const {
  std::vector<output::ResultWriter*> out;
  for (const auto& w : writers_) out.push_back(w.get());
  return out;
}

}  // namespace portauth::app
