// portauth-docs: prints what option_docs.h generates from the option table, for the build
// (the shell completions) and scripts/gen-docs.sh (the man page and README sections).
//   portauth-docs man | readme | bash | zsh
#include <cstdio>
#include <string>

#include "option_docs.h"

int main(int argc, char** argv) {
  const std::string what = argc == 2 ? argv[1] : "";
  std::string text;
  if (what == "man") text = portauth::app::man_option_list();
  else if (what == "readme") text = portauth::app::readme_option_table();
  else if (what == "bash") text = portauth::app::bash_completion();
  else if (what == "zsh") text = portauth::app::zsh_completion();
  else {
    std::fprintf(stderr, "usage: portauth-docs man|readme|bash|zsh\n");
    return 1;
  }
  std::fputs(text.c_str(), stdout);
  return 0;
}
