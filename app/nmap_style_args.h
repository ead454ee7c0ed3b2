// nmap's multi-letter short options (-iL, -oX, -oG, ...) are what scanner users type, but
// CLI11 (like getopt) only knows one-letter short options. Before parsing, each such word
// is rewritten to its long form ("-oX" -> "--output-xml"); "-oX=f" and "-oXf" forms are
// not nmap's and are left alone (CLI11 then reports them as unknown).
#pragma once
#include <string>
#include <vector>

namespace portauth::app {

std::vector<std::string> rewrite_nmap_style_args(int argc, const char* const* argv);

}  // namespace portauth::app
