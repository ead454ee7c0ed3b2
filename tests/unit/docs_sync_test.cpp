// The man page's option list and the README's option table are generated from the option
// table (app/option_docs.h): this test fails when either is out of step. To fix it, run
//   scripts/gen-docs.sh build
// The completions are generated at build time; here they are checked for every option.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "cli/option_docs.h"
#include "config/option_table.h"

using namespace portauth;

namespace {

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST(DocsSync, ManPageOptionListIsTheTable) {
  const std::string page = read(std::string(PORTAUTH_SOURCE_DIR) + "/docs/portauth.1");
  ASSERT_FALSE(page.empty());
  EXPECT_EQ(cli::generated_part(page, cli::kManBegin, cli::kManEnd), cli::man_option_list())
      << "docs/portauth.1 is out of step with the option table: run scripts/gen-docs.sh build";
}

TEST(DocsSync, ReadmeOptionTableIsTheTable) {
  const std::string readme = read(std::string(PORTAUTH_SOURCE_DIR) + "/README.md");
  ASSERT_FALSE(readme.empty());
  EXPECT_EQ(cli::generated_part(readme, cli::kReadmeBegin, cli::kReadmeEnd), cli::readme_option_table())
      << "README.md is out of step with the option table: run scripts/gen-docs.sh build";
}

TEST(DocsSync, CompletionsOfferEverySpelling) {
  const std::string bash = cli::bash_completion(), zsh = cli::zsh_completion();
  for (const auto& spec : config::option_table())
    for (const auto& s : spec.spellings()) {
      EXPECT_NE(bash.find(" " + s), std::string::npos) << s;
      EXPECT_NE(zsh.find(s + "["), std::string::npos) << s;
    }
  EXPECT_EQ(cli::replace_generated("a\nB\nold\nE\nz\n", "B", "E", "new\n"), "a\nB\nnew\nE\nz\n");
}
