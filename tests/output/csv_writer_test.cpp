#include "output/csv_writer.h"

#include <gtest/gtest.h>

#include "fixtures.h"

namespace portauth::output {
namespace {

using namespace testing;

TEST(CsvWriter, HeaderThenOneRowPerResultAsTheyArrive) {
  const auto rs = small_scan();
  const std::string out = run_writer<CsvWriter>(small_info(), {rs[0], rs[2], rs[4], rs[10]}, small_summary());
  EXPECT_EQ(out,
            "ip,port,proto,state,reason,ttl,service,purpose,risk,host_verdict\n"
            "198.18.0.2,80,tcp,open,syn-ack,64,http,Hypertext Transfer Protocol,low,\n"
            "198.18.0.2,113,tcp,closed,rst,64,ident,Identification Protocol,low,\n"
            "198.18.0.2,111,tcp,closed,icmp-port-unreach,64,rpcbind,\"ONC RPC port mapper, with, commas\",high,\n"
            "198.18.0.2,23,tcp,stealth,no-response,,telnet,Telnet,high,\n");
}

TEST(CsvWriter, UnknownPortsHaveEmptyFields) {
  const Annotation none;
  EXPECT_EQ(csv_row({kHostB, 40001, probe::Reason::kSynAck, 63}, none), "198.18.0.3,40001,tcp,open,syn-ack,63,,,,");
}

// A host with a verdict (PortFacts::host_verdict): its rows end with the verdict's name, beside the
// port's own fields.
TEST(CsvWriter, RowsOfAFlaggedHostCarryItsVerdict) {
  const auto rs = small_scan();
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  CsvWriter w(f);
  w.begin(small_info());
  auto v = std::make_shared<verdict::HostVerdict>();
  v->addr = rs[0].r.addr;
  v->kind = verdict::VerdictKind::kSynProxy;
  v->evidence.push_back({"window", int64_t(0), "window 0"});
  w.host_verdict(*v);
  PortFacts facts;
  facts.host_verdict = v;
  w.result(rs[0].r, *rs[0].a, facts);
  w.result({kHostB, 40001, probe::Reason::kSynAck, 63}, Annotation{}, {});
  w.finish(small_summary());
  std::rewind(f);
  char buf[512] = {};
  const size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  EXPECT_EQ(std::string(buf, n),
            "ip,port,proto,state,reason,ttl,service,purpose,risk,host_verdict\n"
            "198.18.0.2,80,tcp,open,syn-ack,64,http,Hypertext Transfer Protocol,low,syn-proxy\n"
            "198.18.0.3,40001,tcp,open,syn-ack,63,,,,\n");
  std::fclose(f);
}

TEST(CsvWriter, QuotesPerRfc4180) {
  EXPECT_EQ(csv_field("plain"), "plain");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
}

// A real file: rows go out whole with write(2), on flush() and at the end.
TEST(CsvWriter, WritesWholeRowsToAFile) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  auto size = [&] { return std::fseek(f, 0, SEEK_END) == 0 ? std::ftell(f) : -1L; };
  const auto rs = small_scan();
  CsvWriter w(f);
  w.begin(small_info());
  w.result(rs[0].r, *rs[0].a, {});
  EXPECT_EQ(size(), 0L);  // held until the next flush
  w.flush();
  const std::string first = "ip,port,proto,state,reason,ttl,service,purpose,risk,host_verdict\n"
                            "198.18.0.2,80,tcp,open,syn-ack,64,http,Hypertext Transfer Protocol,low,\n";
  EXPECT_EQ(size(), long(first.size()));
  w.result(rs[2].r, *rs[2].a, {});
  w.finish(small_summary());
  std::string text(size_t(size()), '\0');
  std::rewind(f);
  ASSERT_EQ(std::fread(text.data(), 1, text.size(), f), text.size());
  EXPECT_EQ(text, first + "198.18.0.2,113,tcp,closed,rst,64,ident,Identification Protocol,low,\n");
  std::fclose(f);
}

TEST(CsvWriter, EmptyScanStillHasItsHeader) {
  EXPECT_EQ(run_writer<CsvWriter>(small_info(), {}, small_summary()),
            "ip,port,proto,state,reason,ttl,service,purpose,risk,host_verdict\n");
}

}  // namespace
}  // namespace portauth::output
