// The man page's option list and the README's option table are generated from the option
// table (app/option_docs.h): this test fails when either is out of step. To fix it, run
//   scripts/gen-docs.sh build
// The completions are generated at build time; here they are checked for every option.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "cli/option_docs.h"
#include "cli/serve_options.h"
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

TEST(DocsSync, ManPageServeOptionsAreServesRows) {
  const std::string page = read(std::string(PORTAUTH_SOURCE_DIR) + "/docs/portauth.1");
  EXPECT_EQ(cli::generated_part(page, cli::kManServeBegin, cli::kManServeEnd), cli::man_serve_option_list())
      << "docs/portauth.1 is out of step with serve's options (cli/serve_options.cpp): run scripts/gen-docs.sh build";
  EXPECT_NE(page.find(".B portauth serve\n"), std::string::npos) << "serve is not in the synopsis";
}

TEST(DocsSync, ServeOptionsAreCompletedAndInTheReadme) {
  const std::string bash = cli::bash_completion(), zsh = cli::zsh_completion();
  EXPECT_NE(bash.find("scan probe shieldsup serve lookup"), std::string::npos);
  EXPECT_NE(zsh.find("'serve:"), std::string::npos);
  const std::string readme = read(std::string(PORTAUTH_SOURCE_DIR) + "/README.md");
  const size_t section = readme.find("## ShieldsUP on the web: `portauth serve`");
  ASSERT_NE(section, std::string::npos);
  const std::string serve = readme.substr(section, readme.find("\n## ", section + 1) - section);
  const size_t opts = bash.find("serve) opts=\"");
  ASSERT_NE(opts, std::string::npos);
  const size_t from = opts + std::string_view("serve) opts=\"").size();
  const std::string serve_words = " " + bash.substr(from, bash.find('"', from) - from) + " ";
  for (const auto& o : cli::serve_options()) {
    const std::string name(o.name);
    EXPECT_NE(serve_words.find(" " + name + " "), std::string::npos) << name;
    EXPECT_NE(zsh.find("'" + name + "["), std::string::npos) << name;
    EXPECT_NE(serve.find("`" + name), std::string::npos) << name << " is not in README's table of serve's options";
  }
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
