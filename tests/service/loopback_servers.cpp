#include "loopback_servers.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

namespace portauth::service::testing {

namespace {

SSL_CTX* server_context() {
  static SSL_CTX* ctx = [] {
    SSL_CTX* c = SSL_CTX_new(TLS_server_method());
    EVP_PKEY* key = EVP_EC_gen("P-256");
    X509* cert = X509_new();
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert), 86400);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("loopback.test"), -1, -1, 0);
    X509_set_issuer_name(cert, name);
    X509_sign(cert, key, EVP_sha256());
    SSL_CTX_use_certificate(c, cert);
    SSL_CTX_use_PrivateKey(c, key);
    return c;
  }();
  return ctx;
}

}  // namespace

struct LoopbackServers::Impl {
  struct Listener {
    int fd;
    Behaviour b;
    std::string text;
  };
  struct Conn {
    int fd;
    const Listener* l;
    SSL* ssl = nullptr;
    bool answered = false;
  };
  std::vector<std::unique_ptr<Listener>> listeners;
  std::vector<Conn> conns;
  std::thread thread;
  std::atomic<bool> stop{false};
  int wake[2] = {-1, -1};
};

LoopbackServers::LoopbackServers() : impl_(std::make_unique<Impl>()) {
  if (pipe(impl_->wake) != 0) throw std::runtime_error("pipe");
}

LoopbackServers::~LoopbackServers() {
  impl_->stop = true;
  [[maybe_unused]] auto n = write(impl_->wake[1], "x", 1);
  if (impl_->thread.joinable()) impl_->thread.join();
  for (auto& c : impl_->conns) {
    if (c.ssl) SSL_free(c.ssl);
    close(c.fd);
  }
  for (auto& l : impl_->listeners) close(l->fd);
  close(impl_->wake[0]);
  close(impl_->wake[1]);
}

uint16_t LoopbackServers::add(Behaviour b, std::string text, bool v6) {
  const int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_storage sa{};
  socklen_t len;
  if (v6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&sa);
    a->sin6_family = AF_INET6;
    a->sin6_addr = in6addr_loopback;
    len = sizeof *a;
  } else {
    auto* a = reinterpret_cast<sockaddr_in*>(&sa);
    a->sin_family = AF_INET;
    a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    len = sizeof *a;
  }
  if (bind(fd, reinterpret_cast<sockaddr*>(&sa), len) != 0 || listen(fd, 4096) != 0)
    throw std::runtime_error(std::string("loopback listener: ") + std::strerror(errno));
  getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
  const uint16_t port = ntohs(v6 ? reinterpret_cast<sockaddr_in6*>(&sa)->sin6_port
                                 : reinterpret_cast<sockaddr_in*>(&sa)->sin_port);
  impl_->listeners.push_back(std::make_unique<Impl::Listener>(Impl::Listener{fd, b, std::move(text)}));
  return port;
}

uint16_t LoopbackServers::closed_port() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  bind(fd, reinterpret_cast<sockaddr*>(&a), len);
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

void LoopbackServers::start() {
  impl_->thread = std::thread([this] {
    Impl& m = *impl_;
    while (!m.stop) {
      std::vector<pollfd> fds;
      fds.push_back({m.wake[0], POLLIN, 0});
      for (auto& l : m.listeners) fds.push_back({l->fd, POLLIN, 0});
      for (auto& c : m.conns) fds.push_back({c.fd, POLLIN, 0});
      if (poll(fds.data(), fds.size(), 100) <= 0) continue;
      for (size_t i = 0; i < m.listeners.size(); ++i) {
        if (!(fds[1 + i].revents & POLLIN)) continue;
        const int c = accept4(m.listeners[i]->fd, nullptr, nullptr, SOCK_CLOEXEC);
        if (c < 0) continue;
        ++accepted_;
        const auto* l = m.listeners[i].get();
        if (l->b == Behaviour::kClose) {
          close(c);
          continue;
        }
        Impl::Conn conn{c, l};
        if (l->b == Behaviour::kGreet) [[maybe_unused]] auto n = write(c, l->text.data(), l->text.size());
        if (l->b == Behaviour::kTlsGreet || l->b == Behaviour::kTlsAnswer) {
          const timeval tv{3, 0};  // a client that never says hello cannot hold the thread
          setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
          conn.ssl = SSL_new(server_context());
          SSL_set_fd(conn.ssl, c);
          // Blocking accept on loopback: the client is our own engine, it answers at once.
          if (SSL_accept(conn.ssl) != 1) {
            SSL_free(conn.ssl);
            close(c);
            continue;
          }
          if (l->b == Behaviour::kTlsGreet) SSL_write(conn.ssl, l->text.data(), int(l->text.size()));
        }
        m.conns.push_back(conn);
      }
      const size_t base = 1 + m.listeners.size();
      std::vector<Impl::Conn> keep;
      for (size_t i = 0; i < m.conns.size(); ++i) {
        auto& c = m.conns[i];
        if (i + base >= fds.size() || !(fds[base + i].revents & (POLLIN | POLLHUP | POLLERR))) {
          keep.push_back(c);
          continue;
        }
        char buf[4096];
        const int n = c.ssl ? SSL_read(c.ssl, buf, sizeof buf) : int(read(c.fd, buf, sizeof buf));
        const bool answers = c.l->b == Behaviour::kAnswer || c.l->b == Behaviour::kTlsAnswer;
        if (n > 0 && answers && !c.answered) {
          c.answered = true;
          if (c.ssl) SSL_write(c.ssl, c.l->text.data(), int(c.l->text.size()));
          else [[maybe_unused]] auto w = write(c.fd, c.l->text.data(), c.l->text.size());
        }
        if (n <= 0 || (answers && c.answered)) {
          if (c.ssl) {
            SSL_shutdown(c.ssl);
            SSL_free(c.ssl);
          }
          close(c.fd);
          continue;
        }
        keep.push_back(c);
      }
      m.conns = std::move(keep);
    }
  });
}

}  // namespace portauth::service::testing
