// The nmap-style output options that scan and merge share: --output-xml FILE (-oX), ...,
// each adding (format, path) to the command's outputs; any number of each.
// (main rewrites -oX to --output-xml before parsing: nmap_style_args.h.)
#pragma once
#include <CLI/CLI.hpp>
#include <functional>
#include <string>

namespace portauth::app {

using AddOutput = std::function<void(const std::string& format, const std::string& path)>;
void add_output_file_options(CLI::App& cmd, const AddOutput& add);

}  // namespace portauth::app
