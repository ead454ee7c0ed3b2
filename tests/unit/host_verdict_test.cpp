// Evidence per host (verdict/host_evidence.h) and the one classifier (verdict/classify.h):
// each rule on the evidence that makes it, no verdict without evidence, and the line reports
// lead with.
#include <gtest/gtest.h>

#include "verdict/classify.h"
#include "verdict/host_evidence.h"

using namespace portauth;
using verdict::VerdictKind;

namespace {

const config::Address kHost = config::Address::v4(0xc612020a);
constexpr uint16_t kCanary = 60001;

probe::SynAckFacts linux_facts(uint16_t window = 64240) {
  probe::SynAckFacts f;
  f.window = window;
  f.mss = 1460;
  f.wscale = 7;
  f.option_count = 5;
  f.option_order = 2 | 4 << 4 | 8 << 8 | 1 << 12 | 3 << 16;
  f.flags = probe::SynAckFacts::kSackPermitted | probe::SynAckFacts::kTimestamps;
  f.ttl = 64;
  return f;
}

probe::SynAckFacts bare(uint16_t window) {
  probe::SynAckFacts f;
  f.window = window;
  f.ttl = 64;
  return f;
}

struct Host {
  verdict::EvidenceTable table{16};
  Host() { table.set_canary_ports({kCanary, 60002, 60003}); }
  void syn_ack(uint16_t port, const probe::SynAckFacts& f) {
    probe::Reply r;
    r.target_ip = kHost;
    r.target_port = port;
    r.kind = probe::ReplyKind::kSynAck;
    table.record(r, probe::Reason::kSynAck, &f);
  }
  void rst(uint16_t port) {
    probe::Reply r;
    r.target_ip = kHost;
    r.target_port = port;
    r.kind = probe::ReplyKind::kRst;
    table.record(r, probe::Reason::kRst, nullptr);
  }
  const verdict::HostEvidence& e() const { return *table.find(kHost); }
  std::optional<verdict::HostVerdict> classify(const verdict::FollowUps* f = nullptr, const verdict::BlockRecord* b = nullptr,
                                               uint64_t open = 100) const {
    verdict::ClassifyInput in;
    in.evidence = table.find(kHost);
    in.addr = kHost;
    in.follow_ups = f;
    in.block = b;
    in.open_ports = open;
    return verdict::classify(in);
  }
};

template <class T>
T ev(const verdict::HostVerdict& v, const std::string& key) {
  for (const auto& e : v.evidence)
    if (e.key == key) return std::get<T>(e.value);
  ADD_FAILURE() << "no evidence " << key;
  return T{};
}

}  // namespace

TEST(HostEvidence, KeepsCountsAndTheFirstSynAcksShape) {
  Host h;
  h.syn_ack(22, linux_facts());
  h.syn_ack(80, linux_facts(29200));
  h.syn_ack(kCanary, linux_facts());
  h.rst(60002);
  h.rst(23);
  const auto& e = h.e();
  EXPECT_EQ(e.syn_acks.load(), 3u);
  EXPECT_EQ(e.answers.load(), 5u);
  EXPECT_EQ(e.rsts, 2u);
  EXPECT_EQ(e.canary_syn_acks.load(), 1u);
  EXPECT_EQ(e.canary_others.load(), 1u);
  EXPECT_EQ(e.first_port, 22);
  EXPECT_EQ(e.shape_changes, 1u);
  EXPECT_EQ(e.window_min, 29200);
  EXPECT_EQ(e.zero_window.load(), 0u);
}

TEST(HostEvidence, AFullTableCountsWhatItCannotTrack) {
  verdict::EvidenceTable t(1);  // two slots, both usable: room for two hosts
  probe::Reply r;
  r.kind = probe::ReplyKind::kRst;
  for (uint32_t a = 1; a <= 5; ++a) {
    r.target_ip = config::Address::v4(a);
    t.record(r, probe::Reason::kRst, nullptr);
  }
  EXPECT_EQ(t.untracked(), 3u);
  EXPECT_NE(t.find(config::Address::v4(1)), nullptr);
  EXPECT_NE(t.find(config::Address::v4(2)), nullptr);
  EXPECT_EQ(t.find(config::Address::v4(3)), nullptr);
}

