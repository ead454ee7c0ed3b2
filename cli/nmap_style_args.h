// nmap's spellings, before CLI11 parses the words.
//  - Multi-letter short options (-iL, -oX, -oA, -sS, -Pn, ...) are what scanner users type,
//    but CLI11 (like getopt) only knows one-letter short options: each such word is rewritten
//    to its long form ("-oX" -> "--output-xml"), from the option table's aliases. "-oX=f" and
//    "-oXf" are not nmap's forms and are left alone (CLI11 then reports them as unknown).
//  - An nmap option portauth does not support (-sU, -sV, -O, -A, --script, ...) is refused
//    with one line saying so, before anything is parsed or sent.
//  - "--" ends the options: the words after it are targets (or HOST PORT), never options.
#pragma once
#include <string>
#include <vector>

namespace portauth::cli {

// Throws config::SpecError for an unsupported nmap option, or a word after "--" that can
// only be an option.
std::vector<std::string> rewrite_nmap_style_args(int argc, const char* const* argv);

}  // namespace portauth::cli
