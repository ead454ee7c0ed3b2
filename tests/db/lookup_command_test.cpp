// `portauth lookup`, in-process: run_lookup() for behaviour, add_lookup_command() for parsing.
#include "app/lookup_command.h"
#include "db/lookup_run.h"

#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "db/db_error.h"

namespace portauth::app {
using db::LookupError;
using db::LookupOptions;
using db::run_lookup;
namespace {

const std::string kGoodDb = std::string(PORTAUTH_DB_FIXTURES) + "/good.yaml";

std::string lookup(const std::string& query, const std::string& format = "text") {
  LookupOptions options;
  options.query = query;
  options.format = format;
  options.db_path = kGoodDb;
  std::ostringstream out;
  EXPECT_EQ(run_lookup(options, out), 0);
  return out.str();
}

std::string lookup_error(const std::string& query, const std::string& db = kGoodDb) {
  LookupOptions options;
  options.query = query;
  options.db_path = db;
  std::ostringstream out;
  try {
    run_lookup(options, out);
  } catch (const std::runtime_error& e) {
    EXPECT_TRUE(out.str().empty()) << "printed before failing: " << out.str();
    return e.what();
  }
  ADD_FAILURE() << "lookup '" << query << "' should have failed";
  return {};
}

TEST(Lookup, ByPortPrintsThePage) {
  const std::string text = lookup("25");
  EXPECT_EQ(text.rfind("Port 25/tcp: smtp\n", 0), 0u) << text;
  EXPECT_NE(text.find("Purpose:          Simple Mail Transfer Protocol"), std::string::npos);
}

TEST(Lookup, ByNameOrAliasIgnoringCase) {
  EXPECT_EQ(lookup("SMTP").rfind("Port 25/tcp: smtp\n", 0), 0u);
  EXPECT_EQ(lookup("Mail").rfind("Port 25/tcp: smtp\n", 0), 0u);
}

TEST(Lookup, NameMatchingSeveralEntriesPrintsEachPage) {
  const std::string text = lookup("http");
  EXPECT_NE(text.find("Port 80/tcp: http\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Port 8080/tcp: http-alt\n"), std::string::npos) << text;
  const nlohmann::json json = nlohmann::json::parse(lookup("http", "json"));
  ASSERT_TRUE(json.is_array());
  ASSERT_EQ(json.size(), 2u);
  EXPECT_EQ(json[0]["port"], 80);
  EXPECT_EQ(json[1]["port"], 8080);
}

TEST(Lookup, UnlistedPortGetsAFallbackPage) {
  const nlohmann::json json = nlohmann::json::parse(lookup("40001", "json"));
  ASSERT_TRUE(json.is_object());
  EXPECT_EQ(json["port"], 40001);
  EXPECT_EQ(json["listed"], false);
  EXPECT_EQ(json["iana_range"], "user (registered) 1024-49151");
}

TEST(Lookup, PortZeroAndTheTopPortAreValid) {
  EXPECT_EQ(nlohmann::json::parse(lookup("0", "json"))["port"], 0);
  EXPECT_EQ(nlohmann::json::parse(lookup("65535", "json"))["iana_range"],
            "dynamic/private 49152-65535");
  EXPECT_EQ(nlohmann::json::parse(lookup("00025", "json"))["name"], "smtp");
}

TEST(Lookup, BadQueriesSayWhatIsWrong) {
  EXPECT_EQ(lookup_error("65536"), "port 65536 out of range: ports are 0-65535");
  EXPECT_EQ(lookup_error("99999999999999999999"),
            "port 99999999999999999999 out of range: ports are 0-65535");
  EXPECT_EQ(lookup_error("-1"), "port -1 out of range: ports are 0-65535");
  EXPECT_EQ(lookup_error(""),
            "empty query: give a port number (0-65535) or a service name, e.g. "
            "'portauth lookup 25' or 'portauth lookup smtp'");
  EXPECT_EQ(lookup_error("abc"),
            "no service or trojan named 'abc' in the port database; to search every page: "
            "portauth lookup --search 'abc'; to look up a port by number: "
            "portauth lookup PORT, with PORT a decimal 0-65535");
  EXPECT_EQ(lookup_error("25/sctp"), "unknown protocol in '25/sctp': write PORT/tcp or PORT/udp");
}

TEST(Lookup, QueryIsCheckedBeforeTheDatabaseIsRead) {
  EXPECT_EQ(lookup_error("65536", "/nonexistent/ports.yaml"),
            "port 65536 out of range: ports are 0-65535");
}

TEST(Lookup, DatabaseErrorsPassThrough) {
  const std::string bad = std::string(PORTAUTH_DB_FIXTURES) + "/unknown_key.yaml";
  EXPECT_EQ(lookup_error("25", bad), bad + ":5:5: unknown key 'purpse' (did you mean 'purpose'?)");
}

const std::string kSearchDb = std::string(PORTAUTH_DB_FIXTURES) + "/search.yaml";
const std::string kIana = std::string(PORTAUTH_DB_FIXTURES) + "/iana_services.txt";

std::string run(LookupOptions options) {
  std::ostringstream out;
  EXPECT_EQ(run_lookup(options, out), 0);
  return out.str();
}

TEST(LookupSearch, TextListsRankedHitsWithWhereTheyMatched) {
  LookupOptions options;
  options.search = "redis";
  options.db_path = kSearchDb;
  options.iana_path = kIana;
  const std::string text = run(options);
  EXPECT_EQ(text.rfind("5 ports match 'redis', best first:\n  6379/tcp     redis: Redis key-value "
                       "store  [name]\n  4000/tcp     keydb: Multithreaded fork  [alias]\n", 0),
            0u)
      << text;
}

TEST(LookupSearch, JsonHasTheDocumentedKeysAndLimit) {
  LookupOptions options;
  options.search = "netbus";
  options.format = "json";
  options.limit = 1;
  options.db_path = kSearchDb;
  options.iana_path = kIana;
  const nlohmann::json json = nlohmann::json::parse(run(options));
  EXPECT_EQ(json["query"], "netbus");
  ASSERT_EQ(json["matches"].size(), 1u);
  const nlohmann::json& hit = json["matches"][0];
  EXPECT_EQ(hit["port"], 12345);
  EXPECT_EQ(hit["last"], 12345);
  EXPECT_EQ(hit["proto"], "tcp");
  EXPECT_EQ(hit["name"], "italk");
  EXPECT_EQ(hit["source"], "portauth");
  EXPECT_EQ(hit["matched"], "trojan");
  EXPECT_TRUE(hit["score"].is_number());
  EXPECT_TRUE(hit["purpose"].is_string());
}

TEST(LookupSearch, NoMatchAndBothModesAreErrors) {
  LookupOptions options;
  options.search = "zzzz-nothing";
  options.db_path = kSearchDb;
  options.iana_path = kIana;
  std::ostringstream out;
  EXPECT_THROW(run_lookup(options, out), LookupError);
  options.query = "25";
  try {
    run_lookup(options, out);
    FAIL() << "expected an error";
  } catch (const LookupError& e) {
    EXPECT_STREQ(e.what(), "give either a QUERY or --search TEXT, not both");
  }
}

TEST(LookupTrojan, ANameThatIsNoServiceFindsTheTrojansPorts) {
  LookupOptions options;
  options.query = "net-bus classic";  // a catalog spelling of NetBus
  options.db_path = kSearchDb;
  options.format = "json";
  const nlohmann::json json = nlohmann::json::parse(run(options));
  ASSERT_EQ(json.size(), 1u);
  EXPECT_EQ(json[0]["port"], 12345);
}

TEST(LookupProto, PortSlashUdpShowsTheUdpPageAndUdpOnlyServicesAnswerAPlainPort) {
  LookupOptions options;
  options.db_path = kGoodDb;
  options.format = "json";
  options.query = "53/udp";
  EXPECT_EQ(nlohmann::json::parse(run(options))["proto"], "udp");
  options.query = "53";
  EXPECT_EQ(nlohmann::json::parse(run(options))["proto"], "tcp");
  options.db_path = kSearchDb;
  options.query = "7000";  // listed for udp only
  const nlohmann::json udp_only = nlohmann::json::parse(run(options));
  EXPECT_EQ(udp_only["proto"], "udp");
  EXPECT_EQ(udp_only["source"], "portauth");
}

TEST(LookupIana, PagesSayWhereFactsCameFromAndAMissingRegistryIsNoError) {
  LookupOptions options;
  options.db_path = kGoodDb;
  options.iana_path = kIana;
  options.format = "json";
  options.query = "2003";
  nlohmann::json page = nlohmann::json::parse(run(options));
  EXPECT_EQ(page["source"], "iana");
  EXPECT_EQ(page["name"], "brutus");
  EXPECT_NE(page["source_detail"].get<std::string>().find("iana_services.txt"), std::string::npos);
  options.query = "25";
  EXPECT_EQ(nlohmann::json::parse(run(options))["source"], "portauth");

  options.iana_path = std::string(PORTAUTH_DB_FIXTURES) + "/no-such-services";
  options.query = "2003";
  page = nlohmann::json::parse(run(options));
  EXPECT_EQ(page["name"], "unknown");
  EXPECT_NE(page["source_detail"].get<std::string>().find("libwireshark-data"), std::string::npos);
  options.format = "text";
  const std::string text = run(options);
  EXPECT_NE(text.find("cannot say whether IANA registers"), std::string::npos) << text;
}

TEST(LookupIana, DynamicRangeIsExplainedWhenUnassigned) {
  LookupOptions options;
  options.db_path = kGoodDb;
  options.iana_path = kIana;
  options.query = "60000";
  const std::string text = run(options);
  EXPECT_NE(text.find("Port 60000/tcp: unassigned"), std::string::npos) << text;
  EXPECT_NE(text.find("dynamic"), std::string::npos) << text;
  EXPECT_NE(text.find("never"), std::string::npos) << text;
}

TEST(LookupCommand, ParsesSearchAndRequiresAQueryOrSearch) {
  {
    CLI::App app;
    add_lookup_command(app);
    testing::internal::CaptureStdout();
    app.parse(std::vector<std::string>{kSearchDb, "--db", "1", "--limit", "redis", "--search", "lookup"});
    const std::string out = testing::internal::GetCapturedStdout();
    EXPECT_EQ(out.rfind("1 port matches 'redis'", 0), 0u) << out;
  }
  CLI::App app;
  add_lookup_command(app);
  EXPECT_THROW(app.parse(std::vector<std::string>{kSearchDb, "--db", "lookup"}), LookupError);
}

TEST(LookupCommand, ParsesQueryFormatAndDb) {
  CLI::App app;
  add_lookup_command(app);
  testing::internal::CaptureStdout();
  app.parse(std::vector<std::string>{kGoodDb, "--db", "json", "--format", "80", "lookup"});
  const std::string out = testing::internal::GetCapturedStdout();
  EXPECT_EQ(nlohmann::json::parse(out)["name"], "http");
}

TEST(LookupCommand, RejectsAnUnknownFormat) {
  CLI::App app;
  add_lookup_command(app);
  // Checked by run_lookup, so the message is portauth's own (issue 19.10), not CLI11's.
  try {
    app.parse(std::vector<std::string>{kGoodDb, "--db", "yaml", "--format", "80", "lookup"});
    FAIL() << "expected an error";
  } catch (const LookupError& e) {
    EXPECT_STREQ(e.what(), "unknown --format 'yaml' (expected text or json)");
  }
}

TEST(LookupCommand, NegativeNumberReachesTheCallbackAsAQuery) {
  CLI::App app;
  add_lookup_command(app);
  try {
    app.parse(std::vector<std::string>{kGoodDb, "--db", "-1", "lookup"});
    FAIL() << "expected an error";
  } catch (const LookupError& e) {
    EXPECT_STREQ(e.what(), "port -1 out of range: ports are 0-65535");
  }
}

}  // namespace
}  // namespace portauth::app