TEST(Classify, HonestHostsGetNoVerdict) {
  Host h;
  for (uint16_t p : {uint16_t(22), uint16_t(80), uint16_t(443)}) h.syn_ack(p, linux_facts());
  for (uint16_t p : {kCanary, uint16_t(60002), uint16_t(60003)}) h.rst(p);
  EXPECT_EQ(verdict::suspicion(h.e(), 3), verdict::Suspicion::kClear);
  EXPECT_FALSE(verdict::plan_follow_ups(h.e()).any());
  EXPECT_FALSE(h.classify());
  // One canary answering SYN-ACK out of three is a real listener there, not a liar.
  Host one;
  one.syn_ack(kCanary, linux_facts());
  one.rst(60002);
  one.rst(60003);
  EXPECT_FALSE(one.classify());
}

TEST(Classify, TinyBareSynAcksAreATarpit) {
  Host h;
  for (uint16_t p = 1; p <= 20; ++p) h.syn_ack(p, bare(10));
  h.syn_ack(kCanary, bare(10));
  EXPECT_EQ(verdict::suspicion(h.e(), 3), verdict::Suspicion::kSuspect);
  EXPECT_FALSE(verdict::plan_follow_ups(h.e()).any());  // the SYN-ACKs say it all
  const auto v = h.classify(nullptr, nullptr, 20);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->kind, VerdictKind::kTarpit);
  EXPECT_EQ(ev<int64_t>(*v, "window"), 10);
  EXPECT_EQ(verdict::verdict_line(*v), "answers on every port: tarpit (window 10, no TCP options); its 20 open ports "
                                       "hold connections, serving nothing");
  // One real SYN-ACK among them: not every SYN-ACK is bare, no tarpit.
  h.syn_ack(9999, linux_facts());
  EXPECT_FALSE(h.classify());
}

TEST(Classify, WindowZeroAndSynCookiesAreASynProxy) {
  Host h;
  for (uint16_t p = 1; p <= 50; ++p) h.syn_ack(p, linux_facts(0));
  const auto plan = verdict::plan_follow_ups(h.e());
  EXPECT_TRUE(plan.cookie);
  EXPECT_TRUE(plan.connect);
  EXPECT_FALSE(h.classify());  // window 0 alone proves nothing
  verdict::FollowUps f;
  f.cookie_pairs = f.cookie_answered = f.cookie_moved_by_delta = 2;
  f.connects = {{22, verdict::ConnectOutcome::kReached}, {23, verdict::ConnectOutcome::kResetAfterHandshake},
                {80, verdict::ConnectOutcome::kReached}};
  const auto v = h.classify(&f, nullptr, 50);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->kind, VerdictKind::kSynProxy);
  EXPECT_EQ(v->service_ports, (std::vector<uint16_t>{22, 80}));
  EXPECT_EQ(verdict::verdict_line(*v),
            "answers on every port: SYN proxy (window 0, SYN cookies); 2 ports reach a service: 22 80");
  // The -sV hook: identified services are the service ports.
  const std::vector<verdict::ServiceSeen> seen = {{22, "ssh", "", "", false}, {80, "", "", "", false}, {443, "https", "", "", false}};
  verdict::ClassifyInput in;
  in.evidence = &h.e();
  in.addr = kHost;
  in.follow_ups = &f;
  in.services_ran = true;
  in.services = seen;
  const auto with_sv = verdict::classify(in);
  ASSERT_TRUE(with_sv);
  EXPECT_EQ(with_sv->service_ports, (std::vector<uint16_t>{22, 443}));
  EXPECT_TRUE(with_sv->services_identified);
  EXPECT_EQ(verdict::unverified_note(*with_sv),
            "-sV identified only the ports that reach a service; the other open ports are the host answering, not "
            "services, and were not tried");
}

