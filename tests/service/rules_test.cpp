// Recog's idea: every rule carries example answers and what it must conclude from them; this
// test runs every rule of every registered identifier on its own examples, and checks that
// across all families the example is still claimed by that rule (no other family's rule takes
// it with more confidence).
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "service/registry.h"
#include "service/service_info.h"

namespace portauth::service {
namespace {

TEST(Rules, EveryFamilyIsRegisteredOnceAndFindable) {
  std::set<std::string_view> families;
  for (const Identifier* id : identifiers()) {
    EXPECT_TRUE(families.insert(id->family()).second) << id->family();
    EXPECT_EQ(find_identifier(id->family()), id);
    EXPECT_FALSE(id->rules().empty()) << id->family();
    // A client-first family needs a probe to be asked with (the TLS record matcher is the
    // exception: the handshake is its probe).
    if (!id->speaks_first() && id->family() != "ssl") {
      ProbeContext c{"198.18.0.2", 8080, 7};
      EXPECT_FALSE(id->probe(c).empty()) << id->family();
    }
  }
  // The floor: every one of these protocols has an identifier.
  for (const char* f : {"ssh", "ftp", "smtp", "pop3", "imap", "http", "ssl", "telnet", "mysql", "postgresql", "redis",
                        "memcached", "mongodb", "mqtt", "amqp", "ldap", "rdp", "vnc", "smb", "dns", "xmpp", "irc",
                        "rsync", "sip", "nntp"})
    EXPECT_NE(find_identifier(f), nullptr) << f;
}

TEST(Rules, EveryRuleHasAnIdAndExamples) {
  std::set<std::string_view> ids;
  for (const Identifier* id : identifiers())
    for (const Rule& r : id->rules()) {
      EXPECT_TRUE(ids.insert(r.id).second) << "rule id twice: " << r.id;
      EXPECT_NE(r.id.find('.'), std::string_view::npos) << r.id;
      EXPECT_FALSE(r.name.empty()) << r.id;
      EXPECT_FALSE(r.examples.empty()) << r.id << " has no example";
      for (const Example& e : r.examples) EXPECT_FALSE(e.source.empty()) << r.id << ": say where an example comes from";
    }
}

TEST(Rules, EveryExampleIsRecognisedByItsRule) {
  size_t checked = 0;
  for (const Identifier* id : identifiers())
    for (const Rule& r : id->rules())
      for (const Example& e : r.examples) {
        SCOPED_TRACE(std::string(r.id) + " on \"" + escape_banner(e.bytes, 80) + "\" (" + std::string(e.source) + ")");
        const auto m = id->match(e.bytes);
        ASSERT_TRUE(m.has_value());
        EXPECT_EQ(m->rule, r.id);
        EXPECT_EQ(m->name, r.name);
        EXPECT_EQ(m->product, e.product);
        EXPECT_EQ(m->version, e.version);
        EXPECT_EQ(m->extrainfo, e.extrainfo);
        // Across every family, this rule still wins.
        const auto any = match_any(e.bytes);
        ASSERT_TRUE(any.has_value());
        EXPECT_EQ(any->by, id);
        EXPECT_EQ(any->id.rule, r.id);
        ++checked;
      }
  EXPECT_GE(checked, 60u);
}

TEST(Rules, NothingMatchesNothing) {
  for (const Identifier* id : identifiers()) {
    EXPECT_FALSE(id->match("").has_value()) << id->family();
    EXPECT_FALSE(id->match(std::string(64, '\0')).has_value()) << id->family();
    EXPECT_FALSE(id->match("hello world\r\n").has_value()) << id->family();
  }
}

}  // namespace
}  // namespace portauth::service
