// The HTTP server on real loopback sockets (no root): every limit of web/http_limits.h, the
// security headers on every reply (the library's own errors included), keep-alive, and a
// streamed reply whose first piece leaves before the scan is over.
#include "web/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "config/target_spec.h"
#include "fake_runner.h"

namespace portauth::web {
namespace {

using Clock = std::chrono::steady_clock;
using testing::FakeRunner;
using testing::real_db;

class Client {
 public:
  explicit Client(uint16_t port, const char* from = "127.0.0.1", int rcvbuf = 0) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    if (rcvbuf) setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    sockaddr_in me{};
    me.sin_family = AF_INET;
    inet_pton(AF_INET, from, &me.sin_addr);
    bind(fd_, reinterpret_cast<sockaddr*>(&me), sizeof me);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  }
  ~Client() { close(fd_); }
  bool connected() const { return connected_; }
  bool send_text(const std::string& s) { return ::send(fd_, s.data(), s.size(), MSG_NOSIGNAL) == ssize_t(s.size()); }
  // Reads until `until` appears, the peer closes, or `seconds` pass.
  std::string read(const std::string& until = "", double seconds = 3) {
    const auto end = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    char buf[65536];
    while (Clock::now() < end && (until.empty() || got_.find(until) == std::string::npos)) {
      pollfd p{fd_, POLLIN, 0};
      const int ms = int(std::chrono::duration<double, std::milli>(end - Clock::now()).count()) + 1;
      if (poll(&p, 1, ms) <= 0) break;
      const ssize_t n = recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        closed_ = true;
        break;
      }
      got_.append(buf, size_t(n));
    }
    return got_;
  }
  bool closed() {
    read("", 0.5);
    return closed_;
  }
  void clear() { got_.clear(); }

 private:
  int fd_;
  bool connected_ = false;
  bool closed_ = false;
  std::string got_;
};

class HttpServerTest : public ::testing::Test {
 protected:
  void start(HttpLimits limits = {}, std::function<bool(const config::Address&)> may_connect = nullptr) {
    PolicyConfig pc;
    pc.allow_clients = config::parse_targets({"127.0.0.0/8"});
    policy_ = std::make_unique<ClientPolicy>(pc);
    router_ = std::make_unique<Router>(RouterParts{real_db(), *policy_, gate_, runner_, reports_, nullptr, system_clock(), "test"});
    if (!may_connect) may_connect = [this](const config::Address& a) { return policy_->may_connect(a); };
    server_ = std::make_unique<HttpServer>(*router_, limits, may_connect, /*loops=*/2);  // more than one, whatever the machine
    server_->listen("127.0.0.1", 0);
    thread_ = std::thread([this] { server_->run(); });
  }
  void TearDown() override {
    if (server_) server_->stop();
    if (thread_.joinable()) thread_.join();
  }
  uint16_t port() const { return server_->port(); }
  static std::string get(const std::string& path, const std::string& extra = "") {
    return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra + "\r\n";
  }

  FakeRunner runner_;
  ScanGate gate_{GateConfig{}};
  ReportStore reports_;
  std::unique_ptr<ClientPolicy> policy_;
  std::unique_ptr<Router> router_;
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
};

TEST_F(HttpServerTest, ServesPagesWithTheSecurityHeaders) {
  start();
  Client c(port());
  ASSERT_TRUE(c.connected());
  c.send_text(get("/port/22"));
  const std::string reply = c.read("</html>");
  EXPECT_EQ(reply.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << reply.substr(0, 200);
  for (const char* h : {"Content-Security-Policy: default-src 'none'", "frame-ancestors 'none'",
                        "X-Content-Type-Options: nosniff", "X-Frame-Options: DENY", "Cache-Control: no-store"})
    EXPECT_NE(reply.find(h), std::string::npos) << h;
  EXPECT_NE(reply.find("Port 22/tcp"), std::string::npos);
}

TEST_F(HttpServerTest, KeepsConnectionsAliveAndTheClientIsThePeer) {
  start();
  Client c(port(), "127.0.0.9");
  for (int i = 0; i < 3; ++i) {
    c.clear();
    c.send_text(get("/"));
    const std::string reply = c.read("</html>");
    EXPECT_NE(reply.find("id=\"client-address\">127.0.0.9</b>"), std::string::npos) << i;
  }
  // A client's own REMOTE_ADDR (the library's name for the peer) is refused, never believed.
  c.clear();
  c.send_text(get("/", "REMOTE_ADDR: 127.0.0.7\r\n"));
  EXPECT_EQ(c.read("\r\n\r\n").rfind("HTTP/1.1 400", 0), 0u);
}

TEST_F(HttpServerTest, LibraryErrorsCarryTheHeadersAndClose) {
  start();
  Client c(port());
  c.send_text("GARBAGE\r\n\r\n");
  const std::string reply = c.read("\r\n\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 400", 0), 0u) << reply;
  EXPECT_NE(reply.find("X-Content-Type-Options: nosniff"), std::string::npos);
  EXPECT_TRUE(c.closed());
}