TEST(Classify, AWindowThatStaysZeroWithoutCookiesIsATarpit) {
  Host h;
  for (uint16_t p = 1; p <= 5; ++p) h.syn_ack(p, bare(0));
  verdict::FollowUps f;
  f.cookie_pairs = f.cookie_answered = 2;
  f.connects = {{1, verdict::ConnectOutcome::kHeldZeroWindow}, {2, verdict::ConnectOutcome::kHeldZeroWindow}};
  const auto v = h.classify(&f);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->kind, VerdictKind::kTarpit);
  EXPECT_TRUE(ev<bool>(*v, "window_stays_zero"));
}

TEST(Classify, OpenCanariesWithoutCookiesAreAnswersAll) {
  Host h;
  for (uint16_t p : {uint16_t(22), uint16_t(80)}) h.syn_ack(p, linux_facts());
  for (uint16_t p : {kCanary, uint16_t(60002), uint16_t(60003)}) h.syn_ack(p, linux_facts());
  EXPECT_EQ(verdict::suspicion(h.e(), 3), verdict::Suspicion::kSuspect);
  EXPECT_EQ(verdict::plan_follow_ups(h.e()).more_canaries, 8u);
  verdict::FollowUps f;
  f.cookie_pairs = f.cookie_answered = 2;
  f.canary_syn_acks = 8;
  const auto v = h.classify(&f, nullptr, 2);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->kind, VerdictKind::kAnswersAll);
  EXPECT_EQ(ev<int64_t>(*v, "canaries_open"), 11);
  EXPECT_FALSE(ev<bool>(*v, "syn_cookies"));
  EXPECT_EQ(verdict::unverified_note(*v),
            "Without -sV, the open ports of this host are unverified: a SYN-ACK here says the host answers, not that a "
            "service listens");
  // With -sV (service/service_stage.h): no connect check ran, so no port was tried.
  verdict::HostVerdict with_sv = *v;
  with_sv.services_identified = true;
  EXPECT_EQ(verdict::unverified_note(with_sv),
            "-sV tried none of its open ports: on a host that answers on every port, an open port is not a service");
  // A follow-up canary that answers RST: not everywhere after all.
  f.canary_others = 1;
  EXPECT_FALSE(h.classify(&f));
  // Cookies behind open canaries: a SYN proxy with an open window.
  verdict::FollowUps c;
  c.cookie_pairs = c.cookie_answered = c.cookie_moved_by_delta = 1;
  c.canary_syn_acks = 8;
  EXPECT_EQ(h.classify(&c)->kind, VerdictKind::kSynProxy);
}

// The -sV hook on answers-all (verdict/same_service.h): the canaries and a sample of the ports.
struct AnswersAll {
  Host h;
  verdict::FollowUps f;
  AnswersAll() {
    for (uint16_t p : {uint16_t(22), uint16_t(80)}) h.syn_ack(p, linux_facts());
    for (uint16_t p : {kCanary, uint16_t(60002), uint16_t(60003)}) h.syn_ack(p, linux_facts());
    f.cookie_pairs = f.cookie_answered = 2;
    f.canaries = {61000, 62000};
    f.canary_syn_acks = 2;
    f.canaries_open = {61000, 62000};
  }
  std::optional<verdict::HostVerdict> classify(std::span<const verdict::ServiceSeen> seen) const {
    const std::vector<uint16_t> scan_canaries = {60003, kCanary, 60002};
    verdict::ClassifyInput in;
    in.evidence = &h.e();
    in.addr = kHost;
    in.follow_ups = &f;
    in.open_ports = 2;
    in.canary_syn_acks = scan_canaries;
    in.services_ran = !seen.empty();
    in.services = seen;
    return verdict::classify(in);
  }
};

const std::string kSsh = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n";

