#include "output/show_filter.h"

#include <gtest/gtest.h>

#include "output/csv_writer.h"
#include "fixtures.h"

namespace portauth::output {
namespace {

using namespace testing;

class Recorder final : public ResultWriter {
 public:
  explicit Recorder(std::vector<uint16_t>* ports) : ports_(ports) {}
  void begin(const ScanInfo&) override { ++calls; }
  void result(const probe::ScanResult& r, const Annotation&, const PortFacts&) override { ports_->push_back(r.port); }
  void flush() override { ++calls; }
  void finish(const ScanSummary&) override { ++calls; }
  int calls = 0;

 private:
  std::vector<uint16_t>* ports_;
};

std::vector<uint16_t> shown(unsigned mask) {
  std::vector<uint16_t> ports;
  ShowFilter f(std::make_unique<Recorder>(&ports), mask);
  f.begin(small_info());
  for (const auto& d : small_scan())
    if (d.r.addr == kHostA) f.result(d.r, *d.a, {});
  f.flush();
  f.finish(small_summary());
  return ports;
}

TEST(ShowFilter, PassesOnlyTheStatesAsked) {
  EXPECT_EQ(shown(1), (std::vector<uint16_t>{80, 22}));                      // open
  EXPECT_EQ(shown(2), (std::vector<uint16_t>{113, 111, 7000}));              // closed (RST and ICMP)
  EXPECT_EQ(shown(4), (std::vector<uint16_t>{23}));                          // stealth
  EXPECT_EQ(shown(7), (std::vector<uint16_t>{80, 113, 22, 111, 7000, 23}));  // all, in arrival order
}

TEST(ShowFilter, ForwardsTheRestOfTheProtocol) {
  std::vector<uint16_t> ports;
  auto rec = std::make_unique<Recorder>(&ports);
  Recorder* r = rec.get();
  ShowFilter f(std::move(rec), 1);
  f.begin(small_info());
  f.flush();
  f.finish(small_summary());
  EXPECT_EQ(r->calls, 3);
}

}  // namespace
}  // namespace portauth::output