TEST_F(HttpServerTest, TooManyHeaderLinesAre431) {
  start();
  Client c(port());
  std::string many;
  for (int i = 0; i < 70; ++i) many += "X-Filler-" + std::to_string(i) + ": x\r\n";
  c.send_text(get("/", many));
  EXPECT_EQ(c.read("\r\n\r\n").rfind("HTTP/1.1 431", 0), 0u);
  EXPECT_TRUE(c.closed());
}

TEST_F(HttpServerTest, AHugeHeadIs431AndALongTargetIs414) {
  start();
  Client a(port());
  a.send_text(get("/", "X-Big: " + std::string(9000, 'a') + "\r\n"));
  EXPECT_EQ(a.read("\r\n\r\n").rfind("HTTP/1.1 431", 0), 0u);
  Client b(port());
  b.send_text(get("/search?q=" + std::string(3000, 'a')));
  EXPECT_EQ(b.read("\r\n\r\n").rfind("HTTP/1.1 414", 0), 0u);
}

TEST_F(HttpServerTest, BigBodiesAre413BeforeTheyAreRead) {
  start();
  Client c(port());
  // 10 MB announced: refused at once, without reading it.
  c.send_text("POST /api/scan HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
              "Content-Length: 10485760\r\n\r\n" + std::string(65536, '{'));
  EXPECT_EQ(c.read("\r\n\r\n").rfind("HTTP/1.1 413", 0), 0u);
  Client e(port());
  e.send_text("POST /api/scan HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
              "Content-Length: 10485760\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_EQ(e.read("\r\n\r\n").rfind("HTTP/1.1 413", 0), 0u);
  // Chunked: not taken at all (the library would read it without any limit).
  Client k(port());
  std::string chunks = "POST /api/scan HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                       "Transfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 8; ++i) chunks += "400\r\n" + std::string(1024, ' ') + "\r\n";
  k.send_text(chunks);
  EXPECT_EQ(k.read("\r\n\r\n").rfind("HTTP/1.1 411", 0), 0u);
  // Framed two ways: refused (request smuggling).
  Client two(port());
  two.send_text("POST /api/scan HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}");
  EXPECT_EQ(two.read("\r\n\r\n").rfind("HTTP/1.1 400", 0), 0u);
  EXPECT_TRUE(runner_.targets().empty());
}

TEST_F(HttpServerTest, ASlowClientIsCutOff) {
  HttpLimits limits;
  limits.request_seconds = 0.4;
  start(limits);
  Client c(port());
  const auto t0 = Clock::now();
  // One byte at a time, steadily: each read is quick, the request never ends in time.
  const std::string req = get("/", "X-Slow: " + std::string(200, 'a') + "\r\n");
  std::string reply;
  for (char ch : req) {
    if (!c.send_text(std::string(1, ch))) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    reply = c.read("", 0.001);
    if (!reply.empty()) break;
  }
  reply = c.read("\r\n\r\n", 1);
  EXPECT_EQ(reply.rfind("HTTP/1.1 408", 0), 0u) << reply;
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - t0).count(), 1.5);
}

TEST_F(HttpServerTest, IdleConnectionsAreClosed) {
  HttpLimits limits;
  limits.idle_seconds = 0.3;
  start(limits);
  Client c(port());
  const auto t0 = Clock::now();
  c.read("", 2);
  EXPECT_TRUE(c.closed());
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - t0).count(), 1.5);
  EXPECT_EQ(server_->connections(), 0u);
}

