#include "output/output_set.h"

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "output/csv_writer.h"
#include "output/grepable_writer.h"
#include "output/html_writer.h"
#include "output/jsonl_writer.h"
#include "output/show_filter.h"
#include "output/text_writer.h"
#include "output/xml_writer.h"

namespace portauth::output {

std::unique_ptr<ResultWriter> make_writer(Format format, std::FILE* out) {
  switch (format) {
    case Format::kText: return std::make_unique<TextWriter>(out);
    case Format::kJsonl: return std::make_unique<JsonlWriter>(out);
    case Format::kXml: return std::make_unique<XmlWriter>(out);
    case Format::kGrepable: return std::make_unique<GrepableWriter>(out);
    case Format::kCsv: return std::make_unique<CsvWriter>(out);
    case Format::kHtml: return std::make_unique<HtmlWriter>(out);
  }
  throw std::runtime_error("output format " + std::string(format_info(format).name) +
                           " is not available in this build");
}

OutputSet::OutputSet(const std::vector<OutputSpec>& specs, unsigned show) {
  try {
    for (const auto& spec : specs) {
      const FormatInfo& info = format_info(spec.format);
      std::FILE* out = stdout;
      if (!spec.path.empty() && spec.path != "-") {
        out = std::fopen(spec.path.c_str(), spec.append && info.appendable ? "a" : "w");
        if (!out) throw std::runtime_error("cannot write '" + spec.path + "': " + std::strerror(errno));
        files_.push_back(out);
      } else if (spec.format == Format::kText) {
        text_on_stdout_ = true;
      }
      owned_.push_back(make_writer(spec.format, out));
      entries_.push_back({owned_.back().get(), info.every_state ? kEveryState : show & (kEveryState | kCanaries)});
    }
  } catch (...) {
    owned_.clear();
    for (auto* f : files_) std::fclose(f);
    files_.clear();
    throw;
  }
}

OutputSet::~OutputSet() {
  filters_.clear();
  owned_.clear();
  for (auto* f : files_) std::fclose(f);
}

void OutputSet::add(ResultWriter& writer, unsigned mask) { entries_.push_back({&writer, mask & kEveryState}); }

unsigned OutputSet::delivery_mask() const {
  unsigned mask = 0;
  for (const auto& e : entries_) mask |= e.mask;
  return (mask & kEveryState) == 0 ? kEveryState | mask : mask;
}

std::vector<ResultWriter*> OutputSet::writers() {
  const unsigned delivered = delivery_mask();
  filters_.clear();
  std::vector<ResultWriter*> out;
  for (const auto& e : entries_) {
    if (e.mask == delivered) {
      out.push_back(e.writer);
    } else {
      filters_.push_back(std::make_unique<ShowFilter>(*e.writer, e.mask));
      out.push_back(filters_.back().get());
    }
  }
  return out;
}

}  // namespace portauth::output
