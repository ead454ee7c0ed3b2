// Every kind of database error: the message must say where (line AND column, from the
// offending node) and what, in words a content writer can act on.
#include <gtest/gtest.h>

#include <string>

#include "db/port_db.h"

namespace portauth::db {
namespace {

const std::string kFixtures = PORTAUTH_DB_FIXTURES;

struct ErrorCase {
  const char* fixture;
  int line;
  int column;
  const char* message;
};

void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.fixture; }

class LoaderErrorTest : public testing::TestWithParam<ErrorCase> {};

TEST_P(LoaderErrorTest, ReportsLineColumnAndWhat) {
  const ErrorCase& c = GetParam();
  const std::string path = kFixtures + "/" + c.fixture;
  try {
    PortDb::load_file(path);
    FAIL() << "expected a DbError for " << c.fixture;
  } catch (const DbError& e) {
    EXPECT_EQ(e.file(), path);
    EXPECT_EQ(e.line(), c.line) << e.what();
    EXPECT_EQ(e.column(), c.column) << e.what();
    EXPECT_EQ(e.message(), c.message);
    EXPECT_EQ(std::string(e.what()), path + ":" + std::to_string(c.line) + ":" +
                                         std::to_string(c.column) + ": " + c.message);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, LoaderErrorTest,
    testing::Values(
        ErrorCase{"unknown_key.yaml", 5, 5, "unknown key 'purpse' (did you mean 'purpose'?)"},
        ErrorCase{"unknown_key_far.yaml", 6, 5,
                  "unknown key 'colour' (known keys: port, proto, name, aliases, purpose, "
                  "description, security, if_open, history, background, related, trojans, "
                  "trojan_notes, risk, refs, rank)"},
        ErrorCase{"unknown_top_key.yaml", 2, 1, "unknown key 'port' (did you mean 'ports'?)"},
        ErrorCase{"related_not_list.yaml", 6, 14, "'related' must be a list of port numbers"},
        ErrorCase{"related_not_number.yaml", 6, 20, "related port 'pop3' is not a number"},
        ErrorCase{"related_out_of_range.yaml", 8, 9, "related port 99999 out of range (0-65535)"},
        ErrorCase{"port_out_of_range.yaml", 6, 11, "port 70000 out of range (0-65535)"},
        ErrorCase{"port_not_number.yaml", 3, 11,
                  "port 'smtp' is not a number 0-65535 or a range like \"6000-6063\""},
        ErrorCase{"duplicate_port.yaml", 12, 13, "port 25 already listed at line 6"},
        ErrorCase{"range_overlap.yaml", 6, 11, "port 6010 already listed at line 3 (in 6000-6063)"},
        ErrorCase{"reversed_range.yaml", 3, 11,
                  "port range 6063-6000 is reversed (the first port must not be above the last)"},
        ErrorCase{"duplicate_rank.yaml", 10, 11, "rank 7 already given to port 25/tcp at line 3"},
        ErrorCase{"bad_rank.yaml", 6, 11,
                  "'rank' must be a whole number from 1 (most commonly open) to 1000000"},
        ErrorCase{"missing_purpose.yaml", 6, 5,
                  "missing required field 'purpose' in the entry for port 80"},
        ErrorCase{"empty_name.yaml", 4, 5, "'name' must not be empty"},
        ErrorCase{"bad_risk.yaml", 6, 11, "bad risk 'severe' (expected info, low, medium or high)"},
        ErrorCase{"bad_proto.yaml", 4, 12, "bad proto 'sctp' (expected tcp or udp)"},
        ErrorCase{"aliases_not_list.yaml", 5, 14,
                  "'aliases' must be a list of strings (for one item write [mail])"},
        ErrorCase{"description_not_text.yaml", 7, 7,
                  "'description' must be text, not a list or mapping"},
        ErrorCase{"duplicate_key.yaml", 6, 5, "duplicate key 'name' (first given at line 4)"},
        ErrorCase{"entry_not_mapping.yaml", 6, 5,
                  "each item of 'ports' must be a mapping with at least port, name and purpose"},
        ErrorCase{"ports_not_list.yaml", 3, 3, "'ports' must be a list of port entries"},
        ErrorCase{"missing_schema_version.yaml", 1, 1,
                  "missing 'schema_version' (this portauth reads schema_version 1)"},
        ErrorCase{"unsupported_schema_version.yaml", 2, 17,
                  "unsupported schema_version 2 (this portauth reads schema_version 1)"},
        ErrorCase{"yaml_alias.yaml", 10, 14,
                  "YAML aliases (*name) are not supported in the port database; write the "
                  "value out"},
        ErrorCase{"two_documents.yaml", 3, 1,
                  "more than one YAML document ('---') in the port database"},
        ErrorCase{"empty.yaml", 1, 1,
                  "empty port database: the port database must be a mapping with "
                  "schema_version, data_version and ports"},
        ErrorCase{"not_a_mapping.yaml", 1, 1,
                  "the port database must be a mapping with schema_version, data_version and "
                  "ports"},
        // What the text says (content_checks.h): each defect found in the shipped data once.
        ErrorCase{"risk_word_in_trojans.yaml", 6, 15,
                  "'high' in 'trojans' is a risk level, not a malware name (write it as "
                  "'risk: high')"},
        ErrorCase{"placeholder_purpose.yaml", 5, 14,
                  "placeholder text ('little current use') in 'purpose': write what the service "
                  "really is, or leave the field out"},
        ErrorCase{"placeholder_todo.yaml", 6, 18,
                  "placeholder text ('todo') in 'description': write what the service really "
                  "is, or leave the field out"},
        ErrorCase{"related_unresolved.yaml", 6, 19,
                  "related port 110 has no entry in this database (add one, or drop the link)"},
        ErrorCase{"boilerplate_sentence.yaml", 12, 17,
                  "boilerplate: the sentence \"Disable it unless you have a specific need.\" is "
                  "also in the entry for port 7 (line 3); say what is true of this port in its "
                  "own words"},
        ErrorCase{"broken_word.yaml", 6, 17,
                  "'mass- exploited' in 'background': a word broken by a stray hyphen and space"},
        ErrorCase{"trojan_two_spellings.yaml", 10, 25,
                  "trojan 'DeepThroat' is spelt 'Deep Throat' in the entry for port 41 (line 3): "
                  "use one spelling, and list others as aliases in the top-level 'trojans' "
                  "catalog"},
        ErrorCase{"trojan_alias_used.yaml", 8, 15,
                  "trojan 'Sub7' is not the canonical spelling: write 'SubSeven' (trojan "
                  "catalog, line 3)"},
        ErrorCase{"trojans_run_together.yaml", 6, 21,
                  "trojan 'Shtrilitz Stealth' runs two names together ('Stealth' is listed on "
                  "its own): write them as separate items"},
        ErrorCase{"trojan_catalog_duplicate.yaml", 5, 37,
                  "trojan spelling 'deep throat' is already taken by 'Deep Throat' in the "
                  "catalog (one name, one entry)"},
        // yaml-cpp's own wording after our prefix; the place is where the parser gave up.
        ErrorCase{"syntax_error.yaml", 4, 15, "YAML syntax error: illegal map value"},
        ErrorCase{"bad_indent.yaml", 5, 4, "YAML syntax error: end of sequence not found"},
        ErrorCase{"unclosed_list.yaml", 7, 9,
                  "YAML syntax error: end of sequence flow not found"}));

TEST(LoaderErrors, MissingFileNamesThePath) {
  const std::string path = kFixtures + "/no_such_file.yaml";
  try {
    PortDb::load_file(path);
    FAIL() << "expected a DbError";
  } catch (const DbError& e) {
    EXPECT_EQ(std::string(e.what()), path + ": port database not found (no such file)");
    EXPECT_EQ(e.line(), 0);
  }
}

TEST(LoaderErrors, DirectoryIsNotADatabase) {
  try {
    PortDb::load_file(kFixtures);
    FAIL() << "expected a DbError";
  } catch (const DbError& e) {
    EXPECT_EQ(std::string(e.what()),
              kFixtures + ": not a regular file; expected a port database (ports.yaml)");
  }
}

TEST(LoaderErrors, LoadStringUsesTheSourceName) {
  try {
    PortDb::load_string("schema_version: 1\nports:\n  - port: -1\n    name: x\n    purpose: y\n",
                        "<inline>");
    FAIL() << "expected a DbError";
  } catch (const DbError& e) {
    EXPECT_EQ(std::string(e.what()), "<inline>:3:11: port -1 out of range (0-65535)");
  }
}

TEST(LoaderErrors, HugeNumbersDoNotOverflow) {
  EXPECT_THROW(
      {
        try {
          PortDb::load_string(
              "schema_version: 1\nports:\n  - port: 99999999999999999999999\n    name: x\n"
              "    purpose: y\n",
              "<inline>");
        } catch (const DbError& e) {
          EXPECT_EQ(e.message(), "port 99999999999999999999999 out of range (0-65535)");
          throw;
        }
      },
      DbError);
}

}  // namespace
}  // namespace portauth::db
