// The router's test fixture: a Router over the real port database, a policy that admits the lab
// (198.18.0.0/15), a gate, a FakeRunner (fake_runner.h) and a clock the test moves; requests made
// by hand, replies read whole (streamed or not), the log kept.
#pragma once
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/target_spec.h"
#include "fake_runner.h"
#include "web/router.h"

namespace portauth::web::testing {

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() : policy_(config()), gate_({.max_scans = 2, .burst = 5, .period = 60}) {}

  static PolicyConfig config() {
    PolicyConfig c;
    c.allow_clients = config::parse_targets({"198.18.0.0/15"});
    return c;
  }

  Router router() {
    return Router(RouterParts{real_db(), policy_, gate_, runner_, reports_,
                              [this](std::string_view line) { log_.emplace_back(line); },
                              WebClock{[this] { return now_; }, [] { return int64_t(1767225600); }},
                              "198.18.0.1:8080"});
  }

  Request request(const char* method, const std::string& target, const char* peer = "198.18.0.2") {
    Request r;
    r.peer = addr(peer);
    r.method = method;
    r.target = target;
    r.path = target.substr(0, target.find('?'));
    if (target.find('?') != std::string::npos) parse_form(target.substr(target.find('?') + 1), r.query);
    r.headers = {{"Host", "198.18.0.1:8080"}};
    return r;
  }
  Request post_json(const std::string& target, const std::string& body) {
    Request r = request("POST", target);
    r.headers.emplace_back("Content-Type", "application/json");
    r.body = body;
    return r;
  }
  Request post_form(const std::string& target, const std::string& body) {
    Request r = request("POST", target);
    r.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    r.body = body;
    return r;
  }

  // The whole body of a reply, streamed or not.
  static std::string body_of(const Reply& r) {
    if (!r.stream) return r.body;
    struct Collect final : ChunkWriter {
      std::string text;
      std::vector<std::string> pieces;
      bool write(std::string_view d) override {
        text += d;
        pieces.emplace_back(d);
        return true;
      }
    } out;
    r.stream(out);
    return out.text;
  }

  ClientPolicy policy_;
  ScanGate gate_;
  FakeRunner runner_;
  ReportStore reports_;
  std::vector<std::string> log_;
  double now_ = 1000;
};

}  // namespace portauth::web::testing
