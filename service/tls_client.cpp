#include "service/tls_client.h"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <ctime>

#include "service/text_scan.h"

namespace portauth::service {
namespace {

// One context for every connection: built once, read-only afterwards (OpenSSL allows sharing
// an SSL_CTX between threads once configured).
SSL_CTX* context() {
  static SSL_CTX* ctx = [] {
    SSL_CTX* c = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_verify(c, SSL_VERIFY_NONE, nullptr);
    // Identification must reach old servers too: every version and cipher OpenSSL still has.
    SSL_CTX_set_security_level(c, 0);
    SSL_CTX_set_min_proto_version(c, 0);
    SSL_CTX_set_cipher_list(c, "ALL:@SECLEVEL=0");
    SSL_CTX_set_options(c, SSL_OP_LEGACY_SERVER_CONNECT | SSL_OP_IGNORE_UNEXPECTED_EOF);
    SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
    return c;
  }();
  return ctx;
}

std::string name_text(const X509_NAME* name) {
  if (!name) return {};
  BIO* b = BIO_new(BIO_s_mem());
  X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  const long n = BIO_get_mem_data(b, &data);
  std::string out = text::printable(std::string_view(data, n > 0 ? size_t(n) : 0), 300);
  BIO_free(b);
  return out;
}

std::string time_text(const ASN1_TIME* t) {
  std::tm tm{};
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return {};
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

struct TlsClient::Impl {
  SSL* ssl = nullptr;
  BIO* in = nullptr;   // socket -> OpenSSL (owned by ssl)
  BIO* out = nullptr;  // OpenSSL -> socket (owned by ssl)
  unsigned long err = 0;
};

TlsClient::TlsClient() : impl_(std::make_unique<Impl>()) {
  impl_->ssl = SSL_new(context());
  impl_->in = BIO_new(BIO_s_mem());
  impl_->out = BIO_new(BIO_s_mem());
  BIO_set_mem_eof_return(impl_->in, -1);  // "no data yet", not end of stream
  SSL_set_bio(impl_->ssl, impl_->in, impl_->out);
  SSL_set_connect_state(impl_->ssl);
}

TlsClient::~TlsClient() { SSL_free(impl_->ssl); }

void TlsClient::feed(std::string_view raw) {
  if (raw_.size() < kBannerCap) raw_.append(raw.substr(0, kBannerCap - raw_.size()));
  BIO_write(impl_->in, raw.data(), int(raw.size()));
}

TlsClient::Step TlsClient::handshake() {
  ERR_clear_error();
  const int r = SSL_do_handshake(impl_->ssl);
  if (r == 1) return Step::kDone;
  const int e = SSL_get_error(impl_->ssl, r);
  if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return Step::kWant;
  impl_->err = ERR_peek_last_error();
  return Step::kFailed;
}

std::string TlsClient::take_output() {
  std::string out;
  char buf[4096];
  int n;
  while ((n = BIO_read(impl_->out, buf, sizeof buf)) > 0) out.append(buf, size_t(n));
  return out;
}

void TlsClient::write(std::string_view plain) {
  if (!plain.empty()) SSL_write(impl_->ssl, plain.data(), int(plain.size()));
}

std::string TlsClient::read(size_t cap, bool& closed) {
  std::string out;
  char buf[4096];
  while (out.size() < cap) {
    ERR_clear_error();
    const int n = SSL_read(impl_->ssl, buf, int(sizeof buf));
    if (n > 0) {
      out.append(buf, size_t(n));
      continue;
    }
    const int e = SSL_get_error(impl_->ssl, n);
    if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) closed = true;  // close_notify or an error
    break;
  }
  if (out.size() > cap) out.resize(cap);
  return out;
}

TlsFacts TlsClient::facts() const {
  TlsFacts f;
  f.version = SSL_get_version(impl_->ssl);
  if (const char* c = SSL_get_cipher_name(impl_->ssl)) f.cipher = c;
  X509* cert = SSL_get1_peer_certificate(impl_->ssl);
  if (!cert) return f;
  f.subject = name_text(X509_get_subject_name(cert));
  f.issuer = name_text(X509_get_issuer_name(cert));
  f.not_before = time_text(X509_get0_notBefore(cert));
  f.not_after = time_text(X509_get0_notAfter(cert));
  // Self-signed: it names itself as issuer and its own key verifies its signature.
  EVP_PKEY* key = X509_get0_pubkey(cert);
  f.self_signed = X509_check_issued(cert, cert) == X509_V_OK && key && X509_verify(cert, key) == 1;
  if (auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr))) {
    const int n = sk_GENERAL_NAME_num(names);
    for (int i = 0; i < n && f.san.size() < 32; ++i) {
      const GENERAL_NAME* g = sk_GENERAL_NAME_value(names, i);
      if (g->type == GEN_DNS) {
        const ASN1_STRING* s = g->d.dNSName;
        f.san.push_back("DNS:" + text::printable(std::string_view(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                                                                  size_t(ASN1_STRING_length(s))), 255));
      } else if (g->type == GEN_IPADD) {
        const ASN1_OCTET_STRING* s = g->d.iPAddress;
        char buf[INET6_ADDRSTRLEN] = {};
        const int len = ASN1_STRING_length(s);
        if ((len == 4 && inet_ntop(AF_INET, ASN1_STRING_get0_data(s), buf, sizeof buf)) ||
            (len == 16 && inet_ntop(AF_INET6, ASN1_STRING_get0_data(s), buf, sizeof buf)))
          f.san.push_back(std::string("IP:") + buf);
      }
    }
    GENERAL_NAMES_free(names);
  }
  X509_free(cert);
  return f;
}

std::string TlsClient::error() const {
  if (!impl_->err) return "handshake failed";
  char buf[256];
  ERR_error_string_n(impl_->err, buf, sizeof buf);
  return buf;
}

}  // namespace portauth::service
