#include "output_options.h"

#include <vector>

namespace portauth::app {

void add_output_file_options(CLI::App& cmd, const AddOutput& add) {
  struct OutputOption {
    const char* name;
    const char* format;
    const char* help;
  };
  constexpr OutputOption kOutputOptions[] = {
      {"--output-xml", "xml", "(or -oX FILE) nmap XML to FILE"},
      {"--output-grepable", "grepable", "(or -oG FILE) nmap's grepable format to FILE"},
      {"--output-jsonl", "jsonl", "(or -oJ FILE) JSON Lines to FILE"},
      {"--output-text", "text", "(or -oN FILE) the text report to FILE"},
      {"--output-csv", "csv", "(or -oC FILE) CSV to FILE"},
      {"--output-html", "html", "(or -oH FILE) the HTML port-grid report to FILE"},
  };
  for (const auto& opt : kOutputOptions) {
    const std::string format = opt.format;
    cmd.add_option_function<std::vector<std::string>>(
           opt.name,
           [add, format](const std::vector<std::string>& files) {
             for (const auto& f : files) add(format, f);
           },
           opt.help)
        ->type_name("FILE");
  }
}

}  // namespace portauth::app
