// Documents generated from the option table (config/option_table.h), so that the man page,
// the README and the shell completions say what the command line does:
//   - man_option_list(): the man page's option list (docs/portauth.1, between the
//     `.\" BEGIN GENERATED OPTIONS` and `.\" END GENERATED OPTIONS` lines);
//   - readme_option_table(): README.md's option table (between the
//     `<!-- BEGIN GENERATED OPTIONS -->` and `<!-- END GENERATED OPTIONS -->` lines);
//   - man_serve_option_list(): the man page's SERVE options (between the
//     `.\" BEGIN GENERATED SERVE OPTIONS` and `.\" END GENERATED SERVE OPTIONS` lines), from
//     serve's rows (cli/serve_options.h);
//   - bash_completion() and zsh_completion(): installed by cmake --install.
// scripts/gen-docs.sh rewrites both documents with build/portauth-docs; a unit test fails
// when either is out of step with the table.
#pragma once
#include <string>
#include <string_view>

namespace portauth::cli {

inline constexpr std::string_view kManBegin = ".\\\" BEGIN GENERATED OPTIONS";
inline constexpr std::string_view kManEnd = ".\\\" END GENERATED OPTIONS";
inline constexpr std::string_view kManServeBegin = ".\\\" BEGIN GENERATED SERVE OPTIONS";
inline constexpr std::string_view kManServeEnd = ".\\\" END GENERATED SERVE OPTIONS";
inline constexpr std::string_view kReadmeBegin = "<!-- BEGIN GENERATED OPTIONS -->";
inline constexpr std::string_view kReadmeEnd = "<!-- END GENERATED OPTIONS -->";

std::string man_option_list();
std::string man_serve_option_list();
std::string readme_option_table();
std::string bash_completion();
std::string zsh_completion();

// `document` with the text between the `begin` and `end` lines replaced by `generated`
// (which must end with a newline). Throws std::runtime_error when a marker is missing.
std::string replace_generated(const std::string& document, std::string_view begin, std::string_view end,
                              const std::string& generated);
// The text between the marker lines ("" when a marker is missing).
std::string generated_part(const std::string& document, std::string_view begin, std::string_view end);

}  // namespace portauth::cli