TEST(ClassifyServices, TheSameServiceBehindCanariesAndPortsIsSaid) {
  AnswersAll a;
  const auto plain = a.classify({});
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->canary_ports, (std::vector<uint16_t>{kCanary, 60002, 60003, 61000, 62000}));
  EXPECT_FALSE(plain->services_identified);
  const std::vector<verdict::ServiceSeen> seen = {
      {kCanary, "ssh", "OpenSSH 9.2p1 Debian 2+deb12u3", kSsh, true},
      {61000, "ssh", "OpenSSH 9.2p1 Debian 2+deb12u3", kSsh, true},
      {22, "ssh", "OpenSSH 9.2p1 Debian 2+deb12u3", kSsh, false},
      {80, "ssh", "OpenSSH 9.2p1 Debian 2+deb12u3", kSsh, false},
      {443, "", "", "", false},  // silent this once: no answer, no difference
  };
  const auto v = a.classify(seen);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->kind, VerdictKind::kAnswersAll);
  EXPECT_TRUE(v->services_identified);
  EXPECT_EQ(ev<std::string>(*v, "same_service"), "ssh OpenSSH 9.2p1 Debian 2+deb12u3");
  EXPECT_EQ(ev<int64_t>(*v, "services_compared"), 4);
  EXPECT_EQ(ev<std::vector<uint16_t>>(*v, "service_canaries_tried"), (std::vector<uint16_t>{kCanary, 61000}));
  EXPECT_EQ(ev<std::vector<uint16_t>>(*v, "service_ports_sampled"), (std::vector<uint16_t>{22, 80, 443}));
  EXPECT_NE(verdict::verdict_line(*v).find("ssh OpenSSH 9.2p1 Debian 2+deb12u3 behind canaries and ports)"),
            std::string::npos)
      << verdict::verdict_line(*v);
  EXPECT_EQ(verdict::unverified_note(*v),
            "-sV tried 2 canary ports and 3 of its open ports, to compare what answers behind them; the other open "
            "ports are the host answering, not services, and were not tried");
  // Unnamed, but the same bytes everywhere: the same service too, quoted.
  const std::vector<verdict::ServiceSeen> bytes = {
      {kCanary, "", "", "\x01hello from the one listener\r\nmore", true},
      {22, "", "", "\x01hello from the one listener\r\nmore", false},
      {80, "", "", "\x01hello from the one listener\r\nmore", false}};
  EXPECT_EQ(ev<std::string>(*a.classify(bytes), "same_service"), "banner \".hello from the one listener\"");
  // A product with a byte no terminal should get is shown printable.
  const std::vector<verdict::ServiceSeen> odd = {
      {kCanary, "ftp", "evil\x1b[2Jftpd", "220 x\r\n", true}, {22, "ftp", "evil\x1b[2Jftpd", "220 y\r\n", false},
      {80, "ftp", "evil\x1b[2Jftpd", "220 z\r\n", false}};
  EXPECT_EQ(ev<std::string>(*a.classify(odd), "same_service"), "ftp evil?[2Jftpd");
}

TEST(ClassifyServices, DifferentBannersOnEveryPortAreSaidAndTheVerdictStays) {
  AnswersAll a;
  const std::vector<verdict::ServiceSeen> spoofed = {
      {kCanary, "ftp", "vsftpd 2.0.8", "220 (vsFTPd 2.0.8)\r\n", true},
      {22, "ssh", "OpenSSH 5.1", "SSH-2.0-OpenSSH_5.1\r\n", false},
      {80, "", "", "\x13\x37garbage", false},
      {443, "", "", "\x42other garbage", false}};
  const auto v = a.classify(spoofed);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->kind, VerdictKind::kAnswersAll);
  EXPECT_EQ(ev<int64_t>(*v, "services_differ"), 4);
  EXPECT_NE(verdict::verdict_line(*v).find("different banners on every port tried (4): a port spoofer?"),
            std::string::npos)
      << verdict::verdict_line(*v);
  for (const auto& e : v->evidence) EXPECT_NE(e.key, "same_service");
  // Two services among four answers: not every port differs.
  const std::vector<verdict::ServiceSeen> two = {
      {kCanary, "ssh", "OpenSSH 9.2p1", kSsh, true}, {22, "ssh", "OpenSSH 9.2p1", kSsh, false},
      {80, "http", "nginx 1.22.1", "HTTP/1.1 200 OK\r\n", false}, {443, "ssh", "OpenSSH 9.2p1", kSsh, false}};
  const auto w = a.classify(two);
  EXPECT_EQ(ev<int64_t>(*w, "services_differ"), 2);
  EXPECT_NE(verdict::verdict_line(*w).find("2 different services on the 4 ports tried"), std::string::npos);
}