TEST_F(HttpServerTest, AClientThatDoesNotReadIsDropped) {
  HttpLimits limits;
  limits.write_seconds = 0.3;
  start(limits);
  Client c(port(), "127.0.0.1", 4096);
  // Pipelined requests for big pages, and nothing read: the replies fill the sockets, then wait in
  // the server, which stops reading that client, waits write_seconds for progress and drops it.
  std::string many;
  for (int i = 0; i < 3000; ++i) many += get("/port/" + std::to_string(80 + i % 3));
  std::thread sender([&] { c.send_text(many); });
  while (server_->connections() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(server_->connections(), 1u) << "dropped before its replies backed up";
  const auto t0 = Clock::now();
  while (server_->connections() > 0 && Clock::now() - t0 < std::chrono::seconds(5))
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(server_->connections(), 0u);
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - t0).count(), 3.0);
  sender.join();  // the send fails once the server has dropped the connection
}

TEST_F(HttpServerTest, ConnectionsPerClientAreLimited) {
  HttpLimits limits;
  limits.max_client_connections = 2;
  start(limits);
  Client a(port()), b(port());
  a.send_text(get("/"));
  b.send_text(get("/"));
  a.read("</html>");
  b.read("</html>");
  Client third(port());
  third.send_text(get("/"));
  const std::string reply = third.read("\r\n\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 429", 0), 0u) << reply;
  EXPECT_NE(reply.find("Retry-After: 1"), std::string::npos);
  Client other(port(), "127.0.0.2");  // another address is not held up
  other.send_text(get("/"));
  EXPECT_EQ(other.read("\r\n\r\n").rfind("HTTP/1.1 200", 0), 0u);
}

TEST_F(HttpServerTest, PeersThatMayNotConnectGet403) {
  start({}, [](const config::Address& a) { return a != *config::parse_address("127.0.0.3"); });
  Client c(port(), "127.0.0.3");
  c.send_text(get("/"));
  EXPECT_EQ(c.read("\r\n\r\n").rfind("HTTP/1.1 403", 0), 0u);
}

TEST_F(HttpServerTest, StreamsLeaveAsTheyAreWritten) {
  runner_.delay = std::chrono::milliseconds(1500);
  start();
  Client c(port());
  const std::string body = R"({"ports": "22,80"})";
  c.send_text("POST /api/scan/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
              "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  const auto t0 = Clock::now();
  const std::string first = c.read("event: begin");
  EXPECT_NE(first.find("Transfer-Encoding: chunked"), std::string::npos);
  EXPECT_NE(first.find("event: begin"), std::string::npos);
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - t0).count(), 1.0) << "the begin event waited for the scan";
  const std::string all = c.read("event: done", 5);
  EXPECT_NE(all.find("event: port\ndata: {\"port\":22,"), std::string::npos);
  EXPECT_NE(all.find("event: done"), std::string::npos);
  EXPECT_EQ(runner_.targets(), std::vector<config::Address>{*config::parse_address("127.0.0.1")});
}

TEST_F(HttpServerTest, ContinueIsSentWhenTheBodyIsDue) {
  start();
  Client c(port());
  const std::string body = R"({"ports": "22"})";
  c.send_text("POST /api/scan HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
              "Expect: 100-continue\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n");
  EXPECT_EQ(c.read("\r\n\r\n"), "HTTP/1.1 100 Continue\r\n\r\n");
  c.send_text(body);
  const std::string reply = c.read("}\n", 3);
  EXPECT_NE(reply.find("HTTP/1.1 200 OK"), std::string::npos) << reply;
  EXPECT_EQ(reply.find("100 Continue", 30), std::string::npos) << "one 100 only";
}

TEST_F(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  start();
  Client c(port());
  c.send_text(get("/port/21") + get("/port/22") + get("/port/23"));
  const std::string all = c.read("Port 23/tcp");
  const size_t a = all.find("Port 21/tcp"), b = all.find("Port 22/tcp"), d = all.find("Port 23/tcp");
  EXPECT_LT(a, b);
  EXPECT_LT(b, d);
  EXPECT_NE(d, std::string::npos);
}

TEST_F(HttpServerTest, StopEndsRun) {
  start();
  Client c(port());  // idle, open: stop() must not wait for it
  server_->stop();
  thread_.join();
  EXPECT_TRUE(c.closed());
}

}  // namespace
}  // namespace portauth::web
