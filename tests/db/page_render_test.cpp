// The text page and the JSON form of a page.
#include "db/page_render.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "db/port_db.h"
#include "db/text_wrap.h"

namespace portauth::db {
namespace {

PortDb good_db() { return PortDb::load_file(std::string(PORTAUTH_DB_FIXTURES) + "/good.yaml"); }

size_t longest_line(const std::string& text) {
  std::istringstream in(text);
  size_t longest = 0;
  for (std::string line; std::getline(in, line);) longest = std::max(longest, line.size());
  return longest;
}

TEST(TextWrap, WrapsAtWordBoundariesWithHangingIndent) {
  EXPECT_EQ(wrap_paragraph("aaa bbb ccc", 7, "", "  "), "aaa bbb\n  ccc\n");
  EXPECT_EQ(wrap_paragraph("one\ntwo", 20, "> ", "> "), "> one two\n");
  EXPECT_EQ(wrap_paragraph("", 20, "X: ", "   "), "X:\n");
  // A word longer than the width stays whole on a line of its own.
  EXPECT_EQ(wrap_paragraph("see https://example.com/a/very/long/path now", 12, "", ""),
            "see\nhttps://example.com/a/very/long/path\nnow\n");
}

TEST(TextWrap, ListsBreakOnlyBetweenItems) {
  const std::vector<std::string> items = {"Back Orifice", "Baron Night", "BO client", "NetBus"};
  EXPECT_EQ(wrap_items(items, 30, "T: ", "   "),
            "T: Back Orifice, Baron Night,\n   BO client, NetBus\n");
  EXPECT_EQ(wrap_items({}, 30, "T: ", "   "), "T:\n");
}

TEST(RenderPageText, HasEverySectionLabelInPortAuthorityOrder) {
  const std::string text = render_page_text(good_db().page(25));
  const char* labels[] = {"Port 25/tcp: smtp", "Name:",
                          "Purpose:",          "Risk:",
                          "IANA Range:",       "Rank:",
                          "Description:",      "Related Ports:",
                          "Background:",       "Trojan Sightings:",
                          "References:"};
  size_t at = 0;
  for (const char* label : labels) {
    const size_t found = text.find(label, at);
    ASSERT_NE(found, std::string::npos) << label << " missing or out of order in:\n" << text;
    at = found;
  }
  EXPECT_NE(text.find("Name:             smtp (also: mail, SMTP-Relay)\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("Related Ports:    465, 587, 110, 143\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Trojan Sightings: Ajan, Antigen, Email Password Sender\n"),
            std::string::npos);
  EXPECT_NE(text.find("Risk:             medium\n"), std::string::npos);
  EXPECT_NE(text.find("  RFC 5321\n  https://www.rfc-editor.org/rfc/rfc5321\n"), std::string::npos);
  EXPECT_LE(longest_line(text), 78u) << text;
}

TEST(RenderPageText, EmptySectionsSaySoBriefly) {
  const std::string text = render_page_text(good_db().page(80));
  EXPECT_NE(text.find("Description:      none recorded\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Related Ports:    none recorded\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Background:       none recorded\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Trojan Sightings: none recorded\n"), std::string::npos) << text;
  EXPECT_NE(text.find("References:       none recorded\n"), std::string::npos) << text;
}

TEST(RenderPageText, RangedAndUnlistedPortsSayWhatTheyAre) {
  const PortDb db = good_db();
  EXPECT_EQ(render_page_text(db.page(6010)).rfind("Port 6010/tcp: x11 (listed as 6000-6063)\n", 0),
            0u);
  const std::string unlisted = render_page_text(db.page(40001));
  EXPECT_NE(unlisted.find("(not in portauth's database)"), std::string::npos);
  EXPECT_NE(unlisted.find("Purpose:          not recorded\n"), std::string::npos);
  EXPECT_NE(unlisted.find("IANA Range:       user (registered) 1024-49151\n"), std::string::npos);
  EXPECT_NE(unlisted.find("Risk:             not rated\n"), std::string::npos);
}

TEST(RenderPageText, FullPageSectionsAppearInOrderOnlyWhereWritten) {
  PortEntry entry;
  entry.first = entry.last = 25;
  entry.name = "smtp";
  entry.purpose = "Mail";
  entry.description = "What it is.";
  entry.security = "Why it matters.";
  entry.if_open = "What to do.";
  entry.history = "Where it came from.";
  entry.background = "More.";
  entry.trojans = {"Ajan"};
  entry.trojan_notes = "What Ajan did.";
  const std::string text = render_page_text(make_listed_page(25, entry));
  size_t at = 0;
  for (const char* label : {"Description:\n  What it is.", "Security Implications:\n  Why",
                            "If You Find It Open:\n  What to do.", "History:\n  Where",
                            "Related Ports:", "Background:\n  More.", "Trojan Sightings: Ajan\n",
                            "Trojan Notes:\n  What Ajan did.", "References:"}) {
    const size_t found = text.find(label, at);
    ASSERT_NE(found, std::string::npos) << label << " missing or out of order in:\n" << text;
    at = found;
  }
  const std::string plain = render_page_text(good_db().page(80));
  for (const char* label : {"Security Implications:", "If You Find It Open:", "History:",
                            "Trojan Notes:"})
    EXPECT_EQ(plain.find(label), std::string::npos) << label;
  const nlohmann::json json = page_json(make_listed_page(25, entry));
  EXPECT_EQ(json["security"], "Why it matters.");
  EXPECT_EQ(json["trojan_notes"], "What Ajan did.");
  EXPECT_EQ(page_json(page_from_json(json)), json);
}

TEST(RenderPageText, ParagraphsAreKeptApartAndWrapped) {
  const std::string text = render_page_text(good_db().page(25));
  EXPECT_NE(text.find("\n\n  Second paragraph of the description.\n"), std::string::npos) << text;
}

TEST(PageJson, HasTheDocumentedKeys) {
  const nlohmann::json json = page_json(good_db().page(25));
  EXPECT_EQ(json["port"], 25);
  EXPECT_FALSE(json.contains("port_range"));
  EXPECT_EQ(json["proto"], "tcp");
  EXPECT_EQ(json["name"], "smtp");
  EXPECT_EQ(json["aliases"], nlohmann::json({"mail", "SMTP-Relay"}));
  EXPECT_EQ(json["purpose"], "Simple Mail Transfer Protocol");
  EXPECT_EQ(json["related"], nlohmann::json({465, 587, 110, 143}));
  EXPECT_EQ(json["risk"], "medium");
  EXPECT_EQ(json["rank"], 7);
  EXPECT_EQ(json["iana_range"], "system (well-known) 0-1023");
  EXPECT_EQ(json["listed"], true);
  for (const char* key : {"description", "background", "trojans", "refs"}) {
    EXPECT_TRUE(json.contains(key)) << key;
  }
}

TEST(PageJson, RangedUnrankedAndUnratedValues) {
  const PortDb db = good_db();
  const nlohmann::json x11 = page_json(db.page(6001));
  EXPECT_EQ(x11["port"], 6001);
  EXPECT_EQ(x11["port_range"], nlohmann::json({{"first", 6000}, {"last", 6063}}));
  const nlohmann::json unlisted = page_json(db.page(40001));
  EXPECT_TRUE(unlisted["risk"].is_null());
  EXPECT_TRUE(unlisted["rank"].is_null());
  EXPECT_EQ(unlisted["listed"], false);
  EXPECT_EQ(unlisted["related"], nlohmann::json::array());
}

TEST(PageJson, RoundTripsThroughText) {
  const PortDb db = good_db();
  for (const uint16_t port : std::initializer_list<uint16_t>{25, 80, 6010, 31337, 40001, 0}) {
    const PortPage page = db.page(port);
    const std::string text = page_json(page).dump();
    const PortPage back = page_from_json(nlohmann::json::parse(text));
    EXPECT_EQ(back.port, page.port);
    EXPECT_EQ(back.listed, page.listed);
    EXPECT_EQ(back.iana_range, page.iana_range);
    EXPECT_EQ(back.entry.first, page.entry.first);
    EXPECT_EQ(back.entry.last, page.entry.last);
    EXPECT_EQ(back.entry.proto, page.entry.proto);
    EXPECT_EQ(back.entry.name, page.entry.name);
    EXPECT_EQ(back.entry.aliases, page.entry.aliases);
    EXPECT_EQ(back.entry.purpose, page.entry.purpose);
    EXPECT_EQ(back.entry.description, page.entry.description);
    EXPECT_EQ(back.entry.background, page.entry.background);
    EXPECT_EQ(back.entry.related, page.entry.related);
    EXPECT_EQ(back.entry.trojans, page.entry.trojans);
    EXPECT_EQ(back.entry.risk, page.entry.risk);
    EXPECT_EQ(back.entry.refs, page.entry.refs);
    EXPECT_EQ(back.entry.rank, page.entry.rank);
    EXPECT_EQ(page_json(back), page_json(page));
  }
}

}  // namespace
}  // namespace portauth::db