TEST(ClassifyServices, TooFewAnswersSayNothing) {
  AnswersAll a;
  auto compared = [](const verdict::HostVerdict& v) {
    for (const auto& e : v.evidence)
      if (e.key == "same_service" || e.key == "services_differ" || e.key == "services_compared") return true;
    return false;
  };
  // Two answers: fewer than kMinServiceAnswers.
  const std::vector<verdict::ServiceSeen> two = {{kCanary, "ssh", "OpenSSH", kSsh, true}, {22, "ssh", "OpenSSH", kSsh, false}};
  // Three, but none on a canary: nothing says the canaries hide the same service.
  const std::vector<verdict::ServiceSeen> no_canary = {
      {22, "ssh", "OpenSSH", kSsh, false}, {80, "ssh", "OpenSSH", kSsh, false}, {443, "ssh", "OpenSSH", kSsh, false},
      {kCanary, "", "", "", true}};
  // Three, all canaries: no port of the scan answered.
  const std::vector<verdict::ServiceSeen> only_canaries = {
      {kCanary, "ssh", "OpenSSH", kSsh, true}, {61000, "ssh", "OpenSSH", kSsh, true}, {62000, "ssh", "OpenSSH", kSsh, true}};
  // Every port silent (a listener that says nothing).
  const std::vector<verdict::ServiceSeen> silent = {
      {kCanary, "", "", "", true}, {61000, "", "", "", true}, {22, "", "", "", false}, {80, "", "", "", false}};
  for (const auto* seen : {&two, &no_canary, &only_canaries, &silent}) {
    const auto v = a.classify(*seen);
    ASSERT_TRUE(v);
    EXPECT_EQ(v->kind, VerdictKind::kAnswersAll);
    EXPECT_TRUE(v->services_identified);
    EXPECT_FALSE(compared(*v)) << verdict::verdict_line(*v);
  }
  // Another kind of verdict is left alone.
  verdict::HostVerdict proxy;
  proxy.kind = VerdictKind::kSynProxy;
  proxy.evidence.push_back({"window", int64_t(0), "window 0"});
  verdict::add_service_evidence(proxy, two);
  EXPECT_EQ(proxy.evidence.size(), 1u);
  EXPECT_FALSE(proxy.services_identified);
}

TEST(Classify, ASilenceAfterABurstIsARateBlock) {
  Host h;
  for (uint16_t p = 1; p <= 50; ++p) h.rst(p);
  verdict::BlockRecord b;
  b.silences = 1;
  b.silent_seconds = 15.1;
  b.answered_again = true;
  b.tolerated_pps = 270;
  b.probes_resent = 700;
  b.cost_seconds = 50;
  const auto v = h.classify(nullptr, &b);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->kind, VerdictKind::kRateBlock);
  EXPECT_FALSE(v->collapses_open_ports());
  EXPECT_EQ(v->cost_seconds, 50);
  EXPECT_EQ(verdict::verdict_line(*v),
            "blocked the scan after a burst (1 silence, 15.1 s, tolerates ~270 SYN/s, 700 probes re-sent)");
  EXPECT_FALSE(h.classify());  // no record, no verdict
}
