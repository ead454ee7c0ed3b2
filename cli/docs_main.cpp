// portauth-docs: prints what option_docs.h generates from the option table, for the build
// (the shell completions), or rewrites the generated part of the man page or the README in
// place (scripts/gen-docs.sh).
//   portauth-docs man | readme | bash | zsh
//   portauth-docs --update docs/portauth.1 README.md
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "cli/option_docs.h"

namespace {

int update(const std::string& path) {
  using namespace portauth::cli;
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  const bool man = path.size() > 2 && path.compare(path.size() - 2, 2, ".1") == 0;
  const std::string updated =
      man ? replace_generated(replace_generated(text.str(), kManBegin, kManEnd, man_option_list()), kManServeBegin,
                              kManServeEnd, man_serve_option_list())
          : replace_generated(text.str(), kReadmeBegin, kReadmeEnd, readme_option_table());
  std::ofstream(path) << updated;
  std::printf("updated %s\n", path.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 3 && std::string(argv[1]) == "--update") {
    try {
      for (int i = 2; i < argc; ++i) update(argv[i]);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "portauth-docs: %s\n", e.what());
      return 1;
    }
    return 0;
  }
  const std::string what = argc == 2 ? argv[1] : "";
  std::string text;
  if (what == "man") text = portauth::cli::man_option_list();
  else if (what == "readme") text = portauth::cli::readme_option_table();
  else if (what == "bash") text = portauth::cli::bash_completion();
  else if (what == "zsh") text = portauth::cli::zsh_completion();
  else {
    std::fprintf(stderr, "usage: portauth-docs man|readme|bash|zsh, or --update FILE...\n");
    return 1;
  }
  std::fputs(text.c_str(), stdout);
  return 0;
}
